import { useMemo } from 'react';
import type { Phase, Trace } from '../../engine/trace';
import { isKeyStep, selectCursor, selectTrace } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { PHASE_LABEL } from './format';

interface Segment {
  readonly phase: Phase;
  readonly start: number;
  readonly end: number;
}

interface Mark {
  readonly index: number;
  readonly kind: 'rewrite' | 'drop' | 'deliver' | 'other';
}

/** Runs of one phase, and the steps worth marking, for the track under the slider. */
export function scrubberTrack(trace: Trace): { segments: Segment[]; marks: Mark[] } {
  const segments: Segment[] = [];
  const marks: Mark[] = [];
  trace.steps.forEach((s, i) => {
    const last = segments[segments.length - 1];
    if (last && last.phase === s.phase) segments[segments.length - 1] = { ...last, end: i };
    else segments.push({ phase: s.phase, start: i, end: i });
    if (i === 0 || !isKeyStep(trace, i)) return;
    const kind =
      s.kind === 'drop'
        ? 'drop'
        : s.kind === 'deliver'
          ? 'deliver'
          : s.rewrite !== undefined
            ? 'rewrite'
            : 'other';
    marks.push({ index: i, kind });
  });
  return { segments, marks };
}

/**
 * A phase run spans its steps' thumb positions, half a step either side (clamped to the track), so runs meet
 * where the phase changes and the last one ends at the track's end.
 */
function segmentStyle(seg: Segment, last: number): { left: string; width: string } {
  const from = Math.max(0, (seg.start - 0.5) / last);
  const to = Math.min(1, (seg.end + 0.5) / last);
  return { left: `${from * 100}%`, width: `${(to - from) * 100}%` };
}

/** The scrubber: a native range input over a phase-coloured track with the key steps marked. */
export function Scrubber() {
  const store = useNetvizStore();
  const trace = useNetviz(selectTrace);
  const cursor = useNetviz(selectCursor);
  const track = useMemo(() => (trace ? scrubberTrack(trace) : null), [trace]);
  const count = trace?.steps.length ?? 0;
  const last = Math.max(1, count - 1);
  const at = (i: number) => `${(i / last) * 100}%`;
  const step = trace?.steps[cursor];
  return (
    <div className="scrubber">
      <div className="scrubber-track" aria-hidden="true">
        {track?.segments.map((seg) => (
          <span
            key={seg.start}
            className={`scrubber-segment phase-${seg.phase}`}
            style={segmentStyle(seg, last)}
            title={PHASE_LABEL[seg.phase]}
          />
        ))}
        {track?.marks.map((m) => (
          <span key={m.index} className={`scrubber-mark mark-${m.kind}`} style={{ left: at(m.index) }} />
        ))}
      </div>
      <input
        type="range"
        className="scrubber-input"
        min={0}
        max={Math.max(0, count - 1)}
        step={1}
        value={cursor}
        disabled={count === 0}
        aria-label="Trace position"
        aria-valuetext={step ? `Step ${cursor + 1} of ${count}: ${step.caption}` : 'No trace'}
        title="Trace position (Home / End, Page Up / Page Down for key steps)"
        onChange={(e) => store.getState().goTo(Number(e.target.value))}
      />
    </div>
  );
}
