import { describe, expect, it } from 'vitest';
import { trace } from '../../../src/engine/trace';
import { defaultCluster } from '../../../src/scenarios';

const cluster = defaultCluster();
const from = (name: string) => ({ kind: 'pod', namespace: 'default', name }) as const;
const LEAVING_KINDS = ['veth', 'bridge', 'wire', 'router', 'netfilter', 'encapsulate'];

describe('containers of a pod share its network namespace', () => {
  it('127.0.0.1:8080 from server-1 reaches its web container without leaving the pod', () => {
    const t = trace(cluster, { from: from('server-1'), to: '127.0.0.1', port: 8080 });
    expect(t.outcome).toEqual({ status: 'delivered' });
    expect(t.steps.some((s) => LEAVING_KINDS.includes(s.kind))).toBe(false);
    for (const s of t.steps) expect(s.location.netns).toBe('pod:default/server-1');
    const route = t.steps.find((s) => s.kind === 'route');
    expect(route?.route).toBe('local 127.0.0.1 dev lo table local proto kernel scope host src 127.0.0.1');
    expect(route?.location.device).toBe('lo');
    const delivered = t.steps.find((s) => s.kind === 'deliver');
    expect(delivered?.packet).toMatchObject({ src: '127.0.0.1', dst: '127.0.0.1', dport: 8080 });
    expect(delivered?.caption).toContain('"web"');
    expect(delivered?.caption).toContain("pause container's network namespace");
    expect(delivered?.caption).toContain('localhost');
  });

  it('resolves localhost from /etc/hosts, without a DNS query', () => {
    const t = trace(cluster, { from: from('server-1'), to: 'localhost', port: 8080 });
    expect(t.resolved?.address).toBe('127.0.0.1');
    expect(t.steps[0]?.kind).toBe('hosts-lookup');
    expect(t.steps.some((s) => s.kind === 'dns-query')).toBe(false);
    expect(t.outcome).toEqual({ status: 'delivered' });
    expect(t.steps.some((s) => LEAVING_KINDS.includes(s.kind))).toBe(false);
  });

  it('defaults the port to the first one a container declares', () => {
    const t = trace(cluster, { from: from('server-1'), to: '127.0.0.1' });
    expect(t.steps[0]?.packet.dport).toBe(8080);
  });

  it('the pod IP of the sender itself also stays in the pod', () => {
    const t = trace(cluster, { from: from('server-1'), to: '10.0.1.2', port: 8080 });
    expect(t.outcome).toEqual({ status: 'delivered' });
    expect(t.steps.some((s) => LEAVING_KINDS.includes(s.kind))).toBe(false);
    expect(t.steps.find((s) => s.kind === 'route')?.route).toBe(
      'local 10.0.1.2 dev lo table local proto kernel scope host src 10.0.1.2',
    );
    expect(t.steps.find((s) => s.kind === 'deliver')?.packet.src).toBe('10.0.1.2');
  });

  it('is refused when no container of the pod listens on the port', () => {
    const t = trace(cluster, { from: from('client'), to: '127.0.0.1', port: 8080 });
    expect(t.outcome.status).toBe('dropped');
    expect(t.outcome).toMatchObject({ reason: expect.stringContaining('connection refused') });
    expect(t.steps.some((s) => LEAVING_KINDS.includes(s.kind))).toBe(false);
  });

  it('another pod on the same node is not local: it goes through the veth and the bridge', () => {
    const t = trace(cluster, { from: from('client'), to: '10.0.1.2', port: 8080 });
    expect(t.steps.some((s) => s.kind === 'veth')).toBe(true);
  });
});
