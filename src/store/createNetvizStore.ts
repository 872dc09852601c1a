/**
 * One store per embedded visualizer, made by a factory (vanilla zustand, no global singleton) and built from
 * slices. Components read it through the narrow selectors in `selectors.ts`.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { Cluster } from '../model/types';
import type { PanelId } from '../scenarios/catalog';
import { createPresentSlice, type PresentSlice } from './presentSlice';
import { createSimulationSlice, retraceForCluster, type SimulationSlice } from './simulationSlice';

export interface ClusterSlice {
  readonly cluster: Cluster;
  /** Replaces the cluster; a selection that no longer names anything is cleared. */
  setCluster(cluster: Cluster): void;
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
  (set, get) => ({
    cluster: initial,
    setCluster: (cluster) => {
      set({ cluster, selectedId: null });
      retraceForCluster(get, set, cluster);
    },
  });

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
