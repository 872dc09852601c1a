/**
 * The moving packet and the playback clock. React renders the static topology and one empty <g>; this
 * controller owns everything inside that <g> (the glyph, highlight rings, the trail, the trap arc, route-row
 * and kube-ipvs0 marks) and drives it from the store outside React: one requestAnimationFrame loop sets
 * attributes, nothing re-renders per frame.
 *
 * The clock: while `playing`, each step is animated (≈700 ms / speed, longer for the moments that matter)
 * and then `stepForward()` is called — the only place the cursor advances during playback. With
 * `prefers-reduced-motion: reduce` nothing moves: the packet is drawn where the step leaves it and playback
 * advances on a timer.
 */
import { easeCubicInOut } from 'd3-ease';
import {
  boxOfElement,
  pathsForSteps,
  pointAlong,
  pointOfElement,
  routeRowFor,
  type StepPath,
} from '../../layout/stepPaths';
import { textWidth } from '../../layout/text';
import type { Layout, Point } from '../../layout';
import type { Step, Trace } from '../../engine/trace';
import type { NetvizState, NetvizStore } from '../../store';

export interface AnimatorClock {
  now(): number;
  requestFrame(callback: (time: number) => void): number;
  cancelFrame(handle: number): void;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export interface PacketAnimatorOptions {
  readonly store: NetvizStore;
  readonly layout: Layout;
  /** Zoom scale of the viewport: the glyph keeps a readable size on screen when zoomed out. */
  readonly scale?: number;
  /** Defaults to the `prefers-reduced-motion: reduce` media query. */
  readonly isReducedMotion?: () => boolean;
  /** Defaults to the window's timers (tests pass a manual clock). */
  readonly clock?: AnimatorClock;
}

export interface PacketAnimator {
  /** A new layout or zoom scale; with no argument, re-applies the marks (after React re-mounted elements). */
  update(options?: Partial<Pick<PacketAnimatorOptions, 'layout' | 'scale'>>): void;
  destroy(): void;
}

/** Milliseconds per hop at speed 1. */
export const HOP_MS = 700;
/** Rewrites, drops and kube-proxy crossings are held longer so the audience can read them. */
export const KEY_HOP_MS = 1600;
/** Reduced motion: one step per this many milliseconds at speed 1. */
export const REDUCED_STEP_MS = 1200;
/** The beat between two hops while playing (longer after a key moment). */
const DWELL_MS = 120;
const KEY_DWELL_MS = 700;

const SVG_NS = 'http://www.w3.org/2000/svg';
const LABEL_STYLE = { size: 12, mono: true } as const;
const TAG_STYLE = { size: 10.5, bold: true } as const;

const REWRITE_TAG: Record<NonNullable<Step['rewrite']>['by'], string> = {
  DNAT: 'DNAT',
  SNAT: 'SNAT',
  MASQUERADE: 'MASQUERADE',
  REDIRECT: 'REDIRECT',
  IPVS: 'IPVS',
  conntrack: 'un-DNAT',
  proxy: 'kube-proxy dials',
};

function rewriteTag(step: Step): string {
  const r = step.rewrite;
  if (!r) return '';
  // The reply's source rewritten back is the reverse of the DNAT, whichever module did it.
  if (step.kind === 'conntrack') return r.by === 'IPVS' ? 'un-DNAT (IPVS)' : 'un-DNAT';
  return REWRITE_TAG[r.by];
}

/** The trap: kube-proxy's rules (or IPVS) on the node rewrote a ClusterIP the packet was sent to. */
function isTrap(step: Step): boolean {
  return (
    step.rewrite !== undefined &&
    step.rewrite.field === 'dst' &&
    (step.kind === 'netfilter' || step.kind === 'ipvs')
  );
}

export function isKeyMoment(step: Step): boolean {
  return (
    step.rewrite !== undefined || step.kind === 'drop' || step.kind === 'userspace' || step.retry === true
  );
}

function hopDuration(step: Step, speed: number): number {
  return (isKeyMoment(step) ? KEY_HOP_MS : HOP_MS) / Math.max(0.1, speed);
}

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

function defaultClock(): AnimatorClock {
  return {
    now: () => performance.now(),
    requestFrame: (cb) => requestAnimationFrame(cb),
    cancelFrame: (h) => cancelAnimationFrame(h),
    setTimeout: (cb, ms) => window.setTimeout(cb, ms),
    clearTimeout: (h) => window.clearTimeout(h),
  };
}

function defaultReducedMotion(): () => boolean {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return () => false;
  const query = window.matchMedia('(prefers-reduced-motion: reduce)');
  return () => query.matches;
}

const clamp01 = (t: number) => Math.max(0, Math.min(1, t));
/** Progress of `t` through the window [a, b]. */
const within = (t: number, a: number, b: number) => clamp01((t - a) / (b - a));

interface Animation {
  readonly index: number;
  readonly start: number;
  readonly duration: number;
}

export function createPacketAnimator(root: SVGGElement, initial: PacketAnimatorOptions): PacketAnimator {
  const { store } = initial;
  let layout = initial.layout;
  let scale = initial.scale ?? 1;
  const clock = initial.clock ?? defaultClock();
  const isReducedMotion = initial.isReducedMotion ?? defaultReducedMotion();
  const svg = root.ownerSVGElement;

  // ---- the DOM this controller owns
  const layer = el('g', { class: 'pa-layer', 'aria-hidden': 'true' }, root);
  const staticMarks = el('g', { class: 'pa-static' }, layer);
  const trails = {
    dns: el('path', { class: 'pa-trail phase-dns', d: '' }, layer),
    request: el('path', { class: 'pa-trail phase-request', d: '' }, layer),
    reply: el('path', { class: 'pa-trail phase-reply', d: '' }, layer),
  };
  const marks = el('g', { class: 'pa-marks' }, layer);
  const glyph = el('g', { class: 'pa-glyph packet-glyph', 'data-testid': 'packet' }, layer);
  const body = el('g', { class: 'pa-body' }, glyph);
  const ripple = el('circle', { class: 'pa-ripple', r: 12, cx: 0, cy: 0, opacity: 0 }, body);
  const shape = el('path', { class: 'pa-shape', d: '' }, body);
  const mark = el('path', { class: 'pa-mark', d: '' }, body);
  const card = el('g', { class: 'pa-card' }, glyph);
  const pill = el('rect', { class: 'pa-pill', x: 16, y: -12, width: 10, height: 24, rx: 8 }, card);
  const label = el('text', { class: 'pa-label', x: 24, y: 4.2 }, card);
  const oldLabel = el('text', { class: 'pa-old', x: 24, y: -4 }, card);
  const strike = el('line', { class: 'pa-strike', x1: 22, y1: -8, x2: 22, y2: -8 }, card);
  const newLabel = el('text', { class: 'pa-new', x: 24, y: 14 }, card);
  const tag = el('g', { class: 'pa-tag' }, glyph);
  const tagBox = el('rect', { class: 'pa-tag-box', x: 16, y: -40, width: 10, height: 18, rx: 4 }, tag);
  const tagText = el('text', { class: 'pa-tag-text', x: 22, y: -27.3 }, tag);
  const dropMark = el('path', { class: 'pa-drop', d: 'M-16,-16L16,16M16,-16L-16,16' }, glyph);

  // ---- state
  let trace: Trace | null = null;
  let paths: (StepPath | null)[] = [];
  let shownIndex = -1;
  let anim: Animation | null = null;
  let frame: number | null = null;
  let timer: number | null = null;
  let taggedElements: Element[] = [];
  let newWidth = 0;
  let oldWidth = 0;
  let isDestroyed = false;

  const glyphScale = () => Math.min(14, Math.max(1.25, 1.1 / Math.max(scale, 0.01)));

  function computePaths(t: Trace | null) {
    trace = t;
    paths = t ? pathsForSteps(layout, t.steps) : [];
  }

  function drawStatic(state: NetvizState) {
    staticMarks.replaceChildren();
    if (state.mode !== 'ipvs') return;
    // kube-proxy's IPVS mode binds every Service address to a dummy interface, kube-ipvs0, on each node
    // (pkg/proxy/ipvs/proxier.go, defaultDummyDevice), which is why the node's kernel accepts them as local.
    for (const node of layout.nodes) {
      const text = 'kube-ipvs0';
      const w = textWidth(text, LABEL_STYLE) + 14;
      const x = node.box.x + node.box.width - w - 16;
      const y = node.box.y + node.box.height - 11;
      const g = el('g', { class: 'pa-ipvs0', 'data-node': node.name }, staticMarks);
      el('rect', { x, y, width: w, height: 22, rx: 11 }, g);
      const t = el('text', { x: x + w / 2, y: y + 15.2, 'text-anchor': 'middle' }, g);
      t.textContent = text;
    }
  }

  function ring(id: string, role: 'at' | 'from' | 'highlight' | 'proxy' | 'service') {
    const box = boxOfElement(layout, id);
    const pad = role === 'at' ? 5 : role === 'proxy' || role === 'service' ? 8 : 7;
    if (box) {
      el(
        'rect',
        {
          class: `pa-ring pa-ring-${role}`,
          'data-for': id,
          x: box.x - pad,
          y: box.y - pad,
          width: box.width + 2 * pad,
          height: box.height + 2 * pad,
          rx: Math.min(14, box.height / 2 + pad),
        },
        marks,
      );
      return;
    }
    const p = pointOfElement(layout, id);
    if (p) el('circle', { class: `pa-ring pa-ring-${role}`, 'data-for': id, cx: p.x, cy: p.y, r: 14 }, marks);
  }

  function tagElement(id: string, value: string) {
    if (!svg) return;
    const target = id.startsWith('cbr0:') ? `bridge:${id.slice(5)}` : id;
    const found = svg.querySelector(`[data-id="${target.replace(/["\\]/g, '\\$&')}"]`);
    if (!found) return;
    const previous = found.getAttribute('data-packet');
    found.setAttribute('data-packet', previous ? `${previous} ${value}` : value);
    taggedElements.push(found);
  }

  function clearTags() {
    for (const e of taggedElements) e.removeAttribute('data-packet');
    taggedElements = [];
  }

  function drawTrail(index: number, isAtRest: boolean) {
    const parts: Record<'dns' | 'request' | 'reply', string[]> = { dns: [], request: [], reply: [] };
    const steps = trace?.steps ?? [];
    const last = isAtRest ? index : index - 1;
    for (let i = 0; i <= last; i += 1) {
      const p = paths[i];
      const s = steps[i];
      if (p && s && !p.isInPlace) parts[s.phase].push(p.d);
    }
    trails.dns.setAttribute('d', parts.dns.join(''));
    trails.request.setAttribute('d', parts.request.join(''));
    trails.reply.setAttribute('d', parts.reply.join(''));
  }

  /** Everything that depends on the step but not on the frame: classes, labels, rings, marks. */
  function drawStep(step: Step) {
    clearTags();
    marks.replaceChildren();
    marks.setAttribute('class', `pa-marks phase-${step.phase}`);
    const path = paths[step.index];
    const end = path ? pointAlong(path, 1) : null;

    glyph.setAttribute(
      'class',
      [
        'pa-glyph packet-glyph',
        `phase-${step.phase}`,
        `kind-${step.kind}`,
        step.rewrite ? 'has-rewrite' : '',
        step.kind === 'drop' ? 'is-dropped' : '',
        step.retry === true ? 'is-retry' : '',
      ]
        .filter(Boolean)
        .join(' '),
    );
    glyph.setAttribute('data-step', String(step.index));
    glyph.setAttribute('data-phase', step.phase);
    shape.setAttribute('d', SHAPES[step.phase]);
    mark.setAttribute('d', MARKS[step.phase]);

    // Label: the destination; at a rewrite, the rewritten field old → new.
    const r = step.rewrite;
    const current = `dst ${step.packet.dst}:${step.packet.dport}`;
    label.textContent = current;
    label.setAttribute('data-label', current);
    let cardWidth = textWidth(current, LABEL_STYLE) + 16;
    if (r) {
      oldLabel.textContent = `${r.field} ${r.from}`;
      newLabel.textContent = `${r.field} ${r.to}`;
      oldWidth = textWidth(oldLabel.textContent, LABEL_STYLE);
      newWidth = textWidth(newLabel.textContent, { ...LABEL_STYLE, bold: true });
      cardWidth = Math.max(oldWidth, newWidth) + 16;
      strike.setAttribute('x2', String(24 + oldWidth));
      strike.setAttribute('stroke-dasharray', `${oldWidth + 4} ${oldWidth + 4}`);
      strike.setAttribute('display', 'inline');
      pill.setAttribute('y', '-21');
      pill.setAttribute('height', '42');
    } else {
      oldLabel.textContent = '';
      newLabel.textContent = '';
      strike.setAttribute('display', 'none');
      pill.setAttribute('y', '-12');
      pill.setAttribute('height', '24');
    }
    pill.setAttribute('width', String(cardWidth));

    const tagLabel = r
      ? rewriteTag(step)
      : step.kind === 'userspace'
        ? step.location.space === 'user'
          ? 'kernel → user space'
          : 'user space → kernel'
        : step.kind === 'drop'
          ? 'DROPPED'
          : step.retry === true
            ? 'retry'
            : '';
    tagText.textContent = tagLabel;
    tag.setAttribute('display', tagLabel ? 'inline' : 'none');
    // The tag sits to the right of the card, level with the new value when there is one.
    const tagX = 16 + cardWidth + 5;
    const tagY = r ? 4 : -9;
    // + letter-spacing (0.04em per character, see animation.css)
    tagBox.setAttribute('width', String(textWidth(tagLabel, TAG_STYLE) + tagLabel.length * 0.42 + 14));
    tagBox.setAttribute('x', String(tagX));
    tagBox.setAttribute('y', String(tagY));
    tagText.setAttribute('x', String(tagX + 6));
    tagText.setAttribute('y', String(tagY + 12.7));
    dropMark.setAttribute('display', step.kind === 'drop' ? 'inline' : 'none');

    glyph.setAttribute('data-rewrite', r ? `${r.field} ${r.from} → ${r.to} ${rewriteTag(step)}` : '');

    // Rings: where the packet is, where it came from, what the step concerns.
    const rung = new Set<string>();
    const addRing = (id: string, role: Parameters<typeof ring>[1]) => {
      if (rung.has(id)) return;
      rung.add(id);
      ring(id, role);
      tagElement(id, role === 'at' || role === 'from' ? role : 'highlight');
    };
    addRing(step.at, 'at');
    if (step.from !== step.at) addRing(step.from, 'from');
    const isProxyMoment = isTrap(step) || step.kind === 'userspace' || step.kind === 'ipvs';
    for (const id of step.highlight ?? []) {
      if (id.startsWith('kube-proxy:')) addRing(id, isProxyMoment ? 'proxy' : 'highlight');
      else if (id.startsWith('svc:')) addRing(id, 'service');
      else addRing(id, 'highlight');
    }
    if (step.kind === 'userspace' && step.location.node !== undefined)
      addRing(`kube-proxy:${step.location.node}`, 'proxy');

    // The trap: a dashed arc from the ClusterIP to where the packet really is — it never went there.
    const svc = step.highlight?.find((id) => id.startsWith('svc:'));
    if (isTrap(step) && svc !== undefined && end) {
      const from = pointOfElement(layout, svc);
      if (from) drawTrapArc(from, end, step.location.node ?? '');
    }

    // The router's route-table row used.
    if (step.kind === 'router') {
      const row = routeRowFor(layout, step.route);
      const box = row ? layout.router.table.rows.find((x) => x.id === row)?.box : undefined;
      if (row && box) {
        el(
          'rect',
          {
            class: 'pa-route-row',
            'data-for': row,
            x: box.x + 1,
            y: box.y - 1,
            width: box.width - 2,
            height: box.height + 2,
            rx: 3,
          },
          marks,
        );
        tagElement(row, 'route');
      }
    }

    // IPVS: the node's kube-ipvs0 holds the ClusterIP (route `local … dev kube-ipvs0`) and IPVS rewrites.
    for (const badge of staticMarks.querySelectorAll('.pa-ipvs0')) {
      const isActive =
        badge.getAttribute('data-node') === step.location.node &&
        (step.kind === 'ipvs' || (step.route?.includes('kube-ipvs0') ?? false));
      badge.classList.toggle('is-active', isActive);
    }
  }

  function drawTrapArc(from: Point, to: Point, node: string) {
    const mx = (from.x + to.x) / 2;
    // The control point that puts the arc's apex well above both ends (apex = ¼ from + ½ control + ¼ to).
    const apex = Math.min(from.y, to.y) - Math.max(50, Math.abs(from.x - to.x) * 0.2);
    const my = 2 * apex - (from.y + to.y) / 2;
    const d = `M${from.x},${from.y}Q${mx},${my} ${to.x},${to.y}`;
    el('path', { class: 'pa-trap-arc', d }, marks);
    el('path', { class: 'pa-trap-x', d: cross(from, 7) }, marks);
    // Bézier midpoint (t = 0.5): a quarter of each end plus half the control point.
    const lx = 0.25 * from.x + 0.5 * mx + 0.25 * to.x;
    const ly = 0.25 * from.y + 0.5 * my + 0.25 * to.y;
    const text = `trapped on ${node} — never reaches the ClusterIP`;
    const w = textWidth(text, { size: 12, bold: true }) + 14;
    el('rect', { class: 'pa-trap-label-box', x: lx - w / 2, y: ly - 13, width: w, height: 22, rx: 6 }, marks);
    const t = el('text', { class: 'pa-trap-label', x: lx, y: ly + 2.5, 'text-anchor': 'middle' }, marks);
    t.textContent = text;
  }

  /** Per frame: position, pulse and the rewrite's old → new. `t` is 0–1 through the hop; 1 at rest. */
  function drawFrame(index: number, t: number) {
    const step = trace?.steps[index];
    const path = paths[index];
    if (!step || !path || step.packetless === true) {
      glyph.setAttribute('display', 'none');
      return;
    }
    glyph.setAttribute('display', 'inline');
    const isAtRest = t >= 1;
    const rewrite = step.rewrite;
    // A moving hop travels in the first part; a rewrite plays out once the packet has arrived.
    const travelEnd = rewrite ? (path.isInPlace ? 0 : 0.45) : 1;
    const move = travelEnd === 0 ? 1 : easeCubicInOut(within(t, 0, travelEnd));
    const p = pointAlong(path, move);
    const s = glyphScale();
    glyph.setAttribute('transform', `translate(${p.x},${p.y}) scale(${s})`);

    // A pulse for steps that stay put (and for the moment of a rewrite).
    const pulse = isAtRest ? 0 : path.isInPlace || rewrite ? Math.sin(Math.PI * within(t, 0, 0.6)) : 0;
    body.setAttribute('transform', pulse > 0 ? `scale(${1 + 0.35 * pulse})` : '');
    ripple.setAttribute('opacity', pulse > 0 ? String(0.6 * (1 - within(t, 0, 0.6))) : '0');
    ripple.setAttribute('r', String(12 + 22 * within(t, 0, 0.6)));

    if (!rewrite) {
      label.setAttribute('opacity', '1');
      tag.setAttribute('opacity', '1');
      return;
    }
    // Old value first, then struck through, then the new value pops in.
    const base = travelEnd;
    const span = 1 - base;
    const strikeT = isAtRest ? 1 : within(t, base + 0.15 * span, base + 0.45 * span);
    const popT = isAtRest ? 1 : within(t, base + 0.45 * span, base + 0.75 * span);
    label.setAttribute('opacity', '0');
    strike.setAttribute('stroke-dashoffset', String((1 - strikeT) * (oldWidth + 4)));
    oldLabel.setAttribute('opacity', String(1 - 0.45 * strikeT));
    newLabel.setAttribute('opacity', String(popT));
    const pop = popT > 0 && popT < 1 ? 1 + 0.25 * Math.sin(Math.PI * popT) : 1;
    newLabel.setAttribute(
      'transform',
      pop === 1
        ? ''
        : `translate(${24 + newWidth / 2},14) scale(${pop}) translate(${-24 - newWidth / 2},-14)`,
    );
    tag.setAttribute('opacity', String(isAtRest ? 1 : within(t, base, base + 0.15 * span)));
  }

  function showAtRest(index: number) {
    anim = null;
    stopFrames();
    const step = trace?.steps[index];
    if (!step) {
      hideAll();
      return;
    }
    if (index !== shownIndex) drawStep(step);
    shownIndex = index;
    glyph.setAttribute('data-moving', 'false');
    tag.setAttribute('opacity', '1');
    drawFrame(index, 1);
    drawTrail(index, true);
  }

  function hideAll() {
    glyph.setAttribute('display', 'none');
    marks.replaceChildren();
    clearTags();
    drawTrail(-1, true);
    shownIndex = -1;
  }

  function animate(index: number) {
    const step = trace?.steps[index];
    if (!step) return showAtRest(index);
    drawStep(step);
    shownIndex = index;
    drawTrail(index, false);
    glyph.setAttribute('data-moving', 'true');
    anim = { index, start: clock.now(), duration: hopDuration(step, store.getState().speed) };
    drawFrame(index, 0);
    if (frame === null) frame = clock.requestFrame(tick);
  }

  function tick() {
    frame = null;
    if (isDestroyed || !anim) return;
    const t = (clock.now() - anim.start) / anim.duration;
    if (t < 1) {
      drawFrame(anim.index, t);
      frame = clock.requestFrame(tick);
      return;
    }
    const step = trace?.steps[anim.index];
    showAtRest(anim.index);
    if (store.getState().playing && step)
      scheduleAdvance((isKeyMoment(step) ? KEY_DWELL_MS : DWELL_MS) / store.getState().speed);
  }

  function stopFrames() {
    if (frame !== null) clock.cancelFrame(frame);
    frame = null;
  }

  function clearTimer() {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
  }

  function scheduleAdvance(ms: number) {
    clearTimer();
    timer = clock.setTimeout(() => {
      timer = null;
      const s = store.getState();
      if (s.playing) s.stepForward();
    }, ms);
  }

  function onChange(state: NetvizState, prev: NetvizState) {
    if (isDestroyed) return;
    const isNewTrace = state.trace !== prev.trace;
    if (isNewTrace) computePaths(state.trace);
    if (state.mode !== prev.mode) drawStatic(state);
    const isCursorMoved = isNewTrace || state.cursor !== prev.cursor;
    if (isCursorMoved) {
      clearTimer();
      shownIndex = -1;
      const isOneForward = !isNewTrace && state.cursor === prev.cursor + 1;
      if (isOneForward && !isReducedMotion()) animate(state.cursor);
      else showAtRest(state.cursor);
    }
    if (!state.playing) {
      clearTimer();
      return;
    }
    const isStarting = !prev.playing;
    if (anim) return; // the hop's end schedules the next one
    if (isReducedMotion()) {
      if (isCursorMoved || isStarting) scheduleAdvance(REDUCED_STEP_MS / state.speed);
    } else if (isStarting || isCursorMoved) {
      scheduleAdvance(DWELL_MS / state.speed);
    }
  }

  // ---- start
  const first = store.getState();
  computePaths(first.trace);
  drawStatic(first);
  showAtRest(first.cursor);
  const unsubscribe = store.subscribe(onChange);

  return {
    update(options) {
      if (isDestroyed) return;
      const state = store.getState();
      if (options?.layout && options.layout !== layout) {
        layout = options.layout;
        computePaths(state.trace);
        drawStatic(state);
        shownIndex = -1;
      }
      if (options?.scale !== undefined) scale = options.scale;
      if (anim) {
        // The running hop picks up the change on its next frame; re-apply its marks now.
        const step = trace?.steps[anim.index];
        if (step) drawStep(step);
        return;
      }
      shownIndex = -1;
      showAtRest(state.cursor);
    },
    destroy() {
      isDestroyed = true;
      unsubscribe();
      stopFrames();
      clearTimer();
      clearTags();
      layer.remove();
    },
  };
}

function cross(p: Point, r: number): string {
  return `M${p.x - r},${p.y - r}L${p.x + r},${p.y + r}M${p.x + r},${p.y - r}L${p.x - r},${p.y + r}`;
}

/** Body shape per phase — the phase is told by shape as well as colour. */
const SHAPES: Record<Step['phase'], string> = {
  // DNS: a diamond.
  dns: 'M0,-13L13,0L0,13L-13,0Z',
  // Request: a rounded square.
  request: 'M-7,-10H7Q10,-10 10,-7V7Q10,10 7,10H-7Q-10,10 -10,7V-7Q-10,-10 -7,-10Z',
  // Reply: a circle.
  reply: 'M-11,0A11,11 0 1,0 11,0A11,11 0 1,0 -11,0Z',
};

/** The mark inside the body: a lookup for DNS, an arrow out for the request, an arrow back for the reply. */
const MARKS: Record<Step['phase'], string> = {
  // DNS: a magnifying glass (a lookup).
  dns: 'M-1.5,-1.5m-3.5,0a3.5,3.5 0 1,0 7,0a3.5,3.5 0 1,0 -7,0M1,1L5,5',
  request: 'M-5,0H5M1,-4L5,0L1,4',
  reply: 'M5,0H-5M-1,-4L-5,0L-1,4',
};
