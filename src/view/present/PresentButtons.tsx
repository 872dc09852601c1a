import { useNetviz } from '../NetvizContext';
import { shortcutHint } from '../playback/Controls';

/**
 * Presenter mode (fullscreen, chrome hidden, large type, clicker keys), at the end of the transport bar where
 * players keep their fullscreen button. Also P.
 */
export function PresentButton() {
  const setPresenting = useNetviz((s) => s.setPresenting);
  return (
    <button
      type="button"
      className="transport-button transport-text-button present-button"
      title={`Present: fullscreen, large type, clicker keys (${shortcutHint('present')})`}
      onClick={() => setPresenting(true)}
    >
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
        <rect
          x="2"
          y="3"
          width="16"
          height="10.5"
          rx="1.2"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.7"
        />
        <path d="M10 13.5v3M6.5 17.5h7" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
        <path d="M8.3 5.6v5.3l4.4-2.65z" fill="currentColor" />
      </svg>
      Present
    </button>
  );
}
