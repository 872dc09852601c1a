/**
 * kube-netviz without its app chrome, for docs pages (an `?embed` iframe or a `<kube-netviz>` element): the
 * topology, the narration, compact playback controls (unless `controls` is off) and a link that opens the same
 * moment in the full app. No header, no panels, no autosave, and keys only while focus is inside the embed.
 */
import { useEffect, useRef, useState } from 'react';
import type { StartupSettings } from '../../embed/startup';
import { clipPlayback, watchSteps, type Clip } from '../../embed/drive';
import { encodeState } from '../../embed/urlState';
import type { Cluster } from '../../model/types';
import { selectCluster, selectCursor, selectMode, selectRequest, type NetvizStore } from '../../store';
import { NetvizProvider, useNetviz, useNetvizStore } from '../NetvizContext';
import { Controls } from '../playback/Controls';
import { Narration } from '../playback/Narration';
import { useActionKeys } from '../playback/useActionKeys';
import { useStartupSettings } from '../share/applySettings';
import { NoticeBanner } from '../share/NoticeBanner';
import { scenarioOf } from '../share/scenarioOf';
import { Topology } from '../topology/Topology';
import './embed.css';

export interface EmbedOptions {
  /** Show the playback controls (default true); the narration is always shown. */
  readonly controls?: boolean;
  /** Start playing once the wanted trace is shown. */
  readonly autoplay?: boolean;
  readonly clip?: Clip;
  /** The full app's address (its index.html), for the "Open in kube-netviz" link; null hides the link. */
  readonly appUrl?: string | null;
}

export interface EmbedAppProps {
  readonly cluster: Cluster;
  readonly settings?: StartupSettings;
  readonly options?: EmbedOptions;
  /** A problem with the embed's inputs, shown above the picture (the default cluster is shown instead). */
  readonly notice?: string | null;
  /** Hands the embed's own store to its host (the iframe bridge, the custom element); may return a cleanup. */
  readonly onStore?: (store: NetvizStore) => (() => void) | undefined;
}

export function EmbedApp({ cluster, ...rest }: EmbedAppProps) {
  return (
    <NetvizProvider cluster={cluster}>
      <EmbedView {...rest} />
    </NetvizProvider>
  );
}

function EmbedView({ settings, options = {}, notice, onStore }: Omit<EmbedAppProps, 'cluster'>) {
  const store = useNetvizStore();
  const cluster = useNetviz(selectCluster);
  const mode = useNetviz(selectMode);
  const root = useRef<HTMLDivElement>(null);
  const [shownNotice, setShownNotice] = useState(notice ?? null);
  useStartupSettings(settings);
  useActionKeys(root);
  const { start, stop } = options.clip ?? {};
  useEffect(() => clipPlayback(store, { start, stop }), [store, start, stop]);
  useEffect(() => onStore?.(store), [store, onStore]);
  const autoplay = options.autoplay ?? false;
  const wantedMode = settings?.mode;
  useEffect(() => {
    if (!autoplay) return;
    let started = false;
    return watchSteps(
      store,
      (e) => {
        if (started || e.event !== 'ready') return;
        started = true;
        store.getState().play();
      },
      wantedMode !== undefined ? { mode: wantedMode } : {},
    );
  }, [store, autoplay, wantedMode]);

  // A docs page scrolls under the pointer: the wheel zooms the picture only with Ctrl (or ⌘) held. Stopped
  // here, in the capture phase, the wheel never reaches d3-zoom and the page scrolls as usual.
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.ctrlKey && !e.metaKey) e.stopPropagation();
    };
    el.addEventListener('wheel', onWheel, { capture: true });
    return () => el.removeEventListener('wheel', onWheel, { capture: true });
  }, []);

  const controls = options.controls ?? true;
  return (
    <div
      ref={root}
      className={controls ? 'netviz netviz-embed' : 'netviz netviz-embed is-bare'}
      role="region"
      aria-label={`kube-netviz: cluster ${cluster.name}, ${mode} mode`}
    >
      {shownNotice !== null && <NoticeBanner message={shownNotice} onDismiss={() => setShownNotice(null)} />}
      <div className="netviz-main">
        <Topology />
        {options.appUrl !== null && options.appUrl !== undefined && <OpenLink appUrl={options.appUrl} />}
      </div>
      <div className="netviz-footer">
        <Narration />
        {controls && <Controls />}
      </div>
    </div>
  );
}

/** "Open in kube-netviz": the same scenario, request, mode and step in the full app. */
function OpenLink({ appUrl }: { appUrl: string }) {
  const store = useNetvizStore();
  const cursor = useNetviz(selectCursor);
  const mode = useNetviz(selectMode);
  const request = useNetviz(selectRequest);
  const cluster = useNetviz(selectCluster);
  const [href, setHref] = useState(appUrl);
  useEffect(() => {
    let live = true;
    const s = store.getState();
    scenarioOf(cluster)
      .then((scenario) => encodeState({ v: 1, scenario, request, mode, seed: s.seed, step: cursor }))
      .then(
        (search) => live && setHref(`${appUrl}${search}`),
        // Too large for a link: the app itself, at its default cluster.
        () => live && setHref(appUrl),
      );
    return () => {
      live = false;
    };
  }, [store, appUrl, cluster, request, mode, cursor]);
  return (
    <a className="embed-open" href={href} target="_blank" rel="noopener">
      Open in kube-netviz <span aria-hidden="true">↗</span>
    </a>
  );
}
