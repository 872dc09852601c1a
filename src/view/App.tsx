import type { Cluster } from '../model/types';
import { defaultCluster } from '../scenarios';
import { selectCluster } from '../store';
import { CompareModesButton } from './compare/CompareModesButton';
import { NetvizProvider, useNetviz } from './NetvizContext';
import { Controls } from './playback/Controls';
import { ModePicker } from './playback/ModePicker';
import { Narration } from './playback/Narration';
import { SidePanel } from './playback/SidePanel';
import { useActionKeys } from './playback/useActionKeys';
import { RequestPicker } from './request/RequestPicker';
import { ScenarioPicker } from './scenario/ScenarioPicker';
import { Topology } from './topology/Topology';
import { VolleyButton } from './volley/VolleyButton';

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
      <h1 className="netviz-title" title={`cluster ${cluster.name} · CNI ${cluster.network.cniMode}`}>
        kube-netviz
      </h1>
      <ScenarioPicker />
      <RequestPicker />
      <ModePicker />
      <span className="netviz-header-end" />
      <CompareModesButton />
      <VolleyButton />
    </header>
  );
}
