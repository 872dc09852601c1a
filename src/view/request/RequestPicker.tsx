import { useId, useState, type FormEvent } from 'react';
import type { TraceRequest } from '../../engine/trace';
import type { Cluster, Protocol } from '../../model/types';
import { selectCluster, selectRequest, selectTraceError } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
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
import './RequestPicker.css';

// RFC 5737 TEST-NET-3: an address reserved for documentation, never a real host.
const EXAMPLE_EXTERNAL_IP = '203.0.113.10';

/** The request being traced: client pod (or an external address), target, port and protocol. */
export function RequestPicker() {
  const request = useNetviz(selectRequest);
  const cluster = useNetviz(selectCluster);
  // A request changed elsewhere (the details panel's "Send …" buttons) restarts the form from it.
  return <RequestForm key={requestKey(request)} cluster={cluster} request={request} />;
}

function requestKey(r: TraceRequest): string {
  const from = r.from.kind === 'pod' ? `${r.from.namespace}/${r.from.name}` : `ext:${r.from.ip}`;
  return `${from}>${r.to}:${r.port ?? ''}/${r.protocol ?? ''}`;
}

function RequestForm({ cluster, request }: { cluster: Cluster; request: TraceRequest }) {
  const store = useNetvizStore();
  const traceError = useNetviz(selectTraceError);
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
  };
  const errorId = `${id}-error`;
  const describedBy = (field: string) => (invalid?.field === field ? errorId : undefined);
  const message = invalid?.message ?? traceError;

  return (
    <form className="request-picker" aria-label="Request" onSubmit={submit} noValidate>
      <span className="rp-word" aria-hidden="true">
        from
      </span>
      <select
        className="rp-client"
        aria-label="Client"
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
        <input
          className="rp-ip mono"
          aria-label="Client IP"
          value={values.externalIP}
          inputMode="decimal"
          spellCheck={false}
          aria-invalid={invalid?.field === 'client' || undefined}
          aria-describedby={describedBy('client')}
          onChange={(e) => change({ externalIP: e.target.value })}
        />
      )}
      <span className="rp-word" aria-hidden="true">
        to
      </span>
      <input
        className="rp-target mono"
        aria-label="Target"
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
      <span className="rp-word" aria-hidden="true">
        :
      </span>
      <input
        className="rp-port mono"
        aria-label="Port"
        type="number"
        min={1}
        max={65535}
        value={values.port}
        placeholder={portPlaceholder}
        aria-invalid={invalid?.field === 'port' || undefined}
        aria-describedby={describedBy('port')}
        onChange={(e) => change({ port: e.target.value })}
      />
      <select
        className="rp-protocol"
        aria-label="Protocol"
        value={values.protocol}
        onChange={(e) => change({ protocol: e.target.value as Protocol })}
      >
        <option value="TCP">TCP</option>
        <option value="UDP">UDP</option>
      </select>
      <button type="submit" className="rp-apply">
        Trace
      </button>
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
