import { describe, expect, it } from 'vitest';
import { answerQuery, buildDnsZone } from '../../../src/engine/dns/records';
import { lookupName } from '../../../src/engine/dns/resolver';
import type { Pod } from '../../../src/model/types';
import { loadScenario } from '../../../src/scenarios/load';

const cluster = loadScenario('dns');
const zone = buildDnsZone(cluster);
const client = cluster.pods.find((p) => p.name === 'client') as Pod;

describe("the dns scenario's zone", () => {
  it('gives the headless Service one A per ready pod, and each pod with hostname+subdomain its own name', () => {
    expect(
      answerQuery(zone, 'db.default.svc.cluster.local.')
        .answers.map((r) => r.data)
        .sort(),
    ).toEqual(['10.0.1.4', '10.0.2.4']);
    const db0 = answerQuery(zone, 'db-0.db.default.svc.cluster.local.');
    expect(db0.answers.map((r) => [r.kind, r.data])).toEqual([['endpoint', '10.0.1.4']]);
    // PTR points at the hostname-based name (spec §2.4.3), not the dashed address.
    expect(answerQuery(zone, '4.1.0.10.in-addr.arpa.', 'PTR').answers[0]?.data).toBe(
      'db-0.db.default.svc.cluster.local.',
    );
  });

  it('publishes SRV per ready endpoint for the named port, weight split between them', () => {
    const srv = answerQuery(zone, '_postgres._tcp.db.default.svc.cluster.local.', 'SRV').answers;
    expect(srv.map((r) => r.data).sort()).toEqual([
      '0 50 5432 db-0.db.default.svc.cluster.local.',
      '0 50 5432 db-1.db.default.svc.cluster.local.',
    ]);
  });

  it('answers the ExternalName Service with a CNAME', () => {
    const docs = answerQuery(zone, 'docs.default.svc.cluster.local.');
    expect(docs.answers.map((r) => `${r.type} ${r.data}`)).toEqual(['CNAME kubernetes.io.']);
  });

  it("answers a ClusterIP Service's endpoint names and PTRs as CoreDNS does, outside the spec's records", () => {
    expect(zone.records.some((r) => r.name === '10-0-1-2.web-svc.default.svc.cluster.local.')).toBe(false);
    expect(answerQuery(zone, '10-0-1-2.web-svc.default.svc.cluster.local.').answers[0]?.data).toBe(
      '10.0.1.2',
    );
    expect(answerQuery(zone, '2.1.0.10.in-addr.arpa.', 'PTR').answers[0]?.data).toBe(
      '10-0-1-2.web-svc.default.svc.cluster.local.',
    );
    // A ClusterIP's reverse record is the Service's, never an endpoint's.
    expect(answerQuery(zone, '152.241.3.10.in-addr.arpa.', 'PTR').answers.map((r) => r.data)).toEqual([
      'web-svc.default.svc.cluster.local.',
    ]);
  });

  it('lists a pods-insecure record per running pod', () => {
    expect(zone.pods.map((r) => r.name)).toContain('10-0-1-3.default.pod.cluster.local.');
    expect(zone.pods.every((r) => r.kind === 'pod' && r.type === 'A')).toBe(true);
  });
});

describe('lookupName: the queries a pod sends, in order', () => {
  it('a short name walks the search list and stops at the first answer', () => {
    const l = lookupName(cluster, client, 'web-svc');
    expect(l.order).toBe('search-first');
    expect(l.queries.map((q) => q.qname)).toEqual(['web-svc.default.svc.cluster.local.']);
    expect(l.result?.answer.answers[0]?.data).toBe('10.3.241.152');
  });

  it('a name that misses the search list tries every domain, then itself, which CoreDNS forwards', () => {
    const l = lookupName(cluster, client, 'example.com');
    expect(l.queries.map((q) => [q.qname, q.answer.rcode, q.answer.forwarded])).toEqual([
      ['example.com.default.svc.cluster.local.', 'NXDOMAIN', false],
      ['example.com.svc.cluster.local.', 'NXDOMAIN', false],
      ['example.com.cluster.local.', 'NXDOMAIN', false],
      ['example.com.', 'NXDOMAIN', true],
    ]);
    expect(l.result?.qname).toBe('example.com.');
  });

  it('a name with at least ndots (5) dots is tried as-is first', () => {
    const l = lookupName(cluster, client, 'db-1.db.default.svc.cluster.local');
    expect(l.dots).toBe(5);
    expect(l.order).toBe('as-is-first');
    expect(l.candidates[0]).toBe('db-1.db.default.svc.cluster.local.');
    expect(l.queries).toHaveLength(1);
    expect(l.result?.answer.answers[0]?.data).toBe('10.0.2.4');
  });

  it('four dots are still fewer than ndots: the fully qualified Service name goes through the search list', () => {
    const l = lookupName(cluster, client, 'web-svc.default.svc.cluster.local');
    expect(l.order).toBe('search-first');
    expect(l.queries[0]?.qname).toBe('web-svc.default.svc.cluster.local.default.svc.cluster.local.');
    expect(l.queries.at(-1)?.qname).toBe('web-svc.default.svc.cluster.local.');
    expect(l.queries).toHaveLength(4);
  });

  it('a trailing dot makes the name absolute: exactly one query, even when it fails', () => {
    const l = lookupName(cluster, client, 'nothing.default.svc.cluster.local.');
    expect(l.order).toBe('absolute');
    expect(l.candidates).toEqual(['nothing.default.svc.cluster.local.']);
    expect(l.queries.map((q) => q.answer.rcode)).toEqual(['NXDOMAIN']);
    expect(l.result).toBeNull();
  });

  it('/etc/hosts answers the pod its own name without any query', () => {
    const l = lookupName(cluster, client, 'client');
    expect(l.fromHosts).toBe('10.0.1.3');
    expect(l.queries).toEqual([]);
  });
});

describe('records are listed once', () => {
  it('gives every record of the zone, its extensions and pods a distinct id', () => {
    const ids = [...zone.records, ...zone.extensions, ...zone.pods].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // kube-dns's two ports on 53 (UDP and TCP) share one bare-name SRV record.
    expect(
      answerQuery(zone, 'kube-dns.kube-system.svc.cluster.local.', 'SRV').answers.map((r) => r.data),
    ).toEqual([
      '0 100 53 kube-dns.kube-system.svc.cluster.local.',
      '0 100 9153 kube-dns.kube-system.svc.cluster.local.',
    ]);
  });
});

describe('a trace to an ExternalName Service', () => {
  it('stops the search at the CNAME instead of trying the next search domain', async () => {
    const { trace } = await import('../../../src/engine/trace');
    const t = trace(cluster, { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'docs' });
    const queries = t.steps.filter((s) => s.kind === 'dns-query');
    expect(queries).toHaveLength(1);
    expect(t.steps.at(-1)?.caption).toContain('is a CNAME to kubernetes.io.');
    expect(t.outcome).toEqual({
      status: 'dropped',
      reason: expect.stringContaining('ExternalName') as unknown,
    });
  });
});
