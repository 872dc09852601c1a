import { describe, expect, it } from 'vitest';
import { clipPlayback, runCommand, stepEvent, watchSteps } from '../../src/embed/drive';
import type { StepEvent } from '../../src/embed/messages';
import { Driver } from '../helpers/driver';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('embed commands against a store', () => {
  it('run the same actions as the keys and buttons', () => {
    const d = new Driver();
    runCommand(d.store, { command: 'goto', step: 5 });
    expect(d.state.cursor).toBe(5);
    runCommand(d.store, { command: 'step', direction: 'forward' });
    expect(d.state.cursor).toBe(6);
    runCommand(d.store, { command: 'step', direction: 'back' });
    runCommand(d.store, { command: 'step', direction: 'back' });
    expect(d.state.cursor).toBe(4);
    runCommand(d.store, { command: 'play' });
    expect(d.state.playing).toBe(true);
    runCommand(d.store, { command: 'play' });
    expect(d.state.playing).toBe(true);
    runCommand(d.store, { command: 'pause' });
    expect(d.state.playing).toBe(false);
    runCommand(d.store, { command: 'setMode', mode: 'ipvs' });
    expect(d.state.mode).toBe('ipvs');
    expect(d.state.trace?.steps.some((s) => s.kind === 'ipvs')).toBe(true);
  });

  it('setRequest replaces the whole request: a port left out is the default again', () => {
    const d = new Driver();
    d.state.setRequest({ port: 8080 });
    runCommand(d.store, {
      command: 'setRequest',
      request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc' },
    });
    expect(d.state.request.port).toBeUndefined();
    expect(d.state.trace?.outcome.status).toBe('delivered');
  });
});

describe('a clip (start/stop)', () => {
  it('keeps the cursor within start…stop', () => {
    const d = new Driver();
    const stop = clipPlayback(d.store, { start: 27, stop: 40 });
    expect(d.state.cursor).toBe(27);
    d.state.goTo(3);
    expect(d.state.cursor).toBe(27);
    d.state.goTo(45);
    expect(d.state.cursor).toBe(40);
    d.press('End');
    expect(d.state.cursor).toBe(40);
    stop();
    d.state.goTo(3);
    expect(d.state.cursor).toBe(3);
  });

  it('pauses at its end, and Play there starts it over', () => {
    const d = new Driver();
    clipPlayback(d.store, { start: 27, stop: 30 });
    d.state.play();
    for (let i = 0; i < 10 && d.state.playing; i += 1) d.state.stepForward();
    expect(d.state.cursor).toBe(30);
    expect(d.state.playing).toBe(false);
    d.press(' ');
    expect(d.state.cursor).toBe(27);
    expect(d.state.playing).toBe(true);
  });

  it('clamps a clip beyond the trace to the trace', () => {
    const d = new Driver();
    const last = (d.state.trace?.steps.length ?? 0) - 1;
    clipPlayback(d.store, { start: 10_000 });
    expect(d.state.cursor).toBe(last);
  });
});

describe('step events', () => {
  it('say ready once, then each move with its caption', async () => {
    const d = new Driver();
    const events: StepEvent[] = [];
    const stop = watchSteps(d.store, (e) => events.push(e));
    await settle();
    expect(events).toEqual([stepEvent(d.state, 'ready')]);
    expect(events[0]).toMatchObject({ step: 0, mode: 'iptables' });
    d.state.goTo(31);
    d.state.goTo(31);
    await settle();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      event: 'stepchange',
      step: 31,
      caption: d.state.trace?.steps[31]?.caption,
    });
    expect(events[1]?.caption).toContain('rewrites the destination');
    stop();
    d.state.goTo(2);
    await settle();
    expect(events).toHaveLength(2);
  });

  it('wait for the mode asked for before ready', async () => {
    const d = new Driver();
    const events: StepEvent[] = [];
    watchSteps(d.store, (e) => events.push(e), { mode: 'ipvs' });
    await settle();
    expect(events).toEqual([]);
    d.state.setMode('ipvs');
    await settle();
    expect(events.map((e) => [e.event, e.mode])).toEqual([['ready', 'ipvs']]);
  });
});
