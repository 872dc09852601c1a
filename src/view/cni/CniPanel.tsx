import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { cniAdd, cniDel, cniFrames, podJoining, CNI_PATH } from '../../engine/cni';
import type { CniCommand, CniFrame, CniRun, CniStep } from '../../engine/cni';
import type { Cluster } from '../../model/types';
import { selectCluster } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import type { PanelProps } from '../panels/registry';
import { NodePictureView } from './NodePictureView';
import './CniPanel.css';

/** A name no pod of the namespace has: `new-pod`, `new-pod-2`, … */
function freshName(cluster: Cluster): string {
  const taken = new Set(cluster.pods.filter((p) => p.namespace === 'default').map((p) => p.name));
  for (let i = 1; ; i += 1) {
    const name = i === 1 ? 'new-pod' : `new-pod-${i}`;
    if (!taken.has(name)) return name;
  }
}

function defaultNode(cluster: Cluster): string {
  return cluster.nodes.find((n) => n.name === 'node-1')?.name ?? cluster.nodes[0]?.name ?? '';
}

/**
 * The CNI ADD (or DEL) of a new pod, moment by moment: the configuration list the runtime reads, each plugin
 * invocation with its environment and stdin (prevResult injected for chained plugins), each action inside
 * it drawn on a picture of the node, what each plugin prints, and the final CNI 1.1 result.
 */
export default function CniPanel({ onClose }: PanelProps) {
  const cluster = useNetviz(selectCluster);
  const store = useNetvizStore();
  const [node, setNode] = useState(() => defaultNode(cluster));
  const [name, setName] = useState(() => freshName(cluster));
  const [command, setCommand] = useState<CniCommand>('ADD');
  const [cursor, setCursor] = useState(0);
  const [applied, setApplied] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  const joined = useMemo(() => podJoining(cluster, { node, name }), [cluster, node, name]);
  const run = useMemo<CniRun | null>(() => {
    if (!joined.ok) return null;
    return command === 'ADD' ? cniAdd(joined.cluster, joined.pod) : cniDel(joined.cluster, joined.pod);
  }, [joined, command]);
  const frames = useMemo(() => (run && joined.ok ? cniFrames(joined.cluster, run) : []), [run, joined]);
  const last = Math.max(0, frames.length - 1);
  const index = Math.min(cursor, last);
  const frame = frames[index];

  const go = (to: number) => setCursor(Math.max(0, Math.min(last, to)));
  const goRef = useRef(go);
  goRef.current = go;
  const indexRef = useRef(index);
  indexRef.current = index;

  // ←/→ step anywhere in the dialog except in a text field or a select (which use the arrows themselves).
  useEffect(() => {
    const dialog = rootRef.current?.closest('[role="dialog"]');
    if (!dialog) return;
    const onKey = (e: Event) => {
      const k = e as KeyboardEvent;
      if (k.key !== 'ArrowLeft' && k.key !== 'ArrowRight') return;
      const t = k.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement)
        return;
      k.preventDefault();
      goRef.current(indexRef.current + (k.key === 'ArrowRight' ? 1 : -1));
    };
    dialog.addEventListener('keydown', onKey);
    return () => dialog.removeEventListener('keydown', onKey);
  }, []);

  const apply = () => {
    if (!joined.ok) return;
    store.getState().setCluster(joined.cluster);
    setApplied(
      `${joined.pod.namespace}/${joined.pod.name} (${joined.pod.podIP ?? 'no address'}) is now in the cluster on ${node}.`,
    );
    setName(freshName(joined.cluster));
    setCursor(0);
  };

  const restart =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setCursor(0);
      setApplied(null);
    };

  return (
    <div className="cni-panel" ref={rootRef}>
      <div className="cni-controls">
        <label>
          Node{' '}
          <select value={node} onChange={(e) => restart(setNode)(e.target.value)}>
            {cluster.nodes.map((n) => (
              <option key={n.name} value={n.name}>
                {n.name} ({n.podCIDR})
              </option>
            ))}
          </select>
        </label>
        <label>
          New pod default/
          <input
            value={name}
            spellCheck={false}
            size={14}
            onChange={(e) => restart(setName)(e.target.value)}
            aria-invalid={!joined.ok}
          />
        </label>
        <div className="cni-command" role="radiogroup" aria-label="CNI command">
          {(['ADD', 'DEL'] as const).map((c) => (
            <label key={c} className={c === command ? 'is-on' : undefined}>
              <input
                type="radio"
                name="cni-command"
                value={c}
                checked={c === command}
                onChange={() => restart(setCommand)(c)}
              />
              {c}
            </label>
          ))}
        </div>
        <button type="button" onClick={apply} disabled={!joined.ok || command !== 'ADD'}>
          Apply: create the pod
        </button>
        {applied !== null && (
          <span className="cni-applied" role="status">
            {applied}{' '}
            <button type="button" onClick={onClose}>
              See it on the topology
            </button>
          </span>
        )}
      </div>
      {!joined.ok || !run || !frame ? (
        <p className="cni-error" role="alert">
          {joined.ok ? 'Nothing to run.' : joined.error}
        </p>
      ) : (
        <>
          <Chain run={run} frame={frame} />
          <div className="cni-main">
            <div className="cni-left">
              <div className="cni-caption" aria-live="polite" data-frame={frame.kind}>
                <p className="cni-where">{where(frame, run)}</p>
                <p className="cni-text">{caption(frame, run)}</p>
              </div>
              <NodePictureView picture={frame.picture} changed={frame.changed} />
            </div>
            <JsonPane frame={frame} run={run} />
          </div>
          <div className="cni-stepper">
            <button type="button" onClick={() => go(index - 1)} disabled={index === 0}>
              ◀ Back
            </button>
            <span className="cni-count" aria-live="polite">
              Step {index + 1} of {frames.length}
            </span>
            <button type="button" className="primary" onClick={() => go(index + 1)} disabled={index === last}>
              Next ▶
            </button>
            <span className="cni-hint">← → to step</span>
          </div>
        </>
      )}
    </div>
  );
}

function Chain({ run, frame }: { run: CniRun; frame: CniFrame }) {
  const current = 'step' in frame ? frame.step.plugin : null;
  const order = run.command === 'ADD' ? run.network.plugins : [...run.network.plugins].reverse();
  return (
    <ol className="cni-chain" aria-label={`Plugins in ${run.command} order`}>
      <li className="cni-chain-conf">
        <span className="cni-muted">{run.network.name} ·</span> {run.command}
        {run.command === 'DEL' ? ' (reverse order)' : ''}:
      </li>
      {order.map((p, i) => (
        <li key={`${p.type}-${i}`} className="cni-chain-item">
          {i > 0 && <span aria-hidden="true">→</span>}
          <span
            className={`cni-plugin${current === p.type ? ' is-current' : ''}`}
            aria-current={current === p.type || undefined}
          >
            {p.type}
          </span>
          {p.ipam && (
            <span
              className={`cni-plugin cni-ipam-plugin${current === p.ipam.type ? ' is-current' : ''}`}
              aria-current={current === p.ipam.type || undefined}
            >
              ⤷ {p.ipam.type}
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function stepTitle(step: CniStep): string {
  return step.delegatedBy !== undefined ? `${step.plugin} (run by ${step.delegatedBy})` : step.plugin;
}

function where(frame: CniFrame, run: CniRun): string {
  switch (frame.kind) {
    case 'config':
      return `${run.command} of ${run.pod} on ${run.node}`;
    case 'invoke':
      return `${stepTitle(frame.step)} · invoked`;
    case 'action':
      return `${stepTitle(frame.step)} · action ${frame.action + 1} of ${frame.step.actions.length}`;
    case 'output':
      return `${stepTitle(frame.step)} · output`;
    case 'done':
      return run.failure ? `${run.command} failed` : `${run.command} done`;
  }
}

function caption(frame: CniFrame, run: CniRun): string {
  switch (frame.kind) {
    case 'config':
      return run.command === 'ADD'
        ? `containerd has created the pod's sandbox and its network namespace; now it reads the network configuration list and runs its plugins in order: ${run.network.plugins.map((p) => p.type).join(' → ')}.`
        : `The pod is being deleted: containerd runs the same list in reverse order (${[
            ...run.network.plugins,
          ]
            .reverse()
            .map((p) => p.type)
            .join(' → ')}), each with the cached ADD result as prevResult.`;
    case 'invoke': {
      const s = frame.step;
      if (s.delegatedBy !== undefined)
        return `${s.delegatedBy} executes ${CNI_PATH}/${s.plugin} itself, with the same environment and stdin (IPAM delegation).`;
      const prev = s.stdin.prevResult !== undefined;
      return `containerd executes ${CNI_PATH}/${s.plugin} with CNI_COMMAND=${s.command}, CNI_CONTAINERID, CNI_NETNS and CNI_IFNAME=${s.env.CNI_IFNAME ?? 'eth0'} in its environment and its config on stdin${prev ? (s.command === 'ADD' ? ', with prevResult: what the plugin before it printed' : ', with prevResult: the result of the ADD') : ''}.`;
    }
    case 'action':
      return `${frame.step.plugin} ${frame.step.actions[frame.action] ?? ''}`;
    case 'output': {
      const s = frame.step;
      if (s.error)
        return `${s.plugin} fails: it prints an error object (code ${s.error.code ?? '—'}) and exits non-zero.`;
      if (s.command === 'DEL') return `${s.plugin} succeeds: DEL prints nothing and exits 0.`;
      if (s.delegatedBy !== undefined)
        return `${s.plugin} prints the abbreviated result (ips, routes; no interfaces), which ${s.delegatedBy} reads.`;
      const prev = s.stdin.prevResult;
      return prev !== undefined && JSON.stringify(prev) === JSON.stringify(s.result)
        ? `${s.plugin} prints its prevResult unchanged: it only adds host rules, no interface or address.`
        : `${s.plugin} prints its result: the interfaces it made, the address and the routes.`;
    }
    case 'done':
      if (run.failure) return `${run.failure.raisedBy} failed: ${run.failure.error.msg}. ${run.note ?? ''}`;
      return run.command === 'ADD'
        ? `containerd gets the last plugin's result (cniVersion ${run.result?.cniVersion ?? ''}), caches it for DEL, and reports ${run.result?.ips[0]?.address.split('/')[0] ?? 'no address'} to kubelet as the pod's IP.`
        : `DEL done: the veth pair is gone, host-local's file for the address is removed, the address is free for the next pod.`;
  }
}

function JsonPane({ frame, run }: { frame: CniFrame; run: CniRun }) {
  let title: ReactNode;
  let body: ReactNode;
  if (frame.kind === 'config') {
    title = <>/etc/cni/net.d/10-{run.network.name}.conflist</>;
    body = <Json value={run.network} />;
  } else if (frame.kind === 'done') {
    if (run.failure) {
      title = 'error';
      body = <Json value={run.failure.error} />;
    } else if (run.result) {
      title = 'the result containerd gets (CNI 1.1)';
      body = <Json value={run.result} />;
    } else {
      title = 'DEL';
      body = <p className="cni-muted">No output: a successful DEL prints nothing.</p>;
    }
  } else if (frame.kind === 'output') {
    const s = frame.step;
    title = `stdout of ${s.plugin}`;
    body = s.error ? (
      <Json value={s.error} />
    ) : s.result ? (
      <Json value={s.result} />
    ) : (
      <p className="cni-muted">(empty) exit status 0</p>
    );
  } else {
    const s = frame.step;
    title = `exec ${CNI_PATH}/${s.plugin}`;
    body = (
      <>
        <h4>environment</h4>
        <pre className="cni-env">
          {Object.entries(s.env)
            .map(([k, v]) => `${k}=${v}`)
            .join('\n')}
        </pre>
        <h4>stdin</h4>
        {s.delegatedBy !== undefined && (
          <p className="cni-note">
            The very stdin {s.delegatedBy} got (its <code>type</code> says {s.delegatedBy}): {s.plugin} reads
            the <code>ipam</code> section.
          </p>
        )}
        <Json value={s.stdin} marked={['prevResult', 'runtimeConfig']} />
      </>
    );
  }
  return (
    <section className="cni-json" aria-label="CNI data">
      <h3>{title}</h3>
      {body}
    </section>
  );
}

/**
 * JSON as printed with two-space indentation; the top-level keys in `marked` (what the runtime injected) are
 * set off so the eye finds them.
 */
function Json({ value, marked = [] }: { value: unknown; marked?: readonly string[] }) {
  const lines = JSON.stringify(value, null, 2).split('\n');
  const chunks: { text: string; key?: string }[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const key = marked.find((k) => line.startsWith(`  "${k}": `));
    if (key !== undefined) {
      let j = i;
      if (/[[{]$/.test(line)) {
        while (j < lines.length && !/^ {2}[}\]],?$/.test(lines[j] ?? '')) j += 1;
      }
      chunks.push({ text: lines.slice(i, j + 1).join('\n'), key });
      i = j + 1;
    } else {
      chunks.push({ text: line });
      i += 1;
    }
  }
  return (
    // Focusable: it scrolls, and keyboard users must reach what it hides (↑/↓ scroll it, ←/→ still step).
    <pre className="cni-pre" tabIndex={0}>
      {chunks.map((c, n) => (
        <span key={n}>
          {c.key !== undefined ? (
            <mark className="cni-injected" data-key={c.key} title={`${c.key}: injected by the runtime`}>
              {c.text}
            </mark>
          ) : (
            c.text
          )}
          {n < chunks.length - 1 ? '\n' : ''}
        </span>
      ))}
    </pre>
  );
}
