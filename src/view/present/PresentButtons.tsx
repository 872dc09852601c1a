import { TOURS } from '../../scenarios/tours';
import { useNetviz } from '../NetvizContext';
import { prefetchScenarios } from '../scenario/openScenario';

/** Header button: presenter mode (fullscreen, large type, clicker keys). Also P. */
export function PresentButton() {
  const setPresenting = useNetviz((s) => s.setPresenting);
  return (
    <button
      type="button"
      className="nv-header-button present-button"
      title="Present: fullscreen, large type, clicker keys (P)"
      onClick={() => setPresenting(true)}
    >
      Present
    </button>
  );
}

/** Header button: plays the seed's guided tour from its first stop (ends it when one is playing). */
export function TourButton() {
  const playing = useNetviz((s) => s.tour !== null);
  const startTour = useNetviz((s) => s.startTour);
  const endTour = useNetviz((s) => s.endTour);
  const tour = TOURS[0];
  if (!tour) return null;
  return (
    <button
      type="button"
      className="nv-header-button"
      aria-pressed={playing}
      title={`Guided tour: ${tour.title}`}
      onPointerEnter={prefetchScenarios}
      onFocus={prefetchScenarios}
      onClick={() => (playing ? endTour() : startTour(tour.id, 0))}
    >
      Tour
    </button>
  );
}
