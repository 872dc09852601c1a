import type { Cluster } from '../../model/types';
import { scenarioMeta } from '../../scenarios/catalog';
import type { NetvizStore } from '../../store';
import { defaultRequest } from '../../store/simulationSlice';
import { applySettings } from '../share/applySettings';
import { rememberBuiltin } from '../share/scenarioOf';

/** The scenario reader (and IPAM behind it) loads on demand: the first bundle carries only the catalog. */
export const loadScenarios = () => import('../../scenarios/load');

/**
 * Opens a built-in scenario the way the header's picker does: its cluster, its request (else the default
 * one), its mode and key step, and its explorer panel (any other panel closes). `isCurrent` is asked once the
 * scenario has loaded: when it says no (the user chose something else meanwhile) nothing is applied and null
 * is returned. Throws when the scenario does not load.
 */
export async function openScenario(
  store: NetvizStore,
  id: string,
  isCurrent: () => boolean = () => true,
): Promise<Cluster | null> {
  const { loadScenario } = await loadScenarios();
  if (!isCurrent()) return null;
  const next = loadScenario(id);
  const meta = scenarioMeta(id);
  rememberBuiltin(next, id);
  const state = store.getState();
  state.setCluster(next, `open scenario ${meta?.label ?? id}`);
  // Failure scenarios name endpoints whose pod is gone (others clear them).
  state.setDeadEndpoints(meta?.deadEndpoints ?? []);
  // The whole request is replaced: a port, protocol or HTTP host left from the previous one must not stick.
  state.replaceRequest(meta?.request ?? defaultRequest(next));
  applySettings(store, {
    ...(meta?.mode ? { mode: meta.mode } : {}),
    // A scenario opens on its key step, or at the start (not where the previous trace's cursor was).
    ...(meta?.keyStep ? { keyStep: meta.keyStep } : { step: 0 }),
  });
  state.openPanel(meta?.panel ?? null);
  return next;
}
