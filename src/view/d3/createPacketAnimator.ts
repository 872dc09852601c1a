/**
 * The moving packet and the playback clock. React renders the static topology and, above it, one empty overlay
 * element; this controller owns everything inside the overlay and drives it from the store outside React.
 *
 * Cheap frames: the overlay is a separate layer above the big topology SVG, so nothing drawn here invalidates
 * the topology. Per step (never per frame) it redraws the marks — highlight rings, the trail, the trap arc,
 * the route-table row, kube-ipvs0 — in an SVG kept in step with the zoom and pan. The glyph is an HTML box
 * holding small SVGs, and a hop is a set of Web Animations on `transform` and `opacity` only (the glyph's
 * movement along the wiring, the pulse, the rewrite's strike and pop), which the browser's compositor runs
 * without main-thread work per frame.
 *
 * The clock: while `playing`, each step is animated (≈700 ms / speed, longer for the moments that matter)
 * and then `stepForward()` is called — the only place the cursor advances during playback. With
 * `prefers-reduced-motion: reduce` nothing moves: the packet is drawn where the step leaves it and playback
 * advances on a timer.
 */
import { easeCubicInOut } from 'd3-ease';
import {
  boxOfElement,
  motionSamples,
  pathsForSteps,
  pointAlong,
  pointOfElement,
  routeRowFor,
  type StepPath,
} from '../../layout/stepPaths';
import { textWidth } from '../../layout/text';
import { ROUTER_ID } from '../../model/elementIds';
import type { Layout, Point, Rect } from '../../layout';
import type { Step, Trace } from '../../engine/trace';
import type { NetvizState, NetvizStore } from '../../store';
import type { ViewTransform } from './fit';

export interface AnimatorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export type { ViewTransform } from './fit';

export interface PacketAnimatorOptions {
  readonly store: NetvizStore;
  readonly layout: Layout;
  /**
   * Where the topology's elements (`data-id`) are, for the per-step `data-packet` marks. Defaults to the
   * overlay's parent element.
   */
  readonly scene?: ParentNode;
  /** The topology's zoom and pan; the glyph keeps a readable size on screen when zoomed out. */
  readonly view?: ViewTransform;
  /** Defaults to the `prefers-reduced-motion: reduce` media query. */
  readonly isReducedMotion?: () => boolean;
  /** Defaults to the window's timers (tests pass a manual clock). */
  readonly clock?: AnimatorClock;
}

export interface PacketAnimator {
  /** A new layout or zoom; with no argument, re-applies the marks (after React re-mounted elements). */
  update(options?: Partial<Pick<PacketAnimatorOptions, 'layout' | 'view'>>): void;
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
/** Makes each animator's mask ids unique on a page with several embeds. */
let maskCount = 0;
const LABEL_STYLE = { size: 12, mono: true } as const;
const TAG_STYLE = { size: 10.5, bold: true } as const;
const INNER_STYLE = { size: 11, mono: true } as const;
/** Marching ants: the dash pattern (9 + 6) advances one step per phase and a whole period per cycle. */
const ANT_PHASES = 3;
const ANT_STEP = 15 / ANT_PHASES;
const ANT_CYCLE_MS = 400;
const ANT_CYCLES = 6;
/** The part of a hop (from its start) during which a pulse and its ripple play. */
const PULSE_END = 0.6;

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
const within = (t: number, a: number, b: number) => (b <= a ? (t >= b ? 1 : 0) : clamp01((t - a) / (b - a)));
/** `n + 1` evenly spaced times from a to b. */
const spaced = (a: number, b: number, n: number) =>
  Array.from({ length: n + 1 }, (_, i) => a + ((b - a) * i) / n);

/** The rendered length of an SVG text (0 where there is no layout, e.g. jsdom, or it is not displayed). */
function measuredLength(text: SVGTextElement): number {
  try {
    return typeof text.getComputedTextLength === 'function' ? text.getComputedTextLength() : 0;
  } catch {
    return 0;
  }
}

/** Fixed numbers keep the style strings short and stable. */
const num = (v: number) => String(Math.round(v * 1000) / 1000);

interface Animation {
  readonly index: number;
  readonly start: number;
  readonly duration: number;
}

type Keyframes = Keyframe[];

export function createPacketAnimator(overlay: HTMLElement, initial: PacketAnimatorOptions): PacketAnimator {
  const { store } = initial;
  let layout = initial.layout;
  let view: ViewTransform = initial.view ?? { x: 0, y: 0, k: 1 };
  const clock = initial.clock ?? defaultClock();
  const isReducedMotion = initial.isReducedMotion ?? defaultReducedMotion();
  const scene: ParentNode | null = initial.scene ?? overlay.parentElement;

  // ---- the DOM this controller owns
  overlay.classList.add('pa-layer');
  overlay.setAttribute('aria-hidden', 'true');
  // Marks that change once per step, in layout coordinates under the zoom's transform.
  const marksSvg = el('svg', { class: 'pa-marks-svg' }, overlay);
  const marksView = el('g', { class: 'pa-view' }, marksSvg);
  const staticMarks = el('g', { class: 'pa-static' }, marksView);
  const trails = {
    dns: el('path', { class: 'pa-trail phase-dns', d: '' }, marksView),
    request: el('path', { class: 'pa-trail phase-request', d: '' }, marksView),
    reply: el('path', { class: 'pa-trail phase-reply', d: '' }, marksView),
  };
  const marks = el('g', { class: 'pa-marks' }, marksView);
  // Rings go around boxes whose interface pills straddle the edge (a pod's eth0, a node's eth0, a pod's tag):
  // a mask keeps the rings under those pills, as the topology's own selection ring is, so they stay readable.
  const maskId = `pa-pill-mask-${(maskCount += 1)}`;
  const pillMask = el('mask', {
    id: maskId,
    maskUnits: 'userSpaceOnUse',
    maskContentUnits: 'userSpaceOnUse',
  });
  el('defs', {}, marksSvg).appendChild(pillMask);
  marks.setAttribute('mask', `url(#${maskId})`);
  // Rings that flash: their own SVG, so the flash is an opacity animation the compositor runs.
  const flashSvg = el('svg', { class: 'pa-flash-svg' }, overlay);
  const flashView = el('g', { class: 'pa-view' }, flashSvg);
  const flashMask = el('mask', {
    id: `${maskId}-flash`,
    maskUnits: 'userSpaceOnUse',
    maskContentUnits: 'userSpaceOnUse',
  });
  el('defs', {}, flashSvg).appendChild(flashMask);
  flashView.setAttribute('mask', `url(#${maskId}-flash)`);
  // The trap arc's marching ants: copies of the dashed arc, each a step further along, shown in turn.
  const antsSvgs = Array.from({ length: ANT_PHASES }, () => el('svg', { class: 'pa-ants-svg' }, overlay));
  const antsViews = antsSvgs.map((svg) => el('g', { class: 'pa-view' }, svg));
  // What the ants must not cover: the trap's cross and label.
  const topSvg = el('svg', { class: 'pa-top-svg' }, overlay);
  const topView = el('g', { class: 'pa-view' }, topSvg);
  const views = [marksView, flashView, ...antsViews, topView];

  // The glyph: an HTML box in screen coordinates; each part that animates is an SVG of its own.
  const glyph = document.createElement('div');
  glyph.className = 'pa-glyph packet-glyph';
  glyph.setAttribute('data-testid', 'packet');
  overlay.appendChild(glyph);
  const part = (cls: string, parent: Element = glyph) => el('svg', { class: `pa-part ${cls}` }, parent);
  // The card and its tag move as one, off the glyph when it would hide a label (see placeCard).
  const cardGroup = document.createElement('div');
  cardGroup.className = 'pa-card-group';
  glyph.appendChild(cardGroup);
  const cardPartOf = (cls: string) => part(cls, cardGroup);
  const ripplePart = part('pa-ripple-part');
  el('circle', { class: 'pa-ripple', r: 12, cx: 0, cy: 0 }, ripplePart);
  const bodyPart = part('pa-body');
  const shape = el('path', { class: 'pa-shape', d: '' }, bodyPart);
  const mark = el('path', { class: 'pa-mark', d: '' }, bodyPart);
  const cardPart = cardPartOf('pa-card');
  const pill = el('rect', { class: 'pa-pill', x: 16, y: -12, width: 10, height: 24, rx: 8 }, cardPart);
  const label = el('text', { class: 'pa-label', x: 24, y: 4.2 }, cardPart);
  const oldPart = cardPartOf('pa-old-part');
  const oldLabel = el('text', { class: 'pa-old', x: 24, y: -4 }, oldPart);
  const strikePart = cardPartOf('pa-strike-part');
  const strike = el('line', { class: 'pa-strike', x1: 22, y1: -8, x2: 22, y2: -8 }, strikePart);
  // Overlay (VXLAN): the pod packet carried inside the outer header, drawn as a box nested in the card.
  const innerPart = cardPartOf('pa-inner-part');
  const innerBox = el(
    'rect',
    { class: 'pa-inner-box', x: 21, y: 0, width: 10, height: 17, rx: 4 },
    innerPart,
  );
  const innerLabel = el('text', { class: 'pa-inner', x: 26, y: 12.6 }, innerPart);
  const newPart = cardPartOf('pa-new-part');
  const newLabel = el('text', { class: 'pa-new', x: 24, y: 14 }, newPart);
  const tag = cardPartOf('pa-tag');
  const tagBox = el('rect', { class: 'pa-tag-box', x: 16, y: -40, width: 10, height: 18, rx: 4 }, tag);
  const tagText = el('text', { class: 'pa-tag-text', x: 22, y: -27.3 }, tag);
  const dropPart = part('pa-drop-part');
  const dropMark = el('path', { class: 'pa-drop', d: 'M-16,-16L16,16M16,-16L-16,16' }, dropPart);

  // ---- state
  let trace: Trace | null = null;
  let paths: (StepPath | null)[] = [];
  let shownIndex = -1;
  let anim: Animation | null = null;
  let timer: number | null = null;
  let running: globalThis.Animation[] = [];
  let flash: globalThis.Animation[] = [];
  let taggedElements: Element[] = [];
  let newWidth = 0;
  let isDestroyed = false;

  /** The glyph's size on screen: readable when zoomed out, not a poster when zoomed in. */
  const glyphScale = () => view.k * Math.min(14, Math.max(1.25, 1.1 / Math.max(view.k, 0.01)));
  const glyphTransform = (p: Point) =>
    `translate(${num(view.x + view.k * p.x)}px, ${num(view.y + view.k * p.y)}px) scale(${num(glyphScale())})`;

  function applyView() {
    const t = `translate(${view.x},${view.y}) scale(${view.k})`;
    for (const v of views) v.setAttribute('transform', t);
    placeCard();
  }

  /** The step whose card is shown, and how far right of the glyph the card and its tag reach. */
  let cardStep: Step | null = null;
  let cardExtent = 0;
  /**
   * The card sits to the right of the glyph. On a bridge that would cover the bridge's own name and podCIDR
   * (the glyph rests at the bridge's centre, its labels run from the left edge past it), so there the card
   * hangs just below the bridge instead. At the router it would cover the route table (right of the router),
   * so there it goes to the glyph's left; on an eth0 pill it starts past the pill's end.
   */
  function placeCard() {
    const step = cardStep;
    if (step?.at === ROUTER_ID) {
      cardGroup.style.transform = `translate(${num(-cardExtent - 16)}px, 0px)`;
      return;
    }
    // On an interface pill (a node's or a pod's eth0) the card starts past the pill, not over its address.
    const entry = step ? layout.boxes.get(step.at) : undefined;
    const end = step ? paths[step.index] : null;
    if (step && entry && end && (entry.kind === 'node-eth0' || entry.kind === 'pod-eth0')) {
      const past = entry.box.x + entry.box.width - pointAlong(end, 1).x;
      const dx = (Math.max(0, past) * view.k) / glyphScale() + 4 - 16;
      cardGroup.style.transform = dx > 0 ? `translate(${num(dx)}px, 0px)` : '';
      return;
    }
    const box = step && step.at.startsWith('cbr0:') ? boxOfElement(layout, step.at) : null;
    if (!step || !box) {
      cardGroup.style.transform = '';
      return;
    }
    const cardTop = step.rewrite || step.inner ? -21 : -12;
    // Layout units → the glyph's own units (it is drawn at glyphScale, the view at view.k).
    const halfBridge = ((box.height / 2) * view.k) / glyphScale();
    cardGroup.style.transform = `translate(0px, ${num(halfBridge + 4 - cardTop)}px)`;
  }

  function computePaths(t: Trace | null) {
    trace = t;
    paths = t ? pathsForSteps(layout, t.steps) : [];
  }

  /** The pills the rings pass under: white everywhere (shown), black on each pill (hidden). */
  function drawPillMasks() {
    const pills: Rect[] = [];
    for (const node of layout.nodes) {
      pills.push(node.eth0.box);
      for (const pod of node.pods) {
        pills.push(pod.eth0.box);
        if (pod.tag) pills.push(pod.tag.box);
      }
    }
    const all = { x: -1e5, y: -1e5, width: 2e5, height: 2e5 };
    for (const m of [pillMask, flashMask]) {
      m.replaceChildren();
      for (const [k, v] of Object.entries(all)) m.setAttribute(k, String(v));
      el('rect', { ...all, fill: 'white' }, m);
      for (const p of pills)
        el('rect', { x: p.x, y: p.y, width: p.width, height: p.height, rx: 11, fill: 'black' }, m);
    }
  }

  function drawStatic(state: NetvizState) {
    drawPillMasks();
    staticMarks.replaceChildren();
    if (state.mode !== 'ipvs') return;
    // kube-proxy's IPVS mode binds every Service address to a dummy interface, kube-ipvs0, on each node
    // (pkg/proxy/ipvs/proxier.go, defaultDummyDevice), which is why the node's kernel accepts them as local.
    for (const node of layout.nodes) {
      const text = 'kube-ipvs0';
      const w = textWidth(text, LABEL_STYLE) + 14;
      // In the node's devices row, right-aligned (the VTEP, if any, is at its left).
      const row = node.devices;
      const x = row ? row.x + row.width - w : node.box.x + node.box.width - w - 16;
      const y = row ? row.y + (row.height - 22) / 2 : node.box.y + node.box.height - 11;
      const g = el('g', { class: 'pa-ipvs0', 'data-node': node.name }, staticMarks);
      el('rect', { x, y, width: w, height: 22, rx: 11 }, g);
      const t = el('text', { x: x + w / 2, y: y + 15.2, 'text-anchor': 'middle' }, g);
      t.textContent = text;
    }
  }

  function ring(id: string, role: 'at' | 'from' | 'highlight' | 'proxy' | 'service') {
    const isFlashing = role === 'proxy' || role === 'service';
    const parent = isFlashing ? flashView : marks;
    const box = boxOfElement(layout, id);
    const pad = role === 'at' ? 5 : isFlashing ? 8 : 7;
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
        parent,
      );
      return;
    }
    const p = pointOfElement(layout, id);
    if (p)
      el('circle', { class: `pa-ring pa-ring-${role}`, 'data-for': id, cx: p.x, cy: p.y, r: 14 }, parent);
  }

  function tagElement(id: string, value: string) {
    if (!scene) return;
    const target = id.startsWith('cbr0:') ? `bridge:${id.slice(5)}` : id;
    const found = scene.querySelector(`[data-id="${target.replace(/["\\]/g, '\\$&')}"]`);
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

  function clearMarks() {
    marks.replaceChildren();
    flashView.replaceChildren();
    for (const v of antsViews) v.replaceChildren();
    topView.replaceChildren();
    for (const a of flash) a.cancel();
    flash = [];
  }

  /** Everything that depends on the step but not on the moment: classes, labels, rings, marks. */
  function drawStep(step: Step) {
    clearTags();
    clearMarks();
    marks.setAttribute('class', `pa-marks phase-${step.phase}`);
    flashView.setAttribute('class', `pa-view phase-${step.phase}`);
    const path = paths[step.index];
    const end = path ? pointAlong(path, 1) : null;

    glyph.className = [
      'pa-glyph packet-glyph',
      `phase-${step.phase}`,
      `kind-${step.kind}`,
      step.rewrite ? 'has-rewrite' : '',
      step.kind === 'drop' ? 'is-dropped' : '',
      step.retry === true ? 'is-retry' : '',
    ]
      .filter(Boolean)
      .join(' ');
    glyph.setAttribute('data-step', String(step.index));
    glyph.setAttribute('data-phase', step.phase);
    shape.setAttribute('d', SHAPES[step.phase]);
    mark.setAttribute('d', MARKS[step.phase]);

    // Label: the destination; at a rewrite, the rewritten field old → new.
    const r = step.rewrite;
    const current = `dst ${step.packet.dst}:${step.packet.dport}`;
    label.textContent = current;
    label.setAttribute('data-label', current);
    label.setAttribute('opacity', r ? '0' : '1');
    let cardWidth = textWidth(current, LABEL_STYLE) + 16;
    // While encapsulated, `packet` is the outer header: the card shows it over the inner one it carries.
    const inner = r ? undefined : step.inner;
    innerPart.style.display = inner ? '' : 'none';
    label.setAttribute('y', inner ? '-5.5' : '4.2');
    if (inner) {
      const outerText = `outer ${step.packet.protocol} dst ${step.packet.dst}:${step.packet.dport}`;
      const innerText = `inner dst ${inner.dst}:${inner.dport}`;
      label.textContent = outerText;
      label.setAttribute('data-label', outerText);
      innerLabel.textContent = innerText;
      const innerWidth = textWidth(innerText, INNER_STYLE) + 10;
      innerBox.setAttribute('width', String(innerWidth));
      cardWidth = Math.max(textWidth(outerText, LABEL_STYLE) + 16, innerWidth + 13);
      glyph.setAttribute('data-inner', `${inner.src}:${inner.sport} → ${inner.dst}:${inner.dport}`);
    } else {
      innerLabel.textContent = '';
      glyph.removeAttribute('data-inner');
    }
    if (r) {
      oldLabel.textContent = `${r.field} ${r.from}`;
      newLabel.textContent = `${r.field} ${r.to}`;
      const oldWidth = textWidth(oldLabel.textContent, LABEL_STYLE);
      newWidth = textWidth(newLabel.textContent, { ...LABEL_STYLE, bold: true });
      cardWidth = Math.max(oldWidth, newWidth) + 16;
      strike.setAttribute('x2', String(24 + oldWidth));
      pill.setAttribute('y', '-21');
      pill.setAttribute('height', '42');
    } else {
      oldLabel.textContent = '';
      newLabel.textContent = '';
      strike.setAttribute('x2', '22');
      pill.setAttribute('y', inner ? '-21' : '-12');
      pill.setAttribute('height', inner ? '42' : '24');
    }
    strikePart.style.display = r ? '' : 'none';
    pill.setAttribute('width', String(cardWidth));

    const tagLabel = r
      ? rewriteTag(step)
      : step.kind === 'userspace'
        ? step.location.space === 'user'
          ? 'kernel → user space'
          : 'user space → kernel'
        : step.kind === 'drop'
          ? 'DROPPED'
          : step.kind === 'encapsulate'
            ? 'VXLAN encap'
            : step.kind === 'decapsulate'
              ? 'VXLAN decap'
              : step.retry === true
                ? 'retry'
                : '';
    tagText.textContent = tagLabel;
    tag.style.display = tagLabel ? '' : 'none';
    // The tag sits to the right of the card, level with the new value when there is one.
    // Hanging below a bridge (see placeCard), the tag goes under the card: the pair stays narrow, off the
    // next node.
    const isBelowBridge = step.at.startsWith('cbr0:');
    const tagX = isBelowBridge ? 16 : 16 + cardWidth + 5;
    const tagY = isBelowBridge ? (r || inner ? 21 : 12) + 4 : r ? 4 : -9;
    // + letter-spacing (0.04em per character, see animation.css). The estimate runs short for capitals
    // ("VXLAN encap" clipped its last letter), so the rendered text's own length wins when there is one.
    const estimate = textWidth(tagLabel, TAG_STYLE) + tagLabel.length * 0.42;
    const rendered = tagLabel && tag.style.display !== 'none' ? measuredLength(tagText) : 0;
    const tagWidth = Math.max(estimate, rendered) + 14;
    tagBox.setAttribute('width', String(tagWidth));
    cardExtent = Math.max(16 + cardWidth, tagLabel ? tagX + tagWidth : 0);
    tagBox.setAttribute('x', String(tagX));
    tagBox.setAttribute('y', String(tagY));
    tagText.setAttribute('x', String(tagX + 6));
    tagText.setAttribute('y', String(tagY + 12.7));
    dropPart.style.display = step.kind === 'drop' ? '' : 'none';
    dropMark.setAttribute('data-shown', String(step.kind === 'drop'));

    glyph.setAttribute('data-rewrite', r ? `${r.field} ${r.from} → ${r.to} ${rewriteTag(step)}` : '');
    cardStep = step;
    placeCard();

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
    if (flashView.childElementCount > 0 && !isReducedMotion() && typeof flashSvg.animate === 'function') {
      // A few flashes of the whole ring layer's opacity (a compositor animation), then it stays lit.
      flash.push(
        flashSvg.animate([{ opacity: 0.3 }, { opacity: 1 }], {
          duration: 450,
          iterations: 6,
          direction: 'alternate',
          easing: 'ease-in-out',
        }),
      );
    }

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
    // VXLAN: the node's VTEP (drawn by the topology) wraps or unwraps the packet at this step.
    for (const badge of scene?.querySelectorAll('.vtep') ?? []) {
      const isActive =
        badge.getAttribute('data-node') === step.location.node &&
        (step.kind === 'encapsulate' || step.kind === 'decapsulate');
      badge.classList.toggle('is-active', isActive);
    }
  }

  function drawTrapArc(from: Point, to: Point, node: string) {
    const mx = (from.x + to.x) / 2;
    // The control point that puts the arc's apex well above both ends (apex = ¼ from + ½ control + ¼ to).
    const apex = Math.min(from.y, to.y) - Math.max(50, Math.abs(from.x - to.x) * 0.2);
    const my = 2 * apex - (from.y + to.y) / 2;
    const d = `M${from.x},${from.y}Q${mx},${my} ${to.x},${to.y}`;
    // Marching ants on opacity only: each copy's dashes sit a step further along the arc, and one copy at a
    // time is shown, for a few cycles (the compositor runs it; an endless loop would never let the page idle).
    antsViews.forEach((g, i) => {
      el('path', { class: 'pa-trap-arc', d, 'stroke-dashoffset': -i * ANT_STEP }, g);
      const svg = antsSvgs[i];
      if (!svg) return;
      svg.style.opacity = i === 0 ? '1' : '0';
      if (isReducedMotion() || typeof svg.animate !== 'function') return;
      const on = i / ANT_PHASES;
      const off = (i + 1) / ANT_PHASES;
      flash.push(
        svg.animate(
          [
            { offset: 0, opacity: i === 0 ? 1 : 0 },
            { offset: on, opacity: i === 0 ? 1 : 0 },
            { offset: on, opacity: 1 },
            { offset: off, opacity: 1 },
            { offset: off, opacity: 0 },
            { offset: 1, opacity: 0 },
          ],
          { duration: ANT_CYCLE_MS, iterations: ANT_CYCLES, easing: 'linear' },
        ),
      );
    });
    el('path', { class: 'pa-trap-x', d: cross(from, 7) }, topView);
    // Bézier midpoint (t = 0.5): a quarter of each end plus half the control point.
    const lx = 0.25 * from.x + 0.5 * mx + 0.25 * to.x;
    const ly = 0.25 * from.y + 0.5 * my + 0.25 * to.y;
    const text = `trapped on ${node} — never reaches the ClusterIP`;
    const w = textWidth(text, { size: 12, bold: true }) + 14;
    el(
      'rect',
      { class: 'pa-trap-label-box', x: lx - w / 2, y: ly - 13, width: w, height: 22, rx: 6 },
      topView,
    );
    const t = el('text', { class: 'pa-trap-label', x: lx, y: ly + 2.5, 'text-anchor': 'middle' }, topView);
    t.textContent = text;
  }

  /** Where the glyph rests at the end of a step: its place and the end state of every part. */
  function placeAtRest(index: number) {
    const step = trace?.steps[index];
    const path = paths[index];
    if (!step || !path || step.packetless === true) {
      glyph.style.display = 'none';
      return;
    }
    glyph.style.display = '';
    glyph.style.transform = glyphTransform(pointAlong(path, 1));
    ripplePart.style.opacity = '0';
    ripplePart.style.transform = '';
    bodyPart.style.transform = '';
    oldPart.style.opacity = step.rewrite ? '0.55' : '1';
    strikePart.style.transform = '';
    newPart.style.opacity = '1';
    newPart.style.transform = '';
    tag.style.opacity = '1';
  }

  function stopAnimations() {
    for (const a of running) a.cancel();
    running = [];
  }

  function play(target: Element, keyframes: Keyframes, duration: number, elapsed: number) {
    // jsdom and old engines have no Web Animations: the glyph then simply shows each step at rest.
    if (typeof target.animate !== 'function') return;
    // Stop as soon as the values hold still: the element's own style is that end state, and a shorter
    // animation leaves the browser less to tick.
    const frames = untilStill(keyframes);
    const end = frames[frames.length - 1]?.offset ?? 1;
    if (typeof end !== 'number' || end <= 0) return;
    const scaled = frames.map((k) => ({ ...k, offset: (k.offset ?? 0) / end }));
    const a = target.animate(scaled, { duration: duration * end, easing: 'linear', fill: 'none' });
    if (elapsed > 0) a.currentTime = elapsed;
    running.push(a);
  }

  /**
   * The keyframes of a hop, each on `transform` or `opacity`: the glyph along the path, a pulse for the
   * steps that stay put (and for the moment of a rewrite), then the rewrite's old value struck through and
   * the new one popping in.
   */
  function hopKeyframes(index: number): [Element, Keyframes][] {
    const step = trace?.steps[index];
    const path = paths[index];
    if (!step || !path || step.packetless === true) return [];
    const out: [Element, Keyframes][] = [];
    const rewrite = step.rewrite;
    // A moving hop travels in the first part; a rewrite plays out once the packet has arrived.
    const travelEnd = rewrite ? (path.isInPlace ? 0 : 0.45) : 1;
    if (!path.isInPlace && travelEnd > 0) {
      out.push([
        glyph,
        motionSamples(path, easeCubicInOut, travelEnd).map((s) => ({
          offset: s.offset,
          transform: glyphTransform(s.point),
        })),
      ]);
    }
    if (path.isInPlace || rewrite) {
      const times = spaced(0, PULSE_END, 12);
      const pulse = (t: number) => Math.sin(Math.PI * within(t, 0, PULSE_END));
      out.push([
        bodyPart,
        [
          ...times.map((t) => ({ offset: t, transform: `scale(${num(1 + 0.35 * pulse(t))})` })),
          { offset: 1, transform: 'scale(1)' },
        ],
      ]);
      out.push([
        ripplePart,
        // Ends invisible at PULSE_END: nothing to hold after that.
        times.map((t) => {
          const w = within(t, 0, PULSE_END);
          return {
            offset: t,
            opacity: num(pulse(t) > 0 ? 0.6 * (1 - w) : 0),
            transform: `scale(${num((12 + 22 * w) / 12)})`,
          };
        }),
      ]);
    }
    if (!rewrite) return out;
    // Old value first, then struck through, then the new value pops in.
    const base = travelEnd;
    const span = 1 - base;
    const at = (f: number) => base + f * span;
    out.push([
      tag,
      [
        { offset: 0, opacity: 0 },
        { offset: base, opacity: 0 },
        { offset: at(0.15), opacity: 1 },
        { offset: 1, opacity: 1 },
      ],
    ]);
    // The strike is drawn from its left end (x = 22 in the glyph).
    const strikeAt = (f: number) => `translateX(22px) scaleX(${num(f)}) translateX(-22px)`;
    out.push([
      strikePart,
      [
        { offset: 0, transform: strikeAt(0) },
        { offset: at(0.15), transform: strikeAt(0) },
        { offset: at(0.45), transform: strikeAt(1) },
        { offset: 1, transform: strikeAt(1) },
      ],
    ]);
    out.push([
      oldPart,
      [
        { offset: 0, opacity: 1 },
        { offset: at(0.15), opacity: 1 },
        { offset: at(0.45), opacity: 0.55 },
        { offset: 1, opacity: 0.55 },
      ],
    ]);
    // The new value grows and settles around its own centre.
    const cx = 24 + newWidth / 2;
    const popAt = (p: number) =>
      `translate(${num(cx)}px, 14px) scale(${num(p)}) translate(${num(-cx)}px, -14px)`;
    out.push([
      newPart,
      [
        { offset: 0, opacity: 0, transform: popAt(1) },
        ...spaced(at(0.45), at(0.75), 8).map((t) => {
          const p = within(t, at(0.45), at(0.75));
          return { offset: t, opacity: num(p), transform: popAt(1 + 0.25 * Math.sin(Math.PI * p)) };
        }),
        { offset: 1, opacity: 1, transform: popAt(1) },
      ],
    ]);
    return out;
  }

  function startHop(index: number, duration: number, elapsed: number) {
    stopAnimations();
    for (const [target, keyframes] of hopKeyframes(index)) play(target, keyframes, duration, elapsed);
  }

  function showAtRest(index: number) {
    anim = null;
    stopAnimations();
    const step = trace?.steps[index];
    if (!step) {
      hideAll();
      return;
    }
    if (index !== shownIndex) drawStep(step);
    shownIndex = index;
    glyph.setAttribute('data-moving', 'false');
    placeAtRest(index);
    drawTrail(index, true);
  }

  function hideAll() {
    glyph.style.display = 'none';
    clearMarks();
    clearTags();
    for (const badge of scene?.querySelectorAll('.vtep.is-active') ?? []) badge.classList.remove('is-active');
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
    const duration = hopDuration(step, store.getState().speed);
    anim = { index, start: clock.now(), duration };
    // The glyph's own style is where it rests; the animations play over it and end there.
    placeAtRest(index);
    startHop(index, duration, 0);
    clearTimer();
    timer = clock.setTimeout(() => {
      timer = null;
      hopEnded();
    }, duration);
  }

  function hopEnded() {
    if (isDestroyed || !anim) return;
    const index = anim.index;
    const step = trace?.steps[index];
    anim = null;
    // The animations have reached the resting state; let them finish on their own.
    running = [];
    glyph.setAttribute('data-moving', 'false');
    drawTrail(index, true);
    if (store.getState().playing && step)
      scheduleAdvance((isKeyMoment(step) ? KEY_DWELL_MS : DWELL_MS) / store.getState().speed);
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
      // The running hop still ends (its timer), but nothing advances after it.
      if (!anim) clearTimer();
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
  applyView();
  computePaths(first.trace);
  drawStatic(first);
  showAtRest(first.cursor);
  const unsubscribe = store.subscribe(onChange);

  return {
    update(options) {
      if (isDestroyed) return;
      const state = store.getState();
      const isNewLayout = options?.layout !== undefined && options.layout !== layout;
      if (options?.layout && isNewLayout) {
        layout = options.layout;
        computePaths(state.trace);
        drawStatic(state);
      }
      if (options?.view) {
        view = options.view;
        applyView();
      }
      if (anim) {
        // The running hop continues from where it is, drawn for the new zoom (and layout).
        if (isNewLayout || !options) {
          const step = trace?.steps[anim.index];
          if (step) drawStep(step);
        }
        placeAtRest(anim.index);
        startHop(anim.index, anim.duration, clock.now() - anim.start);
        return;
      }
      if (isNewLayout || !options) {
        shownIndex = -1;
        showAtRest(state.cursor);
      } else if (shownIndex >= 0) {
        placeAtRest(shownIndex);
      }
    },
    destroy() {
      isDestroyed = true;
      unsubscribe();
      stopAnimations();
      clearTimer();
      clearTags();
      clearMarks();
      overlay.replaceChildren();
    },
  };
}

/** The keyframes up to the first one after which nothing changes any more. */
function untilStill(keyframes: Keyframes): Keyframes {
  const same = (a: Keyframe, b: Keyframe) =>
    String(a.transform ?? '') === String(b.transform ?? '') &&
    String(a.opacity ?? '') === String(b.opacity ?? '');
  let last = keyframes.length - 1;
  while (last > 0) {
    const a = keyframes[last - 1];
    const b = keyframes[last];
    if (!a || !b || !same(a, b)) break;
    last -= 1;
  }
  return keyframes.slice(0, last + 1);
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
