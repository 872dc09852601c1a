import { useEffect, useMemo, useState } from 'react';
import { PROXY_MODE_INFO } from '../../engine/proxy/modeInfo';
import type { Cluster } from '../../model/types';
import {
  selectCluster,
  selectDeadEndpoints,
  selectIpvsScheduler,
  selectMode,
  selectRequest,
  selectSeed,
} from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import {
  areAllModesLoaded,
  compareModes,
  FIGURES,
  loadAllModes,
  rulesAtTrap,
  type CompareInputs,
  type ModeColumn,
} from './compareModes';
import { Dialog } from './Dialog';
import { measureAtScale, type ScaleMeasurement } from './measureAtScale';
import './CompareModes.css';

/** The four kube-proxy modes side by side (loaded on demand by `CompareModesButton`). */
export function CompareModesDialog({ onClose }: { onClose: () => void }) {
  const [loaded, setLoaded] = useState(areAllModesLoaded);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    loadAllModes().then(
      () => live && setLoaded(true),
      (e: unknown) => live && setLoadError(`could not load the kube-proxy modes: ${String(e)}`),
    );
    return () => {
      live = false;
    };
  }, [loaded]);
  if (!loaded)
    return (
      <Dialog title="Compare modes" onClose={onClose} className="compare-modes">
        {loadError === null ? (
          <p role="status" aria-busy="true">
            Loading the four kube-proxy modes…
          </p>
        ) : (
          <p role="alert">{loadError}</p>
        )}
      </Dialog>
    );
  return <CompareModesBody onClose={onClose} />;
}

function CompareModesBody({ onClose }: { onClose: () => void }) {
  const store = useNetvizStore();
  const cluster = useNetviz(selectCluster);
  const request = useNetviz(selectRequest);
  const ipvsScheduler = useNetviz(selectIpvsScheduler);
  const seed = useNetviz(selectSeed);
  const deadEndpoints = useNetviz(selectDeadEndpoints);
  const currentMode = useNetviz(selectMode);
  // Reopened after "A backend dies": the player still has its dead endpoint, so the toggle starts on.
  const [backendDies, setBackendDies] = useState(() => deadEndpoints.length > 0);
  const inputs: CompareInputs = useMemo(
    () => ({ cluster, request, ipvsScheduler, seed, deadEndpoints }),
    [cluster, request, ipvsScheduler, seed, deadEndpoints],
  );
  const columns = useMemo(() => compareModes(inputs, backendDies), [inputs, backendDies]);

  const toggleBackendDies = (dies: boolean) => {
    setBackendDies(dies);
    // The player follows: the backend the current mode picks dies there too.
    const current = compareModes(inputs, dies).find((c) => c.mode === currentMode);
    store.getState().setDeadEndpoints(dies ? (current?.deadEndpoints ?? []) : []);
  };

  const showInPlayer = (c: ModeColumn) => {
    const s = store.getState();
    if (backendDies) s.setDeadEndpoints(c.deadEndpoints);
    s.setMode(c.mode);
    const t = c.trace;
    const drop = t?.steps.find((step) => step.kind === 'drop');
    store.getState().goTo(c.trap?.index ?? c.retry?.index ?? drop?.index ?? 0);
    onClose();
  };

  const maxima = Object.fromEntries(
    FIGURES.map((f) => [f.key, Math.max(0, ...columns.map((c) => c.summary?.[f.key] ?? 0))]),
  );

  return (
    <Dialog title="Compare modes" onClose={onClose} className="compare-modes">
      <div className="cm-toolbar">
        <p className="cm-request">
          <RequestLine inputs={inputs} /> · seed <code>{seed}</code>
        </p>
        <label className="cm-toggle">
          <input
            type="checkbox"
            checked={backendDies}
            onChange={(e) => toggleBackendDies(e.target.checked)}
          />
          A backend dies
        </label>
      </div>
      {backendDies && (
        <p className="cm-note">
          Each mode&apos;s column kills the backend that mode picks: its pod is gone, but the EndpointSlice
          still lists it until kube-proxy&apos;s next sync. The kernel modes send the packet there anyway;
          userspace kube-proxy sees its connect() fail and tries another endpoint.
        </p>
      )}
      <div className="cm-grid">
        {columns.map((c) => (
          <ModeCard
            key={c.mode}
            column={c}
            cluster={cluster}
            isCurrent={c.mode === currentMode}
            maxima={maxima}
            onShow={() => showInPlayer(c)}
          />
        ))}
      </div>
      <RulesGap columns={columns} />
    </Dialog>
  );
}

function RequestLine({ inputs }: { inputs: CompareInputs }) {
  const { request } = inputs;
  const from =
    request.from.kind === 'pod' ? `${request.from.namespace}/${request.from.name}` : request.from.ip;
  return (
    <>
      <code>{from}</code> → <code>{request.to}</code>
      {request.port !== undefined && <code>:{request.port}</code>} {request.protocol ?? 'TCP'}
    </>
  );
}

function podName(cluster: Cluster, ip: string): string | null {
  return cluster.pods.find((p) => p.podIP === ip && !p.hostNetwork)?.name ?? null;
}

function ModeCard({
  column: c,
  cluster,
  isCurrent,
  maxima,
  onShow,
}: {
  column: ModeColumn;
  cluster: Cluster;
  isCurrent: boolean;
  maxima: Record<string, number>;
  onShow: () => void;
}) {
  const headingId = `cm-${c.mode}`;
  const backend = c.trace?.resolved?.backend;
  const outcome = c.trace?.outcome;
  return (
    <section className={`cm-col${isCurrent ? ' cm-current' : ''}`} aria-labelledby={headingId}>
      <header className="cm-col-head">
        <h3 id={headingId}>{c.mode}</h3>
        <span className={`cm-tag cm-tag-${c.mode}`}>{PROXY_MODE_INFO[c.mode].badge}</span>
        {isCurrent && <span className="cm-playing">in player</span>}
      </header>
      <p className="cm-status">{PROXY_MODE_INFO[c.mode].status}</p>
      {c.error !== null ? (
        <p className="cm-outcome cm-dropped">Cannot trace: {c.error}</p>
      ) : outcome?.status === 'delivered' ? (
        <p className="cm-outcome cm-delivered">
          <span aria-hidden="true">✓ </span>
          <strong>Delivered</strong>
          {backend && (
            <>
              {' '}
              to <code>{podName(cluster, backend.ip) ?? 'backend'}</code>{' '}
              <code>
                {backend.ip}:{backend.port}
              </code>
            </>
          )}
        </p>
      ) : outcome ? (
        <p className="cm-outcome cm-dropped">
          <span aria-hidden="true">✕ </span>
          <strong>Dropped:</strong> {outcome.reason}
        </p>
      ) : null}
      {c.deadEndpoints.length > 0 && (
        <p className="cm-dead">
          dead: <code>{c.deadEndpoints.join(', ')}</code>
        </p>
      )}
      <dl className="cm-figures">
        {FIGURES.map((f) => {
          const value = c.summary?.[f.key] ?? 0;
          const max = maxima[f.key] ?? 0;
          return (
            <div key={f.key} className="cm-figure">
              <dt>{f.label}</dt>
              <dd>
                <span className="cm-bar-track" aria-hidden="true">
                  <span className="cm-bar" style={{ width: `${max > 0 ? (100 * value) / max : 0}%` }} />
                </span>
                <span className="cm-value">{value}</span>
              </dd>
            </div>
          );
        })}
      </dl>
      <div className="cm-trap">
        <h4>The trap</h4>
        {c.trap ? (
          <>
            <p>{c.trap.caption}</p>
            {c.trap.rule && (
              // ipvsadm pads its columns; in a narrow column the padding only breaks lines.
              <pre className="cm-rule">{c.trap.rule.text.trim().replace(/ {2,}/g, '  ')}</pre>
            )}
          </>
        ) : (
          <p className="muted">No Service address on the way: nothing to trap.</p>
        )}
      </div>
      {c.retry && (
        <div className="cm-retry" role="note" aria-label={`${c.mode} retry`}>
          <h4>Retry</h4>
          <p>{c.retry.caption}</p>
        </div>
      )}
      <button type="button" className="cm-show" onClick={onShow} disabled={!c.trace}>
        Show in player
      </button>
    </section>
  );
}

function RulesGap({ columns }: { columns: readonly ModeColumn[] }) {
  const [scale, setScale] = useState<ScaleMeasurement | { error: string } | 'busy' | null>(null);
  const at = (mode: string) => {
    const c = columns.find((x) => x.mode === mode);
    return c ? rulesAtTrap(c) : null;
  };
  const measure = () => {
    setScale('busy');
    // Let the busy state paint before the ~0.5 s of work.
    setTimeout(() => {
      measureAtScale().then(setScale, (e: unknown) => setScale({ error: String(e) }));
    }, 30);
  };
  const fmt = (n: number | null | undefined) =>
    n === null || n === undefined ? '—' : n.toLocaleString('en');
  return (
    <section className="cm-gap" aria-label="Rule lookups">
      <p>
        <strong>ipvs looks up a hash; iptables walks KUBE-SERVICES rule by rule.</strong> At the trap,
        iptables evaluated {fmt(at('iptables'))} rules, nftables {fmt(at('nftables'))} (one verdict-map
        lookup), ipvs {fmt(at('ipvs'))} (a hash lookup of the virtual server). iptables&apos; list grows with
        every Service; the lookups don&apos;t.
      </p>
      {scale === null && (
        <button type="button" onClick={measure}>
          Measure with 1,000 Services
        </button>
      )}
      {scale === 'busy' && (
        <p role="status" aria-busy="true">
          Building a 1,000-Service cluster and tracing it in each mode…
        </p>
      )}
      {scale !== null && scale !== 'busy' && 'error' in scale && <p role="alert">{scale.error}</p>}
      {scale !== null && scale !== 'busy' && 'rows' in scale && (
        <table className="cm-scale">
          <caption>
            Rules evaluated for a request to the last of {scale.services.toLocaleString('en')} Services (
            {scale.target})
          </caption>
          <thead>
            <tr>
              <td />
              {scale.rows.map((r) => (
                <th key={r.mode} scope="col">
                  {r.mode}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">at the trap</th>
              {scale.rows.map((r) => (
                <td key={r.mode}>{fmt(r.atTrap)}</td>
              ))}
            </tr>
            <tr>
              <th scope="row">whole trace</th>
              {scale.rows.map((r) => (
                <td key={r.mode}>{fmt(r.rulesEvaluated)}</td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
    </section>
  );
}
