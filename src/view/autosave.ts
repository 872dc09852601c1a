/**
 * Autosave: the cluster, request, mode, scheduler, seed and step go to localStorage half a second after the
 * last change, so a reload comes back to the same moment (start-up reads them back, see embed/startup.ts).
 */
import { useEffect } from 'react';
import { writeSaved, type SavedScenario } from '../store/persistence';
import { useNetvizStore } from './NetvizContext';
import type { LinkScenario } from '../embed/urlState';
import { knownScenario, scenarioOf } from './share/scenarioOf';

export const AUTOSAVE_DELAY_MS = 500;

/** Saves the store's state after each change (debounced); off while `enabled` is false. */
export function useAutosave(enabled: boolean, storage: Storage | null = browserStorage()): void {
  const store = useNetvizStore();
  useEffect(() => {
    if (!enabled || !storage) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let generation = 0;
    const save = async () => {
      const mine = (generation += 1);
      timer = undefined;
      let link: LinkScenario;
      try {
        link = await scenarioOf(store.getState().cluster);
      } catch (e) {
        console.warn(`kube-netviz: could not save the cluster (${String(e)})`);
        return;
      }
      // The state changed while the YAML was written: the save that change scheduled has the newer state.
      if (mine === generation) write(link);
    };
    const write = (link: LinkScenario) => {
      const s = store.getState();
      const scenario: SavedScenario = link.kind === 'builtin' ? { builtin: link.id } : { yaml: link.text };
      const result = writeSaved(storage, {
        schema: 2,
        savedAt: new Date().toISOString(),
        scenario,
        request: s.request,
        mode: s.mode,
        scheduler: s.ipvsScheduler,
        seed: s.seed,
        cursor: s.cursor,
      });
      if (!result.ok) console.warn(`kube-netviz: ${result.error}`);
    };
    const unsubscribe = store.subscribe((next, previous) => {
      if (
        next.cluster === previous.cluster &&
        next.request === previous.request &&
        next.mode === previous.mode &&
        next.ipvsScheduler === previous.ipvsScheduler &&
        next.seed === previous.seed &&
        next.cursor === previous.cursor
      ) {
        return;
      }
      generation += 1;
      clearTimeout(timer);
      timer = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
    });
    // Leaving (or reloading) within the delay: save now, when the scenario needs no export.
    const flush = () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      const link = knownScenario(store.getState().cluster);
      if (link) {
        generation += 1;
        write(link);
      }
    };
    window.addEventListener('pagehide', flush);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pagehide', flush);
      unsubscribe();
    };
  }, [store, enabled, storage]);
}

/** localStorage, or null where the browser refuses it (storage disabled, some private windows). */
export function browserStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
