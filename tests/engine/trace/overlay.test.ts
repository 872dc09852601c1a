import { describe, expect, it } from 'vitest';
import { VXLAN_POD_MTU, VXLAN_UDP_PORT } from '../../../src/engine/cni/vxlan';
import '../../../src/engine/proxy/all';
import { trace } from '../../../src/engine/trace';
import type { Trace } from '../../../src/engine/trace';
import { readObjects } from '../../../src/manifests';
import { resolveCluster } from '../../../src/model/resolve';
import type { Cluster } from '../../../src/model/types';
import bgpDocuments from '../../../src/scenarios/bgp.yaml';
import vxlanDocuments from '../../../src/scenarios/vxlan.yaml';

function load(documents: readonly unknown[]): Cluster {
  const read = readObjects(documents);
  expect(read.errors).toEqual([]);
  const resolved = resolveCluster(read.draft);
  if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
  return resolved.cluster;
}

const vxlan = load(vxlanDocuments);
const bgp = load(bgpDocuments);
const fromClient = { kind: 'pod', namespace: 'default', name: 'client' } as const;

/** One line per step, the outer header first while the packet is wrapped. */
function render(t: Trace): string {
  return (
    t.steps
      .map((s) => {
        const p = s.packet;
        const inner = s.inner
          ? ` [inner ${s.inner.protocol} ${s.inner.src}:${s.inner.sport} → ${s.inner.dst}:${s.inner.dport} ttl=${s.inner.ttl}]`
          : '';
        const rw = s.rewrite
          ? ` {${s.rewrite.field} ${s.rewrite.from} → ${s.rewrite.to} by ${s.rewrite.by}}`
          : '';
        const route = s.route !== undefined ? `\n      route: ${s.route}` : '';
        return `${String(s.index).padStart(2)} ${s.phase.padEnd(7)} ${s.kind.padEnd(11)} ${p.protocol} ${p.src}:${p.sport} → ${p.dst}:${p.dport} ttl=${p.ttl}${inner}${rw}\n      ${s.caption}${route}`;
      })
      .join('\n') + `\noutcome: ${JSON.stringify(t.outcome)}\n`
  );
}

/** Seed 1 (the default) sends the request to server-2, on the other node (so does the DNS query to CoreDNS). */
const crossNode = (cluster: Cluster): Trace =>
  trace(cluster, { from: fromClient, to: 'web-svc' }, { seed: 1 });

describe('VXLAN overlay (flannel), client → web-svc', () => {
  const t = crossNode(vxlan);

  it('matches the reviewed golden trace', async () => {
    expect(t.resolved?.backend?.ip).toBe('10.0.2.2');
    await expect(render(t)).toMatchFileSnapshot('./golden/vxlan-client-web-svc.txt');
  });

  it('routes the other podCIDR onto flannel.1, then wraps the packet node to node on UDP 8472, VNI 1', () => {
    const request = t.steps.filter((s) => s.phase === 'request');
    expect(request.map((s) => s.route)).toContain('10.0.2.0/24 via 10.0.2.0 dev flannel.1 onlink');
    const encap = request.find((s) => s.kind === 'encapsulate');
    expect(encap?.location).toMatchObject({ node: 'node-1', device: 'flannel.1' });
    expect(encap?.packet).toMatchObject({
      protocol: 'UDP',
      src: '10.100.0.2',
      dst: '10.100.0.3',
      dport: VXLAN_UDP_PORT,
    });
    expect(VXLAN_UDP_PORT).toBe(8472);
    expect(encap?.inner).toMatchObject({ src: '10.0.1.3', dst: '10.0.2.2', dport: 8080 });
    // The inner packet is exactly the one that entered the device.
    expect(encap?.inner).toEqual(encap?.before);
    expect(encap?.caption).toContain('VNI 1');
    expect(encap?.detail).toContain(`MTU ${VXLAN_POD_MTU}`);
    expect(VXLAN_POD_MTU).toBe(1450);
  });

  it('shows the outer header on the wire and the inner one beside it, and the router is not in the path', () => {
    const encapAt = t.steps.findIndex((s) => s.phase === 'request' && s.kind === 'encapsulate');
    const decapAt = t.steps.findIndex((s) => s.phase === 'request' && s.kind === 'decapsulate');
    expect(decapAt).toBeGreaterThan(encapAt);
    const outerLeg = t.steps.slice(encapAt, decapAt);
    expect(outerLeg.map((s) => s.kind)).toEqual(['encapsulate', 'route', 'wire', 'wire']);
    for (const s of outerLeg) {
      expect(s.packet.dport).toBe(8472);
      expect(s.inner?.dst).toBe('10.0.2.2');
    }
    expect(outerLeg[1]?.route).toBe('10.100.0.0/24 dev eth0 proto kernel scope link src 10.100.0.2');
    expect(t.steps.some((s) => s.kind === 'router')).toBe(false);
  });

  it('unwraps on node-2 and delivers; the reply comes back wrapped the other way', () => {
    const exchange = t.steps.filter((s) => s.phase !== 'dns');
    const decap = exchange.filter((s) => s.kind === 'decapsulate');
    expect(decap.map((s) => s.location.node)).toEqual(['node-2', 'node-1']);
    expect(decap[0]?.packet).toMatchObject({ src: '10.0.1.3', dst: '10.0.2.2' });
    expect(decap[0]?.inner).toBeUndefined();
    const encap = exchange.filter((s) => s.kind === 'encapsulate');
    expect(encap[1]?.packet).toMatchObject({ src: '10.100.0.3', dst: '10.100.0.2', dport: 8472 });
    expect(t.outcome).toEqual({ status: 'delivered' });
    expect(t.steps.at(-1)?.packet.src).toBe('10.3.241.152');
  });

  it('wraps the DNS query to CoreDNS on node-2 too (after the DNAT)', () => {
    const dnsEncap = t.steps.find((s) => s.phase === 'dns' && s.kind === 'encapsulate');
    expect(dnsEncap?.inner).toMatchObject({ protocol: 'UDP', dst: '10.0.2.3', dport: 53 });
  });

  it('uses one outer source port per flow', () => {
    const again = crossNode(vxlan);
    const ports = (x: Trace) => x.steps.filter((s) => s.kind === 'encapsulate').map((s) => s.packet.sport);
    expect(ports(again)).toEqual(ports(t));
    for (const port of ports(t)) {
      expect(port).toBeGreaterThanOrEqual(32768);
      expect(port).toBeLessThanOrEqual(60999);
    }
  });

  it('leaves the router only its connected route', () => {
    expect(vxlan.network.router.routes.map((r) => r.destination)).toEqual(['10.100.0.0/24']);
  });
});

describe('BGP routing (Calico-style), client → web-svc', () => {
  const t = crossNode(bgp);

  it('matches the reviewed golden trace', async () => {
    expect(t.resolved?.backend?.ip).toBe('10.0.2.2');
    await expect(render(t)).toMatchFileSnapshot('./golden/bgp-client-web-svc.txt');
  });

  it('sends straight to the peer eth0 by the learned route, unencapsulated, without the router', () => {
    const request = t.steps.filter((s) => s.phase === 'request');
    expect(request.map((s) => s.route)).toContain('10.0.2.0/24 via 10.100.0.3 dev eth0 proto bird');
    expect(t.steps.some((s) => s.kind === 'encapsulate' || s.kind === 'router')).toBe(false);
    expect(t.steps.some((s) => s.inner !== undefined)).toBe(false);
    const wires = request.filter((s) => s.kind === 'wire');
    expect(wires.map((s) => s.location.node)).toEqual(['node-1', 'node-2']);
    expect(wires[0]?.packet).toMatchObject({ src: '10.0.1.3', dst: '10.0.2.2' });
    expect(t.outcome).toEqual({ status: 'delivered' });
  });
});
