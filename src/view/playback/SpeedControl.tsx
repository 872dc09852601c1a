import { selectSpeed, SPEEDS } from '../../store';
import { useNetviz, useNetvizStore } from '../NetvizContext';

/** Playback speed as a slider over the store's speed steps (0.25× … 4×). */
export function SpeedControl() {
  const store = useNetvizStore();
  const speed = useNetviz(selectSpeed);
  const index = nearestSpeedIndex(speed);
  const text = `${speed}×`;
  return (
    <label className="speed" title="Playback speed">
      <span className="speed-label">Speed</span>
      <input
        type="range"
        min={0}
        max={SPEEDS.length - 1}
        step={1}
        value={index}
        aria-label="Speed"
        aria-valuetext={text}
        onChange={(e) => store.getState().setSpeed(SPEEDS[Number(e.target.value)] ?? 1)}
      />
      <output className="speed-value">{text}</output>
    </label>
  );
}

function nearestSpeedIndex(speed: number): number {
  let best = 0;
  SPEEDS.forEach((s, i) => {
    if (Math.abs(s - speed) < Math.abs((SPEEDS[best] ?? 1) - speed)) best = i;
  });
  return best;
}
