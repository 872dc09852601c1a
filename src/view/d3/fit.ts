/**
 * The zoom math without D3: the first picture is fitted with it before d3-zoom has loaded, and the zoom
 * controller (`createZoom`) uses the same functions once it has.
 */

/** The zoom and pan of the topology: screen = (x + k·layoutX, y + k·layoutY). */
export interface ViewTransform {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

export interface ViewSize {
  readonly width: number;
  readonly height: number;
}

export interface ContentSize {
  readonly contentWidth: number;
  readonly contentHeight: number;
}

export const MIN_SCALE = 0.03;
export const MAX_SCALE = 4;
/** The most a fit may enlarge a small cluster: beyond this a two-node figure looks like a poster. */
export const MAX_FIT_SCALE = 1.6;
/** Screen pixels kept free around the content when fitting. */
export const FIT_PADDING = 16;

function clampScale(k: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
}

/** Scales and centres the content to fill the view, never enlarging beyond `maxScale`. */
export function fitTransform(
  size: ViewSize,
  content: ContentSize,
  padding = FIT_PADDING,
  maxScale = MAX_FIT_SCALE,
): ViewTransform {
  const k = Math.min(
    maxScale,
    Math.max(
      MIN_SCALE,
      Math.min(
        (size.width - 2 * padding) / content.contentWidth,
        (size.height - 2 * padding) / content.contentHeight,
      ),
    ),
  );
  return {
    x: (size.width - content.contentWidth * k) / 2,
    y: (size.height - content.contentHeight * k) / 2,
    k,
  };
}

/** Zooms by `factor` about the centre of the view, as d3-zoom's `scaleBy` does, within the scale extent. */
export function zoomedBy(view: ViewTransform, factor: number, size: ViewSize): ViewTransform {
  const k = clampScale(view.k * factor);
  const cx = size.width / 2;
  const cy = size.height / 2;
  // The layout point under the centre stays under the centre.
  const px = (cx - view.x) / view.k;
  const py = (cy - view.y) / view.k;
  return { x: cx - px * k, y: cy - py * k, k };
}

/** The SVG `transform` attribute for a view, written as d3-zoom's ZoomTransform writes it. */
export function transformAttribute(view: ViewTransform): string {
  return `translate(${view.x},${view.y}) scale(${view.k})`;
}

export function isMeasurable(size: ViewSize): boolean {
  return size.width > 0 && size.height > 0;
}
