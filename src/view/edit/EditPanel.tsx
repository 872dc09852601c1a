import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { applyEdit, type ClusterEdit } from '../../engine/edit';
import type { Cluster, Labels, Pod, ServiceType, TrafficPolicy } from '../../model/types';
import { selectCluster, selectSelectedElement } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import './EditPanel.css';

type Outcome = { readonly kind: 'ok' | 'error'; readonly text: string } | null;

/** `app=web, tier=front` → labels; a malformed pair is reported. */
export function parseLabels(text: string): Labels | string {
  const labels: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `"${part}" is not key=value`;
    labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return labels;
}

/** A name not yet taken: `base-1`, `base-2`, … */
function freeName(base: string, taken: readonly string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * The Edit tab: change the cluster and watch IPAM, rules and the trace follow. Every change goes through the
 * store's history (Undo / Redo, Ctrl+Z / Ctrl+Shift+Z) and is autosaved like any other cluster.
 */
export function EditPanel() {
  const store = useNetvizStore();
  const cluster = useNetviz(selectCluster);
  const past = useNetviz((s) => s.past);
  const future = useNetviz((s) => s.future);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const run = (edit: ClusterEdit | string, describe?: (c: Cluster) => string): boolean => {
    if (typeof edit === 'string') {
      setOutcome({ kind: 'error', text: edit });
      return false;
    }
    const result = applyEdit(store.getState().cluster, edit);
    if (!result.ok) {
      setOutcome({ kind: 'error', text: result.error });
      return false;
    }
    store.getState().setCluster(result.cluster, result.summary);
    setOutcome({ kind: 'ok', text: describe ? describe(result.cluster) : capitalize(result.summary) });
    return true;
  };

  const undoLabel = past[past.length - 1]?.label;
  const redoLabel = future[0]?.label;
  return (
    <section className="details edit-panel" aria-label="Edit the cluster">
      <div className="edit-history" role="group" aria-label="History">
        <button
          className="nv-button"
          type="button"
          disabled={undoLabel === undefined}
          title={undoLabel !== undefined ? `Undo: ${undoLabel} (Ctrl+Z)` : 'Nothing to undo'}
          onClick={() => {
            store.getState().undo();
            setOutcome(undoLabel !== undefined ? { kind: 'ok', text: `Undid: ${undoLabel}` } : null);
          }}
        >
          ↶ Undo
        </button>
        <button
          className="nv-button"
          type="button"
          disabled={redoLabel === undefined}
          title={redoLabel !== undefined ? `Redo: ${redoLabel} (Ctrl+Shift+Z)` : 'Nothing to redo'}
          onClick={() => {
            store.getState().redo();
            setOutcome(redoLabel !== undefined ? { kind: 'ok', text: `Redid: ${redoLabel}` } : null);
          }}
        >
          ↷ Redo
        </button>
        <span className="edit-history-note muted">
          {undoLabel !== undefined ? `Last change: ${undoLabel}` : 'No changes yet'}
        </span>
      </div>
      <p className={`edit-outcome ${outcome?.kind === 'error' ? 'is-error' : ''}`} role="status">
        {outcome?.kind === 'error' ? <strong>Not applied: </strong> : null}
        {outcome?.text ?? ''}
      </p>
      <SelectedActions run={run} />
      <Deployments cluster={cluster} run={run} />
      <AddPod cluster={cluster} run={run} />
      <AddService cluster={cluster} run={run} />
      <AddNode cluster={cluster} run={run} />
    </section>
  );
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Applies an edit (or reports a problem found in the form, given as a sentence). */
type Run = (edit: ClusterEdit | string, describe?: (c: Cluster) => string) => boolean;

function SelectedActions({ run }: { run: Run }) {
  const selected = useNetviz(selectSelectedElement);
  if (selected === null) {
    return <p className="hint">Select a pod, node or Service in the picture to change or remove it.</p>;
  }
  if (selected.kind === 'pod' || selected.kind === 'veth') {
    const pod: Pod = selected.pod;
    const ns = pod.namespace;
    return (
      <Section title={`Pod ${ns}/${pod.name}`}>
        <div className="edit-actions">
          {pod.podIP !== null && (
            <button
              className="nv-button"
              type="button"
              onClick={() => run({ op: 'set-pod-ready', namespace: ns, name: pod.name, ready: !pod.ready })}
            >
              {pod.ready ? 'Mark not ready' : 'Mark ready'}
            </button>
          )}
          <button
            type="button"
            className="nv-button is-danger"
            onClick={() =>
              run({ op: 'remove-pod', namespace: ns, name: pod.name }, () =>
                pod.ownerDeployment !== undefined
                  ? `Deleted pod ${ns}/${pod.name}; its ReplicaSet created a replacement`
                  : `Deleted pod ${ns}/${pod.name}`,
              )
            }
          >
            Delete pod
          </button>
        </div>
        <p className="hint">
          {pod.ready
            ? 'Not ready: the EndpointSlice controller marks its endpoint not ready and kube-proxy stops sending to it.'
            : 'Not ready: no Service sends traffic to it.'}
        </p>
      </Section>
    );
  }
  if (selected.kind === 'node' || selected.kind === 'bridge' || selected.kind === 'kube-proxy') {
    const name = selected.node.name;
    return (
      <Section title={`Node ${name}`}>
        <div className="edit-actions">
          <button
            type="button"
            className="nv-button is-danger"
            onClick={() => run({ op: 'remove-node', name })}
          >
            Remove node
          </button>
        </div>
        <p className="hint">Its pods go with it; a Deployment recreates its replicas on the other nodes.</p>
      </Section>
    );
  }
  if (selected.kind === 'service') {
    const { namespace, name } = selected.service;
    return (
      <Section title={`Service ${namespace}/${name}`}>
        <div className="edit-actions">
          <button
            type="button"
            className="nv-button is-danger"
            onClick={() => run({ op: 'remove-service', namespace, name })}
          >
            Remove Service
          </button>
        </div>
      </Section>
    );
  }
  return null;
}

function Deployments({ cluster, run }: { cluster: Cluster; run: Run }) {
  if (cluster.deployments.length === 0) return null;
  return (
    <Section title="Deployments">
      <ul className="edit-deployments">
        {cluster.deployments.map((d) => {
          const scale = (replicas: number) =>
            run({ op: 'scale-deployment', namespace: d.namespace, name: d.name, replicas });
          return (
            <li key={`${d.namespace}/${d.name}`}>
              <span className="edit-dep-name">
                {d.namespace}/{d.name}
              </span>
              <button
                className="nv-button"
                type="button"
                aria-label={`Scale ${d.name} down`}
                disabled={d.replicas === 0}
                onClick={() => scale(d.replicas - 1)}
              >
                −
              </button>
              <output aria-label={`${d.name} replicas`}>{d.replicas}</output>
              <button
                className="nv-button"
                type="button"
                aria-label={`Scale ${d.name} up`}
                onClick={() => scale(d.replicas + 1)}
              >
                +
              </button>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function AddPod({ cluster, run }: { cluster: Cluster; run: Run }) {
  const [form, setForm] = useState({
    namespace: 'default',
    name: '',
    node: '',
    labels: 'app=web',
    port: '8080',
  });
  const placeholder = freeName(
    'pod',
    cluster.pods.map((p) => p.name),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const labels = parseLabels(form.labels);
    const name = form.name.trim() || placeholder;
    if (typeof labels === 'string') {
      run(`labels: ${labels}`);
      return;
    }
    const ok = run(
      {
        op: 'add-pod',
        namespace: form.namespace.trim(),
        name,
        ...(form.node !== '' ? { node: form.node } : {}),
        labels,
        port: Number(form.port),
      },
      (c) => {
        const pod = c.pods.find((p) => p.namespace === form.namespace.trim() && p.name === name);
        return `Added pod ${form.namespace.trim()}/${name}: ${pod?.podIP ?? 'no IP'} on ${pod?.nodeName ?? '?'}`;
      },
    );
    if (ok) setForm({ ...form, name: '' });
  };
  return (
    <Disclosure title="Add a pod">
      <form className="edit-form" onSubmit={submit}>
        <Field label="Pod namespace">
          {(id) => (
            <input
              id={id}
              value={form.namespace}
              onChange={(e) => setForm({ ...form, namespace: e.target.value })}
            />
          )}
        </Field>
        <Field label="Pod name">
          {(id) => (
            <input
              id={id}
              value={form.name}
              placeholder={placeholder}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          )}
        </Field>
        <Field label="Node">
          {(id) => (
            <select id={id} value={form.node} onChange={(e) => setForm({ ...form, node: e.target.value })}>
              <option value="">Let the scheduler pick</option>
              {cluster.nodes.map((n) => (
                <option key={n.name} value={n.name}>
                  {n.name} ({n.podCIDR})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Pod labels">
          {(id) => (
            <input
              id={id}
              value={form.labels}
              onChange={(e) => setForm({ ...form, labels: e.target.value })}
            />
          )}
        </Field>
        <Field label="Container port">
          {(id) => (
            <input
              id={id}
              inputMode="numeric"
              value={form.port}
              onChange={(e) => setForm({ ...form, port: e.target.value })}
            />
          )}
        </Field>
        <button className="nv-button" type="submit">
          Add pod
        </button>
      </form>
    </Disclosure>
  );
}

function AddService({ cluster, run }: { cluster: Cluster; run: Run }) {
  const [form, setForm] = useState({
    namespace: 'default',
    name: '',
    selector: 'app=web',
    port: '80',
    targetPort: '8080',
    type: 'ClusterIP' as ServiceType,
    affinity: 'None' as 'None' | 'ClientIP',
    etp: 'Cluster' as TrafficPolicy,
    itp: 'Cluster' as TrafficPolicy,
  });
  const placeholder = freeName(
    'svc',
    cluster.services.map((s) => s.name),
  );
  const external = form.type === 'NodePort' || form.type === 'LoadBalancer';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const selector = parseLabels(form.selector);
    const name = form.name.trim() || placeholder;
    const namespace = form.namespace.trim();
    if (typeof selector === 'string') {
      run(`selector: ${selector}`);
      return;
    }
    const ok = run(
      {
        op: 'add-service',
        namespace,
        name,
        type: form.type,
        selector,
        port: Number(form.port),
        targetPort: Number(form.targetPort),
        protocol: 'TCP',
        sessionAffinity: form.affinity,
        externalTrafficPolicy: form.etp,
        internalTrafficPolicy: form.itp,
      },
      (c) => {
        const svc = c.services.find((s) => s.namespace === namespace && s.name === name);
        const ready = c.endpointSlices
          .filter((s) => s.namespace === namespace && s.serviceName === name)
          .flatMap((s) => s.endpoints.filter((x) => x.conditions.ready)).length;
        const nodePort = svc?.ports[0]?.nodePort;
        return (
          `Added Service ${namespace}/${name}: ClusterIP ${svc?.clusterIP ?? 'none'}` +
          `${nodePort !== undefined ? `, NodePort ${nodePort}` : ''}, ${ready} ready endpoint(s)`
        );
      },
    );
    if (ok) setForm({ ...form, name: '' });
  };
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) =>
    setForm({ ...form, [key]: value });
  return (
    <Disclosure title="Add a Service">
      <form className="edit-form" onSubmit={submit}>
        <Field label="Service namespace">
          {(id) => (
            <input id={id} value={form.namespace} onChange={(e) => set('namespace', e.target.value)} />
          )}
        </Field>
        <Field label="Service name">
          {(id) => (
            <input
              id={id}
              value={form.name}
              placeholder={placeholder}
              onChange={(e) => set('name', e.target.value)}
            />
          )}
        </Field>
        <Field label="Selector">
          {(id) => <input id={id} value={form.selector} onChange={(e) => set('selector', e.target.value)} />}
        </Field>
        <Field label="Port">
          {(id) => (
            <input
              id={id}
              inputMode="numeric"
              value={form.port}
              onChange={(e) => set('port', e.target.value)}
            />
          )}
        </Field>
        <Field label="Target port">
          {(id) => (
            <input
              id={id}
              inputMode="numeric"
              value={form.targetPort}
              onChange={(e) => set('targetPort', e.target.value)}
            />
          )}
        </Field>
        <Field label="Service type">
          {(id) => (
            <select id={id} value={form.type} onChange={(e) => set('type', e.target.value as ServiceType)}>
              <option value="ClusterIP">ClusterIP</option>
              <option value="NodePort">NodePort</option>
              <option value="LoadBalancer">LoadBalancer</option>
            </select>
          )}
        </Field>
        <Field label="Session affinity">
          {(id) => (
            <select
              id={id}
              value={form.affinity}
              onChange={(e) => set('affinity', e.target.value as 'None' | 'ClientIP')}
            >
              <option value="None">None</option>
              <option value="ClientIP">ClientIP</option>
            </select>
          )}
        </Field>
        <Field label="External traffic policy">
          {(id) => (
            <select
              id={id}
              value={form.etp}
              disabled={!external}
              title={external ? undefined : 'Only NodePort and LoadBalancer Services have one'}
              onChange={(e) => set('etp', e.target.value as TrafficPolicy)}
            >
              <option value="Cluster">Cluster</option>
              <option value="Local">Local</option>
            </select>
          )}
        </Field>
        <Field label="Internal traffic policy">
          {(id) => (
            <select id={id} value={form.itp} onChange={(e) => set('itp', e.target.value as TrafficPolicy)}>
              <option value="Cluster">Cluster</option>
              <option value="Local">Local</option>
            </select>
          )}
        </Field>
        <button className="nv-button" type="submit">
          Add Service
        </button>
      </form>
    </Disclosure>
  );
}

function AddNode({ cluster, run }: { cluster: Cluster; run: Run }) {
  const [name, setName] = useState('');
  const placeholder = freeName(
    'node',
    cluster.nodes.map((n) => n.name),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const chosen = name.trim() || placeholder;
    if (
      run({ op: 'add-node', name: chosen }, (c) => {
        const node = c.nodes.find((n) => n.name === chosen);
        return `Added node ${chosen}: eth0 ${node?.internalIP ?? '?'}, podCIDR ${node?.podCIDR ?? '?'}`;
      })
    )
      setName('');
  };
  return (
    <Disclosure title="Add a node">
      <form className="edit-form" onSubmit={submit}>
        <Field label="Node name">
          {(id) => (
            <input id={id} value={name} placeholder={placeholder} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <button className="nv-button" type="submit">
          Add node
        </button>
      </form>
    </Disclosure>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="edit-section">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

function Disclosure({ title, children }: { title: string; children: ReactNode }) {
  return (
    <details className="edit-disclosure">
      <summary>{title}</summary>
      {children}
    </details>
  );
}

function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="edit-field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
