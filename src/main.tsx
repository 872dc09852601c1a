import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startupFromSearch } from './embed/startup';
import { clearSaved } from './store/persistence';
import { App } from './view/App';
import { browserStorage } from './view/autosave';
import { rememberBuiltin } from './view/share/scenarioOf';
import './view/theme.css';

const root = document.getElementById('root');
if (!root) throw new Error('kube-netviz: #root is missing from index.html');
const notesFor = new URLSearchParams(window.location.search).get('notes');
if (notesFor !== null) {
  // The speaker notes' own window: it follows a presenter's app (view/present/notesChannel.ts).
  const { NotesWindow } = await import('./view/present/NotesWindow');
  createRoot(root).render(
    <StrictMode>
      <NotesWindow follows={notesFor} />
    </StrictMode>,
  );
} else {
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
