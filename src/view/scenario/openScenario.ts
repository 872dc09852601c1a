/**
 * Opening a built-in scenario, the one way the Scenario picker and the tours both do it: the cluster (its
 * reader loads on demand), the scenario's request, kube-proxy mode and key step, and its explorer panel.
 */
import type { TraceRequest } from '../../engine/trace/types';
import type { Cluster, ProxyMode } from '../../model/types';
import { defaultCluster } from '../../scenarios';
import { scenarioMeta } from '../../scenarios/catalog';
import type { StepMatcher } from '../../scenarios/keyStep';
import type { NetvizStore } from '../../store';
import { defaultRequest } from '../../store/simulationSlice';
import { applySettings } from '../share/applySettings';
import { knownScenario, rememberBuiltin } from '../share/scenarioOf';

export interface OpenScenarioOptions {
  /** Replaces the scenario's own request. */
  readonly request?: TraceRequest;
  /** Replaces the scenario's mode. */
  readonly mode?: ProxyMode;
  /**
   * With no mode from the scenario or the caller: keep the mode the viewer chose (the picker), or go back to
   * the cluster's own (a tour stop shows what its author saw).
   */
  readonly otherwiseMode?: 'keep' | 'cluster';
  readonly keyStep?: StepMatcher;
  /** A step by index; wins over any key step. */
  readonly step?: number;
  /** Asked once the scenario has loaded: false abandons the opening (a newer choice was made meanwhile). */
  readonly isStillWanted?: () => boolean;
}

const loadScenarios = () => import('../../scenarios/load');

/** Starts loading the scenarios' manifests and reader (pointer over the picker, a tour about to start). */
export const prefetchScenarios = () => void loadScenarios().catch(() => undefined);

/**
 * Loads scenario `id` into the store. Resolves to the cluster shown, or null when abandoned; rejects when the
 * scenario cannot be loaded (the store is then unchanged). The cluster is kept when it already is that
 * scenario, so stepping between tour stops of one scenario does not redraw it.
 */
export async function openScenario(
  store: NetvizStore,
  id: string,
  options: OpenScenarioOptions = {},
): Promise<Cluster | null> {
  const meta = scenarioMeta(id);
  const current = store.getState().cluster;
  const known = knownScenario(current);
  let next: Cluster;
  if (known?.kind === 'builtin' && known.id === id) next = current;
  else if (id === 'default') next = defaultCluster();
  else {
    const { loadScenario } = await loadScenarios();
    if (options.isStillWanted?.() === false) return null;
    next = loadScenario(id);
    rememberBuiltin(next, id);
  }
  const state = store.getState();
  if (next !== current) state.setCluster(next, `open scenario ${meta?.label ?? id}`);
  // Failure scenarios name endpoints whose pod is gone (others clear them).
  state.setDeadEndpoints(meta?.deadEndpoints ?? []);
  // The whole request is replaced: a port, protocol or HTTP host left from the previous one must not stick.
  state.replaceRequest(options.request ?? meta?.request ?? defaultRequest(next));
  const mode =
    options.mode ?? meta?.mode ?? (options.otherwiseMode === 'cluster' ? next.network.proxyMode : undefined);
  const keyStep = options.keyStep ?? meta?.keyStep;
  applySettings(store, {
    ...(mode ? { mode } : {}),
    ...(options.step !== undefined ? { step: options.step } : keyStep ? { keyStep } : { step: 0 }),
  });
  state.openPanel(meta?.panel ?? null);
  return next;
}
