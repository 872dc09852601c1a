import type { Outcome } from '../../engine/trace';
import {
  selectCursor,
  selectEngineReady,
  selectLoadingMode,
  selectTrace,
  selectTraceError,
} from '../../store';
import { useNetviz } from '../NetvizContext';
import { PHASE_LABEL } from './format';

/** The narration bar: phase, position, and the current caption in large type; the outcome at the end. */
export function Narration() {
  const trace = useNetviz(selectTrace);
  const cursor = useNetviz(selectCursor);
  const error = useNetviz(selectTraceError);
  const engineReady = useNetviz(selectEngineReady);
  const loadingMode = useNetviz(selectLoadingMode);
  const step = trace?.steps[cursor];
  const isLast = trace !== null && cursor === trace.steps.length - 1;
  return (
    <div className="narration" role="status" aria-live="polite" aria-label="Narration">
      {error === null && (!engineReady || (loadingMode !== null && !trace)) ? (
        <p className="narration-loading">
          <span className="narration-caption">
            {engineReady ? `Loading the ${loadingMode ?? ''} rules…` : 'Loading the packet engine…'}
          </span>
        </p>
      ) : error !== null || !trace || !step ? (
        <p className="narration-error">
          <span className="chip chip-drop">cannot trace</span>
          <span className="narration-caption">{error ?? 'There is no trace to play.'}</span>
        </p>
      ) : (
        <>
          <span className={`chip phase-chip phase-${step.phase}`}>{PHASE_LABEL[step.phase]}</span>
          <span className="narration-position">
            step {cursor + 1} of {trace.steps.length}
          </span>
          <p className="narration-caption">{step.caption}</p>
          {isLast && <OutcomeChip outcome={trace.outcome} />}
        </>
      )}
    </div>
  );
}

function OutcomeChip({ outcome }: { outcome: Outcome }) {
  return outcome.status === 'delivered' ? (
    <span className="chip outcome outcome-delivered">✓ delivered</span>
  ) : (
    <span className="chip outcome outcome-dropped" title={outcome.reason}>
      ✕ dropped: {outcome.reason}
    </span>
  );
}
