/**
 * The Services, pod-networking, DNS and failure scenarios of the catalog (svc family): each one's trace as a
 * reviewed golden, its key step found, and the fact it teaches checked on the data.
 */
import { describe, expect, it } from 'vitest';
import { trace, volley } from '../../../src/engine/trace';
import type { Trace } from '../../../src/engine/trace';
import { scenarioMeta } from '../../../src/scenarios/catalog';
import { findKeyStep } from '../../../src/scenarios/keyStep';
import { loadScenario } from '../../../src/scenarios/load';
import { openScenarioTrace, renderTrace, SVC_SCENARIOS } from '../../helpers/scenarioTrace';

const open = openScenarioTrace;

function requestOf(id: string) {
  const request = scenarioMeta(id)?.request;
  if (!request) throw new Error(`scenario ${id} has no request`);
  return request;
}

function keyStepOf(id: string, t: Trace) {
  const matcher = scenarioMeta(id)?.keyStep;
  if (!matcher) throw new Error(`scenario ${id} has no key step`);
  const index = findKeyStep(t.steps, matcher);
  if (index === null) throw new Error(`scenario ${id}: no step matches its key step`);
  return t.steps[index];
}

describe('svc scenarios: golden traces and key steps', () => {
  for (const id of SVC_SCENARIOS) {
    it(`${id}: matches the reviewed golden trace and lands on its key step`, async () => {
      const t = open(id);
      await expect(renderTrace(t)).toMatchFileSnapshot(`./golden/${id}-scenario.txt`);
      expect(keyStepOf(id, t)).toBeDefined();
    });
  }
});

const CLIENT_IP = '203.0.113.7';

describe('what each svc scenario teaches', () => {
  it('localhost: the packet never leaves the pod; the exporter reaches nginx over lo', () => {
    const t = open('localhost');
    expect(t.outcome).toEqual({ status: 'delivered' });
    expect(t.steps.every((s) => s.location.netns === 'pod:default/web-1')).toBe(true);
    expect(t.steps.some((s) => ['veth', 'bridge', 'wire', 'netfilter'].includes(s.kind))).toBe(false);
    expect(keyStepOf('localhost', t)?.route).toContain('dev lo table local');
  });

  it('nodeport: KUBE-NODEPORTS → KUBE-EXT- → KUBE-SVC- → KUBE-SEP- DNAT, then masquerade', () => {
    const t = open('nodeport');
    const key = keyStepOf('nodeport', t);
    expect(key?.caption).toMatch(
      /^TRAP on node-2: NodePort 10\.100\.0\.3:30080 of default\/web → KUBE-NODEPORTS → KUBE-EXT-\w+ → pod 10\.0\.1\.2:8080/,
    );
    expect(key?.detail).toMatch(/KUBE-NODEPORTS → KUBE-EXT-\w+ → KUBE-SVC-\w+ → KUBE-SEP-\w+/);
    expect(t.steps.some((s) => s.rewrite?.by === 'MASQUERADE')).toBe(true);
    expect(t.outcome).toEqual({ status: 'delivered' });
  });

  it('loadbalancer: the LB IP is matched by kube-proxy on the node the router hands it to', () => {
    const t = open('loadbalancer');
    const key = keyStepOf('loadbalancer', t);
    expect(key?.location.node).toBe('node-1');
    expect(key?.rewrite?.from).toBe('198.51.100.10:80');
    expect(key?.caption).toContain('load-balancer IP 198.51.100.10:80 of default/web-lb → KUBE-EXT-');
    expect(t.steps.at(-1)?.packet.src).toBe('198.51.100.10');
    expect(t.outcome).toEqual({ status: 'delivered' });
  });

  it("etp-cluster: the pod sees node-2's address, not the client's", () => {
    const t = open('etp-cluster');
    const delivered = t.steps.find((s) => s.phase === 'request' && s.kind === 'deliver');
    expect(delivered?.packet.src).toBe('10.100.0.3');
    expect(keyStepOf('etp-cluster', t)?.rewrite).toMatchObject({
      by: 'MASQUERADE',
      to: expect.stringMatching(/^10\.100\.0\.3:/),
    });
  });

  it('etp-local: node-2 has no api pod, so the NodePort connection is DROPped there (no REJECT)', () => {
    const t = open('etp-local');
    const key = keyStepOf('etp-local', t);
    expect(key?.location.node).toBe('node-2');
    expect(key?.rule?.text).toContain('has no local endpoints');
    expect(key?.rule?.text).toContain('-j DROP');
    expect(t.steps.some((s) => s.rewrite !== undefined)).toBe(false);
  });

  it('itp-local: always the endpoint on the client’s own node, through KUBE-SVL-', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const t = trace(loadScenario('itp-local'), requestOf('itp-local'), { seed });
      expect(t.resolved?.backend?.ip).toBe('10.0.1.2');
    }
    const key = keyStepOf('itp-local', open('itp-local'));
    expect(key?.walked?.some((r) => r.text.startsWith('-A KUBE-SVL-'))).toBe(true);
  });

  it('no-endpoints: REJECTed in the filter table, no DNAT ever happens', () => {
    const t = open('no-endpoints');
    const key = keyStepOf('no-endpoints', t);
    expect(key?.rule?.text).toContain('-j REJECT');
    expect(key?.caption).toContain('connection refused');
    expect(t.steps.filter((s) => s.phase === 'request').some((s) => s.rewrite)).toBe(false);
  });

  it('affinity: every connection of a volley from the client lands on the same pod', () => {
    const v = volley(loadScenario('affinity'), requestOf('affinity'), 10);
    expect(v.failed).toBe(0);
    expect([...v.byBackend.values()]).toEqual([10]);
    expect(keyStepOf('affinity', open('affinity'))?.rule?.text).toContain('--set');
  });

  it('headless: DNS answers both pod IPs and nothing rewrites the connection', () => {
    const t = open('headless');
    const answer = t.steps.find((s) => s.kind === 'dns-answer');
    expect(answer?.packet.payload).toBe('DNS answer A 10.0.1.2, A 10.0.2.2');
    expect(t.resolved?.address).toBe('10.0.1.2');
    expect(t.steps.filter((s) => s.phase !== 'dns').some((s) => s.rewrite)).toBe(false);
    expect(t.outcome).toEqual({ status: 'delivered' });
  });

  it('externalname: CoreDNS answers a CNAME and the A record of its in-cluster target', () => {
    const t = open('externalname');
    const key = keyStepOf('externalname', t);
    expect(key?.packet.payload).toBe('DNS answer CNAME web.default.svc.cluster.local., A 10.3.241.152');
    expect(t.resolved?.address).toBe('10.3.241.152');
    expect(t.outcome).toEqual({ status: 'delivered' });
  });

  it('hostaliases: /etc/hosts answers and no DNS query is sent', () => {
    const t = open('hostaliases');
    const key = keyStepOf('hostaliases', t);
    expect(key?.detail).toContain(
      '# Entries added by HostAliases.\n10.3.241.152\tshop.example.internal\tshop\n',
    );
    expect(t.steps.some((s) => s.kind === 'dns-query')).toBe(false);
    expect(t.resolved?.address).toBe('10.3.241.152');
  });

  it('dead-userspace: kube-proxy retries after the dead pod and the connection succeeds', () => {
    const t = open('dead-userspace');
    expect(t.steps.some((s) => s.retry === true)).toBe(true);
    expect(t.outcome).toEqual({ status: 'delivered' });
    expect(t.resolved?.backend?.ip).toBe('10.0.2.2');
  });

  it('dead-iptables: the DNAT still picks the dead pod and the connect times out', () => {
    const t = open('dead-iptables');
    expect(t.resolved?.backend?.ip).toBe('10.0.1.2');
    expect(t.outcome.status).toBe('dropped');
    expect(keyStepOf('dead-iptables', t)?.caption).toContain('times out');
  });

  it('no-route: dropped at the router, which names the missing podCIDR', () => {
    const t = open('no-route');
    const key = keyStepOf('no-route', t);
    expect(key?.location.netns).toBe('router');
    expect(key?.caption).toContain("node-2's podCIDR 10.0.2.0/24");
  });

  it('nxdomain: every candidate of the search list is tried, in order, and none resolves', () => {
    const t = open('nxdomain');
    const queries = t.steps.filter((s) => s.kind === 'dns-query').map((s) => s.packet.payload);
    expect(queries).toEqual([
      'DNS query A web-scv.default.svc.cluster.local.',
      'DNS query A web-scv.svc.cluster.local.',
      'DNS query A web-scv.cluster.local.',
      'DNS query A web-scv.',
    ]);
    expect(
      t.steps
        .filter((s) => s.kind === 'dns-answer')
        .slice(0, 3)
        .map((s) => s.packet.payload),
    ).toEqual(['DNS answer NXDOMAIN', 'DNS answer NXDOMAIN', 'DNS answer NXDOMAIN']);
    expect(t.steps.some((s) => s.phase === 'request')).toBe(false);
    expect(t.outcome.status).toBe('dropped');
  });

  it('policy-dns: the web pod isolates itself; CoreDNS is not among the allowed peers', () => {
    const t = open('policy-dns');
    const key = keyStepOf('policy-dns', t);
    expect(key?.caption).toContain('no policy allows ingress');
    expect(t.outcome.status).toBe('dropped');
  });

  it('an external client keeps its address under externalTrafficPolicy Local (api on node-1)', () => {
    const t = trace(loadScenario('etp-local'), {
      from: { kind: 'external', ip: CLIENT_IP },
      to: '10.100.0.2',
      port: 30081,
    });
    const delivered = t.steps.find((s) => s.phase === 'request' && s.kind === 'deliver');
    expect(delivered?.packet.src).toBe(CLIENT_IP);
    expect(delivered?.caption).toContain("from 203.0.113.7:50471: the outside client's own address");
    expect(t.steps.some((s) => s.rewrite?.by === 'MASQUERADE')).toBe(false);
  });
});
