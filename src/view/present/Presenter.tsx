import { useEffect, type RefObject } from 'react';
import { actionById, selectCurrentStep, selectTrace } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { shortcutHint } from '../playback/Controls';
import { openNotesWindow } from './notesChannel';
import { useCurrentStop } from './TourBar';

/**
 * Presenter mode's behaviour: the app root goes fullscreen when presenting starts and presenting ends when
 * fullscreen does (the browser's own Escape); while the screen is blanked, any key brings it back and does
 * nothing else (as in slide software); over a tour stop's explorer panel, Page Down / Up change stops.
 */
export function usePresenter(root: RefObject<HTMLElement | null>): void {
  const store = useNetvizStore();
  const presenting = useNetviz((s) => s.presenting);

  useEffect(() => {
    const element = root.current;
    if (!presenting || !element) return;
    let wasFullscreen = false;
    const onChange = () => {
      if (document.fullscreenElement === element) wasFullscreen = true;
      else if (wasFullscreen) store.getState().setPresenting(false);
    };
    document.addEventListener('fullscreenchange', onChange);
    // Not every browser (nor every embedding iframe) allows fullscreen: presenter mode then fills the page.
    if (typeof element.requestFullscreen === 'function' && document.fullscreenElement !== element) {
      element.requestFullscreen().catch(() => undefined);
    }
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      if (document.fullscreenElement === element) void document.exitFullscreen().catch(() => undefined);
    };
  }, [presenting, root, store]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = store.getState();
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      // A tour stop that opens an explorer panel (a dialog, which keeps keys to itself): the clicker still
      // moves on to the next (previous) stop, whose opening closes the panel.
      if (!s.blanked && s.presenting && s.tour && s.panel !== null) {
        const step = e.key === 'PageDown' ? 1 : e.key === 'PageUp' ? -1 : 0;
        if (step !== 0) {
          e.preventDefault();
          e.stopImmediatePropagation();
          s.goToStop(s.tour.stop + step);
        }
        return;
      }
      if (!s.blanked) return;
      if (['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      s.setBlanked(false);
    };
    // Capture: the blank screen sees the key before the app's shortcuts do.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [store]);
}

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
