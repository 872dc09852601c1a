/**
 * Where a packet is drawn for each step of a trace: the step's `from` and `at` ids mapped to points on the
 * layout, and the polyline between them along the wiring. Pure math on points (no SVG geometry), so the
 * animation can sample a path every frame without touching the DOM, and tests run without a browser.
 */
import { parseElementId } from '../model/elementIds';
import { center, pathOf } from './geometry';
import { pathBetween } from './paths';
import type { Layout, Point, Rect } from './types';

/** The two ends of a trace step (structurally a `Step`, without importing the engine). */
export interface StepEnds {
  readonly from: string;
  readonly at: string;
}

export interface StepPath {
  readonly from: string;
  readonly at: string;
  /** At least one point; one point means the packet stays in place (a pulse, not a move). */
  readonly points: readonly Point[];
  /** Cumulative distance at each point (`distances[0] === 0`). */
  readonly distances: readonly number[];
  readonly length: number;
  readonly isInPlace: boolean;
  readonly d: string;
}

/**
 * The box drawn for an element id, accepting anchor ids too: `cbr0:<node>` is the bridge box, a pod's
 * inside anchor is the pod box, `eth0:<node>` the node's eth0 pill.
 */
export function boxOfElement(layout: Layout, id: string): Rect | null {
  const direct = layout.boxes.get(id);
  if (direct) return direct.box;
  if (id.startsWith('cbr0:')) return layout.boxes.get(`bridge:${id.slice(5)}`)?.box ?? null;
  return null;
}

/**
 * A point for an element id: its anchor when it has one, else the centre of its box (kube-proxy, a node, a
 * Service without an anchor). Null when the id names nothing drawn.
 */
export function pointOfElement(layout: Layout, id: string): Point | null {
  const anchor = layout.anchors.get(id);
  if (anchor) return anchor;
  const box = boxOfElement(layout, id);
  if (box) return center(box);
  // An id the layout does not draw on its own (a node's kube-proxy in a layout without it): its node's centre.
  const ref = parseElementId(id);
  if (ref && 'node' in ref && typeof ref.node === 'string') {
    const node = layout.boxes.get(`node:${ref.node}`);
    if (node) return center(node.box);
  }
  return null;
}

function measured(from: string, at: string, points: readonly Point[]): StepPath {
  const distances = [0];
  let total = 0;
  for (let i = 1; i < points.length; i += 1) {
    const a = points[i - 1] as Point;
    const b = points[i] as Point;
    total += Math.hypot(b.x - a.x, b.y - a.y);
    distances.push(total);
  }
  return {
    from,
    at,
    points,
    distances,
    length: total,
    isInPlace: total === 0,
    d: pathOf(points),
  };
}

/**
 * The path a step's packet travels: along the wires when both ends are wired anchors, a straight line when
 * one end is an element that is not wired (up into kube-proxy in user space and back down), a single point
 * when it stays put. Null only when neither end names anything in the layout.
 */
export function pathForStep(layout: Layout, step: StepEnds): StepPath | null {
  const start = pointOfElement(layout, step.from);
  const end = pointOfElement(layout, step.at);
  if (!end && !start) return null;
  if (!end || !start) return measured(step.from, step.at, [(end ?? start) as Point]);
  if (step.from === step.at) return measured(step.from, step.at, [end]);
  const wired = pathBetween(layout, step.from, step.at);
  if (wired && wired.points.length > 0) return measured(step.from, step.at, wired.points);
  return measured(step.from, step.at, [start, end]);
}

/** The paths of every step, computed once per trace and layout. */
export function pathsForSteps(layout: Layout, steps: readonly StepEnds[]): (StepPath | null)[] {
  return steps.map((s) => pathForStep(layout, s));
}

/** The point a fraction `t` (0–1) of the way along a path. */
export function pointAlong(path: StepPath, t: number): Point {
  const { points, distances, length } = path;
  const first = points[0] as Point;
  if (points.length === 1 || length === 0 || t <= 0) return first;
  if (t >= 1) return points[points.length - 1] as Point;
  const target = t * length;
  // Binary search for the segment holding `target`.
  let lo = 0;
  let hi = distances.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((distances[mid] as number) <= target) lo = mid;
    else hi = mid;
  }
  const a = points[lo] as Point;
  const b = points[hi] as Point;
  const d0 = distances[lo] as number;
  const span = (distances[hi] as number) - d0;
  const f = span === 0 ? 0 : (target - d0) / span;
  return { x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f };
}

export interface MotionSample {
  /** Fraction (0–1) of the hop's time. */
  readonly offset: number;
  readonly point: Point;
}

/**
 * Keyframe samples of a hop for an animation that interpolates linearly between them: the packet travels the
 * path during the first `travelEnd` (0–1) of the hop with the `ease` timing (monotonic, ease(0) = 0,
 * ease(1) = 1), then stays at its end. Uniform samples in time, plus a sample at each corner of the path so
 * that straight interpolation between samples never cuts a corner.
 */
export function motionSamples(
  path: StepPath,
  ease: (t: number) => number,
  travelEnd: number,
  count = 24,
): MotionSample[] {
  const end = path.points[path.points.length - 1] as Point;
  if (path.isInPlace || travelEnd <= 0) {
    return [
      { offset: 0, point: end },
      { offset: 1, point: end },
    ];
  }
  const times = new Set<number>();
  for (let i = 0; i <= count; i += 1) times.add(i / count);
  for (let i = 1; i < path.distances.length - 1; i += 1) {
    // Invert the easing by bisection: the time at which the packet reaches this corner.
    const target = (path.distances[i] as number) / path.length;
    let lo = 0;
    let hi = 1;
    for (let k = 0; k < 40; k += 1) {
      const mid = (lo + hi) / 2;
      if (ease(mid) < target) lo = mid;
      else hi = mid;
    }
    times.add((lo + hi) / 2);
  }
  const samples = [...times]
    .sort((a, b) => a - b)
    .map((u) => ({ offset: u * travelEnd, point: pointAlong(path, ease(u)) }));
  if (travelEnd < 1) samples.push({ offset: 1, point: end });
  return samples;
}

/** The route-table row a step's route (`10.0.2.0/24 via 10.100.0.3 dev eth0`) used, by destination. */
export function routeRowFor(layout: Layout, route: string | undefined): string | null {
  if (route === undefined) return null;
  const destination = route.trim().split(/\s+/)[0];
  if (destination === undefined) return null;
  const row = layout.router.table.rows.find((r) => r.id === `route:${destination}`);
  if (row) return row.id;
  // `default` and `0.0.0.0/0` are the same route.
  if (destination === 'default')
    return layout.router.table.rows.find((r) => r.id === 'route:0.0.0.0/0')?.id ?? null;
  return null;
}
