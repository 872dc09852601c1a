import { useEffect, useRef, useState } from 'react';
import type { Cluster } from '../../model/types';
import {
  SCENARIO_CATALOG,
  SCENARIO_GROUPS,
  type ScenarioGroup,
  type ScenarioMeta,
} from '../../scenarios/catalog';
import { TOURS } from '../../scenarios/tours';
import { selectCluster } from '../../store';
import { knownScenario } from '../share/scenarioOf';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { openScenario, prefetchScenarios } from './openScenario';
import { ScenarioActions } from './ScenarioActions';
import './ScenarioPicker.css';

/**
 * The built-in scenarios (catalog.ts is light: the first bundle does not carry their YAML, nor the reader and
 * IPAM that resolve it); `tests/view/scenario` keeps it in step with load.ts.
 */
export const SCENARIO_OPTIONS: readonly ScenarioMeta[] = SCENARIO_CATALOG;

/** The groups in the seed's story order (SCENARIO_GROUPS), each with its scenarios. */
const GROUPS: readonly { group: ScenarioGroup; options: readonly ScenarioMeta[] }[] = SCENARIO_GROUPS.map(
  (group) => ({ group, options: SCENARIO_OPTIONS.filter((o) => o.group === group) }),
).filter((g) => g.options.length > 0);

/** Options that start a guided tour (src/scenarios/tours.ts) rather than open one scenario. */
const TOUR_PREFIX = 'tour:';

/** The built-in scenario a cluster was loaded as at start-up (a `?scenario=` link), when it is one. */
function builtinId(cluster: Cluster): string | undefined {
  const known = knownScenario(cluster);
  return known?.kind === 'builtin' && SCENARIO_OPTIONS.some((o) => o.id === known.id) ? known.id : undefined;
}

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
      : (builtinId(cluster) ?? SCENARIO_OPTIONS.find((o) => o.clusterName === cluster.name)?.id ?? CUSTOM);
  const shownId = status.kind === 'loading' ? status.id : currentId;
  const current = SCENARIO_OPTIONS.find((o) => o.id === currentId);

  const choose = async (id: string) => {
    if (id === CUSTOM) return;
    if (id.startsWith(TOUR_PREFIX)) {
      // A guided tour: the tour player (view/present/TourBar) opens its first stop.
      store.getState().startTour(id.slice(TOUR_PREFIX.length), 0);
      return;
    }
    const ticket = ++latest.current;
    setStatus({ kind: 'loading', id });
    try {
      const next = await openScenario(store, id, { isStillWanted: () => ticket === latest.current });
      if (next === null) return;
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
        onChange={(e) => {
          // A tour is driven by keys (a clicker's Page Down): the select must not keep them.
          if (e.target.value.startsWith(TOUR_PREFIX)) e.target.blur();
          void choose(e.target.value);
        }}
      >
        {currentId === CUSTOM && (
          <option value={CUSTOM} disabled>
            {cluster.name}
          </option>
        )}
        <optgroup label="Guided tour">
          {TOURS.map((t) => (
            <option key={t.id} value={`${TOUR_PREFIX}${t.id}`} title={t.title}>
              {TOURS.length === 1 ? '▶ Tour' : `▶ Tour: ${t.id}`}
            </option>
          ))}
        </optgroup>
        {GROUPS.map(({ group, options }) => (
          <optgroup key={group} label={group}>
            {options.map((o) => (
              <option key={o.id} value={o.id} title={o.title}>
                {o.label}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <span className="sp-status" role="status">
        {status.kind === 'loading' ? 'Loading…' : ''}
      </span>
      {status.kind !== 'loading' && current?.actions && (
        <ScenarioActions
          scenario={current}
          onPatched={(patched) => setLoaded({ id: current.id, cluster: patched })}
        />
      )}
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
