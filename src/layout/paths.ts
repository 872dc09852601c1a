/** Paths along the drawn wiring between two anchors, for the packet animation. */
import { makeEdge } from './geometry';
import type { Edge, Layout, Point } from './types';

export interface AnchorPath {
  readonly from: string;
  readonly to: string;
  /** The wires walked, in order. */
  readonly via: readonly string[];
  readonly points: readonly Point[];
  readonly d: string;
}

/**
 * The path between two anchors along the wiring (breadth-first, so the fewest wires; ties go to the wire
 * listed first, so the answer is stable). Null when the anchors are not wired together — a ClusterIP, for one,
 * is wired to nothing: no route leads to the service network.
 */
export function pathBetween(layout: Layout, from: string, to: string): AnchorPath | null {
  if (!layout.anchors.has(from) || !layout.anchors.has(to)) return null;
  if (from === to) {
    const p = layout.anchors.get(from) as Point;
    return { from, to, via: [], points: [p], d: makeEdge('', from, to, [p]).d };
  }
  const adjacency = new Map<string, { wire: Edge; next: string; reversed: boolean }[]>();
  const link = (a: string, entry: { wire: Edge; next: string; reversed: boolean }) => {
    const list = adjacency.get(a);
    if (list) list.push(entry);
    else adjacency.set(a, [entry]);
  };
  for (const wire of layout.wires) {
    link(wire.from, { wire, next: wire.to, reversed: false });
    link(wire.to, { wire, next: wire.from, reversed: true });
  }
  const cameBy = new Map<string, { prev: string; wire: Edge; reversed: boolean }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const current = queue.shift() as string;
    if (current === to) break;
    for (const step of adjacency.get(current) ?? []) {
      if (seen.has(step.next)) continue;
      seen.add(step.next);
      cameBy.set(step.next, { prev: current, wire: step.wire, reversed: step.reversed });
      queue.push(step.next);
    }
  }
  if (!cameBy.has(to)) return null;
  const steps: { wire: Edge; reversed: boolean }[] = [];
  for (let at = to; at !== from;) {
    const step = cameBy.get(at);
    if (!step) return null;
    steps.unshift({ wire: step.wire, reversed: step.reversed });
    at = step.prev;
  }
  const points: Point[] = [];
  for (const { wire, reversed } of steps) {
    const pts = reversed ? [...wire.points].reverse() : wire.points;
    for (const p of pts) {
      const last = points[points.length - 1];
      if (!last || last.x !== p.x || last.y !== p.y) points.push(p);
    }
  }
  return { from, to, via: steps.map((s) => s.wire.id), points, d: makeEdge('', from, to, points).d };
}
