/**
 * `<kube-netviz>`: kube-netviz as a custom element for docs pages, built by `npm run build` into
 * `kube-netviz-element.js` at the site root. Each element draws in its own shadow root with its own store, so
 * several live on one page without sharing state or styles. Configured by attributes (the link parameters of
 * urlState.ts, checked by the same reader):
 *
 *   scenario="ipvs-demo" | src="cluster.yaml" | a child <script type="application/yaml"> (inline manifests)
 *   mode, step (index, 0 = first), from, to, port, protocol, seed, start, stop (a clip), autoplay,
 *   controls="false", theme="light|dark|auto", height="480" (pixels, or any CSS length)
 *
 * Methods: play(), pause(), stepForward(), stepBack(), goto(step), setMode(mode), setRequest({from, to, …});
 * `currentStep`, `currentCaption`; events: `ready` and `stepchange` (CustomEvent, detail {step, steps,
 * caption, mode}). Changing `mode`, `step`, `theme` or `height` applies at once; other attributes start over.
 */
import { createRoot, type Root } from 'react-dom/client';
import type { NetvizStore } from '../store';
import { EmbedApp } from '../view/embed/EmbedApp';
import { rememberBuiltin } from '../view/share/scenarioOf';
import { runCommand, watchSteps } from './drive';
import { MESSAGE_TYPE, parseCommand, type StepEvent } from './messages';
import { loadLinkScenario, type StartupSettings } from './startup';
import { dedent } from './inlineYaml';
import { forShadowRoot, forcedThemeRule } from './themeCss';
import { decodeState, type LinkScenario, type LinkView } from './urlState';
import { defaultCluster } from '../scenarios';
import type { Cluster } from '../model/types';

// Every stylesheet of the view, as text: a shadow root sees none of the page's styles (nor the page its).
const SHEETS = import.meta.glob<string>('../view/**/*.css', {
  query: '?inline',
  import: 'default',
  eager: true,
});
const THEME_CSS = SHEETS['../view/theme.css'] ?? '';
const HOST_CSS = `
:host { display: block; position: relative; margin: 1.5em 0; border: 1px solid var(--border); border-radius: 10px;
  overflow: hidden; background: var(--bg); color: var(--fg); font-family: var(--font-sans); font-size: 15px;
  line-height: 1.45; contain: content; }
:host([hidden]) { display: none; }
.kube-netviz-frame { height: 480px; }
`;

let baseSheet: CSSStyleSheet | null = null;
/** One parsed sheet shared by every element on the page (theme.css first, the embed's overrides last). */
function sharedSheet(): CSSStyleSheet {
  if (baseSheet) return baseSheet;
  const order = (path: string) => (path.endsWith('/theme.css') ? 0 : path.includes('/embed/') ? 2 : 1);
  const paths = Object.keys(SHEETS).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  baseSheet = new CSSStyleSheet();
  baseSheet.replaceSync(forShadowRoot([...paths.map((p) => SHEETS[p] ?? ''), HOST_CSS].join('\n')));
  return baseSheet;
}

const themeSheets = new Map<string, CSSStyleSheet>();
function themeSheet(theme: 'light' | 'dark'): CSSStyleSheet {
  let sheet = themeSheets.get(theme);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(forcedThemeRule(THEME_CSS, theme, ':host'));
    themeSheets.set(theme, sheet);
  }
  return sheet;
}

/** Attributes that are link parameters, and the parameter each one is. */
const LINK_ATTRIBUTES: Record<string, string> = {
  scenario: 'scenario',
  mode: 'mode',
  step: 'step',
  from: 'from',
  to: 'to',
  port: 'port',
  protocol: 'proto',
  seed: 'seed',
  theme: 'theme',
  controls: 'controls',
  autoplay: 'autoplay',
  start: 'start',
  stop: 'stop',
};
const BOOLEAN_ATTRIBUTES = new Set(['controls', 'autoplay']);
/** Attributes applied to a running element without starting it over. */
const LIVE_ATTRIBUTES = new Set(['mode', 'step', 'theme', 'height']);

interface Configuration {
  readonly cluster: Cluster;
  readonly settings: StartupSettings;
  readonly view: LinkView;
  readonly notice: string | null;
}

export class KubeNetvizElement extends HTMLElement {
  static readonly observedAttributes = [...Object.keys(LINK_ATTRIBUTES), 'src', 'height'];

  #root: Root | null = null;
  #frame: HTMLDivElement | null = null;
  #store: NetvizStore | null = null;
  #pending: (() => void)[] = [];
  #generation = 0;
  #restartQueued = false;
  #last: StepEvent | null = null;

  connectedCallback(): void {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    this.#applyTheme();
    if (!this.#frame) {
      this.#frame = document.createElement('div');
      this.#frame.className = 'kube-netviz-frame';
      shadow.append(this.#frame);
    }
    this.#applyHeight();
    void this.#start();
  }

  disconnectedCallback(): void {
    this.#generation += 1;
    this.#root?.unmount();
    this.#root = null;
    this.#store = null;
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value || !this.#root) return;
    if (name === 'theme') return this.#applyTheme();
    if (name === 'height') return this.#applyHeight();
    if (LIVE_ATTRIBUTES.has(name) && this.#store) {
      const command =
        name === 'mode'
          ? { type: MESSAGE_TYPE, command: 'setMode', mode: value }
          : { type: MESSAGE_TYPE, command: 'goto', step: value === null ? 0 : Number(value) };
      this.#command(command);
      return;
    }
    // The cluster or the view changed: start over (once, however many attributes change together).
    if (this.#restartQueued) return;
    this.#restartQueued = true;
    queueMicrotask(() => {
      this.#restartQueued = false;
      if (this.isConnected) void this.#start();
    });
  }

  // --- The API (the same commands an iframe embed takes by postMessage) ---------------------------------

  play(): boolean {
    return this.#command({ type: MESSAGE_TYPE, command: 'play' });
  }
  pause(): boolean {
    return this.#command({ type: MESSAGE_TYPE, command: 'pause' });
  }
  stepForward(): boolean {
    return this.#command({ type: MESSAGE_TYPE, command: 'step', direction: 'forward' });
  }
  stepBack(): boolean {
    return this.#command({ type: MESSAGE_TYPE, command: 'step', direction: 'back' });
  }
  goto(step: number): boolean {
    return this.#command({ type: MESSAGE_TYPE, command: 'goto', step });
  }
  setMode(mode: string): boolean {
    return this.#command({ type: MESSAGE_TYPE, command: 'setMode', mode });
  }
  setRequest(request: { from: string; to: string; port?: number; protocol?: string }): boolean {
    return this.#command({ type: MESSAGE_TYPE, command: 'setRequest', ...request });
  }
  /**
   * Where the cursor is (null before `ready`). Not named `step`: React 19 sets a custom element's props as
   * properties when the element has one of that name, and `step` is an attribute.
   */
  get currentStep(): number | null {
    return this.#last?.step ?? null;
  }
  get currentCaption(): string | null {
    return this.#last?.caption ?? null;
  }

  /** Checks a command as a message would be checked; runs it now, or once the embed is ready. */
  #command(message: Record<string, unknown>): boolean {
    const parsed = parseCommand(message);
    if (!parsed.ok) {
      console.warn(`<kube-netviz>: ignored a command: ${parsed.error}`);
      return false;
    }
    const run = () => {
      if (this.#store) runCommand(this.#store, parsed.command);
    };
    if (this.#store && this.#last) run();
    else this.#pending.push(run);
    return true;
  }

  // --- Mounting --------------------------------------------------------------------------------------

  #applyTheme(): void {
    const shadow = this.shadowRoot;
    if (!shadow) return;
    const theme = this.getAttribute('theme');
    shadow.adoptedStyleSheets =
      theme === 'light' || theme === 'dark' ? [sharedSheet(), themeSheet(theme)] : [sharedSheet()];
  }

  #applyHeight(): void {
    if (!this.#frame) return;
    const height = this.getAttribute('height')?.trim() ?? '';
    this.#frame.style.height = /^[0-9]+$/.test(height) ? `${height}px` : height;
  }

  async #start(): Promise<void> {
    const generation = ++this.#generation;
    const config = await this.#configure();
    if (generation !== this.#generation || !this.#frame) return;
    this.#root?.unmount();
    this.#store = null;
    this.#last = null;
    const root = createRoot(this.#frame);
    this.#root = root;
    const { view } = config;
    root.render(
      <EmbedApp
        cluster={config.cluster}
        settings={config.settings}
        notice={config.notice}
        options={{
          controls: view.controls ?? true,
          autoplay: view.autoplay ?? false,
          clip: {
            ...(view.start !== undefined ? { start: view.start } : {}),
            ...(view.stop !== undefined ? { stop: view.stop } : {}),
          },
          appUrl: new URL(/* @vite-ignore */ './', import.meta.url).href,
        }}
        onStore={(store) => this.#connect(store, config.settings.mode)}
      />,
    );
  }

  #connect(store: NetvizStore, mode: string | undefined): () => void {
    this.#store = store;
    const stop = watchSteps(
      store,
      (event) => {
        this.#last = event;
        const { event: name, ...detail } = event;
        this.dispatchEvent(new CustomEvent(name, { detail }));
        if (name === 'ready') this.#pending.splice(0).forEach((run) => run());
      },
      mode !== undefined ? { mode } : {},
    );
    return () => {
      stop();
      if (this.#store === store) this.#store = null;
    };
  }

  /** Reads the attributes (and the inline or linked manifests) with the link reader's checks. */
  async #configure(): Promise<Configuration> {
    const problems: string[] = [];
    const params = new URLSearchParams({ v: '1' });
    for (const [attribute, param] of Object.entries(LINK_ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value === null) continue;
      params.set(param, BOOLEAN_ATTRIBUTES.has(attribute) && value === '' ? '1' : value);
    }
    let decoded = decodeState(params.toString());
    if (!decoded.ok) {
      problems.push(decoded.error);
      decoded = decodeState('v=1');
    }
    const state = decoded.ok ? decoded.state : { v: 1 as const };
    let scenario: LinkScenario | undefined = state.scenario;
    // Upgraded while the parser is still inside it, the element may not have its children yet.
    if (document.readyState === 'loading') {
      await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
    }
    const inline = [...this.children].find(
      (c) => c instanceof HTMLScriptElement && c.type === 'application/yaml',
    );
    const src = this.getAttribute('src');
    if (inline) scenario = { kind: 'yaml', text: dedent(inline.textContent ?? '') };
    else if (src !== null) {
      try {
        const response = await fetch(new URL(src, document.baseURI));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        scenario = { kind: 'yaml', text: await response.text() };
      } catch (e) {
        problems.push(
          `src="${src.slice(0, 80)}" could not be read (${e instanceof Error ? e.message : 'error'})`,
        );
      }
    }
    let cluster = defaultCluster();
    let fellBack = problems.length > 0 && scenario === undefined && src !== null;
    if (scenario) {
      const loaded = await loadLinkScenario(scenario);
      if ('error' in loaded) {
        problems.push(`its cluster cannot be shown (${loaded.error})`);
        fellBack = true;
      } else {
        cluster = loaded.cluster;
        if (loaded.builtin !== undefined) rememberBuiltin(cluster, loaded.builtin);
      }
    }
    const notice =
      problems.length > 0 ? `<kube-netviz>: ${problems.join('; ')}; showing the default cluster` : null;
    if (notice !== null) console.warn(notice);
    // A request names pods of the cluster asked for: on the default cluster it keeps the default request.
    const settings: StartupSettings = {
      ...(state.request && !fellBack ? { request: state.request } : {}),
      ...(state.mode ? { mode: state.mode } : {}),
      ...(state.seed !== undefined ? { seed: state.seed } : {}),
      ...(state.step !== undefined ? { step: state.step } : {}),
    };
    return { cluster, settings, view: state.view ?? {}, notice };
  }
}

if (!customElements.get('kube-netviz')) customElements.define('kube-netviz', KubeNetvizElement);

declare global {
  interface HTMLElementTagNameMap {
    'kube-netviz': KubeNetvizElement;
  }
}
