import { describe, expect, it } from 'vitest';
import { trace } from '../../../src/engine/trace';
import type { Trace, TraceRequest } from '../../../src/engine/trace';
import type { Cluster } from '../../../src/model/types';
import { scenarioMeta } from '../../../src/scenarios/catalog';
import { loadScenario } from '../../../src/scenarios/load';

const cluster = loadScenario('ingress');
const request = scenarioMeta('ingress')?.request as TraceRequest;
const withHttp = (http: { host: string; path: string }): TraceRequest => ({ ...request, http });

/** The text of a trace as a reviewer reads it: one line per step. */
function render(t: Trace): string {
  return (
    t.steps
      .map((s) => {
        const p = s.packet;
        const rw = s.rewrite
          ? ` {${s.rewrite.field} ${s.rewrite.from} → ${s.rewrite.to} by ${s.rewrite.by}}`
          : '';
        const rule = s.rule ? `\n      rule: ${s.rule.text}` : '';
        return `${String(s.index).padStart(2)} ${s.phase.padEnd(7)} ${s.kind.padEnd(11)} ${p.protocol} ${p.src}:${p.sport} → ${p.dst}:${p.dport} ttl=${p.ttl} [${p.payload}]${rw}\n      ${s.caption}${rule}`;
      })
      .join('\n') + `\noutcome: ${JSON.stringify(t.outcome)}\n`
  );
}

describe('the ingress scenario: external client → NodePort → ingress-nginx → api pod', () => {
  const t = trace(cluster, request, { seed: 1 });

  it('matches the reviewed golden trace', async () => {
    await expect(render(t)).toMatchFileSnapshot('./golden/ingress-external-shop-api.txt');
  });

  it('reaches the controller pod through kube-proxy NodePort DNAT, then decides on Host and path', () => {
    const ingressStep = t.steps.find((s) => s.kind === 'ingress');
    const dnat = t.steps.find((s) => s.rewrite?.by === 'DNAT');
    expect(dnat?.rewrite?.from).toBe('10.100.0.2:30080');
    expect(dnat?.rewrite?.to).toBe('10.0.1.2:80');
    expect(ingressStep?.ingress).toMatchObject({
      host: 'shop.example.com',
      path: '/api/orders',
      server: 'shop.example.com',
      rule: 'default/shop: Prefix /api on shop.example.com',
      backend: 'default/api-svc:http',
    });
    expect(ingressStep?.highlight).toContain('pod:ingress-nginx/ingress-nginx-controller-6d7c9b8f5-qx2lp');
    expect(ingressStep?.location.space).toBe('user');
  });

  it('opens a new connection from the controller pod straight to an api pod, not to the ClusterIP', () => {
    const i = t.steps.findIndex((s) => s.kind === 'ingress');
    const second = t.steps[i + 1];
    expect(second?.packet.src).toBe('10.0.1.2');
    expect(['10.0.1.4', '10.0.2.3']).toContain(second?.packet.dst);
    expect(second?.packet.dport).toBe(9000);
    // No kube-proxy DNAT on the second connection: the destination is already a pod.
    expect(t.steps.slice(i + 1).some((s) => s.rewrite?.by === 'DNAT')).toBe(false);
    const delivered = t.steps.find(
      (s, j) => j > i && s.kind === 'deliver' && s.at.startsWith('pod:default/api-'),
    );
    expect(delivered?.packet.src).toBe('10.0.1.2');
  });

  it('answers the client from the NodePort it dialled, with the backend’s 200', () => {
    expect(t.outcome).toEqual({ status: 'delivered' });
    const last = t.steps.at(-1);
    expect(`${last?.packet.src}:${last?.packet.sport}`).toBe('10.100.0.2:30080');
    expect(last?.packet.dst).toBe('203.0.113.7');
    expect(last?.packet.payload).toBe('HTTP/1.1 200 OK');
  });
});

describe('in every kube-proxy mode', () => {
  for (const mode of ['iptables', 'ipvs', 'nftables', 'userspace'] as const) {
    it(`${mode}: the NodePort reaches the controller, which routes and answers 200`, () => {
      const t = trace(cluster, request, { mode, seed: 5 });
      expect(t.outcome).toEqual({ status: 'delivered' });
      expect(t.steps.filter((s) => s.kind === 'ingress')).toHaveLength(1);
      expect(t.steps.at(-1)?.packet.payload).toBe('HTTP/1.1 200 OK');
      expect(t.steps.at(-1)?.packet.dst).toBe('203.0.113.7');
    });
  }
});

describe('other requests to the same controller', () => {
  it('the root path goes to web-svc (Prefix /)', () => {
    const t = trace(cluster, withHttp({ host: 'shop.example.com', path: '/cart' }), { seed: 2 });
    const step = t.steps.find((s) => s.kind === 'ingress');
    expect(step?.ingress?.backend).toBe('default/web-svc:80');
    expect(step?.ingress?.upstream).toMatch(/^10\.0\.[12]\.[23]:8080$/);
  });

  it('an unknown host gets 404 from the controller itself, and no upstream connection', () => {
    const t = trace(cluster, withHttp({ host: 'other.example.com', path: '/api' }), { seed: 1 });
    const i = t.steps.findIndex((s) => s.kind === 'ingress');
    expect(t.steps[i]?.ingress).toMatchObject({ server: '_', rule: null, backend: null, upstream: null });
    expect(t.steps[i]?.caption).toContain('404');
    expect(t.steps.slice(i).some((s) => s.at.startsWith('pod:default/'))).toBe(false);
    expect(t.steps.at(-1)?.packet.payload).toBe('HTTP/1.1 404 Not Found');
  });

  it('with service-upstream the controller dials the ClusterIP and kube-proxy DNATs it on the controller’s node', () => {
    const c: Cluster = {
      ...cluster,
      ingresses: (cluster.ingresses ?? []).map((i) => ({ ...i, serviceUpstream: true })),
    };
    const t = trace(c, request, { seed: 1 });
    const i = t.steps.findIndex((s) => s.kind === 'ingress');
    expect(t.steps[i + 1]?.packet.dst).toBe('10.3.241.90');
    const dnat = t.steps.slice(i + 1).find((s) => s.rewrite?.by === 'DNAT');
    expect(dnat?.rewrite?.from).toBe('10.3.241.90:80');
    expect(dnat?.location.node).toBe('node-1');
  });

  it('a backend Service without ready endpoints gets 503', () => {
    const c: Cluster = {
      ...cluster,
      endpointSlices: cluster.endpointSlices.map((s) =>
        s.serviceName === 'api-svc'
          ? {
              ...s,
              endpoints: s.endpoints.map((e) => ({ ...e, conditions: { ...e.conditions, ready: false } })),
            }
          : s,
      ),
    };
    const t = trace(c, request, { seed: 1 });
    expect(t.steps.at(-1)?.packet.payload).toBe('HTTP/1.1 503 Service Temporarily Unavailable');
  });

  it('a dead endpoint times out and NGINX retries the next one (proxy-next-upstream), which answers 200', () => {
    // seed 1 picks api-2 (10.0.2.3:9000) first, as in the golden.
    const t = trace(cluster, request, { seed: 1, deadEndpoints: ['10.0.2.3:9000'] });
    const sends = t.steps.filter((s) => s.kind === 'send' && s.rewrite?.by === 'proxy');
    expect(sends.map((s) => s.packet.dst)).toEqual(['10.0.2.3', '10.0.1.3']);
    expect(sends[1]?.caption).toMatch(/proxy_next_upstream .*10\.0\.2\.3:9000 timed out/);
    expect(t.steps.at(-1)?.packet.payload).toBe('HTTP/1.1 200 OK');
  });

  it('when every endpoint times out NGINX answers 504 Gateway Time-out, not 502', () => {
    const t = trace(cluster, request, { seed: 1, deadEndpoints: ['10.0.2.3:9000', '10.0.1.3:9000'] });
    expect(t.steps.filter((s) => s.rewrite?.by === 'proxy')).toHaveLength(2);
    const answer = t.steps.find((s) => s.packet.payload === 'HTTP/1.1 504 Gateway Time-out');
    expect(answer?.caption).toContain('all 2 tries failed');
    expect(t.steps.at(-1)?.packet.payload).toBe('HTTP/1.1 504 Gateway Time-out');
  });

  it('a request without http is not routed: the controller pod just accepts the connection', () => {
    const { http: _http, ...plain } = request;
    void _http;
    const t = trace(cluster, plain, { seed: 1 });
    expect(t.steps.some((s) => s.kind === 'ingress')).toBe(false);
  });
});
