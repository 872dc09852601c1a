import { useEffect, useRef, useState } from 'react';
import { useNetvizStore } from '../NetvizContext';
import { scenarioOf } from './scenarioOf';
import './share.css';

/** The current moment as a link: `origin + path + ?v=1&…` (see embed/urlState.ts). */
export async function currentLink(store: ReturnType<typeof useNetvizStore>): Promise<string> {
  const s = store.getState();
  // The link writer (and lz-string) loads on the first copy, not with the app.
  const [scenario, { encodeState }] = await Promise.all([
    scenarioOf(s.cluster),
    import('../../embed/urlState'),
  ]);
  const search = encodeState({
    v: 1,
    scenario,
    request: s.request,
    mode: s.mode,
    scheduler: s.ipvsScheduler,
    seed: s.seed,
    step: s.cursor,
  });
  return `${window.location.origin}${window.location.pathname}${search}`;
}

/**
 * Header button: copies a link to the step shown. Where the clipboard is refused, the link is shown
 * selected in a small popover to copy by hand.
 */
export function CopyLinkButton() {
  const store = useNetvizStore();
  const [status, setStatus] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (shown !== null) field.current?.select();
  }, [shown]);

  const copy = async () => {
    setStatus('');
    let link: string;
    try {
      link = await currentLink(store);
    } catch (e) {
      setStatus(
        e instanceof RangeError
          ? 'This cluster is too large for a link: use Import / export to save it as YAML instead.'
          : `Could not make a link (${String(e)})`,
      );
      return;
    }
    try {
      await navigator.clipboard.writeText(link);
      setShown(null);
      setStatus('Link copied');
    } catch {
      setShown(link);
      setStatus('Copy the link shown');
    }
  };

  return (
    <span className="nv-copy-link">
      <button
        type="button"
        className="nv-header-button nv-icon-button"
        title="Copy link"
        onClick={() => void copy()}
      >
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
          <path
            d="M8.5 11.5a3 3 0 0 0 4.2 0l3-3a3 3 0 0 0-4.2-4.2l-1 1M11.5 8.5a3 3 0 0 0-4.2 0l-3 3a3 3 0 0 0 4.2 4.2l1-1"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
          />
        </svg>
        <span className="visually-hidden">Copy link</span>
      </button>
      <span className="nv-copy-status" role="status" aria-live="polite">
        {status}
      </span>
      {shown !== null && (
        <span className="nv-copy-popover">
          <input
            ref={field}
            readOnly
            aria-label="Link to this step"
            value={shown}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === 'Escape') setShown(null);
            }}
          />
          <button type="button" onClick={() => setShown(null)}>
            Close
          </button>
        </span>
      )}
    </span>
  );
}
