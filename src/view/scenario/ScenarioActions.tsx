import { useState } from 'react';
import type { Cluster } from '../../model/types';
import type { ScenarioAction, ScenarioMeta } from '../../scenarios/catalog';
import { selectCluster } from '../../store';
import { applySettings } from '../share/applySettings';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import './ScenarioActions.css';

const loadPatch = () => import('../../scenarios/patchService');

/** True when the Service already has every field the action would set (the action would change nothing). */
export function isApplied(cluster: Cluster, action: ScenarioAction): boolean {
  const [namespace, name] = action.patch.service.split('/');
  const svc = cluster.services.find((s) => s.namespace === namespace && s.name === name);
  if (!svc) return false;
  return Object.entries(action.patch.spec).every(
    ([field, value]) => (svc as unknown as Record<string, unknown>)[field] === value,
  );
}

/**
 * The scenario's actions (catalog `actions`), floating under the Scenario picker: the kubectl command that
 * changes the cluster, and a button that applies it to the current cluster and traces the request again —
 * so the viewer sees the trace before and after the patch. An action that would change nothing is not shown.
 */
export function ScenarioActions({
  scenario,
  onPatched,
}: {
  readonly scenario: ScenarioMeta;
  /** The patched cluster is still this scenario (the picker keeps showing it). */
  readonly onPatched: (cluster: Cluster) => void;
}) {
  const store = useNetvizStore();
  const cluster = useNetviz(selectCluster);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const actions = (scenario.actions ?? []).filter((a) => !isApplied(cluster, a));
  if (actions.length === 0) return null;

  const run = async (action: ScenarioAction) => {
    setBusy(true);
    setError(null);
    try {
      const { patchService } = await loadPatch();
      const result = patchService(store.getState().cluster, action.patch.service, action.patch.spec);
      if (!result.ok) {
        setError(`${action.command} failed: ${result.error}`);
        return;
      }
      onPatched(result.cluster);
      store.getState().setCluster(result.cluster);
      if (action.keyStep) applySettings(store, { keyStep: action.keyStep });
    } catch (e) {
      setError(`${action.command} failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="scenario-actions" role="group" aria-label="Scenario actions">
      {actions.map((action) => (
        <div key={action.label} className="sa-action">
          <code className="sa-command" title={action.command}>
            <span aria-hidden="true">$ </span>
            {action.command}
          </code>
          <button type="button" disabled={busy} onClick={() => void run(action)}>
            {action.label}
          </button>
        </div>
      ))}
      {error !== null && (
        <p className="sa-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
