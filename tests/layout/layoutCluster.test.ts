import { describe, expect, it } from 'vitest';
import {
  GROUP_PODS_BELOW,
  anchorIds,
  bridgeId,
  contains,
  kubeProxyId,
  layoutCluster,
  levelOfDetail,
  nodeId,
  overlaps,
  parseElementId,
  pathBetween,
  podId,
  routeId,
  serviceId,
  vethId,
  type Layout,
  type Rect,
} from '../../src/layout';
import { makeLargeCluster } from '../fixtures/largeCluster';
import { seedCluster } from '../fixtures/seedCluster';

function snapshot(layout: Layout): unknown {
  return JSON.parse(
    JSON.stringify({ ...layout, boxes: [...layout.boxes], anchors: [...layout.anchors] }),
  ) as unknown;
}

function podBoxes(layout: Layout): Rect[] {
  return [...layout.boxes.values()].filter((b) => b.kind === 'pod').map((b) => b.box);
}

function firstOverlap(boxes: readonly Rect[]): [Rect, Rect] | null {
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i] as Rect;
      const b = boxes[j] as Rect;
      if (overlaps(a, b)) return [a, b];
    }
  }
  return null;
}

describe('layoutCluster', () => {
  const layout = layoutCluster(seedCluster);

  it('is deterministic: the same cluster gives the same coordinates', () => {
    expect(snapshot(layoutCluster(seedCluster))).toEqual(snapshot(layout));
    // A structurally equal copy (not the same object) too.
    const copy = JSON.parse(JSON.stringify(seedCluster)) as typeof seedCluster;
    expect(snapshot(layoutCluster(copy))).toEqual(snapshot(layout));
  });

  it('gives every node, bridge, kube-proxy, pod, veth, route and Service a box', () => {
    const ids = [
      'router',
      'node-network',
      'service-network',
      ...seedCluster.nodes.flatMap((n) => [nodeId(n.name), bridgeId(n.name), kubeProxyId(n.name)]),
      ...seedCluster.pods.flatMap((p) => [podId(p), vethId(p)]),
      ...seedCluster.network.router.routes.map((r) => routeId(r.destination)),
      ...seedCluster.services.map((s) => serviceId(s)),
    ];
    for (const id of ids) {
      const entry = layout.boxes.get(id);
      expect(entry, id).toBeDefined();
      expect(entry?.box.width, id).toBeGreaterThan(0);
      expect(entry?.box.height, id).toBeGreaterThan(0);
    }
    expect(layout.boxes.get('pod:default/client')?.kind).toBe('pod');
    expect(layout.boxes.get('route:10.0.1.0/24')?.kind).toBe('route');
  });

  it('puts each pod inside its node, below the bridge, with no two pods overlapping', () => {
    for (const node of layout.nodes) {
      for (const pod of node.pods) {
        expect(contains(node.box, pod.box), pod.id).toBe(true);
        expect(pod.box.y).toBeGreaterThan(node.bridge.box.y + node.bridge.box.height);
        expect(contains(node.podGroup.box, pod.box), pod.id).toBe(true);
      }
    }
    expect(firstOverlap(podBoxes(layout))).toBeNull();
    expect(firstOverlap(layout.nodes.map((n) => n.box))).toBeNull();
  });

  it('keeps the service network apart: it overlaps no node and no wire reaches a ClusterIP', () => {
    const plane = layout.serviceNetwork.box;
    for (const node of layout.nodes) expect(overlaps(plane, node.box)).toBe(false);
    expect(overlaps(plane, layout.router.deviceBox)).toBe(false);
    for (const svc of layout.serviceNetwork.services) {
      expect(contains(plane, svc.box)).toBe(true);
      const anchor = anchorIds.service(svc);
      expect(layout.wires.some((w) => w.from === anchor || w.to === anchor)).toBe(false);
    }
    expect(layout.serviceNetwork.caption.map((l) => l.text).join(' ')).toBe(
      'service network 10.3.240.0/20 — no route: nothing in any route table points here',
    );
  });

  it('labels devices with their addresses', () => {
    const node1 = layout.nodes.find((n) => n.name === 'node-1');
    expect(node1?.eth0.label.text).toBe('eth0 10.100.0.2');
    expect(node1?.bridge.name.text).toBe('cbr0 10.0.1.1');
    expect(node1?.bridge.cidr.text).toBe('podCIDR 10.0.1.0/24');
    const client = node1?.pods.find((p) => p.name === 'client');
    expect(client?.eth0.label.text).toBe('eth0 10.0.1.3');
    expect(client?.veth?.hostLabel.text).toBe('veth5e6f7a8b');
    expect(client?.containers.map((c) => c.label.text)).toEqual(['pause', 'curl']);
    const coredns = layout.nodes[1]?.pods.find((p) => p.namespace === 'kube-system');
    expect(coredns?.tag?.label.text).toBe('cluster DNS');
    const dns = layout.serviceNetwork.services.find((s) => s.name === 'kube-dns');
    expect(dns?.isClusterDns).toBe(true);
    expect(dns?.lines.map((l) => l.text)).toEqual([
      'kube-system/kube-dns',
      'ClusterIP 10.3.240.10',
      '53/UDP,53/TCP,9153/TCP',
    ]);
    const web = layout.serviceNetwork.services.find((s) => s.name === 'web-svc');
    expect(web?.lines.map((l) => l.text)).toEqual([
      'default/web-svc',
      'ClusterIP 10.3.241.152',
      '80/TCP→8080',
    ]);
    expect(web?.endpointLinks.map((e) => e.to)).toEqual(['pod:default/server-1', 'pod:default/server-2']);
    expect(layout.router.table.rows.map((r) => [r.destination.text, r.nextHop.text])).toEqual([
      ['10.0.1.0/24', '10.100.0.2'],
      ['10.0.2.0/24', '10.100.0.3'],
    ]);
  });

  it('walks the wiring between anchors: pod to pod across nodes passes veth, bridge, eth0 and the router', () => {
    const client = { namespace: 'default', name: 'client' };
    const server2 = { namespace: 'default', name: 'server-2' };
    const path = pathBetween(layout, anchorIds.podEth0(client), anchorIds.podEth0(server2));
    expect(path?.via).toEqual([
      'wire:veth:default/client',
      'wire:bridge:default/client',
      'wire:host:node-1',
      'wire:uplink:node-1',
      'wire:bus:node-1',
      'wire:bus:node-2',
      'wire:uplink:node-2',
      'wire:host:node-2',
      'wire:bridge:default/server-2',
      'wire:veth:default/server-2',
    ]);
    expect(path?.points[0]).toEqual(layout.anchors.get(anchorIds.podEth0(client)));
    expect(path?.points.at(-1)).toEqual(layout.anchors.get(anchorIds.podEth0(server2)));
    expect(path?.d.startsWith('M')).toBe(true);
    // No wire leads to a ClusterIP.
    expect(
      pathBetween(
        layout,
        anchorIds.pod(client),
        anchorIds.service({ namespace: 'default', name: 'web-svc' }),
      ),
    ).toBeNull();
  });
});

describe('ids', () => {
  it('reads every id back', () => {
    expect(parseElementId('pod:kube-system/coredns-7c65d6cfc9-x2kbq')).toEqual({
      kind: 'pod',
      namespace: 'kube-system',
      name: 'coredns-7c65d6cfc9-x2kbq',
    });
    expect(parseElementId('svc:default/web-svc')).toEqual({
      kind: 'service',
      namespace: 'default',
      name: 'web-svc',
    });
    expect(parseElementId('route:10.0.1.0/24')).toEqual({ kind: 'route', destination: '10.0.1.0/24' });
    expect(parseElementId('bridge:node-1')).toEqual({ kind: 'bridge', node: 'node-1' });
    expect(parseElementId('router')).toEqual({ kind: 'router' });
    expect(parseElementId('nonsense')).toBeNull();
  });
});

describe('scale', () => {
  it('groups pods per node when zoomed out', () => {
    expect(levelOfDetail(1)).toBe('detail');
    expect(levelOfDetail(GROUP_PODS_BELOW - 0.01)).toBe('grouped');
    expect(levelOfDetail(0.05)).toBe('overview');
    const layout = layoutCluster(makeLargeCluster(3, 20));
    for (const node of layout.nodes) {
      expect(node.podGroup.label.text).toBe('20 pods');
      for (const pod of node.pods) expect(contains(node.podGroup.box, pod.box)).toBe(true);
    }
  });

  it('lays out 10 nodes × 10 pods in a grid with nothing overlapping', () => {
    const layout = layoutCluster(makeLargeCluster(10, 10));
    expect(firstOverlap(podBoxes(layout))).toBeNull();
    expect(firstOverlap(layout.nodes.map((n) => n.box))).toBeNull();
    const rows = new Set(layout.nodes.map((n) => n.box.y));
    expect(rows.size).toBeGreaterThan(1);
    expect(layout.width / layout.height).toBeGreaterThan(0.7);
    expect(layout.width / layout.height).toBeLessThan(2.5);
  });

  it('completes for 50 nodes × 20 pods', () => {
    const cluster = makeLargeCluster(50, 20);
    const layout = layoutCluster(cluster);
    expect(layout.nodes).toHaveLength(50);
    expect(podBoxes(layout)).toHaveLength(1000);
    expect(firstOverlap(layout.nodes.map((n) => n.box))).toBeNull();
    expect(layout.router.table.rows).toHaveLength(50);
    const last = cluster.pods.at(-1);
    if (!last) throw new Error('no pods');
    expect(
      pathBetween(layout, anchorIds.podEth0(cluster.pods[0] ?? last), anchorIds.podEth0(last)),
    ).not.toBeNull();
  });
});

describe('the devices row (VTEP, kube-ipvs0)', () => {
  it('gives each node a row under its pods, inside the node, only when ipvs or vxlan needs one', () => {
    const cluster = seedCluster;
    const plain = layoutCluster(cluster);
    expect(plain.nodes.every((n) => n.devices === undefined)).toBe(true);

    const ipvs = layoutCluster(cluster, { proxyMode: 'ipvs' });
    for (const node of ipvs.nodes) {
      const row = node.devices;
      if (!row) throw new Error(`${node.name} has no devices row`);
      expect(contains(node.box, row)).toBe(true);
      // Below every pod of the node, so a badge there covers none of them.
      for (const pod of node.pods) expect(pod.box.y + pod.box.height).toBeLessThanOrEqual(row.y);
      const before = plain.nodes.find((n) => n.name === node.name);
      expect(node.box.height).toBeGreaterThan(before?.box.height ?? Infinity);
    }
  });
});
