import { useEffect, useRef, useState } from 'react';
import type { Cluster } from '../../model/types';
import { selectCluster } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import './ScenarioPicker.css';

export interface ScenarioOption {
  /** The id `loadScenario` takes (src/scenarios/load.ts). */
  readonly id: string;
  /** Short label shown in the header. */
  readonly label: string;
  /** The scenario's full title, as load.ts gives it (the option's tooltip). */
  readonly title: string;
  /** The NetvizCluster `metadata.name` in the scenario's YAML, to recognise it when it is the current cluster. */
  readonly clusterName: string;
}

/**
 * The built-in scenarios, listed here so that the first bundle does not carry their YAML (nor the reader and
 * IPAM that resolve it); `tests/view/scenario` keeps this list in step with load.ts.
 */
export const SCENARIO_OPTIONS: readonly ScenarioOption[] = [
  {
    id: 'default',
    label: 'Default',
    title: 'The seed cluster: two nodes, a router, web-svc and kube-dns',
    clusterName: 'seed',
  },
  {
    id: 'network-policy',
    label: 'Policy',
    title: 'NetworkPolicy: web pods accept only the client; the client may only talk DNS and web',
    clusterName: 'network-policy',
  },
  {
    id: 'vxlan',
    label: 'VXLAN',
    title: 'Overlay: flannel-style VXLAN between the nodes (outer and inner headers, VTEPs, MTU)',
    clusterName: 'seed-vxlan',
  },
  {
    id: 'bgp',
    label: 'BGP',
    title: 'L3 routing: Calico-style BGP-learned routes between the nodes, no encapsulation',
    clusterName: 'seed-bgp',
  },
];

const loadScenarios = () => import('../../scenarios/load');
const prefetchScenarios = () => void loadScenarios().catch(() => undefined);

/** Value of the select when the cluster is none of the built-in scenarios (an import, an edited cluster). */
const CUSTOM = '';

type Status =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly id: string }
  | { readonly kind: 'failed'; readonly id: string; readonly message: string };

/**
 * The "Scenario" select in the header: picks one of the built-in clusters, which loads the scenario reader on
 * demand and replaces the store's cluster (the request is traced again in the new cluster).
 */
export function ScenarioPicker() {
  const store = useNetvizStore();
  const cluster = useNetviz(selectCluster);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  // The scenario last loaded here, as long as its cluster is still the current one.
  const [loaded, setLoaded] = useState<{ id: string; cluster: Cluster } | null>(null);
  const latest = useRef(0);
  useEffect(() => {
    // An unmounted picker must not apply a scenario that finishes loading after it.
    return () => {
      latest.current += 1;
    };
  }, []);

  const currentId =
    loaded !== null && loaded.cluster === cluster
      ? loaded.id
      : (SCENARIO_OPTIONS.find((o) => o.clusterName === cluster.name)?.id ?? CUSTOM);
  const shownId = status.kind === 'loading' ? status.id : currentId;
  const current = SCENARIO_OPTIONS.find((o) => o.id === currentId);

  const choose = async (id: string) => {
    if (id === CUSTOM) return;
    const ticket = ++latest.current;
    setStatus({ kind: 'loading', id });
    try {
      const { loadScenario } = await loadScenarios();
      if (ticket !== latest.current) return;
      const next = loadScenario(id);
      store.getState().setCluster(next);
      setLoaded({ id, cluster: next });
      setStatus({ kind: 'idle' });
    } catch (error) {
      if (ticket !== latest.current) return;
      setStatus({ kind: 'failed', id, message: error instanceof Error ? error.message : String(error) });
    }
  };

  const failedLabel =
    status.kind === 'failed' ? (SCENARIO_OPTIONS.find((o) => o.id === status.id)?.label ?? status.id) : '';
  return (
    <div className="scenario-picker">
      <select
        className="sp-select"
        aria-label="Scenario"
        aria-busy={status.kind === 'loading'}
        title={current ? `Scenario: ${current.title}` : `Cluster ${cluster.name} (not a built-in scenario)`}
        value={shownId}
        onPointerEnter={prefetchScenarios}
        onFocus={prefetchScenarios}
        onChange={(e) => void choose(e.target.value)}
      >
        {currentId === CUSTOM && (
          <option value={CUSTOM} disabled>
            {cluster.name}
          </option>
        )}
        {SCENARIO_OPTIONS.map((o) => (
          <option key={o.id} value={o.id} title={o.title}>
            {o.label}
          </option>
        ))}
      </select>
      <span className="sp-status" role="status">
        {status.kind === 'loading' ? 'Loading…' : ''}
      </span>
      {status.kind === 'failed' && (
        <div className="sp-error" role="alert">
          <span>
            Could not load the {failedLabel} scenario: {status.message}
          </span>
          <button type="button" aria-label="Dismiss" onClick={() => setStatus({ kind: 'idle' })}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
