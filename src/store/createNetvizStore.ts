/**
 * One store per embedded visualizer, made by a factory (vanilla zustand, no global singleton) and built from
 * slices. Components read it through the narrow selectors in `selectors.ts`.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { Cluster } from '../model/types';
import type { PanelId } from '../scenarios/catalog';
import { createPresentSlice, type PresentSlice } from './presentSlice';
import { createSimulationSlice, retraceForCluster, type SimulationSlice } from './simulationSlice';

/** One entry of the undo history: the cluster before (or after) a change, and what the change was. */
export interface HistoryEntry {
  readonly cluster: Cluster;
  /** In words, e.g. `add pod default/web-3`, `open scenario vxlan`. */
  readonly label: string;
}

/** Undo keeps this many changes. */
export const HISTORY_LIMIT = 50;

export interface ClusterSlice {
  readonly cluster: Cluster;
  /** Changes that can be undone (most recent last) and redone (next first). */
  readonly past: readonly HistoryEntry[];
  readonly future: readonly HistoryEntry[];
  /**
   * Replaces the cluster (an edit, an import, a scenario); a selection that no longer names anything is
   * cleared. The previous cluster goes on the undo history under `label`; the redo history is dropped.
   */
  setCluster(cluster: Cluster, label?: string): void;
  undo(): void;
  redo(): void;
}

export interface SelectionSlice {
  /** Id of the selected topology element (see layout/ids.ts), or null. */
  readonly selectedId: string | null;
  select(id: string | null): void;
}

/** What is open around the picture: an explorer panel (registration story, DNS records, CNI, …). */
export interface UiSlice {
  readonly panel: PanelId | null;
  openPanel(panel: PanelId | null): void;
}

export type NetvizState = ClusterSlice & SelectionSlice & SimulationSlice & UiSlice & PresentSlice;
export type NetvizStore = StoreApi<NetvizState>;

const createClusterSlice =
  (initial: Cluster): StateCreator<NetvizState, [], [], ClusterSlice> =>
  (set, get) => {
    const show = (cluster: Cluster, past: readonly HistoryEntry[], future: readonly HistoryEntry[]) => {
      set({ cluster, past, future, selectedId: null });
      retraceForCluster(get, set, cluster);
    };
    return {
      cluster: initial,
      past: [],
      future: [],
      setCluster: (cluster, label = 'replace the cluster') => {
        const { cluster: current, past } = get();
        if (cluster === current) return;
        show(cluster, [...past, { cluster: current, label }].slice(-HISTORY_LIMIT), []);
      },
      undo: () => {
        const { cluster, past, future } = get();
        const last = past[past.length - 1];
        if (!last) return;
        show(last.cluster, past.slice(0, -1), [{ cluster, label: last.label }, ...future]);
      },
      redo: () => {
        const { cluster, past, future } = get();
        const next = future[0];
        if (!next) return;
        show(next.cluster, [...past, { cluster, label: next.label }], future.slice(1));
      },
    };
  };

const createSelectionSlice: StateCreator<NetvizState, [], [], SelectionSlice> = (set) => ({
  selectedId: null,
  select: (id) => set({ selectedId: id }),
});

const createUiSlice: StateCreator<NetvizState, [], [], UiSlice> = (set) => ({
  panel: null,
  openPanel: (panel) => set({ panel }),
});

export function createNetvizStore(cluster: Cluster): NetvizStore {
  return createStore<NetvizState>()((...args) => ({
    ...createClusterSlice(cluster)(...args),
    ...createSelectionSlice(...args),
    ...createUiSlice(...args),
    ...createSimulationSlice(cluster)(...args),
    ...createPresentSlice(...args),
  }));
}
