import { scaleLinear } from 'd3-scale';
import type { VolleyView } from './runVolley';

const WIDTH = 560;
const LABEL = 178;
const VALUE = 112;
const ROW = 40;
const TOP = 22;
const BOTTOM = 8;

const percent = (n: number, total: number) => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;

/** Connections per backend as horizontal bars, with the ideal even share as a dashed line. */
export function VolleyChart({ title, result }: { title: string; result: VolleyView }) {
  const { bars, total } = result;
  const backends = Math.max(1, result.endpoints.length, bars.length);
  const ideal = total / backends;
  const max = Math.max(ideal, ...bars.map((b) => b.count), 1);
  const x = scaleLinear()
    .domain([0, max])
    .range([0, WIDTH - LABEL - VALUE]);
  const height = TOP + Math.max(1, bars.length) * ROW + BOTTOM;
  const summary = bars.map((b) => `${b.pod ?? b.key}: ${b.count} (${percent(b.count, total)})`).join(', ');
  return (
    <figure className="volley-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="group"
        aria-label={`${title}: ${summary || 'no connection reached a backend'}`}
      >
        <text className="vc-ideal-label" x={LABEL + x(ideal)} y={12} textAnchor="middle">
          ideal 1/{backends} = {Math.round(ideal).toLocaleString('en')}
        </text>
        <line
          className="vc-ideal"
          x1={LABEL + x(ideal)}
          x2={LABEL + x(ideal)}
          y1={TOP - 4}
          y2={height - BOTTOM + 4}
        />
        <g role="list" aria-label="Backends">
          {bars.map((b, i) => {
            const y = TOP + i * ROW;
            const label = `${b.pod ?? 'backend'} ${b.key}: ${b.count} connections (${percent(b.count, total)})${b.dead ? ', dead: no reply' : ''}`;
            return (
              <g key={b.key} role="listitem" aria-label={label} data-count={b.count}>
                <text className="vc-pod" x={LABEL - 8} y={y + 15} textAnchor="end">
                  {b.pod ?? 'backend'}
                  {b.dead ? ' ✕ dead' : ''}
                </text>
                <text className="vc-addr" x={LABEL - 8} y={y + 31} textAnchor="end">
                  {b.key}
                </text>
                <rect className="vc-track" x={LABEL} y={y + 6} width={x(max)} height={ROW - 14} rx={2} />
                <rect
                  className={b.dead ? 'vc-bar vc-dead' : 'vc-bar'}
                  x={LABEL}
                  y={y + 6}
                  width={x(b.count)}
                  height={ROW - 14}
                  rx={2}
                />
                <text className="vc-value" x={LABEL + x(b.count) + 6} y={y + 24}>
                  {b.count.toLocaleString('en')} · {percent(b.count, total)}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      {result.idle.length > 0 && (
        <p className="vc-idle">
          No connections: <code>{result.idle.join(', ')}</code>
        </p>
      )}
      {result.failed > 0 && (
        <p className="vc-failed">
          {result.failed.toLocaleString('en')} of {total.toLocaleString('en')} connections got no reply
        </p>
      )}
    </figure>
  );
}
