import type { IngressStepInfo, Packet, Step } from '../../engine/trace';
import { selectCurrentStep } from '../../store';
import { useNetviz } from '../NetvizContext';
import { conntrackLine, endpoint, hexMark, whereOf } from './format';

interface Field {
  readonly name: string;
  readonly value: (p: Packet) => string;
}

const FIELDS: readonly Field[] = [
  { name: 'Protocol', value: (p) => p.protocol },
  { name: 'Source', value: (p) => endpoint(p.src, p.sport) },
  { name: 'Destination', value: (p) => endpoint(p.dst, p.dport) },
  { name: 'TTL', value: (p) => String(p.ttl) },
  { name: 'Mark', value: (p) => hexMark(p.mark) },
  { name: 'Payload', value: (p) => p.payload },
];

/** The packet before and after the current step, what rewrote it, the route, and the node's conntrack table. */
export function PacketInspector() {
  const step = useNetviz(selectCurrentStep);
  return (
    <section className="packet" aria-label="Packet" tabIndex={0}>
      <h2 className="panel-title">
        Packet
        {step && (
          <span className="muted">
            at {whereOf(step)} · {step.kind}
          </span>
        )}
      </h2>
      {step ? <PacketDetails step={step} /> : <p className="muted">No trace.</p>}
    </section>
  );
}

function PacketDetails({ step }: { step: Step }) {
  const rows = FIELDS.map((f) => ({
    name: f.name,
    before: f.value(step.before),
    after: f.value(step.packet),
  }));
  const changed = rows.filter((r) => r.before !== r.after).length;
  return (
    <>
      {step.ingress && <IngressDecision info={step.ingress} />}
      {step.rewrite && (
        <p className="rewrite">
          <strong>{step.rewrite.by}</strong>: {step.rewrite.field} <code>{step.rewrite.from}</code> →{' '}
          <code>{step.rewrite.to}</code>
        </p>
      )}
      <table className="packet-table">
        <caption className="visually-hidden">
          Packet headers before and after step {step.index + 1}
          {changed > 0 ? `, ${changed} changed` : ', unchanged'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const isChanged = r.before !== r.after;
            return (
              <tr key={r.name} className={isChanged ? 'is-changed' : undefined}>
                <th scope="row">{r.name}</th>
                <td className="mono">{r.before}</td>
                <td className="mono">
                  {isChanged ? (
                    <>
                      <span aria-hidden="true">→ </span>
                      <strong>{r.after}</strong> <span className="changed-label">changed</span>
                    </>
                  ) : (
                    r.after
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {step.inner && (
        <p className="inner-packet">
          <span className="muted">outer header above; inside it, unchanged, the pod packet</span>{' '}
          <code>
            {step.inner.protocol} {endpoint(step.inner.src, step.inner.sport)} →{' '}
            {endpoint(step.inner.dst, step.inner.dport)}
          </code>{' '}
          <span className="muted">TTL {step.inner.ttl}</span>
        </p>
      )}
      {step.route !== undefined && (
        <p className="route">
          <span className="muted">route</span> <code>{step.route}</code>
        </p>
      )}
      {step.detail !== undefined &&
        (step.detail.includes('\n') ? (
          <pre className="detail">{step.detail}</pre>
        ) : (
          <p className="detail">{step.detail}</p>
        ))}
      <Conntrack step={step} />
    </>
  );
}

/** An ingress controller's L7 decision: what it read from the request and where it sends it. */
function IngressDecision({ info }: { info: IngressStepInfo }) {
  const rows: readonly [string, string][] = [
    ['Host', info.host || '(none)'],
    ['Path', info.path],
    ['Server', info.server === '_' ? '_ (catch-all)' : info.server],
    ['Rule', info.rule ?? 'none matches'],
    ['Backend', info.backend ?? 'none: the controller answers itself'],
    ...(info.upstream !== null ? [['Upstream', info.upstream] as [string, string]] : []),
  ];
  return (
    <div className="l7-decision">
      <h3>L7 routing decision</h3>
      <dl>
        {rows.map(([name, value]) => (
          <div key={name} className={name === 'Rule' || name === 'Backend' ? 'l7-key' : undefined}>
            <dt>{name}</dt>
            <dd className="mono">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function Conntrack({ step }: { step: Step }) {
  const where = step.location.node ?? 'the router';
  return (
    <div className="conntrack">
      <h3>
        conntrack -L <span className="muted">on {where}</span>
      </h3>
      {step.conntrack.length === 0 ? (
        <p className="muted small">
          {step.location.node === undefined
            ? 'The router keeps no connection state.'
            : 'No entries for this connection yet.'}
        </p>
      ) : (
        <ul className="conntrack-lines">
          {step.conntrack.map((e, i) => (
            <li key={i}>
              <code>{conntrackLine(e)}</code>
              {e.nat.length > 0 && <span className="nat-flags"> {e.nat.join(' + ')}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
