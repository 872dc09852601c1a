import { useEffect } from 'react';
import type { Cluster } from '../model/types';
import { defaultCluster } from '../scenarios';
import { selectCluster, selectProxyMode, selectSelect } from '../store';
import { DetailsPanel } from './details/DetailsPanel';
import { NetvizProvider, useNetviz } from './NetvizContext';
import { Topology } from './topology/Topology';

export function App({ cluster }: { cluster?: Cluster }) {
  return (
    <NetvizProvider cluster={cluster ?? defaultCluster()}>
      <Netviz />
    </NetvizProvider>
  );
}

function Netviz() {
  const select = useNetviz(selectSelect);
  // Escape clears the selection, wherever focus is.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') select(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [select]);

  return (
    <div className="netviz">
      <Header />
      <main className="netviz-main">
        <Topology />
        <DetailsPanel />
      </main>
    </div>
  );
}

function Header() {
  const cluster = useNetviz(selectCluster);
  const proxyMode = useNetviz(selectProxyMode);
  return (
    <header className="netviz-header">
      <h1 className="netviz-title">kube-netviz</h1>
      <span className="netviz-cluster">
        cluster <strong>{cluster.name}</strong>
      </span>
      <span className="netviz-mode" title="kube-proxy mode (read-only for now)">
        kube-proxy mode <strong>{proxyMode}</strong>
      </span>
      <span className="netviz-mode">
        CNI <strong>{cluster.network.cniMode}</strong>
      </span>
    </header>
  );
}
