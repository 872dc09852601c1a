import { describe, expect, it } from 'vitest';
import { buildNftablesDataplane, nftablesMode } from '../../../../src/engine/proxy/nftables';
import { nftEndpointNames, nftServiceChainNames } from '../../../../src/engine/proxy/nftables/names';
import type { HookContext, NfPacket, NodeDataplane } from '../../../../src/engine/proxy/types';
import { createRng, type Rng } from '../../../../src/engine/rng';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE, TEST_NODE_IP } from '../fixtures';

const WEB = nftServiceChainNames('default', 'web-svc', 'tcp', 'http');
const SERVER_1 = nftEndpointNames('default', 'web-svc', 'tcp', 'http', '10.0.1.2', 8080).chain;
const SERVER_2 = nftEndpointNames('default', 'web-svc', 'tcp', 'http', '10.0.2.2', 8080).chain;

function ctx(rng: Rng, extra: Partial<HookContext> = {}): HookContext {
  return { rng, conntrack: { state: 'NEW' }, now: 0, inDevice: 'cbr0', ...extra };
}

function tcp(src: string, dst: string, dport: number, sport = 40000): NfPacket {
  return { protocol: 'TCP', src, sport, dst, dport };
}

/** Every rule line of the dataplane's rules view, by id. */
function ruleLines(dp: NodeDataplane): Map<string, string> {
  const out = new Map<string, string>();
  for (const section of dp.rules().sections) for (const l of section.lines) if (l.id) out.set(l.id, l.text);
  return out;
}

const p80 = { name: 'p80', protocol: 'TCP' as const, port: 80 };

describe('nftables walk: default cluster', () => {
  const dp = nftablesMode.build(defaultCluster(), 'node-1');

  it('walks pod → ClusterIP at PREROUTING: services → service chain → numgen vmap → endpoint chain → dnat', () => {
    const result = dp.hook(
      'PREROUTING',
      tcp('10.0.1.3', '10.3.241.152', 80),
      ctx(() => 0.75),
    );
    expect(result.verdict).toBe('ACCEPT');
    expect(result.tables).toEqual(['filter-prerouting', 'nat-prerouting']);
    expect(result.walked.map((w) => [w.id, w.matched])).toEqual([
      ['filter-prerouting/1', true],
      ['firewall-check/1', false],
      ['nat-prerouting/1', true],
      ['services/1', true],
      ['@service-ips/10.3.241.152 . tcp . 80', true],
      [`${WEB.cluster}/1`, false],
      [`${WEB.cluster}/2`, true],
      [`${SERVER_2}/1`, false],
      [`${SERVER_2}/2`, true],
    ]);
    expect(result.dnat).toEqual({ ip: '10.0.2.2', port: 8080 });
    expect(result.packet).toMatchObject({ src: '10.0.1.3', dst: '10.0.2.2', dport: 8080 });
    expect(result.masquerade).toBeUndefined();
    expect(result.decidedBy?.id).toBe(`${SERVER_2}/2`);
    expect(result.decidedBy?.text).toBe('meta l4proto tcp dnat to 10.0.2.2:8080');
    // The same ids and texts as the rules view prints.
    const lines = ruleLines(dp);
    for (const w of result.walked) {
      expect(lines.has(w.id), w.id).toBe(true);
      expect(lines.get(w.id)?.trim().includes(w.text), w.id).toBe(true);
    }
    expect(lines.get(`${WEB.cluster}/2`)?.trim()).toBe(
      `numgen random mod 2 vmap { 0 : goto ${SERVER_1}, 1 : goto ${SERVER_2} }`,
    );
  });

  it('spreads 10,000 seeded connections evenly over web-svc backends (1/N ± 2%)', () => {
    const rng = createRng(42);
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const r = dp.hook('PREROUTING', tcp('10.0.1.3', '10.3.241.152', 80, 30000 + (i % 30000)), ctx(rng));
      const key = `${r.dnat?.ip}:${r.dnat?.port}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['10.0.1.2:8080', '10.0.2.2:8080']);
    for (const n of counts.values()) expect(Math.abs(n / 10_000 - 1 / 2)).toBeLessThanOrEqual(0.02);
  });

  it('is deterministic for a seed', () => {
    const pick = (seed: number) => {
      const rng = createRng(seed);
      return Array.from(
        { length: 20 },
        () => dp.hook('PREROUTING', tcp('10.0.1.3', '10.3.241.152', 80), ctx(rng)).dnat?.ip,
      );
    };
    expect(pick(7)).toEqual(pick(7));
  });

  it('marks hairpin traffic and masquerades it at POSTROUTING, clearing the mark', () => {
    // server-1 reaching web-svc and landing on itself (numgen picks 0).
    const pre = dp.hook(
      'PREROUTING',
      tcp('10.0.1.2', '10.3.241.152', 80),
      ctx(() => 0),
    );
    expect(pre.dnat).toEqual({ ip: '10.0.1.2', port: 8080 });
    expect(pre.walked.find((w) => w.id === `${SERVER_1}/1`)).toMatchObject({
      matched: true,
      text: 'ip saddr 10.0.1.2 jump mark-for-masquerade',
    });
    expect(pre.packet.mark).toBe(0x4000);
    const post = dp.hook(
      'POSTROUTING',
      pre.packet,
      ctx(() => 0, { outDevice: 'cbr0' }),
    );
    expect(post.walked.map((w) => [w.id, w.matched])).toEqual([
      ['nat-postrouting/1', true],
      ['masquerading/1', false],
      ['masquerading/2', true],
      ['masquerading/3', true],
    ]);
    expect(post.masquerade).toBe(true);
    expect(post.packet.mark).toBe(0);
    // An unmarked packet returns from masquerading untouched.
    const plain = dp.hook(
      'POSTROUTING',
      tcp('10.0.1.3', '10.0.2.2', 8080),
      ctx(() => 0),
    );
    expect(plain.masquerade).toBeUndefined();
    expect(plain.walked.map((w) => w.id)).toEqual(['nat-postrouting/1', 'masquerading/1']);
  });

  it('marks off-cluster sources for masquerade (ip saddr != clusterCIDR)', () => {
    const r = dp.hook(
      'PREROUTING',
      tcp('10.100.0.9', '10.3.241.152', 80),
      ctx(() => 0.9, { inDevice: 'eth0' }),
    );
    expect(r.walked.find((w) => w.id === `${WEB.cluster}/1`)?.matched).toBe(true);
    expect(r.packet.mark).toBe(0x4000);
  });

  it('skips nat chains for established connections', () => {
    const r = dp.hook(
      'PREROUTING',
      tcp('10.0.1.3', '10.3.241.152', 80),
      ctx(() => 0, { conntrack: { state: 'ESTABLISHED' } }),
    );
    expect(r.tables).toEqual(['filter-prerouting']);
    expect(r.walked.map((w) => [w.id, w.matched])).toEqual([['filter-prerouting/1', false]]);
    expect(r.dnat).toBeUndefined();
  });

  it('runs OUTPUT chains by priority: filter-output, nat-output, then filter-output-post-dnat on the DNATed packet', () => {
    const r = dp.hook(
      'OUTPUT',
      tcp('10.100.0.2', '10.3.240.10', 53),
      ctx(() => 0),
    );
    expect(r.tables).toEqual(['filter-output', 'nat-output', 'filter-output-post-dnat']);
    expect(r.dnat).toEqual({ ip: '10.0.2.3', port: 53 });
    const postDnat = r.walked.filter((w) => w.chain === 'cluster-ips-check');
    // After DNAT the destination is the CoreDNS pod, not a ClusterIP: neither check matches.
    expect(postDnat.map((w) => w.matched)).toEqual([false, false]);
    expect(r.verdict).toBe('ACCEPT');
  });

  it('rejects an unused port of a ClusterIP and drops an unallocated ClusterIP (cluster-ips-check)', () => {
    const wrongPort = dp.hook(
      'FORWARD',
      tcp('10.0.1.3', '10.3.241.152', 443),
      ctx(() => 0),
    );
    expect(wrongPort.verdict).toBe('REJECT');
    expect(wrongPort.decidedBy?.text).toBe(
      'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"',
    );
    const unallocated = dp.hook(
      'FORWARD',
      tcp('10.0.1.3', '10.3.240.99', 80),
      ctx(() => 0),
    );
    expect(unallocated.verdict).toBe('DROP');
    expect(unallocated.decidedBy?.text).toBe(
      'ip daddr 10.3.240.0/20 drop comment "Drop traffic to unallocated ClusterIPs"',
    );
  });
});

describe('nftables walk: literal clusters', () => {
  it('rejects a service without endpoints through no-endpoint-services and reject-chain', () => {
    const cluster = makeCluster({
      services: [makeService('ns1', 'empty', [tcpPort('p80', 80)], { clusterIP: '172.30.0.46' })],
      endpointSlices: [],
    });
    const dp = buildNftablesDataplane(cluster, TEST_NODE);
    const pre = dp.hook(
      'PREROUTING',
      tcp('10.180.0.7', '172.30.0.46', 80),
      ctx(() => 0),
    );
    expect(pre.verdict).toBe('ACCEPT');
    expect(pre.dnat).toBeUndefined();
    const fwd = dp.hook(
      'FORWARD',
      pre.packet,
      ctx(() => 0),
    );
    expect(fwd.verdict).toBe('REJECT');
    expect(fwd.walked.map((w) => [w.id, w.matched])).toEqual([
      ['filter-forward/1', true],
      ['service-endpoints-check/1', true],
      ['@no-endpoint-services/172.30.0.46 . tcp . 80', true],
      ['reject-chain/1', true],
    ]);
    expect(fwd.decidedBy?.id).toBe('reject-chain/1');
    // From the node itself the same happens at OUTPUT.
    expect(
      dp.hook(
        'OUTPUT',
        tcp(TEST_NODE_IP, '172.30.0.46', 80),
        ctx(() => 0),
      ).verdict,
    ).toBe('REJECT');
    const lines = ruleLines(dp);
    for (const w of fwd.walked) expect(lines.has(w.id), w.id).toBe(true);
  });

  const etpLocal = makeCluster({
    services: [
      makeService('ns1', 'local', [tcpPort('p80', 80, { nodePort: 30080 })], {
        type: 'NodePort',
        clusterIP: '172.30.0.60',
        externalTrafficPolicy: 'Local',
      }),
    ],
    endpointSlices: [
      makeSlice(
        'ns1',
        'local',
        [
          { ip: '10.180.0.2', nodeName: TEST_NODE },
          { ip: '10.180.1.2', nodeName: 'other-node' },
          { ip: '10.180.1.3', nodeName: 'other-node' },
        ],
        [p80],
      ),
    ],
  });

  it('sends external NodePort traffic with externalTrafficPolicy Local only to local endpoints', () => {
    const dp = buildNftablesDataplane(etpLocal, TEST_NODE);
    const names = nftServiceChainNames('ns1', 'local', 'tcp', 'p80');
    const rng = createRng(1);
    const seen = new Set<string>();
    let last;
    for (let i = 0; i < 300; i++) {
      last = dp.hook('PREROUTING', tcp('203.0.113.2', TEST_NODE_IP, 30080), ctx(rng, { inDevice: 'eth0' }));
      seen.add(`${last.dnat?.ip}`);
    }
    expect([...seen]).toEqual(['10.180.0.2']);
    // The source is kept: no masquerade mark for eTP Local.
    expect(last?.packet.mark ?? 0).toBe(0);
    const ids = last?.walked.map((w) => [w.id, w.matched]);
    expect(ids).toEqual([
      ['filter-prerouting/1', true],
      ['firewall-check/1', false],
      ['nat-prerouting/1', true],
      ['services/1', false],
      ['services/2', true],
      ['@service-nodeports/tcp . 30080', true],
      [`${names.external}/1`, false],
      [`${names.external}/2`, false],
      [`${names.external}/3`, false],
      [`${names.external}/4`, true],
      [`${names.local}/1`, true],
      [`${nftEndpointNames('ns1', 'local', 'tcp', 'p80', '10.180.0.2', 80).chain}/1`, false],
      [`${nftEndpointNames('ns1', 'local', 'tcp', 'p80', '10.180.0.2', 80).chain}/2`, true],
    ]);
  });

  it('short-circuits pod traffic to a NodePort with eTP Local to all endpoints', () => {
    const dp = buildNftablesDataplane(etpLocal, TEST_NODE);
    const rng = createRng(3);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const r = dp.hook('PREROUTING', tcp('10.180.0.9', TEST_NODE_IP, 30080), ctx(rng));
      seen.add(`${r.dnat?.ip}`);
    }
    expect([...seen].sort()).toEqual(['10.180.0.2', '10.180.1.2', '10.180.1.3']);
  });

  it('drops external traffic to an eTP Local NodePort on a node without local endpoints', () => {
    const remoteOnly = makeCluster({
      services: etpLocal.services,
      endpointSlices: [makeSlice('ns1', 'local', [{ ip: '10.180.1.2', nodeName: 'other-node' }], [p80])],
    });
    const none = buildNftablesDataplane(remoteOnly, TEST_NODE);
    const pre = none.hook(
      'PREROUTING',
      tcp('203.0.113.2', TEST_NODE_IP, 30080),
      ctx(() => 0, { inDevice: 'eth0' }),
    );
    expect(pre.dnat).toBeUndefined();
    const input = none.hook(
      'INPUT',
      pre.packet,
      ctx(() => 0, { inDevice: 'eth0' }),
    );
    expect(input.verdict).toBe('DROP');
    expect(input.decidedBy?.text).toBe('tcp . 30080 comment "ns1/local:p80" : drop');
    // other-node, which runs an endpoint, accepts the same traffic and keeps it on its own endpoints.
    const other = buildNftablesDataplane(etpLocal, 'other-node');
    expect(
      other.hook(
        'PREROUTING',
        tcp('203.0.113.2', '192.168.0.3', 30080),
        ctx(() => 0),
      ).dnat?.ip,
    ).toMatch(/^10\.180\.1\./);
  });

  it('keeps a client on one endpoint with ClientIP affinity until the timeout passes', () => {
    const cluster = makeCluster({
      services: [
        makeService('ns1', 'sticky', [tcpPort('p80', 80)], {
          clusterIP: '172.30.0.70',
          sessionAffinity: 'ClientIP',
          sessionAffinityTimeoutSeconds: 60,
        }),
      ],
      endpointSlices: [
        makeSlice('ns1', 'sticky', [{ ip: '10.180.0.2' }, { ip: '10.180.1.2' }, { ip: '10.180.2.2' }], [p80]),
      ],
    });
    const dp = buildNftablesDataplane(cluster, TEST_NODE);
    const rng = createRng(11);
    const first = dp.hook('PREROUTING', tcp('10.180.5.5', '172.30.0.70', 80), ctx(rng, { now: 0 }));
    const chosen = first.dnat?.ip;
    expect(first.walked.some((w) => w.text.startsWith('update @affinity-'))).toBe(true);
    for (let t = 1; t < 60; t += 7) {
      const again = dp.hook('PREROUTING', tcp('10.180.5.5', '172.30.0.70', 80), ctx(rng, { now: t }));
      expect(again.dnat?.ip).toBe(chosen);
      const hit = again.walked.find((w) => w.matched && w.text.startsWith('ip saddr @affinity-'));
      expect(hit?.text).toContain(`goto endpoint-`);
    }
    // After the set's timeout the lookup fails and numgen chooses again.
    const later = dp.hook('PREROUTING', tcp('10.180.5.5', '172.30.0.70', 80), ctx(rng, { now: 200 }));
    expect(later.walked.some((w) => w.matched && w.text.startsWith('ip saddr @affinity-'))).toBe(false);
    expect(later.walked.some((w) => w.matched && w.text.startsWith('numgen random mod 3'))).toBe(true);
  });

  it('spreads three backends 1/3 ± 2% over 10,000 walks', () => {
    const cluster = makeCluster({
      services: [makeService('ns1', 'three', [tcpPort('p80', 80)], { clusterIP: '172.30.0.80' })],
      endpointSlices: [
        makeSlice('ns1', 'three', [{ ip: '10.180.0.2' }, { ip: '10.180.1.2' }, { ip: '10.180.2.2' }], [p80]),
      ],
    });
    const dp = buildNftablesDataplane(cluster, TEST_NODE);
    const rng = createRng(2024);
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const ip = dp.hook('PREROUTING', tcp('10.180.0.9', '172.30.0.80', 80), ctx(rng)).dnat?.ip ?? 'none';
      counts.set(ip, (counts.get(ip) ?? 0) + 1);
    }
    expect(counts.size).toBe(3);
    for (const n of counts.values()) expect(Math.abs(n / 10_000 - 1 / 3)).toBeLessThanOrEqual(0.02);
  });

  it('drops LoadBalancer traffic from outside loadBalancerSourceRanges before DNAT', () => {
    const cluster = makeCluster({
      services: [
        makeService('ns1', 'lb', [tcpPort('p80', 80, { nodePort: 30090 })], {
          type: 'LoadBalancer',
          clusterIP: '172.30.0.90',
          loadBalancerIPs: ['5.6.7.8'],
          loadBalancerSourceRanges: ['203.0.113.0/25'],
        }),
      ],
      endpointSlices: [makeSlice('ns1', 'lb', [{ ip: '10.180.0.2' }], [p80])],
    });
    const dp = buildNftablesDataplane(cluster, TEST_NODE);
    const blocked = dp.hook(
      'PREROUTING',
      tcp('203.0.113.130', '5.6.7.8', 80),
      ctx(() => 0, { inDevice: 'eth0' }),
    );
    expect(blocked.verdict).toBe('DROP');
    expect(blocked.tables).toEqual(['filter-prerouting', 'nat-prerouting']);
    expect(blocked.decidedBy?.text).toBe('ip saddr != 203.0.113.0/25 drop');
    const allowed = dp.hook(
      'PREROUTING',
      tcp('203.0.113.2', '5.6.7.8', 80),
      ctx(() => 0, { inDevice: 'eth0' }),
    );
    expect(allowed.verdict).toBe('ACCEPT');
    expect(allowed.dnat).toEqual({ ip: '10.180.0.2', port: 80 });
    expect(allowed.packet.mark).toBe(0x4000);
  });
});
