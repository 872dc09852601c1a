/**
 * The current view as a picture for slides and docs: the topology's SVG as it is on screen (zoom and pan
 * included), the packet and its marks from the animation overlay at rest, and a caption band below (step n
 * of N, phase, caption). The page's CSS does not travel with a file, so each element's computed style (CSS
 * variables resolved to colours) is written onto it. PNG is the same SVG drawn on a canvas at 2×.
 */
import { wrapText } from '../../layout/text';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The SVG presentation properties the topology's CSS sets, with their initial values. */
const STYLE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  fill: [],
  'fill-opacity': ['1'],
  stroke: ['none'],
  'stroke-width': [],
  'stroke-opacity': ['1'],
  'stroke-dasharray': ['none'],
  'stroke-dashoffset': ['0px', '0'],
  'stroke-linecap': ['butt'],
  'stroke-linejoin': ['miter'],
  opacity: ['1'],
  'font-family': [],
  'font-size': [],
  'font-weight': ['400', 'normal'],
  'font-style': ['normal'],
  'letter-spacing': ['normal', '0px'],
  'text-anchor': ['start'],
  'dominant-baseline': ['auto'],
  'paint-order': ['normal'],
  'vector-effect': ['none'],
  visibility: ['visible'],
};

/** Properties SVG inherits: written on an element only where they differ from its parent's. */
const NOT_INHERITED = new Set(['opacity', 'vector-effect']);

/** Text properties only matter on text; leaving them off shapes keeps the file small. */
const TEXT_ONLY = new Set([
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
]);
const TEXT_TAGS = new Set(['text', 'tspan', 'g', 'svg']);

/** Attributes that belong to the live page (interaction, accessibility tree, styling hooks), not a file. */
const DROPPED_ATTRIBUTES = /^(class|style|tabindex|role|focusable|aria-.*|data-packet|data-testid)$/;

export interface PictureCaption {
  /** "step 7 of 31" */
  readonly position: string;
  /** "request", "DNS", "reply" */
  readonly phase: string;
  readonly phaseKey: 'dns' | 'request' | 'reply';
  readonly caption: string;
  /** Right-hand note: the cluster and the kube-proxy mode. */
  readonly source: string;
}

export interface PictureSources {
  /** The topology's <svg>. */
  readonly svg: SVGSVGElement;
  /** The animation overlay (the packet and its marks), when there is one. */
  readonly overlay?: HTMLElement | null;
  readonly caption?: PictureCaption | null;
}

export interface Picture {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

const FALLBACK_SIZE = { width: 1280, height: 640 };
const BAND_PAD = 16;
const CAPTION_SIZE = 22;
const CAPTION_LINE = 28;

/** Builds the standalone SVG text of the current view. */
export function buildPicture({ svg, overlay, caption }: PictureSources): Picture {
  const doc = svg.ownerDocument;
  const view = doc.defaultView;
  const rect = svg.getBoundingClientRect();
  const width = Math.round(rect.width) || FALLBACK_SIZE.width;
  const topHeight = Math.round(rect.height) || FALLBACK_SIZE.height;
  // Measured as bold (the band's weight), with room to spare: the estimate is not a font's real metrics.
  const lines = caption
    ? wrapText(caption.caption, width - 3 * BAND_PAD, { size: CAPTION_SIZE, bold: true })
    : [];
  const bandHeight = caption ? BAND_PAD * 2 + 24 + lines.length * CAPTION_LINE : 0;
  const height = topHeight + bandHeight;

  const out = doc.createElementNS(SVG_NS, 'svg');
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const label = svg.getAttribute('aria-label');
  if (label) {
    const title = doc.createElementNS(SVG_NS, 'title');
    title.textContent = caption ? `${label} — ${caption.position}: ${caption.caption}` : label;
    out.appendChild(title);
  }
  const colours = view ? view.getComputedStyle(svg.parentElement ?? svg) : null;
  const background = colours?.backgroundColor || '#f5f7fa';
  rect_(out, { x: 0, y: 0, width, height: topHeight, fill: usable(background, '#f5f7fa') });

  // The topology, clipped to what is on screen.
  const clip = doc.createElementNS(SVG_NS, 'clipPath');
  clip.setAttribute('id', 'netviz-view');
  rect_(clip, { x: 0, y: 0, width, height: topHeight });
  const defs = doc.createElementNS(SVG_NS, 'defs');
  defs.appendChild(clip);
  out.appendChild(defs);
  const scene = doc.createElementNS(SVG_NS, 'g');
  scene.setAttribute('clip-path', 'url(#netviz-view)');
  out.appendChild(scene);
  for (const child of svg.children) {
    const copy = inlined(child);
    if (copy) scene.appendChild(copy);
  }
  if (overlay) drawOverlay(overlay, scene);
  // The theme's variables as the topology sees them (high contrast sets them on the app's root).
  if (caption) {
    drawBand(out, caption, lines, {
      y: topHeight,
      width,
      height: bandHeight,
      colours: view?.getComputedStyle(svg) ?? null,
    });
  }
  return { svg: new XMLSerializer().serializeToString(out), width, height };
}

function rect_(parent: Element, attrs: Record<string, string | number>): SVGRectElement {
  const r = parent.ownerDocument.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of Object.entries(attrs)) r.setAttribute(k, String(v));
  parent.appendChild(r);
  return r;
}

/** A colour the file can carry: a computed colour, unless there is none (jsdom, a transparent frame). */
function usable(colour: string, fallback: string): string {
  return colour === '' || colour === 'rgba(0, 0, 0, 0)' || colour === 'transparent' ? fallback : colour;
}

/**
 * A copy of `source` and its subtree with the computed style written onto each element, or null when it is
 * not drawn (display: none).
 */
function inlined(source: Element, parentComputed: CSSStyleDeclaration | null = null): Element | null {
  const view = source.ownerDocument.defaultView;
  const computed = view ? view.getComputedStyle(source) : null;
  if (computed?.display === 'none' || (source as HTMLElement).style?.display === 'none') return null;
  if (source.namespaceURI !== SVG_NS) return null;
  const copy = source.ownerDocument.createElementNS(SVG_NS, source.localName);
  for (const attr of source.attributes) {
    if (!DROPPED_ATTRIBUTES.test(attr.name)) copy.setAttribute(attr.name, attr.value);
  }
  const style = styleText(source, computed, parentComputed);
  if (style) copy.setAttribute('style', style);
  for (const node of source.childNodes) {
    if (node.nodeType === 3) copy.appendChild(source.ownerDocument.createTextNode(node.textContent ?? ''));
    else if (node.nodeType === 1) {
      const child = inlined(node as Element, computed);
      if (child) copy.appendChild(child);
    }
  }
  return copy;
}

function styleText(
  source: Element,
  computed: CSSStyleDeclaration | null,
  parentComputed: CSSStyleDeclaration | null,
): string {
  if (!computed) return '';
  const isText = TEXT_TAGS.has(source.localName);
  const parts: string[] = [];
  for (const [property, defaults] of Object.entries(STYLE_PROPERTIES)) {
    if (!isText && TEXT_ONLY.has(property)) continue;
    // The at-rest opacity the animator set (a running animation's value is a moment, not the picture).
    const inline = property === 'opacity' ? (source as SVGElement).style?.opacity : '';
    const value = inline || computed.getPropertyValue(property).trim();
    if (value === '') continue;
    // What the copy gets without writing it: its parent's value for an inherited property (the parent's copy
    // carries that value), else the initial value.
    const isInherited = !NOT_INHERITED.has(property) && parentComputed !== null;
    if (isInherited ? parentComputed.getPropertyValue(property).trim() === value : defaults.includes(value)) {
      continue;
    }
    parts.push(`${property}:${value}`);
  }
  return parts.join(';');
}

/**
 * The overlay's marks (SVGs under the topology's zoom) and the packet glyph (an HTML box of SVG parts in
 * screen pixels, placed with CSS transforms), redrawn as SVG groups.
 */
function drawOverlay(overlay: HTMLElement, parent: Element): void {
  const doc = overlay.ownerDocument;
  for (const child of overlay.children) {
    if (child.localName === 'svg') {
      const layer = inlined(child);
      if (!layer) continue;
      const g = doc.createElementNS(SVG_NS, 'g');
      // The layer's own style: its children's copies leave out what they inherit from it.
      const style = layer.getAttribute('style');
      if (style) g.setAttribute('style', style);
      g.append(...layer.childNodes);
      parent.appendChild(g);
    } else if (child instanceof HTMLElement && child.style.display !== 'none') {
      // The glyph: its transform is `translate(Xpx, Ypx) scale(S)`; each part may carry its own.
      const glyph = doc.createElementNS(SVG_NS, 'g');
      glyph.setAttribute('transform', svgTransform(child.style.transform));
      glyph.setAttribute('class', 'packet');
      for (const part of child.children) {
        const copy = inlined(part);
        if (!copy) continue;
        const g = doc.createElementNS(SVG_NS, 'g');
        const transform = svgTransform((part as SVGElement).style.transform);
        if (transform) g.setAttribute('transform', transform);
        const style = copy.getAttribute('style');
        if (style) g.setAttribute('style', style);
        g.append(...copy.childNodes);
        glyph.appendChild(g);
      }
      parent.appendChild(glyph);
    }
  }
}

/** A CSS transform list (px lengths, translateX/scaleX) as an SVG transform attribute. */
export function svgTransform(css: string): string {
  return css
    .trim()
    .replace(/translateX\(([^)]+)\)/g, 'translate($1, 0)')
    .replace(/translateY\(([^)]+)\)/g, 'translate(0, $1)')
    .replace(/scaleX\(([^)]+)\)/g, 'scale($1, 1)')
    .replace(/scaleY\(([^)]+)\)/g, 'scale(1, $1)')
    .replace(/(-?[\d.]+)px/g, '$1')
    .replace(/^none$/, '');
}

function drawBand(
  out: Element,
  caption: PictureCaption,
  lines: readonly string[],
  box: { y: number; width: number; height: number; colours: CSSStyleDeclaration | null },
): void {
  const doc = out.ownerDocument;
  const variable = (name: string, fallback: string) => box.colours?.getPropertyValue(name).trim() || fallback;
  const panel = variable('--panel', '#ffffff');
  const fg = variable('--fg', '#1a1e24');
  const muted = variable('--muted', '#4a5360');
  const border = variable('--border', '#cfd6de');
  const phase = variable(`--phase-${caption.phaseKey}`, '#0072b2');
  const onPhase = variable(`--on-phase-${caption.phaseKey}`, '#ffffff');
  const font = variable('--font-sans', 'system-ui, sans-serif');

  const band = doc.createElementNS(SVG_NS, 'g');
  band.setAttribute('class', 'caption');
  band.setAttribute('font-family', font);
  out.appendChild(band);
  rect_(band, { x: 0, y: box.y, width: box.width, height: box.height, fill: panel });
  rect_(band, { x: 0, y: box.y, width: box.width, height: 1, fill: border });
  const top = box.y + BAND_PAD;
  const chipWidth = Math.max(64, caption.phase.length * 9 + 22);
  rect_(band, { x: BAND_PAD, y: top, width: chipWidth, height: 22, rx: 11, fill: phase });
  text(band, caption.phase, {
    x: BAND_PAD + chipWidth / 2,
    y: top + 16,
    fill: onPhase,
    'font-size': 13,
    'font-weight': 700,
    'text-anchor': 'middle',
  });
  text(band, caption.position, { x: BAND_PAD + chipWidth + 12, y: top + 16, fill: muted, 'font-size': 14 });
  text(band, caption.source, {
    x: box.width - BAND_PAD,
    y: top + 16,
    fill: muted,
    'font-size': 14,
    'text-anchor': 'end',
  });
  lines.forEach((line, i) => {
    text(band, line, {
      x: BAND_PAD,
      y: top + 24 + CAPTION_LINE * (i + 1) - 6,
      fill: fg,
      'font-size': CAPTION_SIZE,
      'font-weight': 600,
    });
  });
}

function text(parent: Element, content: string, attrs: Record<string, string | number>): void {
  const t = parent.ownerDocument.createElementNS(SVG_NS, 'text');
  for (const [k, v] of Object.entries(attrs)) t.setAttribute(k, String(v));
  t.textContent = content;
  parent.appendChild(t);
}

/** The picture as a PNG: the SVG drawn on a canvas at `scale` image pixels per CSS pixel. */
export async function pictureToPng(picture: Picture, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([picture.svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the picture could not be drawn'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(picture.width * scale);
    canvas.height = Math.round(picture.height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw on a canvas');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, picture.width, picture.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be made'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob under `filename` through a temporary link to its blob URL. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started from the click; the URL can go once the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
