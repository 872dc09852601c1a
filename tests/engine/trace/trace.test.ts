import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trace, TraceInputError } from '../../../src/engine/trace';
import type { Trace } from '../../../src/engine/trace';
import type { Cluster } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';
import { renderTrace } from '../../helpers/scenarioTrace';

const cluster = defaultCluster();
const fromClient = { kind: 'pod', namespace: 'default', name: 'client' } as const;
const webSvc = (seed: number, c: Cluster = cluster): Trace =>
  trace(c, { from: fromClient, to: 'web-svc' }, { seed });

const render = renderTrace;

describe('the default request, client → web-svc, in iptables mode', () => {
  const t = webSvc(1);

  it('matches the reviewed golden trace', async () => {
    await expect(render(t)).toMatchFileSnapshot('./golden/iptables-client-web-svc.txt');
  });

  it('looks the name up through CoreDNS, with the query itself DNATed to the CoreDNS pod', () => {
    const dns = t.steps.filter((s) => s.phase === 'dns');
    expect(dns[0]?.kind).toBe('hosts-lookup');
    expect(dns.find((s) => s.kind === 'dns-query')?.packet.payload).toBe(
      'DNS query A web-svc.default.svc.cluster.local.',
    );
    const trap = dns.find((s) => s.kind === 'netfilter' && s.rewrite);
    expect(trap?.rewrite).toMatchObject({
      field: 'dst',
      from: '10.3.240.10:53',
      to: '10.0.2.3:53',
      by: 'DNAT',
    });
    expect(trap?.location.node).toBe('node-1');
    expect(dns.find((s) => s.kind === 'dns-answer')?.rule?.text).toBe(
      'web-svc.default.svc.cluster.local. 30 IN A 10.3.241.152',
    );
    const answerHome = dns.filter((s) => s.kind === 'deliver').at(-1);
    expect(answerHome?.packet.src).toBe('10.3.240.10');
  });

  it('traps the request on node-1 and rewrites 10.3.241.152:80 to a server pod :8080', () => {
    const trap = t.steps.find((s) => s.phase === 'request' && s.rewrite?.field === 'dst');
    expect(trap?.kind).toBe('netfilter');
    expect(trap?.location).toMatchObject({ node: 'node-1', space: 'kernel' });
    expect(trap?.rewrite?.from).toBe('10.3.241.152:80');
    expect(['10.0.1.2:8080', '10.0.2.2:8080']).toContain(trap?.rewrite?.to);
    expect(trap?.rule?.chain).toMatch(/^KUBE-SEP-/);
    expect(trap?.rule?.text).toContain('-j DNAT --to-destination');
  });

  it('routes to the default gateways because nothing routes the service network', () => {
    const routes = t.steps.filter((s) => s.phase === 'request' && s.kind === 'route').map((s) => s.route);
    expect(routes[0]).toBe('default via 10.0.1.1 dev eth0');
  });

  it('delivers the reply with the ClusterIP as its source', () => {
    expect(t.outcome).toEqual({ status: 'delivered' });
    const last = t.steps.at(-1);
    expect(last?.phase).toBe('reply');
    expect(last?.kind).toBe('deliver');
    expect(`${last?.packet.src}:${last?.packet.sport}`).toBe('10.3.241.152:80');
    expect(last?.packet.dst).toBe('10.0.1.3');
  });

  it('keeps a conntrack entry on node-1 whose reply tuple points at the backend', () => {
    const trap = t.steps.find((s) => s.phase === 'request' && s.rewrite?.field === 'dst');
    const entry = trap?.conntrack.find((e) => e.original.dst.ip === '10.3.241.152');
    expect(entry?.nat).toContain('DNAT');
    expect(`${entry?.reply.src.ip}:${entry?.reply.src.port}`).toBe(trap?.rewrite?.to);
  });
});

describe('every kube-proxy mode', () => {
  for (const mode of ['userspace', 'iptables', 'ipvs', 'nftables'] as const) {
    it(`${mode}: the same request is delivered and the client sees the ClusterIP`, () => {
      const t = trace(cluster, { from: fromClient, to: 'web-svc' }, { mode, seed: 7 });
      expect(t.outcome.status).toBe('delivered');
      expect(t.steps.at(-1)?.packet.src).toBe('10.3.241.152');
    });
  }
});

describe('drops end the trace with a reason', () => {
  it('a Service without endpoints is REJECTed in the filter table', () => {
    const noEndpoints: Cluster = {
      ...cluster,
      endpointSlices: cluster.endpointSlices.filter((s) => s.serviceName !== 'web-svc'),
    };
    const t = webSvc(1, noEndpoints);
    expect(t.outcome.status).toBe('dropped');
    expect(t.outcome.status === 'dropped' && t.outcome.reason).toContain('has no endpoints');
    const last = t.steps.at(-1);
    expect(last?.kind).toBe('drop');
    expect(last?.rule?.text).toContain('-j REJECT');
  });

  it('a name that is nowhere gives NXDOMAIN after every search candidate', () => {
    const t = trace(cluster, { from: fromClient, to: 'nope' });
    expect(t.outcome.status).toBe('dropped');
    expect(t.steps.filter((s) => s.kind === 'dns-query').map((s) => s.packet.payload)).toEqual([
      'DNS query A nope.default.svc.cluster.local.',
      'DNS query A nope.svc.cluster.local.',
      'DNS query A nope.cluster.local.',
      'DNS query A nope.',
    ]);
  });

  it('a router without a route to the other node drops cross-node traffic', () => {
    const broken: Cluster = {
      ...cluster,
      network: {
        ...cluster.network,
        router: {
          ...cluster.network.router,
          routes: cluster.network.router.routes.filter((r) => r.destination !== '10.0.2.0/24'),
        },
      },
    };
    const t = trace(broken, { from: fromClient, to: '10.0.2.2', port: 8080 });
    expect(t.outcome).toEqual({ status: 'dropped', reason: 'the router has no route to 10.0.2.2' });
  });

  it('rejects a request from a pod that does not exist', () => {
    expect(() =>
      trace(cluster, { from: { kind: 'pod', namespace: 'default', name: 'ghost' }, to: 'web-svc' }),
    ).toThrow(TraceInputError);
  });
});

describe('hosts file and direct pod traffic', () => {
  it('answers from /etc/hosts without asking DNS', () => {
    const withAlias: Cluster = {
      ...cluster,
      pods: cluster.pods.map((p) =>
        p.name === 'client' ? { ...p, hostAliases: [{ ip: '10.0.2.2', hostnames: ['backend.local'] }] } : p,
      ),
    };
    const t = trace(withAlias, { from: fromClient, to: 'backend.local', port: 8080 });
    expect(t.steps.some((s) => s.kind === 'dns-query')).toBe(false);
    expect(t.resolved?.address).toBe('10.0.2.2');
    expect(t.outcome.status).toBe('delivered');
  });

  it('bridges pod-to-pod traffic on one node and never routes it through the router', () => {
    const t = trace(cluster, { from: fromClient, to: '10.0.1.2', port: 8080 });
    expect(t.outcome.status).toBe('delivered');
    expect(t.steps.some((s) => s.kind === 'router')).toBe(false);
    expect(t.steps.filter((s) => s.kind === 'route' && s.phase === 'request')[0]?.route).toBe(
      '10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.3',
    );
  });

  it('undoes the DNAT on a reply that is bridged back on the same node (br_netfilter)', () => {
    // Find a seed that picks the local backend server-1.
    const local = [...Array(20).keys()]
      .map((s) => webSvc(s))
      .find((t) => t.resolved?.backend?.ip === '10.0.1.2');
    expect(local).toBeDefined();
    const undo = local?.steps.find((s) => s.phase === 'reply' && s.kind === 'conntrack');
    expect(undo?.rewrite).toMatchObject({ field: 'src', from: '10.0.1.2:8080', to: '10.3.241.152:80' });
    expect(local?.steps.some((s) => s.phase === 'reply' && s.kind === 'router')).toBe(false);
  });
});

describe('properties over seeds', () => {
  it('every trace ends delivered or dropped with a reason, and a delivered reply comes from the dialled address', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom('web-svc', 'kube-dns.kube-system', '10.3.241.152', 'nope'),
        (seed, to) => {
          const t = trace(
            cluster,
            {
              from: fromClient,
              to,
              ...(to.startsWith('kube-dns') ? { port: 53, protocol: 'UDP' as const } : {}),
            },
            { seed },
          );
          if (t.outcome.status === 'dropped') {
            expect(t.outcome.reason.length).toBeGreaterThan(0);
            return;
          }
          const last = t.steps.at(-1);
          expect(last?.phase).toBe('reply');
          expect(last?.packet.src).toBe(t.resolved?.address);
          const request = t.steps.find((s) => s.phase === 'request' && s.kind === 'send');
          expect(last?.packet.sport).toBe(request?.packet.dport);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the DNAT target is always a ready endpoint of the Service', () => {
    const endpoints = new Set(
      cluster.endpointSlices
        .filter((s) => s.serviceName === 'web-svc')
        .flatMap((s) =>
          s.endpoints.filter((e) => e.conditions.ready).flatMap((e) => e.addresses.map((a) => `${a}:8080`)),
        ),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const trap = webSvc(seed).steps.find((s) => s.phase === 'request' && s.rewrite?.by === 'DNAT');
        expect(endpoints.has(trap?.rewrite?.to ?? '')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('spreads 2,000 seeded requests evenly over the two backends (1/2 ± 4%)', () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 2000; seed += 1) {
      const ip =
        trace(cluster, { from: fromClient, to: '10.3.241.152' }, { seed }).resolved?.backend?.ip ?? '';
      counts.set(ip, (counts.get(ip) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['10.0.1.2', '10.0.2.2']);
    for (const n of counts.values()) expect(Math.abs(n / 2000 - 0.5)).toBeLessThan(0.04);
  });

  it('is deterministic for a seed', () => {
    expect(render(webSvc(42))).toBe(render(webSvc(42)));
  });
});

describe('userspace mode (removed in v1.26)', () => {
  const t = trace(cluster, { from: fromClient, to: 'web-svc' }, { mode: 'userspace', seed: 1 });

  it('matches the reviewed golden trace', async () => {
    await expect(render(t)).toMatchFileSnapshot('./golden/userspace-client-web-svc.txt');
  });

  it("REDIRECTs to kube-proxy's port on the bridge address, crosses into user space and back, and opens a second connection", () => {
    const trap = t.steps.find((s) => s.phase === 'request' && s.rewrite?.by === 'REDIRECT');
    expect(trap?.rewrite).toMatchObject({ from: '10.3.241.152:80', to: '10.0.1.1:10400' });
    expect(trap?.rule?.chain).toBe('KUBE-PORTALS-CONTAINER');
    const crossings = t.steps.filter((s) => s.kind === 'userspace' && s.phase !== 'dns');
    expect(crossings.map((s) => s.location.space)).toEqual(['user', 'kernel', 'user', 'kernel']);
    const second = crossings[1];
    expect(second?.packet.src).toMatch(/^10\.(100\.0\.2|0\.1\.1)$/);
    expect(t.steps.at(-1)?.packet.src).toBe('10.3.241.152');
  });
});

describe('ipvs mode', () => {
  const t = trace(cluster, { from: fromClient, to: 'web-svc' }, { mode: 'ipvs', seed: 1 });

  it('matches the reviewed golden trace', async () => {
    await expect(render(t)).toMatchFileSnapshot('./golden/ipvs-client-web-svc.txt');
  });

  it('accepts the ClusterIP in iptables, delivers it locally on kube-ipvs0, and lets IPVS pick a real server', () => {
    const request = t.steps.filter((s) => s.phase === 'request');
    const accept = request.find((s) => s.kind === 'netfilter');
    expect(accept?.rule?.text).toContain('--match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT');
    expect(request.find((s) => s.kind === 'route' && s.location.device === 'kube-ipvs0')).toBeDefined();
    const ipvs = request.find((s) => s.kind === 'ipvs');
    expect(ipvs?.rewrite).toMatchObject({ field: 'dst', from: '10.3.241.152:80', by: 'IPVS' });
    expect(ipvs?.walked?.some((w) => w.text.startsWith('TCP  10.3.241.152:80 rr'))).toBe(true);
    expect(t.steps.at(-1)?.packet.src).toBe('10.3.241.152');
  });
});

describe('nftables mode', () => {
  const t = trace(cluster, { from: fromClient, to: 'web-svc' }, { mode: 'nftables', seed: 1 });

  it('matches the reviewed golden trace', async () => {
    await expect(render(t)).toMatchFileSnapshot('./golden/nftables-client-web-svc.txt');
  });

  it('DNATs in the endpoint chain after the service-ips verdict map and numgen', () => {
    const trap = t.steps.find((s) => s.phase === 'request' && s.rewrite?.by === 'DNAT');
    expect(trap?.rule?.text).toMatch(/dnat to 10\.0\.[12]\.2:8080/);
    expect(trap?.rule?.chain).toMatch(/^endpoint-/);
    expect(trap?.walked?.some((w) => w.text.includes('numgen random mod 2'))).toBe(true);
    expect(t.steps.at(-1)?.packet.src).toBe('10.3.241.152');
  });
});

describe('an external client to a NodePort', () => {
  const nodePortCluster: Cluster = {
    ...cluster,
    services: cluster.services.map((s) =>
      s.name === 'web-svc'
        ? { ...s, type: 'NodePort' as const, ports: s.ports.map((p) => ({ ...p, nodePort: 30080 })) }
        : s,
    ),
  };
  for (const mode of ['iptables', 'ipvs', 'nftables'] as const) {
    it(`${mode}: eTP Cluster masquerades on the way in, and the reply leaves from the NodePort`, () => {
      const t = trace(
        nodePortCluster,
        { from: { kind: 'external', ip: '203.0.113.7' }, to: '10.100.0.3', port: 30080 },
        { mode, seed: 3 },
      );
      expect(t.outcome).toEqual({ status: 'delivered' });
      const masq = t.steps.find((s) => s.rewrite?.by === 'MASQUERADE');
      expect(masq?.rewrite?.from).toBe(`203.0.113.7:${t.steps[0]?.packet.sport ?? 0}`);
      expect(masq?.packet.src).toBe('10.100.0.3');
      const last = t.steps.at(-1);
      expect(`${last?.packet.src}:${last?.packet.sport}`).toBe('10.100.0.3:30080');
      expect(last?.packet.dst).toBe('203.0.113.7');
    });
  }
});
