import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraversalContext } from '../../../src/engine/netfilter/evaluate';
import { createRecentTable, traverse } from '../../../src/engine/netfilter/evaluate';
import type { Packet, Ruleset } from '../../../src/engine/netfilter/types';
import { categorizeEndpoints, listServicePorts } from '../../../src/engine/proxy/endpoints';
import { buildIptablesRuleset } from '../../../src/engine/proxy/iptables/ruleset';
import {
  linesToText,
  renderIptablesRestore,
  renderIptablesSave,
} from '../../../src/engine/render/iptablesSave';
import { createRng } from '../../../src/engine/rng';
import type { Service, ServiceType, TrafficPolicy } from '../../../src/model/types';
import type { EndpointSpec } from '../proxy/fixtures';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE, TEST_NODE_IP } from '../proxy/fixtures';

const p80 = { name: 'p80', protocol: 'TCP' as const, port: 8080 };
const POD = '10.180.0.50';

function single(
  endpoints: readonly EndpointSpec[],
  overrides: Partial<Service> = {},
  nodePort?: number,
): Ruleset {
  const cluster = makeCluster({
    services: [
      makeService('ns', 'web', [tcpPort('p80', 80, nodePort !== undefined ? { nodePort } : {})], {
        clusterIP: '172.30.0.41',
        ...overrides,
      }),
    ],
    endpointSlices: [makeSlice('ns', 'web', endpoints, [p80])],
  });
  return buildIptablesRuleset(cluster, TEST_NODE);
}

function ctx(seed = 1, extra: Partial<TraversalContext> = {}): TraversalContext {
  return { localAddresses: [TEST_NODE_IP], rng: createRng(seed), ...extra };
}

function toService(src: string, dst = '172.30.0.41', dport = 80): Packet {
  return { protocol: 'TCP', src, sport: 40000, dst, dport };
}

describe('traverse', () => {
  it('follows PREROUTING → KUBE-SERVICES → KUBE-SVC → KUBE-SEP and DNATs a pod packet without masquerade', () => {
    const ruleset = single([{ ip: '10.180.0.1' }]);
    const result = traverse(ruleset, 'nat', 'PREROUTING', toService(POD), ctx());
    expect(result.verdict).toBe('ACCEPT');
    expect(result.dnat).toMatchObject({ ip: '10.180.0.1', port: 8080 });
    expect(result.dnat?.ruleId).toMatch(/^nat\/KUBE-SEP-[A-Z2-7]{16}\/2$/);
    expect(result.packet).toMatchObject({ dst: '10.180.0.1', dport: 8080 });
    expect(result.packet.mark ?? 0).toBe(0);
    const matched = result.steps.filter((s) => s.matched).map((s) => s.chain);
    expect(matched.slice(0, 2)).toEqual(['PREROUTING', 'KUBE-SERVICES']);
    expect(matched[2]).toMatch(/^KUBE-SVC-/);
    expect(matched.slice(3).every((c) => c.startsWith('KUBE-SEP-'))).toBe(true);
    expect(result.steps.at(-1)?.ruleId).toBe(result.decidedBy);
  });

  it('marks off-cluster sources for masquerade, and KUBE-POSTROUTING masquerades and clears the mark', () => {
    const ruleset = single([{ ip: '10.180.0.1' }]);
    const pre = traverse(ruleset, 'nat', 'OUTPUT', toService(TEST_NODE_IP), ctx());
    expect(pre.packet.mark).toBe(0x4000);
    expect(pre.steps.some((s) => s.chain === 'KUBE-MARK-MASQ' && s.matched)).toBe(true);
    const post = traverse(ruleset, 'nat', 'POSTROUTING', pre.packet, ctx());
    expect(post.masquerade).toEqual({ randomFully: true, ruleId: 'nat/KUBE-POSTROUTING/3' });
    expect(post.packet.mark).toBe(0);
    const unmarked = traverse(ruleset, 'nat', 'POSTROUTING', { ...pre.packet, mark: 0 }, ctx());
    expect(unmarked.masquerade).toBeUndefined();
    expect(unmarked.decidedBy).toBeNull();
  });

  it('hairpin: an endpoint reaching its own service is masqueraded', () => {
    const ruleset = single([{ ip: '10.180.0.1' }]);
    const result = traverse(ruleset, 'nat', 'PREROUTING', toService('10.180.0.1'), ctx());
    expect(result.packet.mark).toBe(0x4000);
  });

  it('REJECTs in filter when the service has no endpoints, DROPs for iTP Local without local endpoints', () => {
    const none = single([]);
    expect(traverse(none, 'filter', 'OUTPUT', toService(TEST_NODE_IP), ctx()).verdict).toBe('REJECT');
    expect(traverse(none, 'filter', 'FORWARD', toService(POD), ctx()).verdict).toBe('REJECT');
    const noLocal = single([{ ip: '10.180.1.1', nodeName: 'other-node' }], {
      internalTrafficPolicy: 'Local',
    });
    const dropped = traverse(noLocal, 'filter', 'FORWARD', toService(POD), ctx());
    expect(dropped.verdict).toBe('DROP');
    expect(dropped.decidedBy).toMatch(/^filter\/KUBE-SERVICES\//);
    // A TCP-only service port does not catch UDP.
    expect(traverse(none, 'filter', 'FORWARD', { ...toService(POD), protocol: 'UDP' }, ctx()).verdict).toBe(
      'ACCEPT',
    );
  });

  it('eTP Local: external clients reach only local endpoints, unmasqueraded; pods reach all endpoints', () => {
    const ruleset = single(
      [
        { ip: '10.180.0.1', nodeName: TEST_NODE },
        { ip: '10.180.1.1', nodeName: 'other-node' },
        { ip: '10.180.1.2', nodeName: 'other-node' },
      ],
      { type: 'NodePort', externalTrafficPolicy: 'Local' },
      30080,
    );
    const rng = ctx(7);
    const fromPods = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const ext = traverse(ruleset, 'nat', 'PREROUTING', toService('203.0.113.9', TEST_NODE_IP, 30080), rng);
      expect(ext.dnat?.ip).toBe('10.180.0.1');
      expect(ext.packet.mark ?? 0).toBe(0);
      const pod = traverse(ruleset, 'nat', 'PREROUTING', toService(POD, TEST_NODE_IP, 30080), rng);
      expect(pod.packet.mark ?? 0).toBe(0);
      fromPods.add(pod.dnat?.ip ?? '');
    }
    expect(fromPods).toEqual(new Set(['10.180.0.1', '10.180.1.1', '10.180.1.2']));
    // The node itself: all endpoints, masqueraded.
    const host = traverse(ruleset, 'nat', 'OUTPUT', toService(TEST_NODE_IP, TEST_NODE_IP, 30080), rng);
    expect(host.packet.mark).toBe(0x4000);
  });

  it('ClientIP affinity: a client sticks to the endpoint recorded by recent --set', () => {
    const ruleset = single([{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }, { ip: '10.180.0.3' }], {
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 10800,
    });
    const recent = createRecentTable();
    const c = ctx(3, { recent, now: 100 });
    const first = traverse(ruleset, 'nat', 'PREROUTING', toService(POD), c);
    for (let i = 0; i < 50; i++) {
      expect(traverse(ruleset, 'nat', 'PREROUTING', toService(POD), c).dnat?.ip).toBe(first.dnat?.ip);
    }
    // After the timeout, rcheck --reap forgets the old entry and new clients are spread again.
    const later = ctx(3, { recent, now: 100 + 10801 });
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      seen.add(traverse(ruleset, 'nat', 'PREROUTING', toService(`10.180.2.${i}`), later).dnat?.ip ?? '');
    }
    expect(seen.size).toBe(3);
    expect([...recent.values()].some((list) => list.has(POD))).toBe(false);
  });

  it.each([2, 3, 4, 5])('spreads 10,000 seeded connections over %i endpoints at 1/N ± 2%%', (n) => {
    const endpoints = Array.from({ length: n }, (_, i) => ({ ip: `10.180.0.${i + 1}` }));
    const ruleset = single(endpoints);
    const c = ctx(42 + n);
    const counts = new Map<string, number>();
    const runs = 10_000;
    for (let i = 0; i < runs; i++) {
      const ip = traverse(ruleset, 'nat', 'PREROUTING', toService(POD), c).dnat?.ip ?? 'none';
      counts.set(ip, (counts.get(ip) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(endpoints.map((e) => e.ip).sort());
    for (const count of counts.values()) expect(Math.abs(count / runs - 1 / n)).toBeLessThan(0.02);
  });

  it('is deterministic for a seed', () => {
    const ruleset = single([{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }, { ip: '10.180.0.3' }]);
    const picks = (seed: number): string[] => {
      const c = ctx(seed);
      return Array.from(
        { length: 20 },
        () => traverse(ruleset, 'nat', 'PREROUTING', toService(POD), c).dnat?.ip ?? '',
      );
    };
    expect(picks(9)).toEqual(picks(9));
    expect(new Set(picks(9)).size).toBeGreaterThan(1);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties over random clusters

const endpointArb = fc.record({
  node: fc.constantFrom<string | undefined>(TEST_NODE, 'other-node', undefined),
  ready: fc.boolean(),
  serving: fc.boolean(),
  terminating: fc.boolean(),
});
const serviceArb = fc.record({
  type: fc.constantFrom<ServiceType>('ClusterIP', 'NodePort', 'LoadBalancer'),
  etp: fc.constantFrom<TrafficPolicy>('Cluster', 'Local'),
  itp: fc.constantFrom<TrafficPolicy>('Cluster', 'Local'),
  affinity: fc.boolean(),
  externalIP: fc.boolean(),
  sourceRange: fc.boolean(),
  endpoints: fc.array(endpointArb, { maxLength: 5 }),
});
const clusterArb = fc.array(serviceArb, { minLength: 1, maxLength: 5 }).map((specs) =>
  makeCluster({
    services: specs.map((s, i) =>
      makeService(
        'ns',
        `svc${i}`,
        [tcpPort('p80', 80, s.type === 'ClusterIP' ? {} : { nodePort: 30000 + i })],
        {
          type: s.type,
          clusterIP: `172.30.0.${i + 1}`,
          externalTrafficPolicy: s.etp,
          internalTrafficPolicy: s.itp,
          sessionAffinity: s.affinity ? 'ClientIP' : 'None',
          externalIPs: s.externalIP ? [`192.168.99.${i + 1}`] : [],
          loadBalancerIPs: s.type === 'LoadBalancer' ? [`1.2.3.${i + 1}`] : [],
          loadBalancerSourceRanges: s.type === 'LoadBalancer' && s.sourceRange ? ['203.0.113.0/24'] : [],
          healthCheckNodePort: s.type === 'LoadBalancer' && s.etp === 'Local' ? 32000 + i : undefined,
        },
      ),
    ),
    endpointSlices: specs.map((s, i) =>
      makeSlice(
        'ns',
        `svc${i}`,
        s.endpoints.map((e, j) => ({
          ip: `10.${180 + (e.node === TEST_NODE ? 0 : 1)}.${i}.${j + 1}`,
          ...(e.node !== undefined ? { nodeName: e.node } : {}),
          ready: e.ready,
          serving: e.serving,
          terminating: e.terminating,
        })),
        [p80],
      ),
    ),
  }),
);

const BUILTIN_TARGETS = new Set([
  'RETURN',
  'ACCEPT',
  'DROP',
  'REJECT',
  'DNAT',
  'MASQUERADE',
  'MARK',
  'REDIRECT',
]);

function checkJumps(text: string): void {
  let declared = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) declared = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);
    else if (line.startsWith(':')) declared.add(line.slice(1).split(' ')[0] ?? '');
    else if (line.startsWith('-A ')) {
      const target = / -j (\S+)/.exec(line)?.[1];
      if (target !== undefined && !BUILTIN_TARGETS.has(target)) expect(declared, line).toContain(target);
    }
  }
}

describe('properties of generated rulesets', () => {
  it('every -j names a declared chain or a builtin target (restore and save)', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const ruleset = buildIptablesRuleset(cluster, TEST_NODE);
        checkJumps(linesToText(renderIptablesRestore(ruleset)));
        checkJumps(linesToText(renderIptablesSave(ruleset)));
      }),
      { numRuns: 150 },
    );
  });

  it('a DNAT target is always a usable endpoint of the service', () => {
    fc.assert(
      fc.property(
        clusterArb,
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom(POD, TEST_NODE_IP, '203.0.113.5'),
        fc.constantFrom('cluster', 'nodePort', 'external'),
        fc.integer(),
        (cluster, pick, client, via, seed) => {
          const ruleset = buildIptablesRuleset(cluster, TEST_NODE);
          const ports = listServicePorts(cluster, TEST_NODE);
          const sp = ports[pick % ports.length];
          if (!sp) return;
          const packet: Packet =
            via === 'nodePort' && sp.nodePort !== 0
              ? toService(client, TEST_NODE_IP, sp.nodePort)
              : via === 'external' && sp.externalIPs[0] !== undefined
                ? toService(client, sp.externalIPs[0], 80)
                : toService(client, sp.clusterIP, 80);
          const hook = client === TEST_NODE_IP ? 'OUTPUT' : 'PREROUTING';
          const result = traverse(ruleset, 'nat', hook, packet, ctx(seed));
          if (!result.dnat) return;
          const cat = categorizeEndpoints(sp);
          const usable = new Set([...cat.clusterEndpoints, ...cat.localEndpoints].map((e) => e.endpoint));
          expect(usable).toContain(`${result.dnat.ip}:${result.dnat.port}`);
          const ep = sp.endpoints.find((e) => e.ip === result.dnat?.ip);
          expect(ep && (ep.ready || (ep.serving && ep.terminating))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
