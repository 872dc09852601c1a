import { describe, expect, it } from 'vitest';
import { buildIpvsDataplane, ipvsMode } from '../../../../src/engine/proxy/ipvs';
import type { HookContext, HookResult, NfPacket } from '../../../../src/engine/proxy/types';
import { createRng } from '../../../../src/engine/rng';
import type { Cluster, IpvsScheduler } from '../../../../src/model/types';
import { loadScenario } from '../../../../src/scenarios/load';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE, TEST_NODE_IP } from '../fixtures';

const NEW: HookContext['conntrack'] = { state: 'NEW' };

function ctx(now = 0, seed = 1): HookContext {
  return { rng: createRng(seed), now, conntrack: NEW };
}

function section(dp: ReturnType<typeof buildIpvsDataplane>, command: string): string[] {
  const s = dp.rules().sections.find((x) => x.command === command);
  if (!s) throw new Error(`no section ${command}`);
  return s.lines.map((l) => l.text);
}

const tcp = (src: string, sport: number, dst: string, dport: number): NfPacket => ({
  protocol: 'TCP',
  src,
  sport,
  dst,
  dport,
});

/** ns1/svc1 172.30.0.41:80 → three endpoints (one of them on the test node). */
function threeEndpointCluster(extra: Partial<Parameters<typeof makeService>[3]> = {}): Cluster {
  return makeCluster({
    services: [makeService('ns1', 'svc1', [tcpPort('p80', 80)], { clusterIP: '172.30.0.41', ...extra })],
    endpointSlices: [
      makeSlice(
        'ns1',
        'svc1',
        [
          { ip: '10.180.0.1', nodeName: TEST_NODE },
          { ip: '10.180.1.1', nodeName: 'other-node' },
          { ip: '10.180.1.2', nodeName: 'other-node' },
        ],
        [{ name: 'p80', protocol: 'TCP', port: 80 }],
      ),
    ],
  });
}

function pick(result: HookResult): string {
  if (!result.ipvs) throw new Error(`no IPVS decision: ${result.verdict} ${result.summary ?? ''}`);
  return `${result.ipvs.realServer.ip}:${result.ipvs.realServer.port}`;
}

describe('ipvs mode on the default cluster (node-1)', () => {
  const cluster = loadScenario('default');

  it('prints ipvsadm -Ln exactly as ipvsadm does', () => {
    const dp = buildIpvsDataplane(cluster, 'node-1');
    // ipvsadm pads the destination columns with printf("%-10u"), so those lines end in spaces.
    expect(section(dp, 'ipvsadm -Ln')).toEqual([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  10.3.240.10:53 rr',
      '  -> 10.0.2.3:53                  Masq    1      0          0         ',
      'TCP  10.3.240.10:9153 rr',
      '  -> 10.0.2.3:9153                Masq    1      0          0         ',
      'TCP  10.3.241.152:80 rr',
      '  -> 10.0.1.2:8080                Masq    1      0          0         ',
      '  -> 10.0.2.2:8080                Masq    1      0          0         ',
      'UDP  10.3.240.10:53 rr',
      '  -> 10.0.2.3:53                  Masq    1      0          0         ',
    ]);
  });

  it('binds every ClusterIP to kube-ipvs0 and lists them in the ipsets', () => {
    const dp = buildIpvsDataplane(cluster, 'node-1');
    expect(dp.extraLocalAddresses).toEqual([
      { ip: '10.3.241.152', device: 'kube-ipvs0' },
      { ip: '10.3.240.10', device: 'kube-ipvs0' },
    ]);
    const addr = section(dp, 'ip addr show kube-ipvs0');
    expect(addr[0]).toBe('4: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default');
    expect(addr).toContain('    inet 10.3.241.152/32 scope global kube-ipvs0');
    const ipset = section(dp, 'ipset list');
    const clusterIP = ipset.indexOf('Name: KUBE-CLUSTER-IP');
    expect(ipset.slice(clusterIP, clusterIP + 12)).toEqual([
      'Name: KUBE-CLUSTER-IP',
      'Type: hash:ip,port',
      'Revision: 5',
      'Header: family inet hashsize 1024 maxelem 65536',
      expect.stringMatching(/^Size in memory: \d+$/),
      // the masquerade rule and the ACCEPT rule in nat KUBE-SERVICES, the RETURN in filter KUBE-IPVS-FILTER
      'References: 3',
      'Number of entries: 4',
      'Members:',
      '10.3.241.152,tcp:80',
      '10.3.240.10,udp:53',
      '10.3.240.10,tcp:53',
      '10.3.240.10,tcp:9153',
    ]);
    // server-1 runs on node-1: its hairpin entry.
    expect(ipset).toContain('10.0.1.2,tcp:8080,10.0.1.2');
    expect(ipset).not.toContain('10.0.2.2,tcp:8080,10.0.2.2');
  });

  it('keeps the ipset-based iptables rules, few and fixed', () => {
    const save = section(buildIpvsDataplane(cluster, 'node-1'), 'iptables-save');
    expect(save).toContain(
      '-A KUBE-SERVICES ! -s 10.0.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ',
    );
    expect(save).toContain('-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT');
    expect(save).toContain('-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT');
    expect(save).toContain(
      '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
    );
    expect(save).toContain(
      '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
    );
    expect(save.filter((l) => l.startsWith('-A KUBE-SVC') || l.startsWith('-A KUBE-SEP'))).toEqual([]);
  });

  it('walks pod → ClusterIP: KUBE-CLUSTER-IP ACCEPT at PREROUTING, then IPVS schedules at INPUT', () => {
    const dp = buildIpvsDataplane(cluster, 'node-1');
    const packet = tcp('10.0.1.3', 40000, '10.3.241.152', 80);
    const pre = dp.hook('PREROUTING', packet, ctx());
    expect(pre.verdict).toBe('ACCEPT');
    expect(pre.decidedBy?.text).toBe('-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT');
    expect(pre.packet.mark ?? 0).toBe(0); // pod traffic is not masqueraded
    expect(pre.dnat).toBeUndefined();
    const input = dp.hook('INPUT', pre.packet, ctx());
    expect(input.tables).toEqual(['filter', 'ipvs']);
    expect(input.walked.find((w) => w.matched && w.chain === 'KUBE-IPVS-FILTER')?.text).toBe(
      '-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN',
    );
    expect(input.ipvs?.virtualServer.text).toBe('TCP  10.3.241.152:80 rr');
    expect(input.ipvs?.scheduler).toBe('rr');
    expect(['10.0.1.2:8080', '10.0.2.2:8080']).toContain(pick(input));
    expect(input.dnat).toEqual({ ip: input.ipvs?.realServer.ip, port: input.ipvs?.realServer.port });
    expect(input.packet.dst).toBe(input.ipvs?.realServer.ip);
    // The counters now show the connection, in the rules view and in the walked line alike.
    const line = dp.rules().sections[0]?.lines.find((l) => l.id === input.ipvs?.realServer.id);
    expect(line?.text).toBe(input.ipvs?.realServer.text);
    expect(line?.text).toMatch(/Masq {4}1 {6}1 {10}0 {9}$/);
  });

  it('rejects a VIP port that is no service (KUBE-IPVS-FILTER, issue #72236)', () => {
    const dp = buildIpvsDataplane(cluster, 'node-1');
    const r = dp.hook('INPUT', tcp('10.0.1.3', 40000, '10.3.241.152', 22), ctx());
    expect(r.verdict).toBe('REJECT');
    expect(r.decidedBy?.id).toBe('filter/KUBE-IPVS-FILTER/6');
    expect(r.ipvs).toBeUndefined();
  });

  it('masquerades node-originated traffic to a ClusterIP', () => {
    const dp = buildIpvsDataplane(cluster, 'node-1');
    // The node's own connection to a VIP takes the VIP as source (local route on kube-ipvs0).
    const out = dp.hook('OUTPUT', tcp('10.3.241.152', 50000, '10.3.241.152', 80), ctx());
    expect(out.tables).toEqual(['nat', 'ipvs', 'filter']);
    expect(out.walked.some((w) => w.matched && w.id === 'nat/KUBE-MARK-MASQ/1')).toBe(true);
    expect(out.ipvs).toBeDefined();
    expect(out.packet.mark).toBe(0x4000);
    const post = dp.hook('POSTROUTING', out.packet, { ...ctx(), outDevice: 'eth0' });
    expect(post.masquerade).toBe(true);
    expect(post.decidedBy?.text).toBe(
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    );
    // Pod traffic, by contrast, leaves unmasqueraded.
    const podPost = dp.hook('POSTROUTING', tcp('10.0.1.3', 40000, '10.0.2.2', 8080), ctx());
    expect(podPost.masquerade).toBeUndefined();
  });

  it('masquerades hairpin traffic (a pod scheduled to itself) with KUBE-LOOP-BACK', () => {
    const dp = buildIpvsDataplane(cluster, 'node-1');
    const r = dp.hook('POSTROUTING', tcp('10.0.1.2', 40000, '10.0.1.2', 8080), ctx());
    expect(r.masquerade).toBe(true);
    expect(r.decidedBy?.id).toBe('nat/KUBE-POSTROUTING/1');
  });

  it('every line id a hook result refers to exists in rules(), with the same text', () => {
    const dp = buildIpvsDataplane(cluster, 'node-1');
    const results: HookResult[] = [];
    for (let i = 0; i < 20; i++) {
      const p = tcp('10.0.1.3', 40000 + i, '10.3.241.152', 80);
      results.push(dp.hook('PREROUTING', p, ctx(i)), dp.hook('INPUT', p, ctx(i)));
      const u: NfPacket = {
        protocol: 'UDP',
        src: '10.0.1.3',
        sport: 50000 + i,
        dst: '10.3.240.10',
        dport: 53,
      };
      results.push(dp.hook('PREROUTING', u, ctx(i)), dp.hook('INPUT', u, ctx(i)));
    }
    results.push(dp.hook('OUTPUT', tcp('10.3.240.10', 1, '10.3.240.10', 9153), ctx()));
    results.push(dp.hook('FORWARD', tcp('10.0.1.3', 1, '10.0.2.2', 8080), ctx()));
    results.push(dp.hook('INPUT', tcp('10.0.1.3', 1, '10.3.240.10', 80), ctx()));
    const lines = new Map<string, string>();
    for (const s of dp.rules().sections) for (const l of s.lines) if (l.id) lines.set(l.id, l.text);
    const texts = new Map<string, string>();
    for (const r of results) {
      for (const w of [...r.walked, ...(r.decidedBy ? [r.decidedBy] : [])]) texts.set(w.id, w.text);
      if (r.ipvs) texts.set(r.ipvs.virtualServer.id, r.ipvs.virtualServer.text);
    }
    expect(texts.size).toBeGreaterThan(10);
    for (const [id, text] of texts) {
      expect(lines.has(id), id).toBe(true);
      // Real-server lines carry live counters; all others are static.
      if (!id.startsWith('ipvs/TCP/10.3.241.152:80/') && !id.startsWith('ipvs/UDP/'))
        expect(lines.get(id)).toBe(text);
    }
  });

  it('says which release it follows and that the mode is deprecated', () => {
    expect(ipvsMode.mode).toBe('ipvs');
    expect(ipvsMode.followsVersion).toBe('v1.33');
    expect(ipvsMode.status).toMatch(/deprecated in v1\.35/);
  });
});

describe('ipvs schedulers', () => {
  const vip = '172.30.0.41';

  function run(scheduler: IpvsScheduler, cluster = threeEndpointCluster()) {
    return buildIpvsDataplane(cluster, TEST_NODE, { ipvsScheduler: scheduler });
  }

  it('uses cluster.network.ipvsScheduler unless the options say otherwise', () => {
    const cluster = threeEndpointCluster();
    const withDefault = { ...cluster, network: { ...cluster.network, ipvsScheduler: 'wlc' as const } };
    expect(section(buildIpvsDataplane(withDefault, TEST_NODE), 'ipvsadm -Ln')).toContain(
      'TCP  172.30.0.41:80 wlc',
    );
    expect(section(run('sed', withDefault), 'ipvsadm -Ln')).toContain('TCP  172.30.0.41:80 sed');
    expect(section(run('mh'), 'ipvsadm -Ln')).toContain('TCP  172.30.0.41:80 mh (mh-port)');
  });

  it('rr walks the real servers in order and spreads 3000 requests evenly', () => {
    const dp = run('rr');
    const counts = new Map<string, number>();
    const firstPicks: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const r = dp.hook('INPUT', tcp(`10.180.2.${(i % 200) + 1}`, 10000 + i, vip, 80), ctx(i));
      const rs = pick(r);
      if (i < 4) firstPicks.push(rs);
      counts.set(rs, (counts.get(rs) ?? 0) + 1);
    }
    expect(firstPicks).toEqual(['10.180.0.1:80', '10.180.1.1:80', '10.180.1.2:80', '10.180.0.1:80']);
    expect([...counts.values()]).toEqual([1000, 1000, 1000]);
    expect(section(dp, 'ipvsadm -Ln')).toContain(
      '  -> 10.180.0.1:80                Masq    1      1000       0         ',
    );
  });

  it('sh sends a source to the same real server every time, and spreads sources', () => {
    const dp = run('sh');
    const bySource = new Map<string, Set<string>>();
    for (let i = 0; i < 600; i++) {
      const src = `10.180.2.${(i % 60) + 1}`;
      const rs = pick(dp.hook('INPUT', tcp(src, 20000 + i, vip, 80), ctx(i)));
      const seen = bySource.get(src) ?? new Set<string>();
      seen.add(rs);
      bySource.set(src, seen);
    }
    for (const seen of bySource.values()) expect(seen.size).toBe(1);
    const used = new Set([...bySource.values()].map((s) => [...s][0]));
    expect(used.size).toBe(3);
  });

  it('lc picks the least loaded real server', () => {
    const dp = run('lc');
    const picks: string[] = [];
    for (let i = 0; i < 6; i++)
      picks.push(pick(dp.hook('INPUT', tcp('10.180.2.1', 30000 + i, vip, 80), ctx(i))));
    // All idle: the first; then the next least loaded, in list order.
    expect(picks).toEqual([
      '10.180.0.1:80',
      '10.180.1.1:80',
      '10.180.1.2:80',
      '10.180.0.1:80',
      '10.180.1.1:80',
      '10.180.1.2:80',
    ]);
    // UDP connections count as inactive (1/256 of an active one).
    const udp = run(
      'lc',
      makeCluster({
        services: [
          makeService('ns1', 'dns', [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }], {
            clusterIP: '172.30.0.10',
          }),
        ],
        endpointSlices: [
          makeSlice(
            'ns1',
            'dns',
            [{ ip: '10.180.0.5' }, { ip: '10.180.0.6' }],
            [{ name: 'dns', protocol: 'UDP', port: 53 }],
          ),
        ],
      }),
    );
    const u = (sport: number): NfPacket => ({
      protocol: 'UDP',
      src: '10.180.0.9',
      sport,
      dst: '172.30.0.10',
      dport: 53,
    });
    expect([1, 2, 3].map((s) => pick(udp.hook('INPUT', u(s), ctx())))).toEqual([
      '10.180.0.5:53',
      '10.180.0.6:53',
      '10.180.0.5:53',
    ]);
    expect(section(udp, 'ipvsadm -Ln')).toContain(
      '  -> 10.180.0.5:53                Masq    1      0          2         ',
    );
  });

  it('ClientIP affinity makes the virtual server persistent for timeoutSeconds', () => {
    const dp = run(
      'rr',
      threeEndpointCluster({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 }),
    );
    expect(section(dp, 'ipvsadm -Ln')).toContain('TCP  172.30.0.41:80 rr persistent 600');
    const a = pick(dp.hook('INPUT', tcp('10.180.2.7', 1000, vip, 80), ctx(0)));
    for (let i = 1; i <= 10; i++) {
      const r = dp.hook('INPUT', tcp('10.180.2.7', 1000 + i, vip, 80), ctx(i * 60));
      expect(pick(r)).toBe(a);
      expect(r.ipvs?.persistent).toBe(600);
    }
    // Another client is scheduled normally (rr moves on).
    expect(pick(dp.hook('INPUT', tcp('10.180.2.8', 1000, vip, 80), ctx(700)))).not.toBe(a);
    // After the template expires the first client is scheduled afresh.
    const later = dp.hook('INPUT', tcp('10.180.2.7', 5000, vip, 80), ctx(600 + 601 + 1));
    expect(later.summary).not.toMatch(/persistent/);
  });

  it('is deterministic: same cluster, same packets, same picks', () => {
    const picks = (): string[] => {
      const dp = run('mh');
      return Array.from({ length: 50 }, (_, i) =>
        pick(dp.hook('INPUT', tcp('10.180.2.3', 40000 + i, vip, 80), ctx(i))),
      );
    };
    expect(picks()).toEqual(picks());
  });
});

describe('ipvs virtual servers for external addresses and traffic policies', () => {
  const p80 = { name: 'p80', protocol: 'TCP' as const, port: 80 };

  it('creates NodePort virtual servers on the node addresses, with the port in KUBE-NODE-PORT-TCP', () => {
    const cluster = makeCluster({
      services: [
        makeService('ns3', 'svc3', [tcpPort('p80', 80, { nodePort: 30003 })], {
          type: 'NodePort',
          clusterIP: '172.30.0.43',
        }),
      ],
      endpointSlices: [makeSlice('ns3', 'svc3', [{ ip: '10.180.1.3', nodeName: 'other-node' }], [p80])],
    });
    const dp = buildIpvsDataplane(cluster, TEST_NODE);
    const list = section(dp, 'ipvsadm -Ln');
    expect(list).toContain(`TCP  ${TEST_NODE_IP}:30003 rr`);
    expect(list).toContain('TCP  10.180.0.1:30003 rr'); // the bridge address is a local address too
    expect(list).toContain('TCP  172.30.0.43:80 rr');
    expect(section(dp, 'ipset list')).toContain('30003');
    // Node IPs are not bound to kube-ipvs0.
    expect(dp.extraLocalAddresses.map((a) => a.ip)).toEqual(['172.30.0.43']);
    // External client → NodePort: marked for masquerade in KUBE-NODE-PORT, then IPVS.
    const packet = tcp('203.0.113.9', 1234, TEST_NODE_IP, 30003);
    const pre = dp.hook('PREROUTING', packet, ctx());
    expect(pre.packet.mark).toBe(0x4000);
    expect(
      pre.walked.some((w) => w.matched && w.text.startsWith('-A KUBE-NODE-PORT -p tcp -m comment')),
    ).toBe(true);
    const input = dp.hook('INPUT', pre.packet, ctx());
    expect(pick(input)).toBe('10.180.1.3:80');
  });

  it('eTP Local uses local endpoints for external addresses, and falls back to all when none is local (PR #97081)', () => {
    const svc = makeService('ns2', 'svc2', [tcpPort('p80', 80, { nodePort: 30002 })], {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      clusterIP: '172.30.0.42',
      loadBalancerIPs: ['1.2.3.4'],
      healthCheckNodePort: 30000,
    });
    const withLocal = makeCluster({
      services: [svc],
      endpointSlices: [
        makeSlice(
          'ns2',
          'svc2',
          [
            { ip: '10.180.0.2', nodeName: TEST_NODE },
            { ip: '10.180.1.2', nodeName: 'other-node' },
          ],
          [p80],
        ),
      ],
    });
    const dp = buildIpvsDataplane(withLocal, TEST_NODE);
    const lb = dp.ipvs.virtualServers.find((v) => v.id === 'ipvs/TCP/1.2.3.4:80');
    expect(lb?.realServers.map((r) => r.ip)).toEqual(['10.180.0.2']);
    const cip = dp.ipvs.virtualServers.find((v) => v.id === 'ipvs/TCP/172.30.0.42:80');
    expect(cip?.realServers.map((r) => r.ip)).toEqual(['10.180.0.2', '10.180.1.2']);
    const ipset = section(dp, 'ipset list');
    expect(ipset).toContain('1.2.3.4,tcp:80');
    expect(ipset).toContain('30000'); // KUBE-HEALTH-CHECK-NODE-PORT
    // Local LB traffic is not masqueraded: KUBE-LOAD-BALANCER-LOCAL returns first.
    const pre = dp.hook('PREROUTING', tcp('203.0.113.9', 1234, '1.2.3.4', 80), ctx());
    expect(pre.packet.mark ?? 0).toBe(0);
    expect(pre.decidedBy?.text).toBe(
      '-A KUBE-SERVICES -m set --match-set KUBE-LOAD-BALANCER dst,dst -j ACCEPT',
    );

    const noLocal = makeCluster({
      services: [svc],
      endpointSlices: [makeSlice('ns2', 'svc2', [{ ip: '10.180.1.2', nodeName: 'other-node' }], [p80])],
    });
    const fallback = buildIpvsDataplane(noLocal, TEST_NODE).ipvs.virtualServers.find(
      (v) => v.id === 'ipvs/TCP/1.2.3.4:80',
    );
    expect(fallback?.localFallback).toBe(true);
    expect(fallback?.realServers.map((r) => r.ip)).toEqual(['10.180.1.2']);
  });

  it('a service without endpoints keeps its virtual server, and IPVS answers port unreachable', () => {
    const cluster = makeCluster({
      services: [makeService('ns6', 'svc6', [tcpPort('p80', 80)], { clusterIP: '172.30.0.46' })],
      endpointSlices: [],
    });
    const dp = buildIpvsDataplane(cluster, TEST_NODE);
    expect(section(dp, 'ipvsadm -Ln').slice(3)).toEqual(['TCP  172.30.0.46:80 rr']);
    const r = dp.hook('INPUT', tcp('10.180.0.9', 1, '172.30.0.46', 80), ctx());
    expect(r.verdict).toBe('REJECT');
    expect(r.decidedBy?.id).toBe('ipvs/TCP/172.30.0.46:80');
  });
});
