import { useEffect, useRef, useState } from 'react';
import { NOTES_CHANNEL, type NotesContent, type NotesRequest } from './notesChannel';
import './present.css';

/** Keys the notes window passes on to the presenter's app, by action id (store/actions.ts). */
const KEYS: Record<string, string> = {
  PageDown: 'nextKeyStep',
  PageUp: 'previousKeyStep',
  ArrowRight: 'stepForward',
  ArrowLeft: 'stepBack',
  b: 'blank',
  '.': 'blank',
  ' ': 'togglePlay',
};

/**
 * The speaker notes in a window of their own (`?notes`), following the presenter's app over a
 * BroadcastChannel: the stop's notes, the step's caption and detail, what comes next. Its keys (and buttons)
 * drive the presenter's app.
 */
export function NotesWindow({
  follows,
}: {
  /** The app to follow (`?notes=<name>`); any when empty. */ follows?: string;
}) {
  const [notes, setNotes] = useState<NotesContent | null>(null);
  const channel = useRef<BroadcastChannel | null>(null);

  useEffect(() => {
    document.title = 'kube-netviz — speaker notes';
    if (typeof BroadcastChannel === 'undefined') return;
    const c = new BroadcastChannel(NOTES_CHANNEL);
    channel.current = c;
    c.onmessage = (e: MessageEvent) => {
      const data = e.data as Partial<NotesContent> | null;
      if (data?.type !== 'notes' || (follows && data.from !== follows)) return;
      setNotes(data as NotesContent);
    };
    const to = follows ? { to: follows } : {};
    c.postMessage({ type: 'hello', ...to } satisfies NotesRequest);
    const onKey = (e: KeyboardEvent) => {
      const id = KEYS[e.key];
      if (!id || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      c.postMessage({ type: 'action', id, ...to } satisfies NotesRequest);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      c.close();
      channel.current = null;
    };
  }, [follows]);

  const send = (id: string) => () =>
    channel.current?.postMessage({
      type: 'action',
      id,
      ...(follows ? { to: follows } : {}),
    } satisfies NotesRequest);
  return (
    <main className="notes-window" aria-label="Speaker notes">
      <header className="notes-window-header">
        <h1>Speaker notes</h1>
        <div className="notes-window-buttons">
          <button type="button" onClick={send('previousKeyStep')}>
            ‹ Previous
          </button>
          <button type="button" onClick={send('nextKeyStep')}>
            Next ›
          </button>
          <button type="button" onClick={send('blank')}>
            Blank
          </button>
        </div>
      </header>
      {notes === null ? (
        <p role="status">
          Waiting for the presenter&apos;s kube-netviz (open this window from its speaker notes)…
        </p>
      ) : (
        <div role="status" aria-live="polite">
          {notes.stop && (
            <section>
              <h2>{notes.stop.position}</h2>
              <p className="notes-window-stop">{notes.stop.caption}</p>
              <p>{notes.stop.notes}</p>
            </section>
          )}
          {notes.step && (
            <section>
              <h2>
                {notes.step.position} · {notes.step.phase}
              </h2>
              <p className="notes-window-caption">{notes.step.caption}</p>
              {notes.step.detail !== undefined && <p>{notes.step.detail}</p>}
            </section>
          )}
          {notes.next !== null && <p className="notes-window-next">Next: {notes.next}</p>}
        </div>
      )}
    </main>
  );
}
