import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startupFromSearch } from './embed/startup';
import { App } from './view/App';
import './view/theme.css';

const root = document.getElementById('root');
if (!root) throw new Error('kube-netviz: #root is missing from index.html');
const startup = await startupFromSearch(window.location.search);
if (startup.notice !== null) console.warn(`kube-netviz: ${startup.notice}`);
createRoot(root).render(
  <StrictMode>
    <App cluster={startup.cluster} />
  </StrictMode>,
);
