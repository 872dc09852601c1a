import type { CSSProperties } from 'react';
import type { Lane, Message } from './sequence';
import { lanesIn } from './sequence';

const GUTTER = 24;
const LANE_W = 96;
const HEADER_Y = 4;
const HEADER_H = 44;
const TOP = HEADER_Y + HEADER_H + 10;
const ROW_H = 30;

type RowState = 'past' | 'current' | 'future';

const laneX = (i: number): number => GUTTER + LANE_W * (i + 0.5);
const rowY = (i: number): number => TOP + ROW_H * i + ROW_H / 2;

function Arrowhead({ x, y, pointsRight }: { x: number; y: number; pointsRight: boolean }) {
  const d = pointsRight ? `M ${x} ${y} l -8 -4.5 v 9 z` : `M ${x} ${y} l 8 -4.5 v 9 z`;
  return <path className="reg-head" d={d} />;
}

function ArrowRow({
  message,
  lanes,
  y,
  width,
}: {
  message: Extract<Message, { kind: 'arrow' }>;
  lanes: readonly Lane[];
  y: number;
  width: number;
}) {
  const xOf = (id: string) =>
    laneX(
      Math.max(
        0,
        lanes.findIndex((l) => l.id === id),
      ),
    );
  const from = xOf(message.from);
  const targets = message.to.map(xOf);
  const far = targets.reduce((a, b) => (Math.abs(b - from) > Math.abs(a - from) ? b : a), targets[0] ?? from);
  const right = far >= from;
  const end = right ? far - 7 : far + 7;
  const start = right ? from + 5 : from - 5;
  const left = Math.min(from, far);
  const label = message.failed ? `✕ ${message.label}` : message.label;
  // Long labels that would run off the right edge are drawn right-aligned to the arrow's far end.
  const labelFits = left + 8 + label.length * 6.6 < width - 4;
  const travel = { '--reg-dx': `${end - start}px` } as CSSProperties;
  return (
    <g className="reg-msg reg-msg--arrow">
      <path className="reg-line" d={`M ${start} ${y} H ${end}`} pathLength={1} />
      {targets.map((x, i) => (
        <Arrowhead key={i} x={right ? x - 6 : x + 6} y={y} pointsRight={x >= from} />
      ))}
      <circle className="reg-dot" cx={start} cy={y} r={4.5} style={travel} />
      <text
        className="reg-label"
        x={labelFits ? left + 8 : Math.max(from, far) - 8}
        y={y - 6}
        textAnchor={labelFits ? 'start' : 'end'}
      >
        {label}
      </text>
    </g>
  );
}

function SelfRow({
  message,
  lanes,
  y,
  width,
}: {
  message: Extract<Message, { kind: 'self' }>;
  lanes: readonly Lane[];
  y: number;
  width: number;
}) {
  const x = laneX(
    Math.max(
      0,
      lanes.findIndex((l) => l.id === message.lane),
    ),
  );
  const label = message.failed ? `✕ ${message.label}` : message.label;
  const onLeft = x + 14 + label.length * 6.6 > width - 4;
  return (
    <g className="reg-msg reg-msg--self">
      <rect className="reg-box" x={x - 7} y={y - 10} width={14} height={20} rx={3} />
      <text
        className="reg-label"
        x={onLeft ? x - 13 : x + 13}
        y={y + 4.5}
        textAnchor={onLeft ? 'end' : 'start'}
      >
        {label}
      </text>
    </g>
  );
}

/**
 * The sequence diagram: a lane per component, a row per step. Steps before the cursor stay drawn, the
 * current one is lit and animated (its arrow draws in and a dot travels it), the ones to come are faint.
 */
export function SequenceDiagram({
  lanes,
  messages,
  cursor,
  title,
}: {
  lanes: readonly Lane[];
  messages: readonly Message[];
  cursor: number;
  title: string;
}) {
  const width = GUTTER + LANE_W * lanes.length + 6;
  const height = TOP + ROW_H * messages.length + 8;
  const current = messages[cursor];
  const active = new Set(current ? lanesIn(current) : []);
  const stateOf = (i: number): RowState => (i < cursor ? 'past' : i === cursor ? 'current' : 'future');
  return (
    <svg
      className="reg-seq"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
      preserveAspectRatio="xMidYMin meet"
    >
      <rect
        className="reg-band"
        x={2}
        y={TOP + ROW_H * cursor}
        width={width - 4}
        height={ROW_H}
        rx={4}
        key={`band-${cursor}`}
      />
      {lanes.map((lane, i) => {
        const x = laneX(i);
        const isActive = active.has(lane.id);
        return (
          <g key={lane.id} className={`reg-lane reg-tone-${lane.tone}${isActive ? ' is-active' : ''}`}>
            <line className="reg-lifeline" x1={x} x2={x} y1={HEADER_Y + HEADER_H} y2={height - 4} />
            <rect
              className="reg-lane-box"
              x={x - LANE_W / 2 + 3}
              y={HEADER_Y}
              width={LANE_W - 6}
              height={HEADER_H}
              rx={6}
            />
            <text className="reg-lane-title" x={x} y={HEADER_Y + 19} textAnchor="middle">
              {lane.title}
            </text>
            <text className="reg-lane-sub" x={x} y={HEADER_Y + 35} textAnchor="middle">
              {lane.subtitle}
            </text>
          </g>
        );
      })}
      {messages.map((m, i) => {
        const y = rowY(i);
        const state = stateOf(i);
        return (
          <g
            // Remounting the current row restarts its animation each time the cursor lands on it.
            key={state === 'current' ? `current-${i}` : `row-${i}`}
            className={`reg-row is-${state}${m.failed ? ' is-failed' : ''}`}
          >
            <text className="reg-index" x={GUTTER - 8} y={y + 4} textAnchor="end">
              {i + 1}
            </text>
            {m.kind === 'arrow' ? (
              <ArrowRow message={m} lanes={lanes} y={y} width={width} />
            ) : (
              <SelfRow message={m} lanes={lanes} y={y} width={width} />
            )}
          </g>
        );
      })}
    </svg>
  );
}
