import { describe, expect, it } from 'vitest';
import '../../../src/engine/proxy/all';
import { lookupRoute, routeTable } from '../../../src/engine/routing';
import { trace, type Trace } from '../../../src/engine/trace';
import { exportClusterYaml, importManifests, readObjects } from '../../../src/manifests';
import { resolveCluster } from '../../../src/model/resolve';
import type { Cluster } from '../../../src/model/types';
import dockerDocuments from '../../../src/scenarios/docker0.yaml';
import { scenarioMeta } from '../../../src/scenarios/catalog';
import { findKeyStep } from '../../../src/scenarios/keyStep';
import { loadScenario } from '../../../src/scenarios/load';

function resolveDocs(documents: readonly unknown[]) {
  const read = readObjects(documents);
  expect(read.errors).toEqual([]);
  return resolveCluster(read.draft);
}

function load(documents: readonly unknown[]): Cluster {
  const resolved = resolveDocs(documents);
  if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
  return resolved.cluster;
}

/** A copy of `object` without `key` (a draft field left out, as if the input never gave it). */
function without<T extends object, K extends keyof T>(object: T, key: K): Omit<T, K> {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== key)) as Omit<T, K>;
}

const cluster = load(dockerDocuments);
const client = { kind: 'pod', namespace: 'default', name: 'client' } as const;
const podIP = (name: string) => cluster.pods.find((p) => p.name === name)?.podIP;

function render(t: Trace): string {
  return (
    t.steps
      .map((s) => {
        const p = s.packet;
        const route = s.route !== undefined ? `\n      route: ${s.route}` : '';
        return `${String(s.index).padStart(2)} ${s.phase.padEnd(7)} ${s.kind.padEnd(9)} ${s.location.node ?? 'router'} ${p.protocol} ${p.src}:${p.sport} → ${p.dst}:${p.dport} ttl=${p.ttl}\n      ${s.caption}${route}`;
      })
      .join('\n') + `\noutcome: ${JSON.stringify(t.outcome)}\n`
  );
}

describe("Docker's default bridge (cniMode docker-bridge)", () => {
  it('gives every node docker0 172.17.0.1 on the same 172.17.0.0/16, and the same addresses on both nodes', () => {
    expect(cluster.network.cniMode).toBe('docker-bridge');
    expect(cluster.nodes.map((n) => [n.name, n.bridge.name, n.bridge.ip, n.podCIDR])).toEqual([
      ['node-1', 'docker0', '172.17.0.1', '172.17.0.0/16'],
      ['node-2', 'docker0', '172.17.0.1', '172.17.0.0/16'],
    ]);
    expect(podIP('server-1')).toBe('172.17.0.2');
    expect(podIP('server-2')).toBe('172.17.0.2');
    expect(podIP('client')).toBe(podIP('cache'));
    // The router knows no container subnet at all.
    expect(cluster.network.router.routes).toEqual([{ destination: '10.100.0.0/24', dev: 'eth0' }]);
  });

  it('lets Docker IPAM hand out the same addresses per node when none are given, and says so in a note', () => {
    const read = readObjects(dockerDocuments);
    const draft = {
      ...read.draft,
      pods: read.draft.pods.map((p) => without(p, 'podIP')),
    };
    const resolved = resolveCluster(draft);
    if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
    const byNode = (node: string) =>
      resolved.cluster.pods.filter((p) => p.nodeName === node).map((p) => p.podIP);
    expect(byNode('node-1')).toEqual(['172.17.0.2', '172.17.0.3']);
    expect(byNode('node-2')).toEqual(['172.17.0.2', '172.17.0.3', '172.17.0.4']);
    expect(resolved.notes.join('\n')).toMatch(
      /docker-bridge mode: .*same address may be held on several nodes/,
    );
  });

  it('still refuses the same address twice on ONE node, and in any other mode across nodes', () => {
    const read = readObjects(dockerDocuments);
    const twice = resolveCluster({
      ...read.draft,
      pods: read.draft.pods.map((p) => (p.name === 'client' ? { ...p, podIP: '172.17.0.2' } : p)),
    });
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.errors.map((e) => e.code)).toContain('duplicate-address');

    const kubenet = resolveCluster({
      ...read.draft,
      network: { ...read.draft.network, cniMode: 'gateway-routes', bridgeName: 'cbr0' },
      nodes: read.draft.nodes.map((n) => without(n, 'podCIDR')),
    });
    expect(kubenet.ok).toBe(false);
    if (!kubenet.ok) expect(kubenet.errors.some((e) => e.code === 'duplicate-address')).toBe(true);
  });

  it('exports and reads back as the same cluster (cni mode docker-bridge, repeated podIPs)', async () => {
    const yaml = await exportClusterYaml(cluster);
    expect(yaml).toContain('mode: docker-bridge');
    const read = await importManifests(yaml);
    expect(read.errors).toEqual([]);
    const back = resolveCluster(read.draft);
    if (!back.ok) throw new Error(back.errors.map((e) => e.describe()).join('; '));
    const strip = (c: Cluster) =>
      JSON.parse(JSON.stringify(c, (k, v: unknown) => (k === 'source' ? undefined : v)));
    expect(strip(back.cluster)).toEqual(strip(cluster));
  });

  it('rejects a node podCIDR that is not the shared docker0 subnet', () => {
    const read = readObjects(dockerDocuments);
    const resolved = resolveCluster({
      ...read.draft,
      nodes: read.draft.nodes.map((n) => (n.name === 'node-2' ? { ...n, podCIDR: '172.17.1.0/24' } : n)),
    });
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect(resolved.errors[0]?.message).toContain('every node');
  });

  it("routes 172.17.0.0/16 onto the pod's own link, and no node has a route to another node's containers", () => {
    const route = lookupRoute(
      routeTable(cluster, { kind: 'pod', namespace: 'default', name: 'client' }),
      '172.17.0.2',
    );
    expect(route).toMatchObject({ destination: '172.17.0.0/16', dev: 'eth0' });
    expect(route?.via).toBeUndefined();
    const node1 = routeTable(cluster, { kind: 'node', name: 'node-1' });
    expect(node1.filter((r) => r.destination === '172.17.0.0/16').map((r) => r.dev)).toEqual(['docker0']);
    expect(node1.every((r) => r.via === undefined || r.via === '10.100.0.1')).toBe(true);
  });

  describe("client on node-1 → 172.17.0.2 (server-2's address on node-2)", () => {
    const t = trace(cluster, { from: client, to: '172.17.0.2', port: 8080 });

    it('matches the reviewed golden trace', async () => {
      await expect(render(t)).toMatchFileSnapshot('./golden/docker0-client-172.17.0.2.txt');
    });

    it('never leaves node-1: no wire, no router, nothing on node-2 — and server-1 answers instead', () => {
      expect(t.steps.every((s) => s.location.node === 'node-1')).toBe(true);
      expect(t.steps.some((s) => s.kind === 'wire' || s.kind === 'router')).toBe(false);
      expect(t.outcome).toEqual({ status: 'delivered' });
      const delivered = t.steps.find((s) => s.phase === 'request' && s.kind === 'deliver');
      expect(delivered?.location.netns).toBe('pod:default/server-1');
      expect(t.steps.some((s) => s.location.netns === 'pod:default/server-2')).toBe(false);
    });

    it('says why in the captions: the same subnet on every node, the local twin takes it', () => {
      const route = t.steps.find((s) => s.phase === 'request' && s.kind === 'route');
      expect(route?.caption).toContain('the subnet of docker0 on EVERY node');
      expect(route?.caption).toContain('can never leave node-1');
      expect(route?.detail).toContain('unique podCIDR per node');
      const bridge = t.steps.find((s) => s.phase === 'request' && s.kind === 'bridge');
      expect(bridge?.caption).toContain('server-2 on node-2, with the very same address, never sees it');
    });

    it("the scenario's key step is that route decision", () => {
      const meta = scenarioMeta('docker0');
      const i = meta?.keyStep ? findKeyStep(t.steps, meta.keyStep) : null;
      expect(i === null ? '' : t.steps[i]?.caption).toContain('docker0 on EVERY node');
    });
  });

  it("an address only node-2 holds: client's ARP on docker0 goes unanswered and the SYN is never sent", () => {
    const t = trace(cluster, { from: client, to: '172.17.0.4', port: 8080 });
    expect(t.outcome.status).toBe('dropped');
    expect(t.steps.every((s) => s.location.node === 'node-1')).toBe(true);
    const request = t.steps.filter((s) => s.phase === 'request');
    expect(request.map((s) => s.kind)).toEqual(['send', 'route', 'drop']);
    const last = t.steps.at(-1);
    expect(last?.location).toMatchObject({ netns: 'pod:default/client', device: 'eth0' });
    expect(last?.at).toBe('eth0:default/client');
    expect(last?.caption).toContain(
      "ARP who-has 172.17.0.4 broadcast on node-1's docker0: no reply after 3 tries",
    );
    expect(last?.caption).toContain('worker on node-2 has that address');
    expect(last?.caption).toContain('the SYN never leaves client');
    expect(last?.caption).toContain('No route to host');
    expect(last?.detail).toContain('mcast_solicit=3');
    expect(last?.detail).toContain('never crosses the veth');
  });
});

describe('cbr0: the Kubernetes model, same request by pod IP', () => {
  const seed = loadScenario('cbr0');
  const meta = scenarioMeta('cbr0');
  const t = meta?.request ? trace(seed, meta.request) : null;

  it('gives each node its own podCIDR and reaches server-2 on node-2 through the router', () => {
    expect(new Set(seed.nodes.map((n) => n.podCIDR)).size).toBe(seed.nodes.length);
    expect(t?.outcome).toEqual({ status: 'delivered' });
    const delivered = t?.steps.find((s) => s.phase === 'request' && s.kind === 'deliver');
    expect(delivered?.location).toMatchObject({ node: 'node-2', netns: 'pod:default/server-2' });
    const i = meta?.keyStep && t ? findKeyStep(t.steps, meta.keyStep) : null;
    const step = i === null || !t ? undefined : t.steps[i];
    expect(step?.kind).toBe('router');
    expect(step?.route).toBe('10.0.2.0/24 via 10.100.0.3 dev eth0');
  });

  it("a free address of the pod's own podCIDR: ARP fails in the pod, nothing crosses the veth or cbr0", () => {
    const free = trace(seed, { from: client, to: '10.0.1.99', port: 8080 });
    expect(free.outcome.status).toBe('dropped');
    const request = free.steps.filter((s) => s.phase === 'request');
    expect(request.map((s) => s.kind)).toEqual(['send', 'route', 'drop']);
    expect(request[1]?.route).toBe('10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.3');
    const drop = request[2];
    expect(drop?.location).toMatchObject({ node: 'node-1', netns: 'pod:default/client', device: 'eth0' });
    expect(drop?.caption).toContain(
      "ARP who-has 10.0.1.99 broadcast on node-1's cbr0: no reply after 3 tries",
    );
    expect(drop?.caption).toContain('connect() fails with EHOSTUNREACH, "No route to host"');
  });

  it("a free address of another node's podCIDR: node-2 forwards, gets no ARP reply on cbr0, sends ICMP back", () => {
    const free = trace(seed, { from: client, to: '10.0.2.99', port: 8080 });
    expect(free.outcome.status).toBe('dropped');
    const drop = free.steps.at(-1);
    expect(drop?.kind).toBe('drop');
    expect(drop?.location).toMatchObject({ node: 'node-2', device: 'cbr0' });
    expect(drop?.caption).toContain("no pod on node-2's cbr0 answers ARP for 10.0.2.99");
    expect(drop?.detail).toContain('ICMP host unreachable (type 3, code 1) back to the sender');
    // Nothing was switched to a pod on node-2.
    expect(free.steps.some((s) => s.location.node === 'node-2' && s.kind === 'bridge')).toBe(false);
  });
});
