import { describe, expect, it } from 'vitest';
import { summarizeTrace, trace, volley } from '../../../src/engine/trace';
import type { Cluster } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';

const cluster = defaultCluster();
const request = { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc' } as const;
const withAffinity: Cluster = {
  ...cluster,
  services: cluster.services.map((s) =>
    s.name === 'web-svc' ? { ...s, sessionAffinity: 'ClientIP' as const } : s,
  ),
};

describe('volleys', () => {
  it('iptables spreads 1,000 connections close to evenly over both backends', () => {
    const v = volley(cluster, request, 1000, { mode: 'iptables', seed: 5 });
    expect(v.address).toBe('10.3.241.152');
    expect(v.failed).toBe(0);
    const counts = [...v.byBackend.values()];
    expect(counts).toHaveLength(2);
    for (const n of counts) expect(Math.abs(n / 1000 - 0.5)).toBeLessThan(0.05);
  });

  it('ipvs rr alternates exactly', () => {
    const v = volley(cluster, request, 100, { mode: 'ipvs', seed: 5 });
    expect([...v.byBackend.values()]).toEqual([50, 50]);
  });

  it('ClientIP session affinity sends every connection of one client to one backend, in every kernel mode', () => {
    for (const mode of ['iptables', 'ipvs', 'nftables', 'userspace'] as const) {
      const v = volley(withAffinity, request, 50, { mode, seed: 9 });
      expect(v.byBackend.size, mode).toBe(1);
      expect([...v.byBackend.values()][0], mode).toBe(50);
    }
  });

  it('with a dead backend, iptables keeps sending to it and userspace retries elsewhere', () => {
    const dead = ['10.0.2.2:8080'];
    const ipt = volley(cluster, request, 200, { mode: 'iptables', seed: 2, deadEndpoints: dead });
    expect(ipt.failed).toBeGreaterThan(60);
    expect(ipt.byBackend.get('10.0.2.2:8080')).toBe(ipt.failed);
    const us = volley(cluster, request, 200, { mode: 'userspace', seed: 2, deadEndpoints: dead });
    expect(us.failed).toBe(0);
    expect(us.byBackend.get('10.0.1.2:8080')).toBe(200);
  });
});

describe('comparing modes', () => {
  const summaries = Object.fromEntries(
    (['userspace', 'iptables', 'ipvs', 'nftables'] as const).map((mode) => [
      mode,
      summarizeTrace(trace(cluster, request, { mode, seed: 1 })),
    ]),
  );

  it('only userspace copies between kernel and user space: twice each way for the request and the DNS query', () => {
    expect(summaries.userspace?.kernelUserCopies).toBe(8);
    expect(summaries.iptables?.kernelUserCopies).toBe(0);
    expect(summaries.ipvs?.kernelUserCopies).toBe(0);
    expect(summaries.nftables?.kernelUserCopies).toBe(0);
  });

  it('counts rules evaluated and rewrites', () => {
    for (const s of Object.values(summaries)) {
      expect(s.rulesEvaluated).toBeGreaterThan(0);
      expect(s.rewrites).toBeGreaterThanOrEqual(4);
    }
  });

  it('records the retry a userspace kube-proxy makes after a failed dial', () => {
    const t = trace(cluster, request, {
      mode: 'userspace',
      seed: 1,
      deadEndpoints: ['10.0.2.2:8080', '10.0.1.2:8080'],
    });
    expect(t.outcome.status).toBe('dropped');
    expect(summarizeTrace(t).retries).toBe(4);
  });
});
