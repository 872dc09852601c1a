import { act, render } from '@testing-library/react';
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

/** A clock the test advances by hand: frames run on `frame()`, timers when their time comes. */
function manualClock() {
  let now = 0;
  let next = 1;
  const frames = new Map<number, (t: number) => void>();
  const timers = new Map<number, { at: number; cb: () => void }>();
  const clock: AnimatorClock = {
    now: () => now,
    requestFrame: (cb) => {
      frames.set(next, cb);
      return next++;
    },
    cancelFrame: (h) => frames.delete(h),
    setTimeout: (cb, ms) => {
      timers.set(next, { at: now + ms, cb });
      return next++;
    },
    clearTimeout: (h) => timers.delete(h),
  };
  return {
    clock,
    frames,
    timers,
    /** Advances time and runs the frames that were requested. */
    frame(ms = 16) {
      now += ms;
      const due = [...frames.values()];
      frames.clear();
      for (const cb of due) cb(now);
    },
    /** Runs frames and timers until nothing is pending (or `limit` turns). */
    runUntilIdle(limit = 10_000) {
      for (let i = 0; i < limit; i += 1) {
        if (frames.size > 0) this.frame();
        else if (timers.size > 0) {
          const [id, t] = must([...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0]);
          timers.delete(id);
          now = Math.max(now, t.at);
          t.cb();
        } else return;
      }
    },
  };
}

function setup(options: { isReducedMotion?: boolean } = {}) {
  const store = createNetvizStore(seedCluster);
  const layout = layoutCluster(seedCluster);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const root = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  svg.appendChild(root);
  document.body.appendChild(svg);
  const time = manualClock();
  const animator = createPacketAnimator(root, {
    store,
    layout,
    clock: time.clock,
    isReducedMotion: () => options.isReducedMotion ?? false,
  });
  const glyph = () => must(root.querySelector<SVGGElement>('.packet-glyph'));
  const position = () => {
    const m = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(glyph().getAttribute('transform') ?? '');
    return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
  };
  return { store, layout, root, svg, time, animator, glyph, position };
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

  it('shows the trap: the ClusterIP struck through, the DNAT target, kube-proxy and the Service lit', () => {
    const { store, glyph, root, svg } = setup();
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
    expect(svg).toBeTruthy();
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
    expect(position()).toEqual(pointOfElement(layout, 'kube-proxy:node-1'));
    act(() => store.getState().stepForward());
    time.runUntilIdle();
    expect(root.querySelector('.packet-glyph .pa-tag-text')).toHaveTextContent('kube-proxy dials');
    expect(position()).toEqual(pointOfElement(layout, 'eth0:node-1'));
  });

  it('animates a step forward from its `from` to its `at`, and jumps back without animating', () => {
    const { store, layout, time, position, glyph } = setup();
    const wire = indexOf(store, (s) => s.phase === 'request' && s.kind === 'router');
    act(() => store.getState().goTo(wire - 1));
    act(() => store.getState().stepForward());
    const step = stepAt(store, wire);
    expect(glyph().getAttribute('data-moving')).toBe('true');
    expect(position()).toEqual(pointOfElement(layout, step.from));
    time.frame(300);
    const mid = must(position());
    expect(mid).not.toEqual(pointOfElement(layout, step.from));
    expect(mid).not.toEqual(pointOfElement(layout, step.at));
    time.runUntilIdle();
    expect(glyph().getAttribute('data-moving')).toBe('false');
    expect(position()).toEqual(pointOfElement(layout, step.at));
    // Stepping back shows the earlier step at rest at once.
    act(() => store.getState().stepBack());
    expect(time.frames.size).toBe(0);
    expect(glyph().getAttribute('data-moving')).toBe('false');
    expect(position()).toEqual(pointOfElement(layout, stepAt(store, wire - 1).at));
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
    expect(time.frames.size).toBe(0);
    expect(glyph().getAttribute('data-moving')).toBe('false');
    expect(position()).toEqual(pointOfElement(layout, stepAt(store, 2).at));
    act(() => store.getState().play());
    expect(time.timers.size).toBe(1);
    time.runUntilIdle();
    expect(store.getState().cursor).toBe(must(store.getState().trace).steps.length - 1);
  });

  it('destroy removes its subscription, frames, timers and everything it drew', () => {
    const store = createNetvizStore(seedCluster);
    const realSubscribe = store.subscribe.bind(store);
    const unsubscribe = vi.fn();
    store.subscribe = (listener) => {
      unsubscribe.mockImplementation(realSubscribe(listener));
      return unsubscribe;
    };
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const root = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    svg.appendChild(root);
    const time = manualClock();
    const animator = createPacketAnimator(root, {
      store,
      layout: layoutCluster(seedCluster),
      clock: time.clock,
      isReducedMotion: () => false,
    });
    act(() => store.getState().play());
    act(() => store.getState().stepForward());
    expect(time.frames.size + time.timers.size).toBeGreaterThan(0);
    animator.destroy();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    expect(time.frames.size).toBe(0);
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

  it('draws the packet on the topology and marks the elements it is at', () => {
    matches = true;
    const { container, store } = renderTopology();
    const glyph = container.querySelector('.packet-layer .packet-glyph');
    expect(glyph).toHaveClass('phase-dns');
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

  it('removes the packet when the topology unmounts', () => {
    const { container, unmount } = renderTopology();
    expect(container.querySelector('.packet-glyph')).not.toBeNull();
    unmount();
    expect(container.querySelector('.packet-glyph')).toBeNull();
  });
});
