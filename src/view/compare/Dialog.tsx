import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import './Dialog.css';

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

/**
 * A modal overlay: named by its title, Escape or "Close" closes it, Tab stays inside, focus returns to what
 * opened it. Keys typed inside never reach the app's global shortcuts (Space would otherwise play).
 */
export function Dialog({
  title,
  onClose,
  children,
  className,
  busy = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** Its content is still loading (`aria-busy`). */
  busy?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.focus();
    // Focus can fall out of the dialog (a button it held disappears): keys then land on <body>. While the
    // dialog is open they must not reach the app's shortcuts, and Escape still closes it.
    const onKey = (e: globalThis.KeyboardEvent) => {
      const dialog = ref.current;
      if (!dialog || (e.target instanceof Node && dialog.contains(e.target))) return;
      e.stopPropagation();
      if (e.key === 'Escape') {
        e.preventDefault();
        onCloseRef.current();
      } else {
        dialog.focus();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      opener?.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && (document.activeElement === first || document.activeElement === ref.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div
      className="nv-dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-busy={busy || undefined}
        tabIndex={-1}
        className={`nv-dialog ${className ?? ''}`}
        onKeyDown={onKeyDown}
      >
        <header className="nv-dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="nv-dialog-close" onClick={onClose}>
            Close
          </button>
        </header>
        <div className="nv-dialog-body">{children}</div>
      </div>
    </div>
  );
}
