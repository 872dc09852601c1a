import { describe, expect, it } from 'vitest';
import { buildUserspaceDataplane, userspaceMode } from '../../../../src/engine/proxy/userspace';
import type { HookContext, HookResult, NfPacket, NodeDataplane } from '../../../../src/engine/proxy/types';
import { createRng } from '../../../../src/engine/rng';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';

function ctx(extra: Partial<HookContext> = {}): HookContext {
  return { rng: createRng(7), conntrack: { state: 'NEW' }, now: 0, ...extra };
}

function tcp(src: string, dst: string, dport: number, sport = 41234): NfPacket {
  return { protocol: 'TCP', src, sport, dst, dport };
}

/** Every id a HookResult names must be a line of rules(), printed with the same text. */
function expectIdsInRules(dp: NodeDataplane, result: HookResult): void {
  const lines = new Map<string, string>();
  for (const section of dp.rules().sections) for (const l of section.lines) if (l.id) lines.set(l.id, l.text);
  for (const rule of [...result.walked, ...(result.decidedBy ? [result.decidedBy] : [])]) {
    expect(lines.has(rule.id), rule.id).toBe(true);
    expect(lines.get(rule.id)).toBe(rule.text);
  }
}

describe('userspace hooks on node-1 of the default cluster', () => {
  const dp = buildUserspaceDataplane(defaultCluster(), 'node-1');

  it('is the mode the module describes', () => {
    expect(userspaceMode.mode).toBe('userspace');
    expect(userspaceMode.followsVersion).toBe('v1.25');
    expect(userspaceMode.status).toMatch(/removed in Kubernetes v1\.26/);
    expect(dp.extraLocalAddresses).toEqual([]);
    expect(dp.rules().sections.map((s) => s.command)).toEqual([
      'iptables-save',
      'ss -ltunp | grep kube-proxy',
    ]);
  });

  it('PREROUTING: client → 10.3.241.152:80 hits KUBE-PORTALS-CONTAINER and is redirected to 10400', () => {
    const result = dp.hook('PREROUTING', tcp('10.0.1.3', '10.3.241.152', 80), ctx({ inDevice: 'cbr0' }));
    expect(result.tables).toEqual(['nat']);
    expect(result.walked.map((w) => [w.id, w.matched])).toEqual([
      ['nat/PREROUTING/1', true],
      ['nat/KUBE-PORTALS-CONTAINER/1', true],
    ]);
    expect(result.decidedBy?.id).toBe('nat/KUBE-PORTALS-CONTAINER/1');
    expect(result.decidedBy?.text).toBe(
      '-A KUBE-PORTALS-CONTAINER -d 10.3.241.152/32 -p tcp -m comment --comment "default/web-svc:http" -m tcp --dport 80 -j REDIRECT --to-ports 10400',
    );
    expect(result.redirect).toEqual({ port: 10400 });
    expect(result.dnat).toBeUndefined();
    // REDIRECT changes the port here; the trace engine sets the address to cbr0's (the incoming interface).
    expect(result.packet).toEqual(tcp('10.0.1.3', '10.3.241.152', 10400));
    expect(result.verdict).toBe('ACCEPT');
    expect(result.summary).toContain('10400');
    expectIdsInRules(dp, result);
  });

  it('OUTPUT: the node itself → 10.3.241.152:80 hits KUBE-PORTALS-HOST and is DNATed to the node IP', () => {
    const result = dp.hook('OUTPUT', tcp('10.100.0.2', '10.3.241.152', 80), ctx());
    expect(result.tables).toEqual(['nat', 'filter']);
    expect(result.decidedBy?.id).toBe('nat/KUBE-PORTALS-HOST/1');
    expect(result.dnat).toEqual({ ip: '10.100.0.2', port: 10400 });
    expect(result.packet.dst).toBe('10.100.0.2');
    expect(result.packet.dport).toBe(10400);
    expect(result.summary).toContain('10.100.0.2:10400');
    expectIdsInRules(dp, result);
  });

  it('PREROUTING: a DNS query to 10.3.240.10:53/UDP goes to the UDP proxy port of kube-dns:dns', () => {
    const packet: NfPacket = { protocol: 'UDP', src: '10.0.1.3', sport: 5353, dst: '10.3.240.10', dport: 53 };
    const result = dp.hook('PREROUTING', packet, ctx({ inDevice: 'cbr0' }));
    const udpPort = dp.proxier.servicePorts.find((p) => p.name === 'kube-system/kube-dns:dns')?.proxyPort;
    expect(result.decidedBy?.id).toBe('nat/KUBE-PORTALS-CONTAINER/2');
    expect(result.redirect).toEqual({ port: udpPort });
    expectIdsInRules(dp, result);
  });

  it("OUTPUT: kube-proxy's own connection to a backend passes every chain untouched", () => {
    const result = dp.hook('OUTPUT', tcp('10.0.1.1', '10.0.2.2', 8080, 50000), ctx());
    expect(result.decidedBy).toBeNull();
    expect(result.dnat).toBeUndefined();
    expect(result.redirect).toBeUndefined();
    expect(result.packet).toEqual(tcp('10.0.1.1', '10.0.2.2', 8080, 50000));
    expect(result.walked.map((w) => w.id)).toEqual([
      'nat/OUTPUT/1',
      'nat/KUBE-PORTALS-HOST/1',
      'nat/KUBE-PORTALS-HOST/2',
      'nat/KUBE-PORTALS-HOST/3',
      'nat/KUBE-PORTALS-HOST/4',
      'nat/OUTPUT/2',
    ]);
    expectIdsInRules(dp, result);
  });

  it('does not walk the nat table for an ESTABLISHED packet', () => {
    const result = dp.hook(
      'PREROUTING',
      tcp('10.0.1.3', '10.3.241.152', 80),
      ctx({ conntrack: { state: 'ESTABLISHED' } }),
    );
    expect(result.tables).toEqual([]);
    expect(result.walked).toEqual([]);
    expect(result.redirect).toBeUndefined();
  });

  it('lets the filter INPUT jump to KUBE-NODEPORT-NON-LOCAL for a redirected connection', () => {
    const result = dp.hook('INPUT', tcp('10.0.1.3', '10.0.1.1', 10400), ctx({ inDevice: 'cbr0' }));
    expect(result.walked.map((w) => w.id)).toEqual(['filter/INPUT/1']);
    expect(result.verdict).toBe('ACCEPT');
    expectIdsInRules(dp, result);
  });
});

describe('userspace hooks for a NodePort service', () => {
  const p = { name: 'p80', protocol: 'TCP' as const, port: 8080 };
  const cluster = makeCluster({
    services: [
      makeService('ns', 'np', [tcpPort('p80', 80, { nodePort: 30080, targetPort: 8080 })], {
        type: 'NodePort',
        clusterIP: '172.30.0.41',
      }),
    ],
    endpointSlices: [makeSlice('ns', 'np', [{ ip: '10.180.1.5' }], [p])],
  });
  const dp = buildUserspaceDataplane(cluster, TEST_NODE);
  const proxyPort = dp.proxier.servicePorts[0]?.proxyPort ?? 0;

  it('redirects a packet to <node IP>:<nodePort> from outside through KUBE-NODEPORT-CONTAINER', () => {
    const result = dp.hook(
      'PREROUTING',
      tcp('203.0.113.50', '192.168.0.2', 30080),
      ctx({ inDevice: 'eth0' }),
    );
    expect(result.walked.map((w) => [w.id, w.matched])).toEqual([
      ['nat/PREROUTING/1', true],
      ['nat/KUBE-PORTALS-CONTAINER/1', false],
      ['nat/PREROUTING/2', true],
      ['nat/KUBE-NODEPORT-CONTAINER/1', true],
    ]);
    expect(result.redirect).toEqual({ port: proxyPort });
    expectIdsInRules(dp, result);
  });

  it('DNATs a node-local connection to the NodePort to <hostIP>:<proxyPort>', () => {
    const result = dp.hook('OUTPUT', tcp('192.168.0.2', '192.168.0.2', 30080), ctx());
    expect(result.decidedBy?.chain).toBe('KUBE-NODEPORT-HOST');
    expect(result.dnat).toEqual({ ip: '192.168.0.2', port: proxyPort });
    expectIdsInRules(dp, result);
  });

  it('accepts the new connection to the proxy port in KUBE-NODEPORT-NON-LOCAL', () => {
    const result = dp.hook('INPUT', tcp('203.0.113.50', '192.168.0.2', proxyPort), ctx({ inDevice: 'eth0' }));
    expect(result.decidedBy?.id).toBe('filter/KUBE-NODEPORT-NON-LOCAL/1');
    expect(result.verdict).toBe('ACCEPT');
    expect(result.summary).toContain('KUBE-NODEPORT-NON-LOCAL');
    expectIdsInRules(dp, result);
  });

  it('does not redirect the nodePort on an address that is not the node', () => {
    const result = dp.hook(
      'PREROUTING',
      tcp('203.0.113.50', '203.0.113.99', 30080),
      ctx({ inDevice: 'eth0' }),
    );
    expect(result.redirect).toBeUndefined();
    expect(result.decidedBy).toBeNull();
  });
});
