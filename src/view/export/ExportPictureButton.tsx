import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { PHASE_LABEL } from '../playback/format';
import type { NetvizStore } from '../../store';
import { useNetvizStore } from '../NetvizContext';
import type { PictureCaption } from './exportPicture';
import './export.css';

const load = () => import('./exportPicture');
const prefetch = () => void load().catch(() => undefined);

type Format = 'svg' | 'png';

/** What the caption band says about the step shown. */
export function captionOf(store: NetvizStore): PictureCaption | null {
  const s = store.getState();
  const step = s.trace?.steps[s.cursor];
  if (!s.trace || !step) return null;
  return {
    position: `step ${s.cursor + 1} of ${s.trace.steps.length}`,
    phase: PHASE_LABEL[step.phase],
    phaseKey: step.phase,
    caption: step.caption,
    source: `kube-netviz · cluster ${s.cluster.name} · ${s.mode}`,
  };
}

/** `kube-netviz-seed-iptables-step-7.svg` */
export function pictureFilename(store: NetvizStore, format: Format): string {
  const s = store.getState();
  const safe = s.cluster.name.replace(/[^a-z0-9.-]+/gi, '-');
  return `kube-netviz-${safe}-${s.mode}-step-${s.cursor + 1}.${format}`;
}

/**
 * The "Export picture" menu in the transport bar: the current view (the packet and the caption included) as SVG, or as PNG at
 * 2× for slides. The exporter loads on first use.
 */
export function ExportPictureButton() {
  const store = useNetvizStore();
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open]);

  const exportAs = async (format: Format) => {
    setOpen(false);
    button.current?.focus();
    const root = button.current?.closest('.netviz');
    const svg = root?.querySelector<SVGSVGElement>('svg.topology-svg');
    if (!svg) {
      setStatus('There is no picture to export');
      return;
    }
    try {
      const { buildPicture, pictureToPng, download } = await load();
      const picture = buildPicture({
        svg,
        overlay: root?.querySelector<HTMLElement>('.topology-overlay') ?? null,
        caption: captionOf(store),
      });
      const blob =
        format === 'svg'
          ? new Blob([picture.svg], { type: 'image/svg+xml' })
          : await pictureToPng(picture, Math.max(2, window.devicePixelRatio || 1));
      download(blob, pictureFilename(store, format));
      setStatus(`Picture saved as ${format.toUpperCase()}`);
    } catch (e) {
      setStatus(`Could not export the picture (${e instanceof Error ? e.message : String(e)})`);
    }
  };

  const onMenuKey = (e: KeyboardEvent) => {
    e.stopPropagation();
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
      button.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
      next?.focus();
    }
  };

  return (
    <span className="nv-export-picture">
      <button
        ref={button}
        type="button"
        className="transport-button"
        aria-haspopup="menu"
        aria-expanded={open}
        title="Export picture"
        onPointerEnter={prefetch}
        onFocus={prefetch}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
          <rect
            x="2.5"
            y="4"
            width="15"
            height="12"
            rx="1.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.7"
          />
          <circle cx="7" cy="8.3" r="1.6" fill="currentColor" />
          <path d="M3.5 15l4.5-4.5 3 3 2.5-2.5 3.5 3.5" fill="none" stroke="currentColor" strokeWidth="1.7" />
        </svg>
        <span className="visually-hidden">Export picture</span>
      </button>
      {open && (
        <div
          ref={menu}
          className="nv-export-menu"
          role="menu"
          aria-label="Export picture"
          onKeyDown={onMenuKey}
        >
          <button type="button" role="menuitem" onClick={() => void exportAs('svg')}>
            SVG <span className="muted">vector, for docs</span>
          </button>
          <button type="button" role="menuitem" onClick={() => void exportAs('png')}>
            PNG <span className="muted">2×, for slides</span>
          </button>
        </div>
      )}
      <span className="visually-hidden" role="status">
        {status}
      </span>
    </span>
  );
}
