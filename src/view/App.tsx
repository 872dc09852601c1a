import { lazy, Suspense, useRef, useState } from 'react';
import type { StartupSettings } from '../embed/startup';
import type { Cluster } from '../model/types';
import { defaultCluster } from '../scenarios';
import { selectCluster } from '../store';
import { CompareModesButton } from './compare/CompareModesButton';
import { NetvizProvider, useNetviz } from './NetvizContext';
import { Controls } from './playback/Controls';
import { ModePicker } from './playback/ModePicker';
import { Narration } from './playback/Narration';
import { PanelHost } from './panels/PanelHost';
import { usePresenter } from './present/Presenter';
import { TourBar } from './present/TourBar';
import { useNotesBroadcast } from './present/notesChannel';
import './present/present.css';
import { SidePanel } from './playback/SidePanel';
import { useActionKeys } from './playback/useActionKeys';
import { useAutosave } from './autosave';
import { CopyLinkButton } from './share/CopyLinkButton';
import { ImportExportButton } from './share/ImportExportButton';
import { NoticeBanner } from './share/NoticeBanner';
import { useStartupSettings } from './share/applySettings';
import { RequestPicker } from './request/RequestPicker';
import { ScenarioPicker } from './scenario/ScenarioPicker';
import { Topology } from './topology/Topology';
import { VolleyButton } from './volley/VolleyButton';

// Presenter mode's picture (blank screen, notes, toolbar) loads when it is first needed.
const loadPresenterParts = () => import('./present/PresenterParts');
const PresenterLayer = lazy(() => loadPresenterParts().then((m) => ({ default: m.PresenterLayer })));
const PresenterToolbar = lazy(() => loadPresenterParts().then((m) => ({ default: m.PresenterToolbar })));

export interface AppProps {
  cluster?: Cluster;
  /** Settings from a link or a save, applied once the store exists (see embed/startup.ts). */
  settings?: StartupSettings;
  /** A start-up problem to show in a banner. */
  notice?: string | null;
  /** The raw text of a save that could not be read; autosave waits until the user discards it. */
  damagedSave?: string;
  /** Forgets the damaged save (main passes clearSaved on localStorage). */
  onDiscardSave?: () => void;
  /** Keep the work in localStorage (the page does; tests and embeds need not). */
  autosave?: boolean;
}

export function App({ cluster, ...rest }: AppProps) {
  return (
    <NetvizProvider cluster={cluster ?? defaultCluster()}>
      <Netviz {...rest} />
    </NetvizProvider>
  );
}

function Netviz({
  settings,
  notice,
  damagedSave,
  onDiscardSave,
  autosave = false,
}: Omit<AppProps, 'cluster'>) {
  useActionKeys();
  useStartupSettings(settings);
  const [shownNotice, setShownNotice] = useState(notice ?? null);
  const [saveHeld, setSaveHeld] = useState(damagedSave !== undefined);
  useAutosave(autosave && !saveHeld);
  const root = useRef<HTMLDivElement>(null);
  usePresenter(root);
  useNotesBroadcast();
  const presenting = useNetviz((s) => s.presenting);
  const blanked = useNetviz((s) => s.blanked);
  const notesShown = useNetviz((s) => s.notesShown);
  const highContrast = useNetviz((s) => s.highContrast);
  const rootClass = ['netviz', presenting ? 'is-presenting' : '', highContrast ? 'is-high-contrast' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div ref={root} className={rootClass}>
      {shownNotice !== null && (
        <NoticeBanner
          message={shownNotice}
          {...(saveHeld && damagedSave !== undefined ? { damagedSave } : {})}
          onDiscard={() => {
            onDiscardSave?.();
            setSaveHeld(false);
          }}
          onDismiss={() => setShownNotice(null)}
        />
      )}
      <Header />
      <TourBar />
      <main className="netviz-main">
        <Topology />
        <SidePanel />
      </main>
      <footer className="netviz-footer">
        <Narration />
        <Controls />
        {presenting && (
          <Suspense fallback={null}>
            <PresenterToolbar />
          </Suspense>
        )}
      </footer>
      <PanelHost />
      {(blanked || notesShown) && (
        <Suspense fallback={null}>
          <PresenterLayer />
        </Suspense>
      )}
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
      <ImportExportButton />
      <CopyLinkButton />
    </header>
  );
}
