/**
 * Zoom and pan for the topology: D3 owns the transform of one <g> (the viewport) that React renders without
 * a transform of its own. React never touches that attribute; D3 never touches anything else.
 */
import { select } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';
import 'd3-transition';

export interface ZoomOptions {
  /** The <g> whose transform D3 sets. */
  readonly viewport: SVGGElement;
  /** Size of the content in layout units, for fit-to-screen. */
  readonly contentWidth: number;
  readonly contentHeight: number;
  /** Called with the new transform after every zoom/pan (to keep overlays in step with the viewport). */
  readonly onTransform?: (transform: { x: number; y: number; k: number }) => void;
  /** Called with the scale after every zoom/pan. */
  readonly onScale?: (scale: number) => void;
  /** Screen pixels kept free around the content when fitting. */
  readonly padding?: number;
}

export interface ZoomController {
  update(options: Partial<ZoomOptions>): void;
  /** Scales and centres the content to fill the canvas. */
  fit(animate?: boolean): void;
  zoomBy(factor: number): void;
  destroy(): void;
}

const MIN_SCALE = 0.03;
const MAX_SCALE = 4;
/** The most a fit may enlarge a small cluster: beyond this a two-node figure looks like a poster. */
const MAX_FIT_SCALE = 1.6;

export function createZoom(svgEl: SVGSVGElement, initial: ZoomOptions): ZoomController {
  let options: ZoomOptions = initial;
  const svg = select<SVGSVGElement, unknown>(svgEl);

  const size = (): { width: number; height: number } => {
    const r = svgEl.getBoundingClientRect();
    return { width: r.width, height: r.height };
  };
  const measurable = (): boolean => {
    const { width, height } = size();
    return width > 0 && height > 0;
  };

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

  const fitTransform = () => {
    const { width, height } = size();
    const pad = options.padding ?? 16;
    const k = Math.min(
      MAX_FIT_SCALE,
      Math.max(
        MIN_SCALE,
        Math.min((width - 2 * pad) / options.contentWidth, (height - 2 * pad) / options.contentHeight),
      ),
    );
    const x = (width - options.contentWidth * k) / 2;
    const y = (height - options.contentHeight * k) / 2;
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
      const t = fitTransform();
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
