/**
 * The `?embed` page: kube-netviz without its chrome, for an `<iframe>` in a docs page. Reads the same link
 * parameters as the app (urlState.ts: scenario, request, mode, step, theme, controls, autoplay, start, stop)
 * plus `origin=` (who may send commands); `?embed` alone needs no `v=1`. Loaded on demand by main.tsx.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { EmbedApp } from '../view/embed/EmbedApp';
import { rememberBuiltin } from '../view/share/scenarioOf';
import { connectFrameBridge } from './frameBridge';
import { readOriginPolicy } from './messages';
import { startupFromSearch } from './startup';
import { forcedThemeRule } from './themeCss';
import { decodeState } from './urlState';

/** True for `?embed`, `?embed=1`, `?embed=true` (not `embed=0` or `embed=false`). */
export function isEmbedSearch(search: string): boolean {
  const embed = new URLSearchParams(search).get('embed');
  return embed !== null && embed !== '0' && embed !== 'false';
}

/** `?embed&step=3` → `?v=1&embed=1&step=3`: an embed URL is a link whose version may go unsaid. */
export function normalizeEmbedSearch(search: string): string {
  const params = new URLSearchParams(search);
  if (params.get('embed') === '') params.set('embed', '1');
  if (!params.has('v')) params.set('v', '1');
  return `?${params.toString()}`;
}

export async function mountFrame(root: HTMLElement, location: Location): Promise<void> {
  const search = normalizeEmbedSearch(location.search);
  const decoded = decodeState(search);
  const view = decoded.ok ? (decoded.state.view ?? {}) : {};
  const startup = await startupFromSearch(search, null);
  if (startup.notice !== null) console.warn(`kube-netviz: ${startup.notice}`);
  if (startup.builtin !== undefined) rememberBuiltin(startup.cluster, startup.builtin);

  if (view.theme === 'light' || view.theme === 'dark') {
    document.documentElement.dataset['theme'] = view.theme;
    // theme.css as text, to copy the chosen scheme's colours from: loaded only when a theme is forced.
    const { default: themeCss } = await import('../view/theme.css?inline');
    const style = document.createElement('style');
    style.textContent = forcedThemeRule(themeCss, view.theme, `:root[data-theme='${view.theme}']`);
    document.head.append(style);
  }
  const origins = readOriginPolicy(new URLSearchParams(search).getAll('origin'), location.origin);
  for (const error of origins.errors) console.warn(`kube-netviz: ${error}`);
  const framed = window.parent !== window ? window.parent : null;
  const mode = startup.settings?.mode;

  createRoot(root).render(
    <StrictMode>
      <EmbedApp
        cluster={startup.cluster}
        notice={startup.notice}
        {...(startup.settings ? { settings: startup.settings } : {})}
        options={{
          controls: view.controls ?? true,
          autoplay: view.autoplay ?? false,
          clip: {
            ...(view.start !== undefined ? { start: view.start } : {}),
            ...(view.stop !== undefined ? { stop: view.stop } : {}),
          },
          appUrl: `${location.origin}${location.pathname}`,
        }}
        onStore={(store) =>
          connectFrameBridge(store, {
            policy: origins.policy,
            self: window,
            parent: framed,
            ...(mode !== undefined ? { mode } : {}),
          })
        }
      />
    </StrictMode>,
  );
}
