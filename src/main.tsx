import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startupFromSearch } from './embed/startup';
import { clearSaved } from './store/persistence';
import { App } from './view/App';
import { browserStorage } from './view/autosave';
import { rememberBuiltin } from './view/share/scenarioOf';
import './view/theme.css';

/** `?embed`, `?embed=1` (not `embed=0`): see embed/frame.tsx. */
const isEmbedSearch = (search: string) =>
  !/^(0|false)$/.test(new URLSearchParams(search).get('embed') ?? '0');

// Start-up is not awaited at the top level: lazy chunks import from this one, and a module that awaits
// them at the top level would never finish evaluating for them.
async function start(root: HTMLElement): Promise<void> {
  const notesFor = new URLSearchParams(window.location.search).get('notes');
  if (notesFor !== null) {
    // The speaker notes' own window: it follows a presenter's app (view/present/notesChannel.ts).
    const { NotesWindow } = await import('./view/present/NotesWindow');
    createRoot(root).render(
      <StrictMode>
        <NotesWindow follows={notesFor} />
      </StrictMode>,
    );
    return;
  }
  if (isEmbedSearch(window.location.search)) {
    // `?embed`: the chrome-less view for iframes in docs pages, loaded only when asked for.
    const { mountFrame } = await import('./embed/frame');
    await mountFrame(root, window.location);
    return;
  }
  const storage = browserStorage();
  const startup = await startupFromSearch(window.location.search, storage);
  if (startup.notice !== null) console.warn(`kube-netviz: ${startup.notice}`);
  if (startup.builtin !== undefined) rememberBuiltin(startup.cluster, startup.builtin);
  createRoot(root).render(
    <StrictMode>
      <App
        cluster={startup.cluster}
        notice={startup.notice}
        autosave
        {...(startup.settings ? { settings: startup.settings } : {})}
        {...(startup.damagedSave !== undefined ? { damagedSave: startup.damagedSave } : {})}
        onDiscardSave={() => {
          if (storage) clearSaved(storage);
        }}
      />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('kube-netviz: #root is missing from index.html');
void start(root).catch((e: unknown) => {
  console.error('kube-netviz: could not start', e);
});
