import { useEffect, useState } from 'react';
import './share.css';

/**
 * A problem at start-up, said plainly above the app (a damaged link, a save that cannot be read). A damaged
 * save is offered as a download and only forgotten when the user says so.
 */
export function NoticeBanner({
  message,
  damagedSave,
  onDiscard,
  onDismiss,
}: {
  message: string;
  /** The raw text of a save that could not be read. */
  damagedSave?: string;
  /** Forget the damaged save. */
  onDiscard?: () => void;
  onDismiss: () => void;
}) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (damagedSave === undefined) return;
    const made = URL.createObjectURL(new Blob([damagedSave], { type: 'application/json' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [damagedSave]);
  return (
    <div className="nv-notice" role="alert">
      <p className="nv-notice-text">{message}</p>
      {damagedSave !== undefined ? (
        <>
          {url !== null && (
            <a className="nv-notice-action" href={url} download="kube-netviz-damaged-save.json">
              Download the damaged save
            </a>
          )}
          <button
            type="button"
            className="nv-notice-action"
            onClick={() => {
              onDiscard?.();
              onDismiss();
            }}
          >
            Discard
          </button>
        </>
      ) : (
        <button type="button" className="nv-notice-action" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
