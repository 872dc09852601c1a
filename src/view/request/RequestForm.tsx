import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { TraceRequest } from '../../engine/trace';
import type { Cluster, Protocol } from '../../model/types';
import { useNetvizStore } from '../NetvizContext';
import {
  clientNamespaceOf,
  clientPods,
  EXTERNAL,
  serviceForTarget,
  targetOptions,
  validateRequestForm,
  valuesFromRequest,
  type FormResult,
  type RequestFormValues,
} from './requestForm';

// RFC 5737 TEST-NET-3: an address reserved for documentation, never a real host.
const EXAMPLE_EXTERNAL_IP = '203.0.113.10';

/** The request form (client, target, port, protocol), loaded on demand when the header summary opens it. */
export function RequestForm({
  id: formId,
  cluster,
  request,
  traceError,
  onDone,
}: {
  id: string;
  cluster: Cluster;
  request: TraceRequest;
  traceError: string | null;
  onDone: () => void;
}) {
  const store = useNetvizStore();
  const clientRef = useRef<HTMLSelectElement>(null);
  useEffect(() => clientRef.current?.focus(), []);
  const [values, setValues] = useState<RequestFormValues>(() => valuesFromRequest(request));
  const [invalid, setInvalid] = useState<Extract<FormResult, { ok: false }> | null>(null);
  const id = useId();
  const groups = clientPods(cluster);
  const namespace = clientNamespaceOf(values.client);
  const options = targetOptions(cluster, namespace);
  const service = serviceForTarget(cluster, values.target, namespace);
  const firstPort = service?.ports[0];
  const portPlaceholder = firstPort ? String(firstPort.port) : '80';

  const change = (patch: Partial<RequestFormValues>) => {
    setValues((v) => ({ ...v, ...patch }));
    setInvalid(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const result = validateRequestForm(values);
    if (!result.ok) {
      setInvalid(result);
      return;
    }
    setInvalid(null);
    store.getState().setRequest(result.request);
    if (store.getState().traceError === null) onDone();
  };
  const errorId = `${id}-error`;
  const describedBy = (field: string) => (invalid?.field === field ? errorId : undefined);
  const message = invalid?.message ?? traceError;

  return (
    <form
      id={formId}
      className="rp-popover"
      aria-label="Request"
      onSubmit={submit}
      noValidate
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onDone();
        }
      }}
    >
      <label className="rp-label" htmlFor={`${id}-client`}>
        Client
      </label>
      <select
        ref={clientRef}
        id={`${id}-client`}
        className="rp-client"
        value={values.client}
        aria-invalid={invalid?.field === 'client' || undefined}
        aria-describedby={describedBy('client')}
        onChange={(e) =>
          change({
            client: e.target.value,
            externalIP:
              e.target.value === EXTERNAL && values.externalIP === ''
                ? EXAMPLE_EXTERNAL_IP
                : values.externalIP,
          })
        }
      >
        {[...groups].map(([ns, pods]) => (
          <optgroup key={ns} label={ns}>
            {pods.map((p) => (
              <option key={p.name} value={`${p.namespace}/${p.name}`}>
                {p.name}
              </option>
            ))}
          </optgroup>
        ))}
        <optgroup label="outside the cluster">
          <option value={EXTERNAL}>external client…</option>
        </optgroup>
      </select>
      {values.client === EXTERNAL && (
        <label className="rp-label" htmlFor={`${id}-ip`}>
          Client IP
        </label>
      )}
      {values.client === EXTERNAL && (
        <input
          id={`${id}-ip`}
          className="rp-ip mono"
          value={values.externalIP}
          inputMode="decimal"
          spellCheck={false}
          aria-invalid={invalid?.field === 'client' || undefined}
          aria-describedby={describedBy('client')}
          onChange={(e) => change({ externalIP: e.target.value })}
        />
      )}
      <label className="rp-label" htmlFor={`${id}-target`}>
        Target
      </label>
      <input
        id={`${id}-target`}
        className="rp-target mono"
        list={`${id}-targets`}
        value={values.target}
        placeholder="Service or IP"
        spellCheck={false}
        autoComplete="off"
        aria-invalid={invalid?.field === 'target' || undefined}
        aria-describedby={describedBy('target')}
        onChange={(e) => change({ target: e.target.value })}
      />
      <datalist id={`${id}-targets`}>
        {options.map((o) => (
          <option key={`${o.value} ${o.label}`} value={o.value}>
            {o.label}
          </option>
        ))}
      </datalist>
      <label className="rp-label" htmlFor={`${id}-port`}>
        Port
      </label>
      <input
        id={`${id}-port`}
        className="rp-port mono"
        type="number"
        min={1}
        max={65535}
        value={values.port}
        placeholder={portPlaceholder}
        aria-invalid={invalid?.field === 'port' || undefined}
        aria-describedby={describedBy('port')}
        onChange={(e) => change({ port: e.target.value })}
      />
      <label className="rp-label" htmlFor={`${id}-protocol`}>
        Protocol
      </label>
      <select
        id={`${id}-protocol`}
        className="rp-protocol"
        value={values.protocol}
        onChange={(e) => change({ protocol: e.target.value as Protocol })}
      >
        <option value="TCP">TCP</option>
        <option value="UDP">UDP</option>
      </select>
      {(cluster.ingresses?.length ?? 0) > 0 && (
        <>
          <label className="rp-label" htmlFor={`${id}-host`}>
            HTTP Host
          </label>
          <input
            id={`${id}-host`}
            className="rp-host mono"
            value={values.host ?? ''}
            placeholder="for an Ingress"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid?.field === 'http' || undefined}
            aria-describedby={describedBy('http')}
            onChange={(e) => change({ host: e.target.value })}
          />
          <label className="rp-label" htmlFor={`${id}-path`}>
            Path
          </label>
          <input
            id={`${id}-path`}
            className="rp-path mono"
            value={values.path ?? ''}
            placeholder="/"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={invalid?.field === 'http' || undefined}
            aria-describedby={describedBy('http')}
            onChange={(e) => change({ path: e.target.value })}
          />
        </>
      )}
      <div className="rp-actions">
        <button type="submit" className="rp-apply">
          Trace
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {message !== null && (
        <p
          id={errorId}
          className={invalid ? 'rp-message rp-invalid' : 'rp-message rp-trace-error'}
          role="alert"
        >
          {message}
        </p>
      )}
    </form>
  );
}
