import { createContext, useContext, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Cluster } from '../model/types';
import { createNetvizStore, type NetvizState, type NetvizStore } from '../store';

const NetvizContext = createContext<NetvizStore | null>(null);

/** Owns one store for the subtree; several visualizers on a page each get their own. */
export function NetvizProvider({ cluster, children }: { cluster: Cluster; children: ReactNode }) {
  const [store] = useState(() => createNetvizStore(cluster));
  return <NetvizContext.Provider value={store}>{children}</NetvizContext.Provider>;
}

export function useNetvizStore(): NetvizStore {
  const store = useContext(NetvizContext);
  if (!store) throw new Error('kube-netviz: useNetviz must be used inside <NetvizProvider>');
  return store;
}

/** Reads the store through a selector; re-renders only when the selected value changes. */
export function useNetviz<T>(selector: (state: NetvizState) => T): T {
  return useStore(useNetvizStore(), selector);
}
