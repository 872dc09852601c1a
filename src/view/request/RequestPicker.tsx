import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import type { TraceRequest } from '../../engine/trace';
import { selectCluster, selectRequest, selectTraceError } from '../../store';
import { useNetviz } from '../NetvizContext';
import { LoadFailure } from '../playback/Deferred';
import './RequestPicker.css';

const loadForm = () => import('./RequestForm');
const RequestForm = lazy(() => loadForm().then((m) => ({ default: m.RequestForm })));
const prefetchForm = () => void loadForm().catch(() => undefined);

/**
 * The request being traced, as a compact summary in the header ("client → web-svc:80") that opens the form:
 * client pod (or an external address), target, port and protocol.
 */
export function RequestPicker() {
  const request = useNetviz(selectRequest);
  const cluster = useNetviz(selectCluster);
  const traceError = useNetviz(selectTraceError);
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const formId = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (e.target instanceof Node && !rootRef.current?.contains(e.target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const from = request.from.kind === 'pod' ? request.from.name : request.from.ip;
  const fromFull =
    request.from.kind === 'pod' ? `${request.from.namespace}/${request.from.name}` : request.from.ip;
  const port = request.port === undefined ? '' : `:${request.port}`;
  const protocol = request.protocol === 'UDP' ? ' UDP' : '';
  const http = request.http ? ` ${request.http.host}${request.http.path}` : '';
  return (
    <div className="request-picker" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className={`rp-summary${traceError !== null ? ' rp-summary-error' : ''}`}
        aria-expanded={open}
        aria-controls={open ? formId : undefined}
        aria-label={`Request: from ${fromFull} to ${request.to}${port}${protocol}${http ? `, HTTP GET${http}` : ''}${traceError !== null ? ' (cannot be traced)' : ''}`}
        title={
          traceError ??
          `from ${fromFull} to ${request.to}${port}${protocol}${http ? `, GET${http}` : ''} — click to change the request`
        }
        onPointerEnter={prefetchForm}
        onFocus={prefetchForm}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="rp-word">from</span> <span className="rp-v">{from}</span>{' '}
        <span className="rp-word">to</span>{' '}
        <span className="rp-v">
          {request.to}
          {port}
          {protocol}
        </span>
        {http !== '' && (
          <>
            {' '}
            <span className="rp-word">GET</span> <span className="rp-v rp-http">{http.trim()}</span>
          </>
        )}
        {traceError !== null && <span aria-hidden="true"> ⚠</span>}
        <span className="rp-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open && (
        <LoadFailure what="request form" shown={(message) => <div className="rp-popover">{message}</div>}>
          <Suspense
            fallback={
              <p id={formId} className="rp-popover" role="status" aria-busy="true">
                Loading…
              </p>
            }
          >
            {/* A request changed elsewhere (the details panel's "Send …" buttons) restarts the form from it. */}
            <RequestForm
              key={requestKey(request)}
              id={formId}
              cluster={cluster}
              request={request}
              traceError={traceError}
              onDone={close}
            />
          </Suspense>
        </LoadFailure>
      )}
    </div>
  );
}

function requestKey(r: TraceRequest): string {
  const from = r.from.kind === 'pod' ? `${r.from.namespace}/${r.from.name}` : `ext:${r.from.ip}`;
  return `${from}>${r.to}:${r.port ?? ''}/${r.protocol ?? ''}${r.http ? ` ${r.http.host}${r.http.path}` : ''}`;
}
