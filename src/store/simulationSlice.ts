/**
 * The simulation: which request is traced under which kube-proxy mode, the trace the engine computed for it,
 * and a cursor over its steps. Playback is only a cursor: stepping back shows an earlier step, nothing is
 * undone. The engine runs to completion in the actions; the view's animation loop advances the cursor.
 */
import type { StateCreator } from 'zustand/vanilla';
import { DEFAULT_SEED } from '../engine/trace/constants';
import type { Trace, TraceRequest } from '../engine/trace/types';
import type { Cluster, IpvsScheduler, ProxyMode } from '../model/types';
import type { NetvizState } from './createNetvizStore';
import { currentEngine, loadEngine } from './engine';

export const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 4] as const;

export interface SimulationSlice {
  readonly request: TraceRequest;
  readonly mode: ProxyMode;
  readonly ipvsScheduler: IpvsScheduler;
  readonly seed: number;
  /** Endpoints (`ip:port`) whose pod is gone but still listed (failure scenarios). */
  readonly deadEndpoints: readonly string[];
  /** The current trace; null when the request could not be traced (see `traceError`). */
  readonly trace: Trace | null;
  readonly traceError: string | null;
  readonly cursor: number;
  readonly playing: boolean;
  /** Playback speed factor, 0.25–4. */
  readonly speed: number;
  /** A mode whose rules engine is still loading (the app loads modes on demand). */
  readonly loadingMode: ProxyMode | null;
  /** False until the packet engine has loaded (the first picture is drawn before it). */
  readonly engineReady: boolean;

  setMode(mode: ProxyMode): void;
  setIpvsScheduler(scheduler: IpvsScheduler): void;
  setRequest(request: Partial<TraceRequest>): void;
  /** Traces this request instead of the current one (nothing of the old request is kept). */
  replaceRequest(request: TraceRequest): void;
  setSeed(seed: number): void;
  setDeadEndpoints(endpoints: readonly string[]): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  stepForward(): void;
  stepBack(): void;
  restart(): void;
  goToEnd(): void;
  goTo(index: number): void;
  /** Jumps to the next / previous step that changes the packet or ends a phase (presentation clickers). */
  nextKeyStep(): void;
  previousKeyStep(): void;
  setSpeed(speed: number): void;
}

/** The request the seed notes tell: the client pod asks for web-svc by name. */
export function defaultRequest(cluster: Cluster): TraceRequest {
  const client =
    cluster.pods.find((p) => p.namespace === 'default' && p.name === 'client') ??
    cluster.pods.find((p) => p.podIP !== null && !p.hostNetwork);
  const target =
    cluster.services.find((s) => s.namespace === 'default' && s.name === 'web-svc') ??
    cluster.services.find((s) => s.clusterIP !== null && s.namespace === client?.namespace);
  return {
    from: { kind: 'pod', namespace: client?.namespace ?? 'default', name: client?.name ?? 'client' },
    to: target
      ? target.namespace === client?.namespace
        ? target.name
        : `${target.name}.${target.namespace}`
      : 'web-svc',
  };
}

interface TraceInputs {
  readonly cluster: Cluster;
  readonly request: TraceRequest;
  readonly mode: ProxyMode;
  readonly ipvsScheduler: IpvsScheduler;
  readonly seed: number;
  readonly deadEndpoints: readonly string[];
}

const schedulerCache = new WeakMap<Cluster, Map<IpvsScheduler, Cluster>>();

/**
 * The cluster as traced: in ipvs mode with a scheduler other than the cluster's, a copy carrying the chosen one
 * (one copy per cluster and scheduler, so the engine's per-cluster caches keep working).
 */
export function clusterForMode(cluster: Cluster, mode: ProxyMode, scheduler: IpvsScheduler): Cluster {
  if (mode !== 'ipvs' || scheduler === cluster.network.ipvsScheduler) return cluster;
  let byScheduler = schedulerCache.get(cluster);
  if (!byScheduler) {
    byScheduler = new Map();
    schedulerCache.set(cluster, byScheduler);
  }
  let copy = byScheduler.get(scheduler);
  if (!copy) {
    copy = { ...cluster, network: { ...cluster.network, ipvsScheduler: scheduler } };
    byScheduler.set(scheduler, copy);
  }
  return copy;
}

/**
 * Runs the engine; a request the engine refuses becomes an error message, never an exception. Before the
 * engine has loaded there is no trace yet (and no error).
 */
export function computeTrace(inputs: TraceInputs): { trace: Trace | null; traceError: string | null } {
  const engine = currentEngine();
  if (!engine) return { trace: null, traceError: null };
  const cluster = clusterForMode(inputs.cluster, inputs.mode, inputs.ipvsScheduler);
  if (!engine.isProxyModeLoaded(inputs.mode)) return { trace: null, traceError: null };
  try {
    return {
      trace: engine.trace(cluster, inputs.request, {
        mode: inputs.mode,
        seed: inputs.seed,
        deadEndpoints: inputs.deadEndpoints,
      }),
      traceError: null,
    };
  } catch (e) {
    if (e instanceof engine.TraceInputError) return { trace: null, traceError: e.message };
    throw e;
  }
}

/** A step that matters: it rewrites the packet, drops it, delivers it, or answers DNS. */
export function isKeyStep(t: Trace, index: number): boolean {
  const s = t.steps[index];
  if (!s) return false;
  return (
    s.rewrite !== undefined ||
    s.kind === 'drop' ||
    s.kind === 'deliver' ||
    s.kind === 'dns-answer' ||
    s.kind === 'userspace' ||
    index === 0 ||
    index === t.steps.length - 1
  );
}

/**
 * Where the cursor should land in a new trace so that the viewer keeps their place: the same phase, at the
 * same key moment (the trap) when the old cursor was on one, otherwise at the same relative position.
 */
export function carryCursor(old: Trace | null, cursor: number, next: Trace | null): number {
  if (!next || next.steps.length === 0) return 0;
  if (!old || cursor <= 0) return 0;
  const step = old.steps[cursor];
  if (!step) return Math.min(cursor, next.steps.length - 1);
  const oldPhase = old.steps.filter((s) => s.phase === step.phase);
  const newPhase = next.steps.filter((s) => s.phase === step.phase);
  if (newPhase.length === 0) return Math.min(cursor, next.steps.length - 1);
  if (step.rewrite && step.kind !== 'conntrack') {
    const trap = newPhase.find((s) => s.rewrite && s.kind !== 'conntrack');
    if (trap) return trap.index;
  }
  const position = oldPhase.findIndex((s) => s.index === cursor) / Math.max(1, oldPhase.length - 1);
  const target = newPhase[Math.round(position * (newPhase.length - 1))];
  return target?.index ?? newPhase[0]?.index ?? 0;
}

export const createSimulationSlice =
  (initial: Cluster): StateCreator<NetvizState, [], [], SimulationSlice> =>
  (set, get) => {
    const request = defaultRequest(initial);
    const mode = initial.network.proxyMode;
    const ipvsScheduler = initial.network.ipvsScheduler;
    const first = computeTrace({
      cluster: initial,
      request,
      mode,
      ipvsScheduler,
      seed: DEFAULT_SEED,
      deadEndpoints: [],
    });

    /** Re-traces after a change, keeping the viewer's place. */
    const retrace = (changes: Partial<TraceInputs>) => {
      const s = get();
      const inputs: TraceInputs = {
        cluster: changes.cluster ?? s.cluster,
        request: changes.request ?? s.request,
        mode: changes.mode ?? s.mode,
        ipvsScheduler: changes.ipvsScheduler ?? s.ipvsScheduler,
        seed: changes.seed ?? s.seed,
        deadEndpoints: changes.deadEndpoints ?? s.deadEndpoints,
      };
      const next = computeTrace(inputs);
      set({
        ...changes,
        ...next,
        cursor: carryCursor(s.trace, s.cursor, next.trace),
        playing: s.playing && next.trace !== null,
      });
    };
    const last = () => Math.max(0, (get().trace?.steps.length ?? 1) - 1);
    const clamp = (i: number) => Math.max(0, Math.min(last(), Math.round(i)));

    // The first picture needs no engine; the trace follows as soon as the engine (and the mode) have loaded.
    if (first.trace === null && first.traceError === null) {
      void loadEngine()
        .then((e) => e.loadProxyMode(get().mode))
        .then(
          () => {
            set({ engineReady: true });
            retrace({});
          },
          (e: unknown) => set({ traceError: `could not load the packet engine: ${String(e)}` }),
        );
    }

    return {
      request,
      mode,
      ipvsScheduler,
      seed: DEFAULT_SEED,
      deadEndpoints: [],
      ...first,
      cursor: 0,
      playing: false,
      speed: 1,
      loadingMode: null,
      engineReady: currentEngine() !== null,

      setMode: (m) => {
        const engine = currentEngine();
        if (engine?.isProxyModeLoaded(m) === true) {
          set({ loadingMode: null });
          retrace({ mode: m });
          return;
        }
        set({ loadingMode: m });
        void loadEngine()
          .then((e) => e.loadProxyMode(m))
          .then(
            () => {
              // Only if the user still wants that mode once it has arrived.
              if (get().loadingMode === m) {
                set({ loadingMode: null });
                retrace({ mode: m });
              }
            },
            (e: unknown) =>
              set({ loadingMode: null, traceError: `could not load the ${m} mode: ${String(e)}` }),
          );
      },
      setIpvsScheduler: (scheduler) => retrace({ ipvsScheduler: scheduler }),
      setRequest: (partial) => retrace({ request: { ...get().request, ...partial } }),
      replaceRequest: (request) => retrace({ request }),
      setSeed: (seed) => retrace({ seed: seed >>> 0 }),
      setDeadEndpoints: (endpoints) => retrace({ deadEndpoints: [...endpoints] }),
      play: () => {
        if (!get().trace) return;
        // Playing from the end starts over, as a media player does.
        if (get().cursor >= last()) set({ cursor: 0 });
        set({ playing: true });
      },
      pause: () => set({ playing: false }),
      togglePlay: () => (get().playing ? get().pause() : get().play()),
      stepForward: () => {
        const next = clamp(get().cursor + 1);
        set({ cursor: next, playing: get().playing && next < last() });
      },
      stepBack: () => set({ cursor: clamp(get().cursor - 1), playing: false }),
      restart: () => set({ cursor: 0, playing: false }),
      goToEnd: () => set({ cursor: last(), playing: false }),
      goTo: (index) => set({ cursor: clamp(index), playing: false }),
      nextKeyStep: () => {
        const t = get().trace;
        if (!t) return;
        let i = get().cursor + 1;
        while (i < t.steps.length - 1 && !isKeyStep(t, i)) i += 1;
        set({ cursor: clamp(i), playing: false });
      },
      previousKeyStep: () => {
        const t = get().trace;
        if (!t) return;
        let i = get().cursor - 1;
        while (i > 0 && !isKeyStep(t, i)) i -= 1;
        set({ cursor: clamp(i), playing: false });
      },
      setSpeed: (speed) => set({ speed: Math.min(4, Math.max(0.25, speed)) }),
    };
  };

/** Keeps the trace in step with the cluster: called by the cluster slice when the cluster changes. */
export function retraceForCluster(
  get: () => NetvizState,
  set: (p: Partial<NetvizState>) => void,
  cluster: Cluster,
) {
  const s = get();
  const request = s.request;
  const next = computeTrace({
    cluster,
    request,
    mode: s.mode,
    ipvsScheduler: s.ipvsScheduler,
    seed: s.seed,
    deadEndpoints: s.deadEndpoints,
  });
  set({ ...next, cursor: carryCursor(s.trace, s.cursor, next.trace) });
}
