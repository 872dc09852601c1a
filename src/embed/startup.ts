/**
 * What the page's URL asks for at start-up: `?generate=NxP` (a generated cluster, for trying the view at
 * scale), or a link to an exact moment (see urlState.ts: scenario, request, mode, scheduler, seed, step).
 * With neither, the work autosave kept in this browser comes back. What cannot be read falls back to the
 * default cluster with a notice, never in silence.
 */
import type { TraceRequest } from '../engine/trace/types';
import type { Cluster, IpvsScheduler, ProxyMode } from '../model/types';
import { defaultCluster } from '../scenarios';
import { scenarioMeta, type PanelId } from '../scenarios/catalog';
import type { StepMatcher } from '../scenarios/keyStep';
import { readSaved, STORAGE_KEY, type StorageAdapter } from '../store/persistence';
import { playableStops, tourById } from '../scenarios/tours';
import type { LinkScenario, LinkTour } from './urlState';

/** Store settings to apply once the store exists (each left out keeps the store's default). */
export interface StartupSettings {
  readonly request?: TraceRequest;
  readonly mode?: ProxyMode;
  readonly scheduler?: IpvsScheduler;
  readonly seed?: number;
  /** The step to show, once the trace exists. */
  readonly step?: number;
  /** The step to show, described by what happens there (a scenario's or tour stop's key step); `step` wins. */
  readonly keyStep?: StepMatcher;
  /** Endpoints whose pod is gone but still listed (a failure scenario's). */
  readonly deadEndpoints?: readonly string[];
  /** The explorer panel a scenario opens with (`?scenario=registration`). */
  readonly panel?: PanelId;
  /** A guided tour to play from one of its stops (index into its playable stops). */
  readonly tour?: { readonly id: string; readonly stop: number };
}

export interface Startup {
  readonly cluster: Cluster;
  /** A problem with the URL or the saved work, said plainly; the default cluster is shown instead. */
  readonly notice: string | null;
  /** The built-in scenario `cluster` is, when it is one (links then name it instead of carrying YAML). */
  readonly builtin?: string;
  readonly settings?: StartupSettings;
  /** The text of a saved work that could not be read: offered as a download, never dropped. */
  readonly damagedSave?: string;
}

/** The parameters that make a URL a kube-netviz link (urlState.ts owns them). */
const LINK_PARAMS = [
  'v', 'scenario', 'c', 'from', 'to', 'port', 'proto', 'http-host', 'http-path', 'mode', 'sched', 'seed', 'step',
  'tour',
]; // prettier-ignore

const DEFAULT: Startup = { cluster: defaultCluster(), notice: null, builtin: 'default' };

/**
 * Reads the URL (and, with no link in it, the saved work in `storage`); what only some users ask for (a
 * generated cluster or a custom one needs IPAM) loads on demand.
 */
export async function startupFromSearch(search: string, storage?: StorageAdapter | null): Promise<Startup> {
  const params = new URLSearchParams(search);
  const spec = params.get('generate');
  if (spec !== null) return generated(spec);
  if (LINK_PARAMS.some((p) => params.has(p))) return fromLink(search);
  if (storage) return fromSave(storage);
  return DEFAULT;
}

async function generated(spec: string): Promise<Startup> {
  const { generateCluster, parseGenerateSpec } = await import('../scenarios/generated');
  const options = parseGenerateSpec(spec);
  if (!options) {
    return {
      cluster: defaultCluster(),
      notice: `?generate=${spec.slice(0, 40)} is not NODESxPODS (e.g. 50x20); showing the default cluster`,
    };
  }
  try {
    return { cluster: generateCluster(options), notice: null };
  } catch (e) {
    return { cluster: defaultCluster(), notice: `${(e as Error).message}; showing the default cluster` };
  }
}

async function fromLink(search: string): Promise<Startup> {
  // The link reader (and lz-string) loads only when the URL is a link: the first visit does not carry it.
  const { decodeState } = await import('./urlState');
  const decoded = decodeState(search);
  if (!decoded.ok) {
    return { ...DEFAULT, notice: `This link is damaged (${decoded.error}); showing the default cluster` };
  }
  if (decoded.state.tour) return fromTourLink(decoded.state.tour);
  const { scenario, request, mode, scheduler, seed, step } = decoded.state;
  const loaded = scenario
    ? await loadLinkScenario(scenario)
    : { cluster: defaultCluster(), builtin: 'default' };
  if ('error' in loaded) {
    return {
      ...DEFAULT,
      notice: `This link's cluster cannot be shown (${loaded.error}); showing the default cluster`,
    };
  }
  return {
    cluster: loaded.cluster,
    notice: null,
    ...(loaded.builtin !== undefined ? { builtin: loaded.builtin } : {}),
    settings: {
      ...scenarioDefaults(loaded.builtin, decoded.state),
      ...(request ? { request } : {}),
      ...(mode ? { mode } : {}),
      ...(scheduler ? { scheduler } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(step !== undefined ? { step } : {}),
    },
  };
}

/**
 * A link that names a built-in scenario and no request (`?scenario=nodeport`) opens it as the picker does:
 * its request, mode, dead endpoints, key step and panel (catalog.ts); whatever the link does carry wins.
 */
function scenarioDefaults(
  builtin: string | undefined,
  state: { readonly request?: TraceRequest; readonly step?: number },
): StartupSettings {
  const meta = builtin !== undefined ? scenarioMeta(builtin) : undefined;
  if (!meta) return {};
  // The scenario's panel opens whatever the link carries (a copied link of the registration story too).
  const panel = meta.panel ? { panel: meta.panel } : {};
  if (state.request) return panel;
  return {
    ...(meta.request ? { request: meta.request } : {}),
    ...(meta.mode ? { mode: meta.mode } : {}),
    ...(meta.deadEndpoints ? { deadEndpoints: meta.deadEndpoints } : {}),
    ...(meta.keyStep && state.step === undefined ? { keyStep: meta.keyStep } : {}),
    ...panel,
  };
}

/**
 * A tour link opens the tour at its stop: the stop's scenario is loaded here (so the first picture is already
 * the stop's cluster); the tour player then applies the stop's request, mode and step.
 */
async function fromTourLink(link: LinkTour): Promise<Startup> {
  const tour = tourById(link.id);
  const stops = tour ? playableStops(tour) : [];
  if (!tour || stops.length === 0) {
    return { ...DEFAULT, notice: `There is no tour "${link.id.slice(0, 40)}"; showing the default cluster` };
  }
  const stop = Math.min(link.stop, stops.length) - 1;
  const notice =
    link.stop > stops.length
      ? `The tour "${tour.id}" has ${stops.length} stops, not ${link.stop}; showing the last one`
      : null;
  const loaded = await loadLinkScenario({ kind: 'builtin', id: stops[stop]?.scenario ?? 'default' });
  if ('error' in loaded) {
    return {
      ...DEFAULT,
      notice: `This tour stop cannot be shown (${loaded.error}); showing the default cluster`,
    };
  }
  return {
    cluster: loaded.cluster,
    notice,
    builtin: loaded.builtin ?? 'default',
    settings: { tour: { id: tour.id, stop } },
  };
}

async function fromSave(storage: StorageAdapter): Promise<Startup> {
  const saved = readSaved(storage);
  if (saved.kind === 'none') return DEFAULT;
  if (saved.kind === 'corrupt') {
    return {
      ...DEFAULT,
      notice: `Your saved work could not be read (${saved.error}); showing the default cluster`,
      damagedSave: saved.raw,
    };
  }
  const s = saved.saved;
  // What is restored is work: a cluster the user imported or picked. The default demo starts afresh on every
  // visit (step 1, its own mode), as a presenter reloading it expects.
  if ('builtin' in s.scenario && s.scenario.builtin === 'default') return DEFAULT;
  const scenario: LinkScenario =
    'yaml' in s.scenario
      ? { kind: 'yaml', text: s.scenario.yaml }
      : { kind: 'builtin', id: s.scenario.builtin };
  const loaded = await loadLinkScenario(scenario);
  if ('error' in loaded) {
    return {
      ...DEFAULT,
      notice: `Your saved cluster cannot be shown (${loaded.error}); showing the default cluster`,
      damagedSave: serialize(storage),
    };
  }
  return {
    cluster: loaded.cluster,
    notice: null,
    ...(loaded.builtin !== undefined ? { builtin: loaded.builtin } : {}),
    settings: {
      ...(s.request ? { request: s.request } : {}),
      mode: s.mode,
      scheduler: s.scheduler,
      seed: s.seed,
      step: s.cursor,
    },
  };
}

function serialize(storage: StorageAdapter): string {
  try {
    return storage.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

type Loaded = { readonly cluster: Cluster; readonly builtin?: string } | { readonly error: string };

/** A built-in scenario by id, or a custom one read and resolved as an import would be. */
export async function loadLinkScenario(scenario: LinkScenario): Promise<Loaded> {
  if (scenario.kind === 'builtin') {
    if (scenario.id === 'default') return { cluster: defaultCluster(), builtin: 'default' };
    const { scenarios, loadScenario } = await import('../scenarios/load');
    if (!scenarios.some((s) => s.id === scenario.id)) {
      return { error: `there is no built-in scenario "${scenario.id.slice(0, 40)}"` };
    }
    return { cluster: loadScenario(scenario.id), builtin: scenario.id };
  }
  const [{ importManifests }, { resolveCluster }] = await Promise.all([
    import('../manifests'),
    import('../model/resolve'),
  ]);
  const read = await importManifests(scenario.text);
  if (read.errors.length > 0) return { error: read.errors.map((e) => e.describe()).join('; ') };
  const resolved = resolveCluster(read.draft);
  if (!resolved.ok) return { error: resolved.errors.map((e) => e.describe()).join('; ') };
  return { cluster: resolved.cluster };
}
