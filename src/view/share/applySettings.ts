import { useEffect } from 'react';
import type { StartupSettings } from '../../embed/startup';
import type { NetvizStore } from '../../store';
import { findKeyStep } from '../../scenarios/keyStep';
import { useNetvizStore } from '../NetvizContext';

/**
 * Puts a link's (or a save's) settings into the store. The step waits for the trace: the engine and the
 * mode's rules load after the first picture, so it is applied once a trace for the wanted mode exists.
 * Returns the cleanup (stop waiting).
 */
export function applySettings(store: NetvizStore, settings: StartupSettings): () => void {
  const s = store.getState();
  // A tour link: the tour player opens the stop (its request, mode and step).
  if (settings.tour) s.startTour(settings.tour.id, settings.tour.stop);
  if (settings.request) s.setRequest(settings.request);
  if (settings.scheduler) s.setIpvsScheduler(settings.scheduler);
  if (settings.seed !== undefined) s.setSeed(settings.seed);
  if (settings.deadEndpoints) s.setDeadEndpoints(settings.deadEndpoints);
  if (settings.mode) s.setMode(settings.mode);
  if (settings.panel) s.openPanel(settings.panel);
  const { step, keyStep } = settings;
  if (step === undefined && keyStep === undefined) return () => undefined;
  const wanted = store.getState().loadingMode ?? store.getState().mode;
  let done = false;
  const ready = (): boolean => {
    if (done) return true;
    const now = store.getState();
    if (now.traceError !== null) return (done = true);
    if (now.trace === null || now.loadingMode !== null || now.mode !== wanted) return false;
    // Set before goTo: goTo notifies the subscribers, this one included.
    done = true;
    const index = step ?? (keyStep ? findKeyStep(now.trace.steps, keyStep) : null);
    if (index !== null) now.goTo(index);
    return true;
  };
  if (ready()) return () => undefined;
  const unsubscribe = store.subscribe(() => {
    if (ready()) unsubscribe();
  });
  return unsubscribe;
}

/** applySettings once, when the app mounts. */
export function useStartupSettings(settings: StartupSettings | undefined): void {
  const store = useNetvizStore();
  useEffect(() => (settings ? applySettings(store, settings) : undefined), [store, settings]);
}
