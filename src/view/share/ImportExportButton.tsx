import { lazy, Suspense, useState } from 'react';
import { Dialog } from '../compare/Dialog';
import { LoadFailure } from '../playback/Deferred';
import './share.css';

const load = () => import('./ImportExport');
const ImportExportDialog = lazy(() => load().then((m) => ({ default: m.ImportExportDialog })));
const prefetch = () => void load().catch(() => undefined);
const LABEL = 'Import / export';

/**
 * Header button (an icon, named "Import / export"): import a cluster from YAML / kubectl JSON, or export the
 * one shown. The dialog's code loads on first use, as DialogButton's do; the header has no room for text.
 */
export function ImportExportButton() {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <>
      <button
        type="button"
        className="nv-header-button nv-icon-button"
        aria-haspopup="dialog"
        title={LABEL}
        onPointerEnter={prefetch}
        onFocus={prefetch}
        onClick={() => setOpen(true)}
      >
        <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
          <path
            d="M6 3v11M6 3 3 6M6 3l3 3M14 17V6M14 17l-3-3M14 17l3-3"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        <span className="visually-hidden">{LABEL}</span>
      </button>
      {open && (
        <LoadFailure
          what={`${LABEL} dialog`}
          shown={(message) => (
            <Dialog title={LABEL} onClose={close}>
              {message}
            </Dialog>
          )}
        >
          <Suspense
            fallback={
              <Dialog title={LABEL} onClose={close} busy>
                <p role="status">Loading…</p>
              </Dialog>
            }
          >
            <ImportExportDialog onClose={close} />
          </Suspense>
        </LoadFailure>
      )}
    </>
  );
}
