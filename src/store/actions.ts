/**
 * Named actions with their keyboard shortcuts declared beside them, so keys, buttons, links and the embed API
 * all call the same thing. Keys are `KeyboardEvent.key` values; presentation clickers send PageUp/PageDown.
 */
import type { ProxyMode } from '../model/types';
import type { NetvizState } from './createNetvizStore';
import { tourLength } from './presentSlice';

export interface Action {
  readonly id: string;
  /** The accessible name of the button that runs it. */
  readonly label: string;
  readonly keys: readonly string[];
  run(state: NetvizState): void;
}

const modeAction = (mode: ProxyMode, key: string): Action => ({
  id: `mode:${mode}`,
  label: `Proxy mode ${mode}`,
  keys: [key],
  run: (s) => s.setMode(mode),
});

export const ACTIONS: readonly Action[] = [
  { id: 'togglePlay', label: 'Play', keys: [' ', 'k'], run: (s) => s.togglePlay() },
  { id: 'stepForward', label: 'Step forward', keys: ['ArrowRight', 'l'], run: (s) => s.stepForward() },
  { id: 'stepBack', label: 'Step back', keys: ['ArrowLeft', 'j'], run: (s) => s.stepBack() },
  { id: 'restart', label: 'Restart', keys: ['Home'], run: (s) => s.restart() },
  { id: 'goToEnd', label: 'Go to the last step', keys: ['End'], run: (s) => s.goToEnd() },
  { id: 'nextKeyStep', label: 'Next key step', keys: ['PageDown'], run: nextKeyStepOrStop },
  { id: 'previousKeyStep', label: 'Previous key step', keys: ['PageUp'], run: previousKeyStepOrStop },
  {
    id: 'clearSelection',
    label: 'Clear the selection',
    keys: ['Escape'],
    // Escape first leaves presenter mode, as in slide software.
    run: (s) => (s.presenting ? s.setPresenting(false) : s.select(null)),
  },
  { id: 'present', label: 'Present', keys: ['p'], run: (s) => s.setPresenting(!s.presenting) },
  // Clickers' "blank screen" button sends B or a full stop, as slide software expects.
  { id: 'blank', label: 'Blank the screen', keys: ['b', '.'], run: (s) => s.setBlanked(!s.blanked) },
  { id: 'notes', label: 'Speaker notes', keys: ['n'], run: (s) => s.toggleNotes() },
  { id: 'highContrast', label: 'High contrast', keys: ['h'], run: (s) => s.toggleHighContrast() },
  modeAction('userspace', '1'),
  modeAction('iptables', '2'),
  modeAction('ipvs', '3'),
  modeAction('nftables', '4'),
];

/**
 * Undo and redo of cluster changes take the platform's chords (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y; ⌘ on a Mac),
 * so they are matched by `historyActionFor`, not by the plain keys above.
 */
export const HISTORY_ACTIONS = {
  undo: { id: 'undo', label: 'Undo', keys: ['Ctrl+Z'], run: (s: NetvizState) => s.undo() },
  redo: { id: 'redo', label: 'Redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], run: (s: NetvizState) => s.redo() },
} as const satisfies Record<string, Action>;

/** The history action a key chord runs: Ctrl/⌘+Z undo; Ctrl/⌘+Shift+Z and Ctrl+Y redo. */
export function historyActionFor(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}): Action | undefined {
  if (e.altKey || !(e.ctrlKey || e.metaKey)) return undefined;
  const key = e.key.toLowerCase();
  if (key === 'z') return e.shiftKey ? HISTORY_ACTIONS.redo : HISTORY_ACTIONS.undo;
  if (key === 'y' && e.ctrlKey && !e.shiftKey) return HISTORY_ACTIONS.redo;
  return undefined;
}

/** A clicker runs a whole tour: presenting, Page Down at the end of a stop's trace opens the next stop. */
function nextKeyStepOrStop(s: NetvizState): void {
  const last = (s.trace?.steps.length ?? 0) - 1;
  if (s.presenting && s.tour && s.cursor >= last && s.tour.stop < tourLength(s) - 1) {
    s.goToStop(s.tour.stop + 1);
  } else s.nextKeyStep();
}

/** …and Page Up at the start of a stop's trace goes back to the previous stop. */
function previousKeyStepOrStop(s: NetvizState): void {
  if (s.presenting && s.tour && s.cursor <= 0 && s.tour.stop > 0) s.goToStop(s.tour.stop - 1);
  else s.previousKeyStep();
}

const byKey = new Map(ACTIONS.flatMap((a) => a.keys.map((k) => [k, a] as const)));

/** The action a key runs, if any. */
export function actionForKey(key: string): Action | undefined {
  return byKey.get(key);
}

export function actionById(id: string): Action | undefined {
  return ACTIONS.find((a) => a.id === id);
}
