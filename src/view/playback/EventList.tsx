import { useEffect, useRef, useState } from 'react';
import type { Phase } from '../../engine/trace';
import { selectCursor, selectTrace } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { PHASE_LABEL, PHASES, whereOf } from './format';

/** Every step of the trace as a row; the current one marked and kept in view; click or Enter jumps. */
export function EventList() {
  const store = useNetvizStore();
  const trace = useNetviz(selectTrace);
  const cursor = useNetviz(selectCursor);
  const [shown, setShown] = useState<ReadonlySet<Phase>>(() => new Set(PHASES));
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    const row = list?.querySelector<HTMLElement>('[aria-current="true"]')?.parentElement;
    if (!list || !row) return;
    // Scroll the list only, never the page.
    const top = row.offsetTop; // .event-rows is position: relative
    if (top < list.scrollTop || top + row.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }, [cursor, trace, shown]);

  const toggle = (phase: Phase) =>
    setShown((prev) => {
      const next = new Set(prev);
      if (next.has(phase)) next.delete(phase);
      else next.add(phase);
      return next;
    });

  const steps = trace?.steps ?? [];
  return (
    <section className="events" aria-label="Events">
      <fieldset className="phase-filter">
        <legend>Show</legend>
        {PHASES.map((phase) => (
          <label key={phase} className={`filter-chip phase-${phase}`}>
            <input type="checkbox" checked={shown.has(phase)} onChange={() => toggle(phase)} />
            {PHASE_LABEL[phase]}
          </label>
        ))}
      </fieldset>
      {steps.length === 0 ? (
        <p className="muted">No trace.</p>
      ) : (
        <ol className="event-rows" ref={listRef}>
          {steps
            .filter((s) => shown.has(s.phase))
            .map((s) => (
              <li key={s.index}>
                <button
                  type="button"
                  className={s.index === cursor ? 'event-row is-current' : 'event-row'}
                  aria-current={s.index === cursor ? 'true' : undefined}
                  onClick={() => store.getState().goTo(s.index)}
                >
                  <span className="event-index">{s.index + 1}</span>
                  <span className={`chip phase-chip phase-${s.phase}`}>{PHASE_LABEL[s.phase]}</span>
                  <span className="event-where">
                    {whereOf(s)}
                    {s.kind === 'drop' && <strong className="event-drop"> · drop</strong>}
                  </span>
                  <span className="event-what">{s.caption}</span>
                </button>
              </li>
            ))}
        </ol>
      )}
    </section>
  );
}
