import { describe, expect, it } from 'vitest';
import { buildIpvsDataplane, ipvsMode } from '../../../../src/engine/proxy/ipvs';
import type { IpvsDataplane } from '../../../../src/engine/proxy/ipvs';
import type { HookContext, NfPacket } from '../../../../src/engine/proxy/types';
import { createRng } from '../../../../src/engine/rng';
import { trace } from '../../../../src/engine/trace';
import type { Cluster } from '../../../../src/model/types';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';

function ctx(now = 0): HookContext {
  return { rng: createRng(1), now, conntrack: { state: 'NEW' } };
}

const tcp = (src: string, sport: number, dst: string, dport: number): NfPacket => ({
  protocol: 'TCP',
  src,
  sport,
  dst,
  dport,
});

const VIP = '172.30.0.41';

function threeEndpoints(extra: Parameters<typeof makeService>[3] = {}): Cluster {
  return makeCluster({
    services: [makeService('ns1', 'svc1', [tcpPort('p80', 80)], { clusterIP: VIP, ...extra })],
    endpointSlices: [
      makeSlice(
        'ns1',
        'svc1',
        [{ ip: '10.180.0.1' }, { ip: '10.180.1.1' }, { ip: '10.180.1.2' }],
        [{ name: 'p80', protocol: 'TCP', port: 80 }],
      ),
    ],
  });
}

function connect(dp: IpvsDataplane, client: string, count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const r = dp.hook('INPUT', tcp(client, 40000 + from + i, VIP, 80), ctx(from + i));
    return r.ipvs ? `${r.ipvs.realServer.ip}:${r.ipvs.realServer.port}` : 'none';
  });
}

function ipvsadm(dp: IpvsDataplane): readonly { text: string; id?: string }[] {
  return dp.rules().sections.find((s) => s.command === 'ipvsadm -Ln')?.lines ?? [];
}

describe('ipvs dataplanes built from one cluster object', () => {
  it('share the IPVS table, ipsets and static listings', () => {
    const cluster = defaultCluster();
    const a = buildIpvsDataplane(cluster, 'node-1');
    const b = ipvsMode.build(cluster, 'node-1') as IpvsDataplane;
    expect(b.ipvs).toBe(a.ipvs);
    const [, ipsetA, addrA, saveA] = a.rules().sections;
    const [, ipsetB, addrB, saveB] = b.rules().sections;
    expect(ipsetB?.lines).toBe(ipsetA?.lines);
    expect(addrB?.lines).toBe(addrA?.lines);
    expect(saveB?.lines).toBe(saveA?.lines);
    expect(b.extraLocalAddresses).toBe(a.extraLocalAddresses);
    // The scheduler changes the table: each scheduler has its own.
    const sed = buildIpvsDataplane(cluster, 'node-1', { ipvsScheduler: 'sed' });
    expect(sed.ipvs).not.toBe(a.ipvs);
    expect(sed.ipvs.scheduler).toBe('sed');
    expect(buildIpvsDataplane(cluster, 'node-1', { ipvsScheduler: 'sed' }).ipvs).toBe(sed.ipvs);
    expect(buildIpvsDataplane(cluster, 'node-2').ipvs).not.toBe(a.ipvs);
  });

  it('each start with connection counters at 0 and rr at the first real server', () => {
    const cluster = threeEndpoints();
    const a = buildIpvsDataplane(cluster, TEST_NODE);
    const before = ipvsadm(a).map((l) => l.text);
    const rounds = connect(a, '10.180.5.5', 4);
    expect(rounds).toEqual(['10.180.0.1:80', '10.180.1.1:80', '10.180.1.2:80', '10.180.0.1:80']);
    const first = a.ipvs.virtualServers[0]?.realServers[0];
    expect(a.counters(first?.id ?? '')).toEqual({ activeConns: 2, inactConns: 0 });
    const line = ipvsadm(a).find((l) => l.id === first?.id);
    expect(line?.text).toMatch(/Masq {4}1 {6}2 {10}0 {9}$/);

    const b = ipvsMode.build(cluster, TEST_NODE) as IpvsDataplane;
    expect(b.counters(first?.id ?? '')).toEqual({ activeConns: 0, inactConns: 0 });
    expect(ipvsadm(b).map((l) => l.text)).toEqual(before);
    expect(connect(b, '10.180.5.5', 2)).toEqual(rounds.slice(0, 2));
    // `a`'s listing still shows its own counters, untouched by `b`.
    expect(ipvsadm(a).find((l) => l.id === first?.id)?.text).toMatch(/Masq {4}1 {6}2 {10}0 {9}$/);
    expect(ipvsadm(b).find((l) => l.id === first?.id)?.text).toMatch(/Masq {4}1 {6}1 {10}0 {9}$/);
  });

  it('do not share persistence templates', () => {
    const cluster = threeEndpoints({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 });
    const a = buildIpvsDataplane(cluster, TEST_NODE);
    // Client 1 is pinned to the first rr pick; client 2 takes the next one.
    expect(new Set(connect(a, '10.180.5.5', 3))).toEqual(new Set(['10.180.0.1:80']));
    expect(connect(a, '10.180.5.6', 1, 10)).toEqual(['10.180.1.1:80']);
    // On a fresh dataplane client 2 has no template and rr starts over.
    const b = buildIpvsDataplane(cluster, TEST_NODE);
    expect(connect(b, '10.180.5.6', 1, 10)).toEqual(['10.180.0.1:80']);
  });

  it('make two traces with one seed identical', () => {
    const cluster = defaultCluster();
    const request = { from: { kind: 'pod' as const, namespace: 'default', name: 'client' }, to: 'web-svc' };
    const first = trace(cluster, request, { mode: 'ipvs', seed: 7 });
    const second = trace(cluster, request, { mode: 'ipvs', seed: 7 });
    expect(second).toEqual(first);
  });
});
