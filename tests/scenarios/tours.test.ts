import { describe, expect, it, vi } from 'vitest';
import { trace } from '../../src/engine/trace';
import { PROXY_MODES } from '../../src/model/constants';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { findKeyStep } from '../../src/scenarios/keyStep';
import { loadScenario } from '../../src/scenarios/load';
import { playableStops, skipUnknownStops, TOURS, tourById } from '../../src/scenarios/tours';
import { defaultRequest } from '../../src/store/simulationSlice';

const seed = tourById('seed');
if (!seed) throw new Error('the seed tour is missing');
const known = SCENARIO_CATALOG.map((s) => s.id);
const MATCHER_KEYS = ['phase', 'kind', 'rewrite', 'rewriteBy', 'captionIncludes', 'nth'];

describe('tours', () => {
  it('every tour has a link-safe id, a title and stops; ids are unique', () => {
    expect(new Set(TOURS.map((t) => t.id)).size).toBe(TOURS.length);
    for (const tour of TOURS) {
      expect(tour.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(tour.title.length).toBeGreaterThan(10);
      expect(tour.stops.length).toBeGreaterThan(0);
    }
  });

  it('every stop is well-formed: a scenario id, a caption that fits the bar, notes, a valid mode and matcher', () => {
    for (const tour of TOURS) {
      for (const stop of tour.stops) {
        expect(stop.scenario).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(stop.caption.trim()).toBe(stop.caption);
        expect(stop.caption.length).toBeGreaterThan(20);
        // One line of the tour bar at 1280 px in presenter mode's type.
        expect(stop.caption.length).toBeLessThanOrEqual(100);
        expect(stop.notes.length).toBeGreaterThan(40);
        if (stop.mode !== undefined) expect(PROXY_MODES).toContain(stop.mode);
        if (stop.step !== undefined) expect(Number.isInteger(stop.step) && stop.step >= 0).toBe(true);
        for (const key of Object.keys(stop.keyStep ?? {})) expect(MATCHER_KEYS).toContain(key);
      }
    }
  });

  it("tells the seed's story in order, naming the scenarios other work adds", () => {
    expect(seed.stops.map((s) => s.scenario)).toEqual([
      'localhost',
      'docker0',
      'cbr0',
      'default',
      'registration',
      'dns',
      'default',
      'default',
      'default',
      'scale',
    ]);
    const trap = seed.stops[6];
    expect(trap?.keyStep).toEqual({ phase: 'request', kind: 'netfilter', rewrite: true });
  });

  it('skips a stop whose scenario is not built in, with one warning, and keeps the rest in order', () => {
    const warn = vi.fn();
    const stops = skipUnknownStops(seed, ['default'], warn);
    expect(stops.map((s) => s.scenario)).toEqual(['default', 'default', 'default', 'default']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/tour "seed" skips 6 stop\(s\).*localhost, docker0, cbr0/);
    const silent = vi.fn();
    expect(skipUnknownStops(seed, [...seed.stops.map((s) => s.scenario)], silent)).toEqual(seed.stops);
    expect(silent).not.toHaveBeenCalled();
  });

  it('the playable stops are those of this build, each opening at a step its trace has', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const stops = playableStops(seed);
    warn.mockRestore();
    expect(stops.length).toBeGreaterThanOrEqual(4);
    for (const stop of stops) {
      expect(known).toContain(stop.scenario);
      const cluster = loadScenario(stop.scenario);
      const meta = SCENARIO_CATALOG.find((s) => s.id === stop.scenario);
      const t = trace(cluster, stop.request ?? meta?.request ?? defaultRequest(cluster), {
        mode: stop.mode ?? meta?.mode ?? cluster.network.proxyMode,
      });
      expect(t.outcome.status).toBe('delivered');
      const matcher = stop.keyStep ?? meta?.keyStep;
      if (matcher) {
        const index = findKeyStep(t.steps, matcher);
        expect(index, `${stop.caption}: no step matches ${JSON.stringify(matcher)}`).not.toBeNull();
        if (stop.mode) expect(t.steps[index ?? 0]?.kind).toBe(matcher.kind);
      }
    }
  });
});
