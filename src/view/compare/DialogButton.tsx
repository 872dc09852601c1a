import { Suspense, useState, type ComponentType } from 'react';
import { LoadFailure } from '../playback/Deferred';
import { Dialog } from './Dialog';

export interface DialogBodyProps {
  readonly onClose: () => void;
}

/**
 * A header button opening a dialog whose code is loaded on first use (`React.lazy`), so the app's first
 * picture does not carry it. Pointing at or focusing the button starts the download; until it arrives, the
 * dialog opens at once with "Loading…".
 */
export function DialogButton({
  label,
  shortLabel,
  className,
  dialog: Body,
  prefetch,
}: {
  /** The button's accessible name and the dialog's title. */
  label: string;
  /** Visible text when the header is tight; the accessible name still starts with it (label in name). */
  shortLabel?: string;
  className: string;
  dialog: ComponentType<DialogBodyProps>;
  prefetch: () => void;
}) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  return (
    <>
      <button
        type="button"
        className="nv-header-button"
        aria-haspopup="dialog"
        aria-label={shortLabel !== undefined ? label : undefined}
        title={shortLabel !== undefined ? label : undefined}
        onPointerEnter={prefetch}
        onFocus={prefetch}
        onClick={() => setOpen(true)}
      >
        {shortLabel ?? label}
      </button>
      {open && (
        <LoadFailure
          what={`${label} dialog`}
          shown={(message) => (
            <Dialog title={label} onClose={close} className={className}>
              {message}
            </Dialog>
          )}
        >
          <Suspense
            fallback={
              <Dialog title={label} onClose={close} className={className} busy>
                <p role="status">Loading…</p>
              </Dialog>
            }
          >
            <Body onClose={close} />
          </Suspense>
        </LoadFailure>
      )}
    </>
  );
}
