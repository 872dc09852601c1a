/**
 * The scale figures for the panel, computed progressively and kept for the session: in a Web Worker when the
 * browser has them, else on the main thread one figure at a time, yielding between figures.
 */
import type { ScaleFigure } from '../../../engine/scale';
import type { ProxyMode } from '../../../model/types';

export interface ScaleRequest {
  readonly counts: readonly number[];
  readonly modes: readonly ProxyMode[];
}

export type ScaleMessage =
  | { readonly kind: 'figure'; readonly figure: ScaleFigure }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly message: string };

export const SCALE_COUNTS: readonly number[] = [10, 100, 1000, 10000];
export const SCALE_MODES: readonly ProxyMode[] = ['userspace', 'iptables', 'ipvs', 'nftables'];

export interface ScaleProgress {
  readonly figures: readonly ScaleFigure[];
  readonly total: number;
  readonly done: boolean;
  readonly error?: string;
}

type Listener = (progress: ScaleProgress) => void;

let state: ScaleProgress | null = null;
const listeners = new Set<Listener>();

function publish(next: ScaleProgress): void {
  state = next;
  for (const l of listeners) l(next);
}

/** Starts computing once per session (again after an error); `listener` hears every new figure. */
export function watchScaleFigures(listener: Listener): () => void {
  listeners.add(listener);
  if (state === null || state.error !== undefined) start();
  else listener(state);
  return () => listeners.delete(listener);
}

function start(): void {
  const request: ScaleRequest = { counts: SCALE_COUNTS, modes: SCALE_MODES };
  const total = request.counts.length * request.modes.length;
  const figures: ScaleFigure[] = [];
  publish({ figures, total, done: false });
  const onMessage = (m: ScaleMessage) => {
    if (m.kind === 'figure') {
      figures.push(m.figure);
      publish({ figures: [...figures], total, done: false });
    } else if (m.kind === 'done') {
      publish({ figures: [...figures], total, done: true });
    } else {
      publish({ figures: [...figures], total, done: true, error: m.message });
    }
  };
  if (typeof Worker !== 'undefined') {
    const worker = new Worker(new URL('./scale.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (e: MessageEvent<ScaleMessage>) => {
      onMessage(e.data);
      if (e.data.kind !== 'figure') worker.terminate();
    });
    worker.addEventListener('error', (e) => {
      onMessage({ kind: 'error', message: e.message || 'the scale worker failed' });
      worker.terminate();
    });
    worker.postMessage(request);
  } else {
    void onMainThread(request, onMessage);
  }
}

async function onMainThread(request: ScaleRequest, onMessage: (m: ScaleMessage) => void): Promise<void> {
  try {
    const [{ scaleFigureSteps }, { loadProxyMode }] = await Promise.all([
      import('../../../engine/scale'),
      import('../../../engine/proxy'),
    ]);
    await Promise.all(request.modes.map(loadProxyMode));
    for (const figure of scaleFigureSteps(request.counts, request.modes)) {
      onMessage({ kind: 'figure', figure });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    onMessage({ kind: 'done' });
  } catch (error) {
    onMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}
