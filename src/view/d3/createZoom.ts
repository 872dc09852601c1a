/**
 * Zoom and pan for the topology: D3 owns the transform of one <g> (the viewport) that React renders without
 * a transform of its own. React never touches that attribute; D3 never touches anything else.
 *
 * This module (with d3-zoom, d3-drag and d3-transition) loads after the first picture: the topology fits
 * itself with the pure math in `fit.ts` and hands its transform over as `initialTransform`.
 */
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';
import 'd3-transition';
import { FIT_PADDING, MAX_SCALE, MIN_SCALE, fitTransform, isMeasurable, type ViewTransform } from './fit';

export interface ZoomOptions {
  /** The <g> whose transform D3 sets. */
  readonly viewport: SVGGElement;
  /** Size of the content in layout units, for fit-to-screen. */
  readonly contentWidth: number;
  readonly contentHeight: number;
  /** Called with the new transform after every zoom/pan (to keep overlays in step with the viewport). */
  readonly onTransform?: (transform: ViewTransform) => void;
  /** Called with the scale after every zoom/pan. */
  readonly onScale?: (scale: number) => void;
  /** Screen pixels kept free around the content when fitting. */
  readonly padding?: number;
  /** Where the viewport already is (fitted before this controller loaded); zooming and panning go on from it. */
  readonly initialTransform?: ViewTransform;
}

export interface ZoomController {
  update(options: Partial<ZoomOptions>): void;
  /** Scales and centres the content to fill the canvas. */
  fit(animate?: boolean): void;
  zoomBy(factor: number): void;
  destroy(): void;
}

export function createZoom(svgEl: SVGSVGElement, initial: ZoomOptions): ZoomController {
  let options: ZoomOptions = initial;
  const svg = select<SVGSVGElement, unknown>(svgEl);

  const size = (): { width: number; height: number } => {
    const r = svgEl.getBoundingClientRect();
    return { width: r.width, height: r.height };
  };
  const measurable = (): boolean => isMeasurable(size());

  const behavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([MIN_SCALE, MAX_SCALE])
    // d3-zoom's default filter, plus: ignore synthetic events without a view (jsdom, testing tools), on
    // which d3-drag's text-selection guard would fail.
    .filter(
      (event: MouseEvent) =>
        (!event.ctrlKey || event.type === 'wheel') && !event.button && event.view != null,
    )
    // jsdom has no SVG geometry; a measured extent keeps d3-zoom from reading width.baseVal.
    .extent(() => {
      const { width, height } = size();
      return [
        [0, 0],
        [width || options.contentWidth, height || options.contentHeight],
      ];
    })
    .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
      const { x, y, k } = event.transform;
      options.viewport.setAttribute('transform', event.transform.toString());
      options.onTransform?.({ x, y, k });
      options.onScale?.(event.transform.k);
    });
  svg.call(behavior).on('dblclick.zoom', null);
  if (initial.initialTransform) {
    // d3-zoom keeps its state on the element; start it where the viewport already is (the same transform
    // is written again, so nothing moves).
    const { x, y, k } = initial.initialTransform;
    svg.call(behavior.transform, zoomIdentity.translate(x, y).scale(k));
  }

  const fitted = () => {
    const { x, y, k } = fitTransform(size(), options, options.padding ?? FIT_PADDING);
    return zoomIdentity.translate(x, y).scale(k);
  };

  const controller: ZoomController = {
    update(next) {
      options = { ...options, ...next };
    },
    fit(animate = false) {
      if (!measurable()) {
        options.onScale?.(1);
        return;
      }
      const t = fitted();
      if (animate) svg.transition().duration(300).call(behavior.transform, t);
      else svg.call(behavior.transform, t);
    },
    zoomBy(factor) {
      if (!measurable()) return;
      svg.transition().duration(200).call(behavior.scaleBy, factor);
    },
    destroy() {
      svg.interrupt();
      svg.on('.zoom', null);
    },
  };
  return controller;
}
