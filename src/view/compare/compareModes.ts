/** The current request traced in every kube-proxy mode, for side-by-side comparison. Pure, no React. */
import { isProxyModeLoaded, loadProxyMode, PROXY_MODES } from '../../engine/proxy';
import {
  summarizeTrace,
  type Step,
  type Trace,
  type TraceRequest,
  type TraceSummary,
} from '../../engine/trace';
import type { Cluster, IpvsScheduler, ProxyMode } from '../../model/types';
import { computeTrace } from '../../store';

export interface CompareInputs {
  readonly cluster: Cluster;
  readonly request: TraceRequest;
  readonly ipvsScheduler: IpvsScheduler;
  readonly seed: number;
  readonly deadEndpoints: readonly string[];
}

export interface ModeColumn {
  readonly mode: ProxyMode;
  readonly trace: Trace | null;
  readonly error: string | null;
  readonly summary: TraceSummary | null;
  /** The request's trap: where the Service address is rewritten (or redirected to kube-proxy). */
  readonly trap: Step | null;
  /** Userspace kube-proxy's failed attempt, followed by another endpoint. */
  readonly retry: Step | null;
  /** The endpoints treated as dead in this column. */
  readonly deadEndpoints: readonly string[];
}

/** The first rewrite of the request phase that is not conntrack's: DNAT, REDIRECT or IPVS. */
export function trapStep(t: Trace): Step | null {
  return (
    t.steps.find((s) => s.phase === 'request' && s.rewrite !== undefined && s.kind !== 'conntrack') ?? null
  );
}

function column(mode: ProxyMode, inputs: CompareInputs, deadEndpoints: readonly string[]): ModeColumn {
  const { trace, traceError } = computeTrace({ ...inputs, mode, deadEndpoints });
  return {
    mode,
    trace,
    error: traceError,
    summary: trace ? summarizeTrace(trace) : null,
    trap: trace ? trapStep(trace) : null,
    retry: trace?.steps.find((s) => s.retry === true) ?? null,
    deadEndpoints,
  };
}

/**
 * One column per mode. With `backendDies`, each mode's column kills the backend that mode would have picked
 * (the modes choose differently from the same seed), so every mode meets a dead endpoint: the kernel modes
 * send to it all the same, userspace kube-proxy notices the failed connect and tries another.
 */
export function compareModes(inputs: CompareInputs, backendDies: boolean): readonly ModeColumn[] {
  return PROXY_MODES.map((mode) => {
    if (!backendDies) return column(mode, inputs, inputs.deadEndpoints);
    const healthy = column(mode, inputs, []);
    const backend = healthy.trace?.resolved?.backend;
    return backend ? column(mode, inputs, [`${backend.ip}:${backend.port}`]) : healthy;
  });
}

/** Rules walked at the trap's hook: the list kube-proxy's rules make the packet pass before it matches. */
export function rulesAtTrap(c: ModeColumn): number | null {
  return c.trap?.walked?.length ?? null;
}

export interface Figure {
  readonly key: keyof Omit<TraceSummary, 'steps'>;
  readonly label: string;
}

export const FIGURES: readonly Figure[] = [
  { key: 'hops', label: 'Hops' },
  { key: 'kernelUserCopies', label: 'Kernel↔user copies' },
  { key: 'rulesEvaluated', label: 'Rules evaluated' },
  { key: 'rewrites', label: 'Rewrites' },
  { key: 'retries', label: 'Retries' },
];

/** The app loads modes other than iptables on demand; comparing needs all four. */
export function areAllModesLoaded(): boolean {
  return PROXY_MODES.every(isProxyModeLoaded);
}

export async function loadAllModes(): Promise<void> {
  await Promise.all(PROXY_MODES.map(loadProxyMode));
}
