import { Suspense } from 'react';
import { Dialog } from '../compare/Dialog';
import { LoadFailure } from '../playback/Deferred';
import { useNetviz } from '../NetvizContext';
import { lazyPanel, PANELS } from './registry';

/** Shows the open explorer panel (store `panel`) in a dialog, loading its code on first use. */
export function PanelHost() {
  const panel = useNetviz((s) => s.panel);
  const openPanel = useNetviz((s) => s.openPanel);
  if (panel === null) return null;
  const entry = PANELS[panel];
  const Body = lazyPanel(panel);
  if (!entry || !Body) return null;
  const close = () => openPanel(null);
  return (
    <Dialog title={entry.title} onClose={close} className={`nv-panel ${entry.className ?? ''}`.trim()}>
      <LoadFailure what={`${entry.title} panel`}>
        <Suspense
          fallback={
            <p className="nv-loading muted" role="status" aria-busy="true">
              Loading…
            </p>
          }
        >
          <Body onClose={close} />
        </Suspense>
      </LoadFailure>
    </Dialog>
  );
}
