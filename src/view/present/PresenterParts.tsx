/**
 * What presenter mode draws (loaded when presenting starts): the blank screen, the speaker notes and the
 * toolbar. Its behaviour (keys, fullscreen) is `usePresenter` in ./Presenter.tsx, which the app always runs.
 */
import { actionById, selectCurrentStep, selectTrace } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { shortcutHint } from '../playback/Controls';
import { openNotesWindow } from './notesChannel';
import { useCurrentStop } from './TourBar';

/** What presenting draws over the app: the blank screen and the speaker notes. */
export function PresenterLayer() {
  const blanked = useNetviz((s) => s.blanked);
  const notesShown = useNetviz((s) => s.notesShown);
  const setBlanked = useNetviz((s) => s.setBlanked);
  return (
    <>
      {notesShown && <SpeakerNotes />}
      {blanked && (
        <div
          className="present-blank"
          data-testid="blank-screen"
          role="button"
          tabIndex={-1}
          aria-label="Screen blanked: press any key or click to return"
          onClick={() => setBlanked(false)}
        />
      )}
    </>
  );
}

/** Presenter mode's toolbar (in the footer): key steps, notes, contrast, blank, exit — for a mouse. */
export function PresenterToolbar() {
  const store = useNetvizStore();
  const notesShown = useNetviz((s) => s.notesShown);
  const highContrast = useNetviz((s) => s.highContrast);
  const run = (id: string) => () => actionById(id)?.run(store.getState());
  return (
    <div className="present-toolbar" role="toolbar" aria-label="Presenter">
      <button
        type="button"
        onClick={run('previousKeyStep')}
        title={`Previous (${shortcutHint('previousKeyStep')})`}
      >
        <span aria-hidden="true">‹</span>
        <span className="visually-hidden">Previous key step</span>
      </button>
      <button type="button" onClick={run('nextKeyStep')} title={`Next (${shortcutHint('nextKeyStep')})`}>
        <span aria-hidden="true">›</span>
        <span className="visually-hidden">Next key step</span>
      </button>
      <button type="button" aria-pressed={notesShown} onClick={run('notes')} title="Speaker notes (N)">
        Notes
      </button>
      <button
        type="button"
        aria-pressed={highContrast}
        onClick={run('highContrast')}
        title="High contrast (H)"
      >
        Contrast
      </button>
      <button type="button" onClick={run('blank')} title="Blank the screen (B)">
        Blank
      </button>
      <button type="button" onClick={run('clearSelection')} title="Leave presenter mode (Esc)">
        Exit
      </button>
    </div>
  );
}

/** The speaker notes: the step's detail and, in a tour, the stop's notes, with what comes next. */
export function SpeakerNotes() {
  const store = useNetvizStore();
  const step = useNetviz(selectCurrentStep);
  const trace = useNetviz(selectTrace);
  const cursor = useNetviz((s) => s.cursor);
  const toggleNotes = useNetviz((s) => s.toggleNotes);
  const current = useCurrentStop();
  const next = trace?.steps[cursor + 1];
  return (
    <aside className="speaker-notes" aria-label="Speaker notes">
      <header className="speaker-notes-header">
        <h2>Speaker notes</h2>
        <span className="speaker-notes-buttons">
          <button
            type="button"
            onClick={() => openNotesWindow(store)}
            title="Show the notes in a window of their own"
          >
            Window
          </button>
          <button type="button" onClick={toggleNotes} title="Hide the notes (N)">
            Hide
          </button>
        </span>
      </header>
      {current && (
        <section>
          <h3>
            Tour stop {current.index + 1} of {current.count}
          </h3>
          <p>{current.stop.notes}</p>
        </section>
      )}
      {step && (
        <section>
          <h3>
            Step {step.index + 1}
            {trace ? ` of ${trace.steps.length}` : ''}
          </h3>
          <p className="speaker-notes-caption">{step.caption}</p>
          {step.detail !== undefined && <p>{step.detail}</p>}
        </section>
      )}
      {next && <p className="speaker-notes-next">Next: {next.caption}</p>}
    </aside>
  );
}
