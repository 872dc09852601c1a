import { act, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Step } from '../../../src/engine/trace';
import { layoutCluster, pointOfElement } from '../../../src/layout';
import { createNetvizStore, type NetvizStore } from '../../../src/store';
import { createPacketAnimator, type AnimatorClock } from '../../../src/view/d3/createPacketAnimator';
import { NetvizProvider, useNetvizStore } from '../../../src/view/NetvizContext';
import { Topology } from '../../../src/view/topology/Topology';
import { seedCluster } from '../../fixtures/seedCluster';

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

/** The step at `index` of the store's trace. */
function stepAt(store: NetvizStore, index: number): Step {
  return must(must(store.getState().trace).steps[index]);
}

/** A clock the test advances by hand: timers run when their time comes. */
function manualClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; cb: () => void }>();
  const clock: AnimatorClock = {
    now: () => now,
    setTimeout: (cb, ms) => {
      timers.set(next, { at: now + ms, cb });
      return next++;
    },
    clearTimeout: (h) => timers.delete(h),
  };
  return {
    clock,
    timers,
    now: () => now,
    /** Runs timers until nothing is pending (or `limit` turns). */
    runUntilIdle(limit = 10_000) {
      for (let i = 0; i < limit; i += 1) {
        const first = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!first) return;
        const [id, t] = first;
        timers.delete(id);
        now = Math.max(now, t.at);
        t.cb();
      }
    },
  };
}

/** Web Animations the animator started (jsdom has none: a recording stand-in). */
interface Played {
  readonly target: Element;
  readonly keyframes: Keyframe[];
  readonly options: KeyframeAnimationOptions;
  isCancelled: boolean;
}
let played: Played[] = [];
const hasAnimate = 'animate' in Element.prototype;

beforeEach(() => {
  played = [];
  Object.defineProperty(Element.prototype, 'animate', {
    configurable: true,
    writable: true,
    value(this: Element, keyframes: Keyframe[], options: KeyframeAnimationOptions) {
      const record: Played = { target: this, keyframes, options, isCancelled: false };
      played.push(record);
      return {
        currentTime: null,
        cancel() {
          record.isCancelled = true;
        },
      };
    },
  });
});

afterEach(() => {
  if (!hasAnimate) delete (Element.prototype as Partial<Element>).animate;
});

/** Parses `translate(Xpx, Ypx) …` (the glyph's style, or a keyframe). */
function translateOf(transform: unknown): { x: number; y: number } | null {
  const m = /translate\(([-\d.e]+)px, ([-\d.e]+)px\)/.exec(String(transform ?? ''));
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
}

/** Close to a point (style strings are rounded to 1/1000). */
function expectNear(actual: { x: number; y: number } | null, expected: { x: number; y: number } | null) {
  expect(actual).not.toBeNull();
  expect(expected).not.toBeNull();
  expect(actual?.x).toBeCloseTo(expected?.x ?? NaN, 2);
  expect(actual?.y).toBeCloseTo(expected?.y ?? NaN, 2);
}

function setup(options: { isReducedMotion?: boolean } = {}) {
  const store = createNetvizStore(seedCluster);
  const layout = layoutCluster(seedCluster);
  const root = document.createElement('div');
  document.body.appendChild(root);
  const time = manualClock();
  const animator = createPacketAnimator(root, {
    store,
    layout,
    clock: time.clock,
    isReducedMotion: () => options.isReducedMotion ?? false,
  });
  const glyph = () => must(root.querySelector<HTMLElement>('.packet-glyph'));
  const position = () => translateOf(glyph().style.transform);
  /** The running animations of the glyph's movement. */
  const motions = () => played.filter((p) => p.target === glyph() && !p.isCancelled);
  return { store, layout, root, time, animator, glyph, position, motions };
}

function indexOf(store: NetvizStore, predicate: (s: Step) => boolean): number {
  const i = must(store.getState().trace).steps.findIndex(predicate);
  expect(i).toBeGreaterThanOrEqual(0);
  return i;
}

const isRequestTrap = (s: Step) => s.phase === 'request' && s.rewrite?.by === 'DNAT';

afterEach(() => {
  document.body.replaceChildren();
});

describe('createPacketAnimator', () => {
  it('draws the glyph for the current step with its phase and destination', () => {
    const { store, glyph } = setup();
    expect(glyph()).toHaveClass('phase-dns');
    const send = indexOf(store, (s) => s.phase === 'request' && s.kind === 'send');
    act(() => store.getState().goTo(send));
    expect(glyph()).toHaveClass('phase-request');
    expect(glyph().querySelector('.pa-label')).toHaveTextContent('dst 10.3.241.152:80');
    const reply = indexOf(store, (s) => s.phase === 'reply');
    act(() => store.getState().goTo(reply));
    expect(glyph()).toHaveClass('phase-reply');
    // The phase is told by shape too, not colour only.
    const shapes = new Set<string>();
    for (const i of [0, send, reply]) {
      act(() => store.getState().goTo(i));
      shapes.add(must(glyph().querySelector('.pa-shape')?.getAttribute('d')));
    }
    expect(shapes.size).toBe(3);
  });

  it('keeps the rings under the interface pills that straddle a ringed box', () => {
    const { root, layout } = setup();
    const marks = must(root.querySelector('.pa-marks'));
    const id = /^url\(#(.+)\)$/.exec(marks.getAttribute('mask') ?? '')?.[1];
    const mask = must(root.querySelector(`mask[id="${id}"]`));
    const holes = [...mask.querySelectorAll('rect[fill="black"]')].map(
      (r) => `${r.getAttribute('x')},${r.getAttribute('y')}`,
    );
    // The client pod is ringed at the first step; its eth0 pill sits on the ring's path.
    const client = must(layout.nodes.flatMap((n) => n.pods).find((p) => p.name === 'client'));
    expect(holes).toContain(`${client.eth0.box.x},${client.eth0.box.y}`);
    expect(root.querySelector('.pa-ring-at')).not.toBeNull();
  });

  it('hangs the card below a bridge the packet rests on, clear of its name and podCIDR', () => {
    const { store, glyph } = setup();
    const group = () => must(glyph().querySelector<HTMLElement>('.pa-card-group'));
    const trap = indexOf(store, isRequestTrap);
    expect(stepAt(store, trap).at).toBe('cbr0:node-1');
    act(() => store.getState().goTo(trap));
    const offset = /translate\(0px, ([\d.]+)px\)/.exec(group().style.transform);
    expect(Number(offset?.[1])).toBeGreaterThan(21);
    const send = indexOf(store, (s) => s.phase === 'request' && s.kind === 'send');
    act(() => store.getState().goTo(send));
    expect(group().style.transform).toBe('');
  });

  it('starts the card past an eth0 pill the packet is at, clear of its address', () => {
    const { store, glyph } = setup();
    const atNodeEth0 = indexOf(store, (s) => s.at === 'eth0:node-1' && s.rewrite === undefined);
    act(() => store.getState().goTo(atNodeEth0));
    const group = must(glyph().querySelector<HTMLElement>('.pa-card-group'));
    const dx = /translate\(([\d.]+)px, 0px\)/.exec(group.style.transform);
    expect(Number(dx?.[1])).toBeGreaterThan(0);
  });

  it('puts the card left of the glyph at the router, off the route table to its right', () => {
    const { store, glyph } = setup();
    const router = indexOf(store, (s) => s.at === 'router');
    act(() => store.getState().goTo(router));
    const group = must(glyph().querySelector<HTMLElement>('.pa-card-group'));
    const dx = /translate\((-[\d.]+)px, 0px\)/.exec(group.style.transform);
    // Past the card's whole width (at least its label's), so the card ends left of the glyph.
    expect(Number(dx?.[1])).toBeLessThan(-100);
  });

  it('shows the trap: the ClusterIP struck through, the DNAT target, kube-proxy and the Service lit', () => {
    const { store, glyph, root } = setup();
    const trap = indexOf(store, isRequestTrap);
    const step = stepAt(store, trap);
    act(() => store.getState().goTo(trap));
    expect(glyph()).toHaveClass('has-rewrite');
    expect(glyph().querySelector('.pa-old')).toHaveTextContent('dst 10.3.241.152:80');
    expect(glyph().querySelector('.pa-new')).toHaveTextContent(`dst ${must(step.rewrite).to}`);
    expect(['10.0.1.2:8080', '10.0.2.2:8080']).toContain(must(step.rewrite).to);
    expect(glyph().querySelector('.pa-tag-text')).toHaveTextContent('DNAT');
    expect(root.querySelector('.pa-trap-arc')).not.toBeNull();
    expect(root.querySelector('.pa-trap-label')).toHaveTextContent('trapped on node-1');
    expect(root.querySelector('.pa-ring-proxy[data-for="kube-proxy:node-1"]')).not.toBeNull();
    expect(root.querySelector('.pa-ring-service[data-for="svc:default/web-svc"]')).not.toBeNull();
    // One step on, the label shows only the new destination and the trap marks are gone.
    act(() => store.getState().goTo(trap + 1));
    expect(glyph()).not.toHaveClass('has-rewrite');
    expect(glyph().querySelector('.pa-label')).toHaveTextContent(`dst ${must(step.rewrite).to}`);
    expect(root.querySelector('.pa-trap-arc')).toBeNull();
  });

  it('labels conntrack’s reverse NAT on the reply as un-DNAT', () => {
    const { store, glyph } = setup();
    const i = indexOf(store, (s) => s.phase === 'reply' && s.kind === 'conntrack');
    act(() => store.getState().goTo(i));
    expect(glyph().querySelector('.pa-tag-text')).toHaveTextContent('un-DNAT');
    expect(glyph().querySelector('.pa-new')).toHaveTextContent('src 10.3.241.152:80');
  });

  it('moves the rings with the cursor: at, from and the step’s highlights', () => {
    const { store, root } = setup();
    const bridge = indexOf(store, (s) => s.phase === 'request' && s.kind === 'bridge');
    act(() => store.getState().goTo(bridge));
    const step = stepAt(store, bridge);
    expect(root.querySelector('.pa-ring-at')?.getAttribute('data-for')).toBe(step.at);
    expect(root.querySelector('.pa-ring-from')?.getAttribute('data-for')).toBe(step.from);
    act(() => store.getState().goTo(0));
    const first = stepAt(store, 0);
    expect(root.querySelectorAll('.pa-ring-at')).toHaveLength(1);
    expect(root.querySelector('.pa-ring-at')?.getAttribute('data-for')).toBe(first.at);
    expect(root.querySelector('.pa-ring-from')).toBeNull();
  });

  it('lights the router’s route-table row the step used', () => {
    const { store, root } = setup();
    const i = indexOf(store, (s) => s.phase === 'request' && s.kind === 'router');
    act(() => store.getState().goTo(i));
    const row = root.querySelector('.pa-route-row');
    expect(row).not.toBeNull();
    expect(row?.getAttribute('data-for')).toBe(`route:${stepAt(store, i).route?.split(' ')[0]}`);
  });

  it('shows kube-ipvs0 on every node in ipvs mode and lights it at the IPVS step', () => {
    const { store, root } = setup();
    expect(root.querySelectorAll('.pa-ipvs0')).toHaveLength(0);
    act(() => store.getState().setMode('ipvs'));
    expect(root.querySelectorAll('.pa-ipvs0')).toHaveLength(2);
    const i = indexOf(store, (s) => s.phase === 'request' && s.kind === 'ipvs');
    act(() => store.getState().goTo(i));
    expect(root.querySelector('.pa-ipvs0.is-active')?.getAttribute('data-node')).toBe('node-1');
    expect(root.querySelector('.packet-glyph .pa-tag-text')).toHaveTextContent('IPVS');
  });

  it('takes the packet up into kube-proxy and back down in userspace mode', () => {
    const { store, root, layout, position, time } = setup();
    act(() => store.getState().setMode('userspace'));
    const up = indexOf(store, (s) => s.phase === 'request' && s.kind === 'userspace');
    act(() => store.getState().goTo(up - 1));
    act(() => store.getState().stepForward());
    time.runUntilIdle();
    expect(root.querySelector('.packet-glyph .pa-tag-text')).toHaveTextContent('kernel → user space');
    expectNear(position(), pointOfElement(layout, 'kube-proxy:node-1'));
    act(() => store.getState().stepForward());
    time.runUntilIdle();
    expect(root.querySelector('.packet-glyph .pa-tag-text')).toHaveTextContent('kube-proxy dials');
    expectNear(position(), pointOfElement(layout, 'eth0:node-1'));
  });

  it('animates a step forward from its `from` to its `at`, and jumps back without animating', () => {
    const { store, layout, time, position, glyph, motions } = setup();
    const wire = indexOf(store, (s) => s.phase === 'request' && s.kind === 'router');
    act(() => store.getState().goTo(wire - 1));
    expect(motions()).toHaveLength(0);
    act(() => store.getState().stepForward());
    const step = stepAt(store, wire);
    expect(glyph().getAttribute('data-moving')).toBe('true');
    // One animation moves the glyph along the wiring, from `from` to `at`.
    expect(motions()).toHaveLength(1);
    const frames = must(motions()[0]).keyframes;
    expectNear(translateOf(frames[0]?.transform), pointOfElement(layout, step.from));
    expectNear(translateOf(frames[frames.length - 1]?.transform), pointOfElement(layout, step.at));
    const mid = must(translateOf(frames[Math.floor(frames.length / 2)]?.transform));
    expect(mid).not.toEqual(pointOfElement(layout, step.from));
    expect(mid).not.toEqual(pointOfElement(layout, step.at));
    // Its resting place (under the animation) is the step's `at`.
    expectNear(position(), pointOfElement(layout, step.at));
    time.runUntilIdle();
    expect(glyph().getAttribute('data-moving')).toBe('false');
    // Stepping back shows the earlier step at rest at once.
    const count = played.length;
    act(() => store.getState().stepBack());
    expect(played).toHaveLength(count);
    expect(time.timers.size).toBe(0);
    expect(glyph().getAttribute('data-moving')).toBe('false');
    expectNear(position(), pointOfElement(layout, stepAt(store, wire - 1).at));
  });

  it('animates only transform and opacity (work the compositor does without repainting)', () => {
    const { store, time } = setup();
    act(() => store.getState().play());
    time.runUntilIdle();
    expect(played.length).toBeGreaterThan(20);
    const properties = new Set(played.flatMap((p) => p.keyframes.flatMap((k) => Object.keys(k))));
    expect([...properties].sort()).toEqual(['offset', 'opacity', 'transform']);
    // Nothing loops forever.
    for (const p of played) expect(p.options.iterations ?? 1).not.toBe(Infinity);
  });

  it('plays a rewrite in place after the move: the strike, the new value popping in, the tag', () => {
    const { store, root, time } = setup();
    const trap = indexOf(store, isRequestTrap);
    act(() => store.getState().goTo(trap - 1));
    act(() => store.getState().stepForward());
    const targets = new Set(played.filter((p) => !p.isCancelled).map((p) => p.target.getAttribute('class')));
    for (const part of ['pa-strike-part', 'pa-new-part', 'pa-old-part', 'pa-tag', 'pa-body'])
      expect(
        [...targets].some((c) => c?.split(' ').includes(part)),
        part,
      ).toBe(true);
    // The flashing rings and the marching ants run a few cycles and stop.
    const flash = played.find((p) => p.target.classList.contains('pa-flash-svg'));
    expect(flash?.options.iterations).toBeGreaterThan(1);
    const ants = played.filter((p) => p.target.classList.contains('pa-ants-svg'));
    expect(ants.length).toBeGreaterThan(1);
    expect(root.querySelectorAll('.pa-trap-arc')).toHaveLength(ants.length);
    // Leaving the step cancels them.
    time.runUntilIdle();
    act(() => store.getState().goTo(trap + 1));
    expect(flash?.isCancelled).toBe(true);
    expect(ants.every((a) => a.isCancelled)).toBe(true);
  });

  it('follows the zoom and pan: the glyph in screen pixels, the marks under the same transform', () => {
    const { store, layout, animator, position, root, glyph } = setup();
    const send = indexOf(store, (s) => s.phase === 'request' && s.kind === 'send');
    act(() => store.getState().goTo(send));
    const at = must(pointOfElement(layout, stepAt(store, send).at));
    animator.update({ view: { x: 10, y: 20, k: 2 } });
    expectNear(position(), { x: 10 + 2 * at.x, y: 20 + 2 * at.y });
    expect(glyph().style.transform).toContain('scale(2.5)');
    for (const g of root.querySelectorAll('.pa-view'))
      expect(g.getAttribute('transform')).toBe('translate(10,20) scale(2)');
  });

  it('is the clock while playing: it advances the cursor after each hop and stops at the end', () => {
    const { store, time } = setup();
    const last = must(store.getState().trace).steps.length - 1;
    const seen: number[] = [];
    store.subscribe((s) => seen.push(s.cursor));
    act(() => store.getState().play());
    expect(store.getState().cursor).toBe(0);
    time.runUntilIdle();
    expect(store.getState().cursor).toBe(last);
    expect(store.getState().playing).toBe(false);
    // One step at a time, never skipping.
    const distinct = seen.filter((c, i) => c !== seen[i - 1]);
    expect(distinct).toEqual(Array.from({ length: last + 1 }, (_, i) => i));
  });

  it('pausing lets the current hop finish but advances no further', () => {
    const { store, time } = setup();
    act(() => store.getState().play());
    time.runUntilIdle(40);
    const at = store.getState().cursor;
    expect(at).toBeGreaterThan(0);
    act(() => store.getState().pause());
    time.runUntilIdle();
    expect(store.getState().cursor).toBe(at);
  });

  it('with reduced motion, places the glyph at `at` without animating and plays on a timer', () => {
    const { store, layout, time, position, glyph } = setup({ isReducedMotion: true });
    act(() => store.getState().stepForward());
    act(() => store.getState().stepForward());
    expect(played).toHaveLength(0);
    expect(glyph().getAttribute('data-moving')).toBe('false');
    expectNear(position(), pointOfElement(layout, stepAt(store, 2).at));
    act(() => store.getState().play());
    expect(time.timers.size).toBe(1);
    time.runUntilIdle();
    expect(store.getState().cursor).toBe(must(store.getState().trace).steps.length - 1);
  });

  it('destroy removes its subscription, animations, timers and everything it drew', () => {
    const store = createNetvizStore(seedCluster);
    const realSubscribe = store.subscribe.bind(store);
    const unsubscribe = vi.fn();
    store.subscribe = (listener) => {
      unsubscribe.mockImplementation(realSubscribe(listener));
      return unsubscribe;
    };
    const root = document.createElement('div');
    const time = manualClock();
    const animator = createPacketAnimator(root, {
      store,
      layout: layoutCluster(seedCluster),
      clock: time.clock,
      isReducedMotion: () => false,
    });
    act(() => store.getState().play());
    act(() => store.getState().stepForward());
    expect(time.timers.size).toBeGreaterThan(0);
    expect(played.length).toBeGreaterThan(0);
    animator.destroy();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    expect(played.every((p) => p.isCancelled)).toBe(true);
    expect(time.timers.size).toBe(0);
    expect(root.childNodes).toHaveLength(0);
    const cursor = store.getState().cursor;
    act(() => store.getState().stepForward());
    time.runUntilIdle();
    expect(store.getState().cursor).toBe(cursor + 1);
    expect(root.childNodes).toHaveLength(0);
  });
});

describe('Topology with the packet', () => {
  let matches = false;
  beforeEach(() => {
    matches = false;
    vi.stubGlobal(
      'matchMedia',
      vi.fn((query: string) => ({
        matches: query.includes('reduced-motion') && matches,
        media: query,
        addEventListener: () => {},
        removeEventListener: () => {},
        addListener: () => {},
        removeListener: () => {},
        onchange: null,
        dispatchEvent: () => false,
      })),
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function renderTopology() {
    let store: NetvizStore | null = null;
    function Grab() {
      store = useNetvizStore();
      return null;
    }
    const view = render(
      <NetvizProvider cluster={seedCluster}>
        <Grab />
        <Topology />
      </NetvizProvider>,
    );
    return { ...view, store: store as unknown as NetvizStore };
  }

  /** The animator loads after the first picture: wait for its glyph. */
  async function glyphOf(container: HTMLElement): Promise<Element> {
    return waitFor(() => must(container.querySelector('.packet-layer .packet-glyph')));
  }

  it('draws the packet on the topology and marks the elements it is at', async () => {
    matches = true;
    const { container, store } = renderTopology();
    const glyph = await glyphOf(container);
    expect(glyph).toHaveClass('phase-dns');
    // The packet is drawn in an overlay above the topology's SVG, hidden from assistive technology.
    const topology = must(container.querySelector('svg[aria-label="Cluster topology"]'));
    expect(topology.contains(glyph)).toBe(false);
    expect(glyph?.closest('.topology-overlay')).toHaveAttribute('aria-hidden', 'true');
    const trap = indexOf(store, isRequestTrap);
    act(() => store.getState().goTo(trap - 1));
    act(() => store.getState().stepForward());
    expect(container.querySelector('.packet-glyph .pa-new')).toHaveTextContent(
      `dst ${stepAt(store, trap).rewrite?.to}`,
    );
    const proxy = container.querySelector('[data-id="kube-proxy:node-1"]');
    expect(proxy?.getAttribute('data-packet')).toContain('highlight');
    expect(container.querySelector('[data-id="bridge:node-1"]')?.getAttribute('data-packet')).toContain('at');
  });

  it('shows the traced mode on each node’s kube-proxy badge', () => {
    const { container, store } = renderTopology();
    expect(container.querySelector('[data-id="kube-proxy:node-2"]')).toHaveTextContent(
      'kube-proxy · iptables',
    );
    act(() => store.getState().setMode('nftables'));
    expect(container.querySelector('[data-id="kube-proxy:node-2"]')).toHaveTextContent(
      'kube-proxy · nftables',
    );
  });

  it('removes the packet when the topology unmounts', async () => {
    const { container, unmount } = renderTopology();
    await glyphOf(container);
    unmount();
    expect(container.querySelector('.packet-glyph')).toBeNull();
  });

  it('draws no packet when the topology unmounts before the animator has loaded', async () => {
    const { container, unmount } = renderTopology();
    const overlay = must(container.querySelector('.packet-layer'));
    unmount();
    // Let the pending import settle: the late animator must not attach itself to the detached overlay.
    await import('../../../src/view/d3/createPacketAnimator');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(overlay.querySelector('.packet-glyph')).toBeNull();
    expect(overlay.childElementCount).toBe(0);
  });

  it('keeps one packet when the layout changes, before or after the animator has loaded', async () => {
    const { container, store } = renderTopology();
    // A new layout before the first animator arrives, then another one after.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
    act(() => store.getState().setCluster({ ...seedCluster }));
    await glyphOf(container);
    await settle();
    expect(container.querySelectorAll('.packet-glyph')).toHaveLength(1);
    act(() => store.getState().setCluster({ ...seedCluster }));
    await glyphOf(container);
    await settle();
    expect(container.querySelectorAll('.packet-glyph')).toHaveLength(1);
  });
});
