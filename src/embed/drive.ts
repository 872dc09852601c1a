/**
 * The embed API against one store: commands run the same actions the keys and buttons run (store/actions.ts),
 * a clip keeps the cursor within [start, stop], and the cursor's moves are reported as events. No DOM and no
 * React: the iframe bridge and the `<kube-netviz>` element both use this.
 */
import { actionById, type NetvizState, type NetvizStore } from '../store';
import type { EmbedCommand, StepEvent } from './messages';

/** Runs a checked command. Steps outside a clip are pulled back into it by `clipPlayback`. */
export function runCommand(store: NetvizStore, command: EmbedCommand): void {
  const s = store.getState();
  switch (command.command) {
    case 'play':
      if (!s.playing) actionById('togglePlay')?.run(s);
      return;
    case 'pause':
      if (s.playing) actionById('togglePlay')?.run(s);
      return;
    case 'step':
      actionById(command.direction === 'back' ? 'stepBack' : 'stepForward')?.run(s);
      return;
    case 'goto':
      s.goTo(command.step);
      return;
    case 'setMode':
      actionById(`mode:${command.mode}`)?.run(s);
      return;
    case 'setRequest':
      // A whole new request: a port or protocol the command leaves out is the Service's default, not the
      // previous request's.
      s.setRequest({ port: undefined, protocol: undefined, ...command.request });
      return;
  }
}

export interface Clip {
  readonly start?: number;
  readonly stop?: number;
}

/**
 * Plays only steps start…stop (inclusive, clamped to the trace): the cursor is pulled into the clip, playback
 * pauses at its end, and Play at its end starts the clip over (as Play at the end of a trace does).
 */
export function clipPlayback(store: NetvizStore, clip: Clip): () => void {
  if (clip.start === undefined && clip.stop === undefined) return () => undefined;
  let wasPlaying = store.getState().playing;
  const keepInside = (s: NetvizState) => {
    const startedNow = s.playing && !wasPlaying;
    wasPlaying = s.playing;
    const trace = s.trace;
    if (!trace || trace.steps.length === 0) return;
    const last = trace.steps.length - 1;
    const lo = Math.min(clip.start ?? 0, last);
    const hi = Math.max(lo, Math.min(clip.stop ?? last, last));
    if (startedNow && s.cursor >= hi) store.setState({ cursor: lo });
    else if (s.cursor < lo) store.setState({ cursor: lo });
    else if (s.cursor > hi || (s.playing && s.cursor === hi)) {
      store.setState({ cursor: hi, playing: false });
      wasPlaying = false;
    }
  };
  keepInside(store.getState());
  return store.subscribe(keepInside);
}

/** The cursor as an event (null while there is no trace to report). */
export function stepEvent(s: NetvizState, event: StepEvent['event']): StepEvent | null {
  const trace = s.trace;
  const step = trace?.steps[s.cursor];
  if (!trace || !step) return null;
  return { event, step: s.cursor, steps: trace.steps.length, caption: step.caption, mode: s.mode };
}

/** True once the trace shown is the one asked for (engine loaded, no mode still loading). */
function settled(s: NetvizState, mode: string | undefined): boolean {
  if (s.traceError !== null) return true;
  return s.trace !== null && s.loadingMode === null && (mode === undefined || s.mode === mode);
}

/**
 * Reports `ready` once the first wanted trace is shown (after the start-up step has been applied), then
 * `stepchange` whenever the step, the trace or the mode changes. Events are sent after the store's own
 * subscribers have run (a microtask later), so they say where the cursor came to rest.
 */
export function watchSteps(
  store: NetvizStore,
  send: (event: StepEvent) => void,
  options: { readonly mode?: string } = {},
): () => void {
  let ready = false;
  let scheduled = false;
  let last: { cursor: number; trace: unknown; mode: string } | null = null;
  let stopped = false;
  const flush = () => {
    scheduled = false;
    if (stopped) return;
    const s = store.getState();
    const kind = ready ? 'stepchange' : 'ready';
    if (!ready && !settled(s, options.mode)) return;
    if (ready && last && last.cursor === s.cursor && last.trace === s.trace && last.mode === s.mode) return;
    const event = stepEvent(s, kind);
    ready = true;
    last = { cursor: s.cursor, trace: s.trace, mode: s.mode };
    if (event) send(event);
    else if (kind === 'ready')
      send({ event: 'ready', step: 0, steps: 0, caption: s.traceError ?? '', mode: s.mode });
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  };
  schedule();
  const unsubscribe = store.subscribe(schedule);
  return () => {
    stopped = true;
    unsubscribe();
  };
}
