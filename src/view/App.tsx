import type { Cluster } from '../model/types';
import { defaultCluster } from '../scenarios';
import { selectCluster } from '../store';
import { NetvizProvider, useNetviz } from './NetvizContext';
import { Controls } from './playback/Controls';
import { ModePicker } from './playback/ModePicker';
import { Narration } from './playback/Narration';
import { SidePanel } from './playback/SidePanel';
import { useActionKeys } from './playback/useActionKeys';
import { Topology } from './topology/Topology';

export function App({ cluster }: { cluster?: Cluster }) {
  return (
    <NetvizProvider cluster={cluster ?? defaultCluster()}>
      <Netviz />
    </NetvizProvider>
  );
}

function Netviz() {
  useActionKeys();
  return (
    <div className="netviz">
      <Header />
      <main className="netviz-main">
        <Topology />
        <SidePanel />
      </main>
      <footer className="netviz-footer">
        <Narration />
        <Controls />
      </footer>
    </div>
  );
}

function Header() {
  const cluster = useNetviz(selectCluster);
  return (
    <header className="netviz-header">
      <h1 className="netviz-title">kube-netviz</h1>
      <span className="netviz-cluster" title={`CNI: ${cluster.network.cniMode}`}>
        cluster <strong>{cluster.name}</strong>
      </span>
      {/* ── slot: RequestPicker (src/view/request) — the lead wires it in here ── */}
      <ModePicker />
      {/* ── slot: [Compare modes] [Load balancing] (src/view/compare, src/view/volley) — wired in by the lead ── */}
      <span className="netviz-header-end" />
    </header>
  );
}
