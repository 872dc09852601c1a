/**
 * The speaker notes' second window: the presenter's app and a window opened on the same app with `?notes`
 * talk over a BroadcastChannel (same origin only). The app sends what the notes show whenever it changes; the
 * notes window asks for it when it opens and sends back the presenter's keys (a laptop screen with the notes
 * can drive the projector's picture).
 */
import { useEffect } from 'react';
import { playableStops, tourById } from '../../scenarios/tours';
import { actionById, type NetvizState } from '../../store';
import { useNetvizStore } from '../NetvizContext';

export const NOTES_CHANNEL = 'kube-netviz-speaker-notes';

export interface NotesContent {
  readonly type: 'notes';
  /** The app that sent it (several may be open; a notes window follows the one that opened it). */
  readonly from?: string;
  readonly step: {
    readonly position: string;
    readonly phase: string;
    readonly caption: string;
    readonly detail?: string;
  } | null;
  readonly next: string | null;
  readonly stop: { readonly position: string; readonly caption: string; readonly notes: string } | null;
}

/**
 * What the notes window sends: hello (send me the notes) or an action to run (see store/actions.ts), to the
 * app `to` (any app when left out).
 */
export type NotesRequest =
  | { readonly type: 'hello'; readonly to?: string }
  | { readonly type: 'action'; readonly id: string; readonly to?: string };

const presenterIds = new WeakMap<object, string>();

/** A name for this app (its store) on the channel. */
export function presenterIdOf(store: object): string {
  let id = presenterIds.get(store);
  if (id === undefined) {
    id = Math.random().toString(36).slice(2, 10);
    presenterIds.set(store, id);
  }
  return id;
}

/** Actions the notes window may run in the presenter's app. */
export const REMOTE_ACTIONS = new Set([
  'nextKeyStep',
  'previousKeyStep',
  'stepForward',
  'stepBack',
  'blank',
  'togglePlay',
]);

export function notesOf(s: NetvizState): NotesContent {
  const step = s.trace?.steps[s.cursor];
  const next = s.trace?.steps[s.cursor + 1];
  const tour = s.tour ? tourById(s.tour.id) : undefined;
  const stops = tour ? playableStops(tour) : [];
  const stop = s.tour ? stops[s.tour.stop] : undefined;
  return {
    type: 'notes',
    step:
      step && s.trace
        ? {
            position: `Step ${s.cursor + 1} of ${s.trace.steps.length}`,
            phase: step.phase,
            caption: step.caption,
            ...(step.detail !== undefined ? { detail: step.detail } : {}),
          }
        : null,
    next: next?.caption ?? null,
    stop:
      stop && s.tour
        ? {
            position: `Tour stop ${s.tour.stop + 1} of ${stops.length}`,
            caption: stop.caption,
            notes: stop.notes,
          }
        : null,
  };
}

function isRequest(data: unknown): data is NotesRequest {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  if (d.to !== undefined && typeof d.to !== 'string') return false;
  return d.type === 'hello' || (d.type === 'action' && typeof d.id === 'string');
}

/** The presenter's side: answers the notes window and keeps it in step with the store. */
export function useNotesBroadcast(): void {
  const store = useNetvizStore();
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(NOTES_CHANNEL);
    const from = presenterIdOf(store);
    const send = () => channel.postMessage({ ...notesOf(store.getState()), from });
    channel.onmessage = (e: MessageEvent) => {
      if (!isRequest(e.data) || (e.data.to !== undefined && e.data.to !== from)) return;
      if (e.data.type === 'hello') send();
      else if (REMOTE_ACTIONS.has(e.data.id)) actionById(e.data.id)?.run(store.getState());
    };
    let last = JSON.stringify(notesOf(store.getState()));
    const unsubscribe = store.subscribe((s) => {
      const now = JSON.stringify(notesOf(s));
      if (now === last) return;
      last = now;
      send();
    });
    return () => {
      unsubscribe();
      channel.close();
    };
  }, [store]);
}

/** Opens the notes window: the same app with `?notes=<this app's name>`. */
export function openNotesWindow(store: object): void {
  const url = new URL(window.location.href);
  url.search = `?notes=${presenterIdOf(store)}`;
  window.open(url.href, 'kube-netviz-notes', 'popup,width=560,height=720');
}
