import { useEffect, type RefObject } from 'react';
import { useNetviz, useNetvizStore } from '../NetvizContext';

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
