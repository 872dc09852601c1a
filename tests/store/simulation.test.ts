import { describe, expect, it } from 'vitest';
import { ACTIONS, carryCursor, selectCurrentRules, selectRulesNode } from '../../src/store';
import { Driver } from '../helpers/driver';

const isTrap = (s: { phase: string; rewrite?: { field: string; by: string } }) =>
  s.phase === 'request' && s.rewrite?.field === 'dst' && s.rewrite.by !== 'proxy';

describe('the simulation store', () => {
  it('starts on the default request, traced in the cluster mode, at step 0 and paused', () => {
    const d = new Driver();
    expect(d.state.request).toEqual({
      from: { kind: 'pod', namespace: 'default', name: 'client' },
      to: 'web-svc',
    });
    expect(d.state.mode).toBe('iptables');
    expect(d.state.trace?.outcome.status).toBe('delivered');
    expect(d.state.cursor).toBe(0);
    expect(d.state.playing).toBe(false);
  });

  it('steps forward and back with the arrow keys and clamps at both ends', () => {
    const d = new Driver();
    d.press('ArrowLeft');
    expect(d.state.cursor).toBe(0);
    d.press('ArrowRight').press('ArrowRight');
    expect(d.state.cursor).toBe(2);
    d.press('ArrowLeft');
    expect(d.state.cursor).toBe(1);
    d.press('End');
    expect(d.state.cursor).toBe((d.state.trace?.steps.length ?? 0) - 1);
    d.press('ArrowRight');
    expect(d.state.cursor).toBe((d.state.trace?.steps.length ?? 0) - 1);
    d.press('Home');
    expect(d.state.cursor).toBe(0);
  });

  it('plays and pauses with Space; playing from the end starts over; reaching the end stops', () => {
    const d = new Driver();
    d.press(' ');
    expect(d.state.playing).toBe(true);
    d.press(' ');
    expect(d.state.playing).toBe(false);
    d.press('End').press(' ');
    expect(d.state.cursor).toBe(0);
    expect(d.state.playing).toBe(true);
    const total = d.state.trace?.steps.length ?? 0;
    for (let i = 0; i < total; i += 1) d.state.stepForward();
    expect(d.state.playing).toBe(false);
  });

  it('jumps between key steps with PageDown / PageUp', () => {
    const d = new Driver();
    d.press('PageDown');
    const first = d.state.cursor;
    expect(first).toBeGreaterThan(0);
    d.press('PageDown');
    expect(d.state.cursor).toBeGreaterThan(first);
    d.press('PageUp');
    expect(d.state.cursor).toBe(first);
  });

  it('re-traces when the mode changes and keeps the cursor on the trap', () => {
    const d = new Driver();
    d.forwardUntil(isTrap);
    expect(d.step?.kind).toBe('netfilter');
    d.press('3');
    expect(d.state.mode).toBe('ipvs');
    expect(d.step?.kind).toBe('ipvs');
    expect(d.step?.phase).toBe('request');
    d.press('1');
    expect(d.state.mode).toBe('userspace');
    expect(d.step?.rewrite?.by).toBe('REDIRECT');
  });

  it('keeps the phase when the request changes, and reports a request the engine refuses', () => {
    const d = new Driver();
    d.forwardUntil((s) => s.phase === 'reply');
    d.state.setRequest({ to: 'kube-dns.kube-system', port: 53, protocol: 'UDP' });
    expect(d.step?.phase).toBe('reply');
    d.state.setRequest({ from: { kind: 'pod', namespace: 'default', name: 'ghost' } });
    expect(d.state.trace).toBeNull();
    expect(d.state.traceError).toContain('no pod default/ghost');
  });

  it('re-traces when the cluster changes', () => {
    const d = new Driver();
    const cluster = d.state.cluster;
    d.state.setCluster({
      ...cluster,
      endpointSlices: cluster.endpointSlices.filter((s) => s.serviceName !== 'web-svc'),
    });
    expect(d.state.trace?.outcome.status).toBe('dropped');
  });

  it('shows the rules of the node the packet is on, in the current mode', () => {
    const d = new Driver();
    d.forwardUntil(isTrap);
    expect(selectRulesNode(d.state)).toBe('node-1');
    const rules = selectCurrentRules(d.state);
    const ids = new Set(rules?.sections.flatMap((s) => s.lines.map((l) => l.id)));
    expect(ids.has(d.step?.rule?.id)).toBe(true);
    d.forwardUntil((s) => s.kind === 'deliver' && s.phase === 'request');
    expect(selectRulesNode(d.state)).toBe(d.step?.location.node);
  });

  it('declares every shortcut once', () => {
    const keys = ACTIONS.flatMap((a) => a.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('carries the cursor to the start when there was no trace', () => {
    expect(carryCursor(null, 5, new Driver().state.trace)).toBe(0);
  });
});
