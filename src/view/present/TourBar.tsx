import { useEffect, useState } from 'react';
import { playableStops, tourById, type TourStop } from '../../scenarios/tours';
import type { NetvizStore } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { openScenario } from '../scenario/openScenario';

/** Opens a tour stop exactly as the Scenario picker opens a scenario, with the stop's own request/mode/step. */
export function openStop(
  store: NetvizStore,
  stop: TourStop,
  isStillWanted?: () => boolean,
): ReturnType<typeof openScenario> {
  return openScenario(store, stop.scenario, {
    ...(stop.request ? { request: stop.request } : {}),
    ...(stop.mode ? { mode: stop.mode } : {}),
    otherwiseMode: 'cluster',
    ...(stop.keyStep ? { keyStep: stop.keyStep } : {}),
    ...(stop.step !== undefined ? { step: stop.step } : {}),
    ...(isStillWanted ? { isStillWanted } : {}),
  });
}

/** The stop of the tour being played, or null. */
export function useCurrentStop(): { stop: TourStop; index: number; count: number; title: string } | null {
  const position = useNetviz((s) => s.tour);
  const tour = position ? tourById(position.id) : undefined;
  if (!position || !tour) return null;
  const stops = playableStops(tour);
  const stop = stops[position.stop];
  return stop ? { stop, index: position.stop, count: stops.length, title: tour.title } : null;
}

/**
 * The tour player: a bar over the topology saying which stop of the tour this is and what it shows, with
 * Previous / Next stop. Going to a stop (here, by key, or by a link) opens its scenario.
 */
export function TourBar() {
  const store = useNetvizStore();
  const current = useCurrentStop();
  const goToStop = useNetviz((s) => s.goToStop);
  const endTour = useNetviz((s) => s.endTour);
  const [failure, setFailure] = useState<string | null>(null);
  const stop = current?.stop;

  useEffect(() => {
    if (!stop) return;
    let isWanted = true;
    setFailure(null);
    openStop(store, stop, () => isWanted).catch((e: unknown) => {
      if (isWanted) setFailure(e instanceof Error ? e.message : String(e));
    });
    return () => {
      isWanted = false;
    };
  }, [store, stop]);

  if (!current) return null;
  const { index, count } = current;
  return (
    <nav className="tour-bar" aria-label="Tour">
      <span className="tour-position">
        stop {index + 1} of {count}
      </span>
      <p className="tour-caption">
        {failure ? `This stop could not be opened: ${failure}` : current.stop.caption}
      </p>
      <button
        type="button"
        className="tour-button"
        onClick={() => goToStop(index - 1)}
        disabled={index === 0}
        aria-label="Previous stop"
        title="Previous stop"
      >
        ‹ Prev
      </button>
      <button
        type="button"
        className="tour-button is-next"
        onClick={() => goToStop(index + 1)}
        disabled={index === count - 1}
        aria-label="Next stop"
        title="Next stop"
      >
        Next ›
      </button>
      <button type="button" className="tour-button tour-end" onClick={endTour} title="End the tour">
        <span aria-hidden="true">×</span>
        <span className="visually-hidden">End the tour</span>
      </button>
    </nav>
  );
}
