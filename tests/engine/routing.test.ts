import { describe, expect, it } from 'vitest';
import { formatRoute, routeTable } from '../../src/engine/routing';
import type { Cluster } from '../../src/model/types';
import { defaultCluster } from '../../src/scenarios';

const text = (cluster: Cluster, ref: Parameters<typeof routeTable>[1]) =>
  routeTable(cluster, ref).map(formatRoute);

describe('routing tables of the seed cluster', () => {
  const cluster = defaultCluster();

  it('sends everything but its own pod network to the bridge from inside a pod', () => {
    expect(text(cluster, { kind: 'pod', namespace: 'default', name: 'client' })).toEqual([
      'default via 10.0.1.1 dev eth0',
      '10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.3',
    ]);
  });

  it('gives a node its bridge network, its node network and a default route to the router', () => {
    expect(text(cluster, { kind: 'node', name: 'node-2' })).toEqual([
      'default via 10.100.0.1 dev eth0',
      '10.0.2.0/24 dev cbr0 proto kernel scope link src 10.0.2.1',
      '10.100.0.0/24 dev eth0 proto kernel scope link src 10.100.0.3',
    ]);
  });

  it('routes each podCIDR via its node on the router, as the seed table draws it', () => {
    const routes = routeTable(cluster, { kind: 'router' });
    expect(routes).toContainEqual(expect.objectContaining({ destination: '10.0.1.0/24', via: '10.100.0.2' }));
    expect(routes).toContainEqual(expect.objectContaining({ destination: '10.0.2.0/24', via: '10.100.0.3' }));
  });

  it('has no route anywhere into the service network', () => {
    const all = [
      ...routeTable(cluster, { kind: 'router' }),
      ...cluster.nodes.flatMap((n) => routeTable(cluster, { kind: 'node', name: n.name })),
      ...cluster.pods.flatMap((p) =>
        routeTable(cluster, { kind: 'pod', namespace: p.namespace, name: p.name }),
      ),
    ];
    expect(all.length).toBeGreaterThan(6);
    for (const route of all) expect(route.destination.startsWith('10.3.')).toBe(false);
  });

  it('adds peer routes per dataplane: VXLAN onlink via flannel.1, BGP via the peer with proto bird', () => {
    const vxlan: Cluster = { ...cluster, network: { ...cluster.network, cniMode: 'vxlan' } };
    expect(text(vxlan, { kind: 'node', name: 'node-1' })).toContain(
      '10.0.2.0/24 via 10.0.2.0 dev flannel.1 onlink',
    );
    const bgp: Cluster = { ...cluster, network: { ...cluster.network, cniMode: 'bgp' } };
    expect(text(bgp, { kind: 'node', name: 'node-1' })).toContain(
      '10.0.2.0/24 via 10.100.0.3 dev eth0 proto bird',
    );
  });

  it('returns nothing for a namespace that does not exist', () => {
    expect(routeTable(cluster, { kind: 'pod', namespace: 'default', name: 'nope' })).toEqual([]);
    expect(routeTable(cluster, { kind: 'node', name: 'nope' })).toEqual([]);
  });
});
