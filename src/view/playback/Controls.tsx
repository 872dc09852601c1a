import type { ReactNode } from 'react';
import { actionById, selectPlaying, selectTrace } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';
import { ExportPictureButton } from '../export/ExportPictureButton';
import { PresentButton } from '../present/PresentButtons';
import { Scrubber } from './Scrubber';
import { SpeedControl } from './SpeedControl';

const KEY_NAMES: Record<string, string> = {
  ' ': 'Space',
  ArrowLeft: '←',
  ArrowRight: '→',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
};

/** "Space or K" — the shortcut hint shown in a control's tooltip. */
export function shortcutHint(actionId: string): string {
  const keys = actionById(actionId)?.keys ?? [];
  return keys.map((k) => KEY_NAMES[k] ?? (k.length === 1 ? k.toUpperCase() : k)).join(' or ');
}

/** The transport bar: Restart · Step back · Play/Pause · Step forward · scrubber · speed · picture · Present. */
export function Controls() {
  const store = useNetvizStore();
  const playing = useNetviz(selectPlaying);
  const hasTrace = useNetviz((s) => selectTrace(s) !== null);
  const run = (id: string) => () => actionById(id)?.run(store.getState());
  return (
    <div className="transport" role="group" aria-label="Playback">
      <TransportButton label="Restart" action="restart" onClick={run('restart')} disabled={!hasTrace}>
        <IconRestart />
      </TransportButton>
      <TransportButton label="Step back" action="stepBack" onClick={run('stepBack')} disabled={!hasTrace}>
        <IconStepBack />
      </TransportButton>
      <TransportButton
        label={playing ? 'Pause' : 'Play'}
        action="togglePlay"
        onClick={run('togglePlay')}
        disabled={!hasTrace}
        primary
      >
        {playing ? <IconPause /> : <IconPlay />}
      </TransportButton>
      <TransportButton
        label="Step forward"
        action="stepForward"
        onClick={run('stepForward')}
        disabled={!hasTrace}
      >
        <IconStepForward />
      </TransportButton>
      <Scrubber />
      <SpeedControl />
      <ExportPictureButton />
      <PresentButton />
    </div>
  );
}

function TransportButton({
  label,
  action,
  onClick,
  disabled,
  primary,
  children,
}: {
  label: string;
  action: string;
  onClick: () => void;
  disabled: boolean;
  primary?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={primary ? 'transport-button is-primary' : 'transport-button'}
      aria-label={label}
      title={`${label} (${shortcutHint(action)})`}
      onClick={onClick}
      disabled={disabled}
    >
      {children}
    </button>
  );
}

const iconProps = {
  width: 20,
  height: 20,
  viewBox: '0 0 20 20',
  'aria-hidden': true,
  focusable: false,
} as const;

function IconRestart() {
  return (
    <svg {...iconProps}>
      <rect x="3" y="4" width="2.5" height="12" fill="currentColor" />
      <path d="M17 4v12L7 10z" fill="currentColor" />
    </svg>
  );
}

function IconStepBack() {
  return (
    <svg {...iconProps}>
      <path d="M14 4v12L5 10z" fill="currentColor" />
    </svg>
  );
}

function IconStepForward() {
  return (
    <svg {...iconProps}>
      <path d="M6 4v12l9-6z" fill="currentColor" />
    </svg>
  );
}

function IconPlay() {
  return (
    <svg {...iconProps}>
      <path d="M5 3v14l12-7z" fill="currentColor" />
    </svg>
  );
}

function IconPause() {
  return (
    <svg {...iconProps}>
      <rect x="4.5" y="3.5" width="4" height="13" fill="currentColor" />
      <rect x="11.5" y="3.5" width="4" height="13" fill="currentColor" />
    </svg>
  );
}
