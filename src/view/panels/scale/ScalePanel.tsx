import { scaleLog } from 'd3-scale';
import { useEffect, useState } from 'react';
import type { ScaleFigure } from '../../../engine/scale';
import type { ProxyMode } from '../../../model/types';
import { SCALE_MODES, watchScaleFigures, type ScaleProgress } from './scaleFigures';
import '../docker0Panels.css';

const count = (n: number) => n.toLocaleString('en');

/** The scale argument: rules written and rules walked per kube-proxy mode, 10 → 10,000 Services. */
export default function ScalePanel() {
  const [progress, setProgress] = useState<ScaleProgress | null>(null);
  useEffect(() => watchScaleFigures(setProgress), []);
  return <ScaleView progress={progress ?? { figures: [], total: 0, done: false }} />;
}

/** The charts and the table for the figures so far (the panel feeds it as they arrive; tests inject them). */
export function ScaleView({ progress }: { progress: ScaleProgress }) {
  const { figures, total, done, error } = progress;
  const next = figures.length < total ? nextLabel(figures, total) : '';
  return (
    <div className="nv-scale">
      <p className="nv-callout">
        Two nodes and 10 to 10,000 Services, one endpoint each, built and traced by the same code as the rest
        of the app: the lines of one node&apos;s ruleset, and the rules a request to the <em>last</em> Service
        walks (request and reply). iptables tests <code>KUBE-SERVICES</code> one rule after another, and
        userspace its portal chain, so their walk grows with every Service; ipvs and nftables look the address
        up in a hash table or a verdict map, so theirs stays flat.
      </p>
      <p className="nv-scale-status" role="status" aria-live="polite">
        {error !== undefined
          ? `Stopped: ${error}`
          : done
            ? `${figures.length} of ${total} measurements.`
            : total === 0
              ? 'Starting…'
              : `Computing ${next} (${figures.length} of ${total})…`}
      </p>
      {!done && total > 0 && (
        <progress
          className="nv-scale-progress"
          max={total}
          value={figures.length}
          aria-label="Measurements done"
        />
      )}
      <div className="nv-scale-charts">
        <ScaleChart title="Ruleset lines on one node" figures={figures} value={(f) => f.rulesetLines} />
        <ScaleChart
          title="Rules walked to reach the last Service"
          figures={figures}
          value={(f) => f.walkedTotal}
        />
      </div>
      <ScaleTable figures={figures} />
    </div>
  );
}

function nextLabel(figures: readonly ScaleFigure[], total: number): string {
  const i = figures.length;
  const perCount = SCALE_MODES.length;
  const services = [10, 100, 1000, 10000][Math.floor(i / perCount)];
  const mode = SCALE_MODES[i % perCount];
  return i < total && services !== undefined && mode !== undefined
    ? `${count(services)} Services · ${mode}`
    : '';
}

const WIDTH = 540;
// Short enough that both charts and the whole figures table fit the panel at 1280×720 without scrolling.
const HEIGHT = 210;
const M = { top: 16, right: 30, bottom: 44, left: 64 };

const MARKERS: Readonly<Record<ProxyMode, (x: number, y: number) => string>> = {
  userspace: (x, y) => `M${x - 4},${y - 4}h8v8h-8z`,
  iptables: (x, y) => `M${x},${y - 5}L${x + 5},${y + 4}L${x - 5},${y + 4}z`,
  ipvs: (x, y) => `M${x},${y - 5}L${x + 5},${y}L${x},${y + 5}L${x - 5},${y}z`,
  nftables: (x, y) => `M${x - 4.5},${y}a4.5,4.5 0 1,0 9,0a4.5,4.5 0 1,0 -9,0`,
};

export function ScaleChart({
  title,
  figures,
  value,
}: {
  title: string;
  figures: readonly ScaleFigure[];
  value: (f: ScaleFigure) => number | null;
}) {
  const values = figures.map(value).filter((v): v is number => v !== null && v > 0);
  const max = Math.max(10, ...values);
  const x = scaleLog()
    .domain([10, 10000])
    .range([M.left, WIDTH - M.right]);
  const y = scaleLog()
    .domain([1, max])
    .nice()
    .range([HEIGHT - M.bottom, M.top]);
  const yTicks = y.ticks().filter((t) => Math.log10(t) % 1 === 0);
  const summary = SCALE_MODES.map((mode) => {
    const last = figures.filter((f) => f.mode === mode).at(-1);
    const v = last ? value(last) : null;
    return last && v !== null ? `${mode} ${count(v)} at ${count(last.services)} Services` : null;
  })
    .filter(Boolean)
    .join(', ');
  return (
    <figure className="nv-scale-chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={`${title}, logarithmic axes: ${summary || 'no measurement yet'}`}
      >
        <g className="nv-axis">
          {yTicks.map((t) => (
            <g key={t}>
              <line className="nv-gridline" x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} />
              <text x={M.left - 8} y={y(t) + 4} textAnchor="end">
                {t >= 1e6 ? `${count(t / 1e6)}M` : t >= 1000 ? `${count(t / 1000)}k` : count(t)}
              </text>
            </g>
          ))}
          {[10, 100, 1000, 10000].map((t) => (
            <g key={t}>
              <line className="nv-gridline" x1={x(t)} x2={x(t)} y1={M.top} y2={HEIGHT - M.bottom} />
              <text x={x(t)} y={HEIGHT - M.bottom + 18} textAnchor="middle">
                {count(t)}
              </text>
            </g>
          ))}
          <text
            x={(M.left + WIDTH - M.right) / 2}
            y={HEIGHT - 6}
            textAnchor="middle"
            className="nv-axis-title"
          >
            Services (log scale)
          </text>
        </g>
        {SCALE_MODES.map((mode) => {
          const points = figures
            .filter((f) => f.mode === mode)
            .map((f) => ({ f, v: value(f) }))
            .filter((p): p is { f: ScaleFigure; v: number } => p.v !== null && p.v > 0);
          if (points.length === 0) return null;
          const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.f.services)},${y(p.v)}`).join('');
          return (
            <g key={mode} className={`nv-series nv-mode-${mode}`} data-mode={mode}>
              <path className="nv-line" d={d} />
              {points.map((p) => (
                <path key={p.f.services} className="nv-marker" d={MARKERS[mode](x(p.f.services), y(p.v))}>
                  <title>{`${mode}, ${count(p.f.services)} Services: ${count(p.v)}`}</title>
                </path>
              ))}
            </g>
          );
        })}
      </svg>
      <ul className="nv-legend" aria-hidden="true">
        {SCALE_MODES.map((mode) => (
          <li key={mode} className={`nv-mode-${mode}`}>
            <svg width="14" height="14" viewBox="0 0 14 14">
              <path className="nv-marker" d={MARKERS[mode](7, 7)} />
            </svg>
            {mode}
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function ScaleTable({ figures }: { figures: readonly ScaleFigure[] }) {
  const counts = [...new Set(figures.map((f) => f.services))];
  const cell = (services: number, mode: ProxyMode) =>
    figures.find((f) => f.services === services && f.mode === mode);
  return (
    <table className="nv-table nv-scale-table">
      <caption>
        The figures: ruleset lines / rules walked in total (at the trap) for a request to the last Service
      </caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            Services
          </th>
          {SCALE_MODES.map((m) => (
            <th key={m} scope="col" className="num">
              {m}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {counts.map((services) => (
          <tr key={services}>
            <th scope="row" className="num">
              {count(services)}
            </th>
            {SCALE_MODES.map((mode) => {
              const f = cell(services, mode);
              return (
                <td key={mode} className="num" data-mode={mode}>
                  {f ? (
                    <>
                      {count(f.rulesetLines)} / {count(f.walkedTotal)}
                      <span className="muted">
                        {' '}
                        ({f.walkedAtTrap === null ? '—' : count(f.walkedAtTrap)})
                      </span>
                    </>
                  ) : (
                    <span className="muted">…</span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
