/** Small geometry helpers shared by the layout modules. */
import { line } from 'd3-shape';
import type { Edge, Label, Pill, Point, Rect } from './types';
import { textWidth, type TextStyle } from './text';

const polyline = line<Point>()
  .x((p) => p.x)
  .y((p) => p.y);

export function pathOf(points: readonly Point[]): string {
  return polyline([...points]) ?? '';
}

export function makeEdge(id: string, from: string, to: string, points: readonly Point[]): Edge {
  return { id, from, to, points, d: pathOf(points) };
}

export function rect(x: number, y: number, width: number, height: number): Rect {
  return { x, y, width, height };
}

export function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return rect(x, y, Math.max(a.x + a.width, b.x + b.width) - x, Math.max(a.y + a.height, b.y + b.height) - y);
}

export function center(r: Rect): Point {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** Where a label's baseline goes so that its text is vertically centred on `centerY`. */
export function baselineFor(centerY: number, size: number): number {
  return centerY + size * 0.35;
}

export const PILL_HEIGHT = 24;
const PILL_PADDING = 10;

/** A pill whose centre is at (cx, cy), sized to its text. */
export function pillAt(cx: number, cy: number, text: string, style: TextStyle): Pill {
  const width = textWidth(text, style) + 2 * PILL_PADDING;
  return pillBox(rect(cx - width / 2, cy - PILL_HEIGHT / 2, width, PILL_HEIGHT), text, style);
}

/** A pill whose left edge is at `x` and vertical centre at `cy`. */
export function pillFrom(x: number, cy: number, text: string, style: TextStyle): Pill {
  const width = textWidth(text, style) + 2 * PILL_PADDING;
  return pillBox(rect(x, cy - PILL_HEIGHT / 2, width, PILL_HEIGHT), text, style);
}

function pillBox(box: Rect, text: string, style: TextStyle): Pill {
  const c = center(box);
  const label: Label = { text, x: c.x, y: baselineFor(c.y, style.size), anchor: 'middle', ...style };
  return { box, label };
}
