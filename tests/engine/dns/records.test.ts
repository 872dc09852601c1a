import { describe, expect, it } from 'vitest';
import { answerQuery, buildDnsZone } from '../../../src/engine/dns/records';
import { searchCandidates } from '../../../src/engine/dns/resolver';
import { podResolvConf } from '../../../src/engine/dns/resolvConf';
import type { Cluster, Pod } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';

const cluster = defaultCluster();
const zone = buildDnsZone(cluster);

describe("CoreDNS's records for the seed cluster", () => {
  it('answers a Service name with its ClusterIP', () => {
    const answer = answerQuery(zone, 'web-svc.default.svc.cluster.local.');
    expect(answer.rcode).toBe('NOERROR');
    expect(answer.answers.map((r) => r.data)).toEqual(['10.3.241.152']);
    expect(answer.answers[0]?.ttl).toBe(30);
  });

  it('publishes SRV records for named ports only, and PTR for ClusterIPs', () => {
    expect(answerQuery(zone, '_http._tcp.web-svc.default.svc.cluster.local', 'SRV').answers[0]?.data).toBe(
      '0 100 80 web-svc.default.svc.cluster.local.',
    );
    expect(answerQuery(zone, '_dns._udp.kube-dns.kube-system.svc.cluster.local', 'SRV').rcode).toBe(
      'NOERROR',
    );
    expect(answerQuery(zone, '152.241.3.10.in-addr.arpa', 'PTR').answers[0]?.data).toBe(
      'web-svc.default.svc.cluster.local.',
    );
  });

  it('returns NXDOMAIN for a search-list miss and flags names outside the zone as forwarded', () => {
    expect(answerQuery(zone, 'web-svc.svc.cluster.local.').rcode).toBe('NXDOMAIN');
    const external = answerQuery(zone, 'example.com.');
    expect(external.forwarded).toBe(true);
  });

  it('answers pod A records from the dashed name (pods insecure)', () => {
    expect(answerQuery(zone, '10-0-1-3.default.pod.cluster.local.').answers[0]?.data).toBe('10.0.1.3');
  });

  it('gives a headless Service one A record per ready endpoint and NXDOMAIN when none is ready', () => {
    const web = cluster.services.find((s) => s.name === 'web-svc');
    if (!web) throw new Error('web-svc missing');
    const headless: Cluster = {
      ...cluster,
      services: [...cluster.services, { ...web, name: 'web-headless', clusterIP: null, headless: true }],
      endpointSlices: [
        ...cluster.endpointSlices,
        ...cluster.endpointSlices
          .filter((s) => s.serviceName === 'web-svc')
          .map((s) => ({ ...s, name: 'web-headless-x', serviceName: 'web-headless' })),
      ],
    };
    const hz = buildDnsZone(headless);
    const answer = answerQuery(hz, 'web-headless.default.svc.cluster.local.');
    expect(answer.answers.map((r) => r.data).sort()).toEqual(['10.0.1.2', '10.0.2.2']);
    expect(answerQuery(hz, '10-0-2-2.web-headless.default.svc.cluster.local.').answers[0]?.data).toBe(
      '10.0.2.2',
    );
    expect(answerQuery(hz, '_http._tcp.web-headless.default.svc.cluster.local.', 'SRV').answers).toHaveLength(
      2,
    );

    const notReady: Cluster = {
      ...headless,
      endpointSlices: headless.endpointSlices.map((s) =>
        s.serviceName === 'web-headless'
          ? {
              ...s,
              endpoints: s.endpoints.map((e) => ({ ...e, conditions: { ...e.conditions, ready: false } })),
            }
          : s,
      ),
    };
    expect(answerQuery(buildDnsZone(notReady), 'web-headless.default.svc.cluster.local.').rcode).toBe(
      'NXDOMAIN',
    );
  });
});

describe('the resolver search order with ndots:5', () => {
  const client = cluster.pods.find((p) => p.name === 'client') as Pod;
  const rc = podResolvConf(cluster, client);

  it('expands a short name through the search list before trying it as-is', () => {
    expect(searchCandidates('web-svc', rc)).toEqual([
      'web-svc.default.svc.cluster.local.',
      'web-svc.svc.cluster.local.',
      'web-svc.cluster.local.',
      'web-svc.',
    ]);
  });

  it('still searches first for a name with 4 dots, but not for 5 dots or a trailing dot', () => {
    expect(searchCandidates('kubernetes.default.svc.cluster.local', rc)[0]).toBe(
      'kubernetes.default.svc.cluster.local.default.svc.cluster.local.',
    );
    expect(searchCandidates('a.b.c.d.e.f', rc)[0]).toBe('a.b.c.d.e.f.');
    expect(searchCandidates('web-svc.default.svc.cluster.local.', rc)).toEqual([
      'web-svc.default.svc.cluster.local.',
    ]);
  });
});
