import type { ReactNode } from 'react';
import type {
  RegistrationStep,
  RegistrationTrace,
  RuleDiff,
  RuleLine,
  SliceChange,
} from '../../engine/registration';
import type { DnsRecord } from '../../engine/dns/records';
import type { Endpoint, EndpointSlice } from '../../model/types';

function Card({ title, children, tone }: { title: string; children: ReactNode; tone?: 'error' }) {
  return (
    <section className={`reg-card${tone ? ` reg-card--${tone}` : ''}`} aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** kubectl's rendering of an API error (k8s.io/kubectl/pkg/cmd/util/helpers.go checkErr). */
export function kubectlSays(step: RegistrationStep): string | null {
  const e = step.error;
  if (!e) return null;
  // Invalid: "The <Kind> <name> is invalid: <causes>"; other API statuses: "Error from server (<reason>): …".
  if (e.code === 'Invalid') return `The ${e.message}`;
  if (e.code === 'AlreadyExists' || e.code === 'NotFound')
    return `Error from server (${e.code}): ${e.message}`;
  return null;
}

function ErrorCard({ step }: { step: RegistrationStep }) {
  const said = kubectlSays(step);
  return (
    <Card title="Rejected" tone="error">
      <p className="reg-error-lead">
        The API server refuses the request{step.error?.field ? ` (field ${step.error.field})` : ''}; nothing
        is stored and nothing downstream happens.
      </p>
      <pre className="reg-terminal" role="alert">
        {said ?? step.error?.message}
        {step.detail ? `\n${step.detail}` : ''}
      </pre>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------------------

function DnsCard({ added, removed }: { added: readonly DnsRecord[]; removed: readonly DnsRecord[] }) {
  if (added.length + removed.length === 0) {
    return (
      <Card title="DNS records">
        <p className="muted">No record changes.</p>
      </Card>
    );
  }
  const row = (r: DnsRecord, sign: '+' | '−') => (
    <tr key={`${sign}${r.id}`} className={sign === '+' ? 'reg-add' : 'reg-del'}>
      <td className="reg-sign" aria-label={sign === '+' ? 'added' : 'removed'}>
        {sign}
      </td>
      <td className="reg-rtype">{r.type}</td>
      <td className="mono">{r.name}</td>
      <td className="mono">{r.data}</td>
    </tr>
  );
  return (
    <Card title="DNS records served by CoreDNS">
      <table className="reg-table reg-dns">
        <thead>
          <tr>
            <th aria-label="change" />
            <th>type</th>
            <th>name</th>
            <th>data</th>
          </tr>
        </thead>
        <tbody>
          {added.map((r) => row(r, '+'))}
          {removed.map((r) => row(r, '−'))}
        </tbody>
      </table>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------------------

const endpointKey = (e: Endpoint): string => `${e.addresses.join(',')}|${JSON.stringify(e.conditions)}`;

function SliceList({
  slices,
  other,
  side,
}: {
  slices: readonly EndpointSlice[];
  other: readonly EndpointSlice[];
  side: 'before' | 'after';
}) {
  if (slices.length === 0) return <p className="reg-none">no EndpointSlice</p>;
  const otherKeys = new Set(other.flatMap((s) => s.endpoints.map(endpointKey)));
  return (
    <>
      {slices.map((s) => (
        <div key={s.name} className="reg-slice">
          <div className="reg-slice-name mono">{s.name}</div>
          <div className="reg-slice-ports muted mono">
            {s.ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}`).join(', ') ||
              'no ports'}
          </div>
          <ul className="reg-endpoints">
            {s.endpoints.map((e) => {
              const changed = !otherKeys.has(endpointKey(e));
              return (
                <li
                  key={e.addresses.join(',')}
                  className={`${e.conditions.ready ? 'is-ready' : 'is-unready'}${changed ? ` is-changed-${side}` : ''}`}
                >
                  <span className="mono">{e.addresses.join(', ')}</span>
                  <span className="reg-ready">{e.conditions.ready ? '✓ ready' : '✕ not ready'}</span>
                  <span className="muted">
                    {e.targetRef?.name ?? ''}
                    {e.nodeName ? ` · ${e.nodeName}` : ''}
                  </span>
                </li>
              );
            })}
            {s.endpoints.length === 0 ? <li className="muted">no endpoints</li> : null}
          </ul>
        </div>
      ))}
    </>
  );
}

function SliceCard({ change }: { change: SliceChange }) {
  return (
    <Card title={`EndpointSlices of ${change.service}`}>
      <div className="reg-before-after">
        <div>
          <h4>before</h4>
          <SliceList slices={change.before} other={change.after} side="before" />
        </div>
        <div className="reg-arrow-between" aria-hidden="true">
          →
        </div>
        <div>
          <h4>after</h4>
          <SliceList slices={change.after} other={change.before} side="after" />
        </div>
      </div>
      <p className="reg-note muted">
        Ready endpoints (what kube-proxy and CoreDNS use):{' '}
        <span className="mono">{change.readyBefore.join(', ') || 'none'}</span> →{' '}
        <span className="mono">{change.readyAfter.join(', ') || 'none'}</span>
      </p>
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------------------

const indentOf = (text: string): number => {
  const lead = /^[\t ]*/.exec(text)?.[0] ?? '';
  // Printers indent with tabs (nft) or spaces (ipvsadm): a tab counts as two columns here.
  return [...lead].reduce((n, c) => n + (c === '\t' ? 2 : 1), 0);
};

/** A rendered rule line, indented relative to the least indented line of its group. */
function shown(line: RuleLine, base: number): string {
  const text = line.text.replace(/\s+$/, '');
  // Capped: nft pads set elements far to the right, which only wastes the narrow column.
  return ' '.repeat(Math.min(4, Math.max(0, indentOf(text) - base))) + text.replace(/^[\t ]+/, '');
}

/** The nft set or map an element line belongs to (its id is `@<set>/<element>`). */
function setOf(line: RuleLine): string | null {
  if (!line.id?.startsWith('@')) return null;
  const slash = line.id.indexOf('/');
  return slash > 0 ? line.id.slice(0, slash) : null;
}

function DiffLines({ lines, sign, base }: { lines: readonly RuleLine[]; sign: '+' | '−'; base: number }) {
  return lines.map((l, i) => {
    const set = setOf(l);
    return (
      <div key={`${sign}${i}`} className={`reg-diff-line ${sign === '+' ? 'reg-add' : 'reg-del'}`}>
        <span className="reg-sign" aria-label={sign === '+' ? 'added' : 'removed'}>
          {sign}
        </span>
        <code>{shown(l, base)}</code>
        {set !== null ? <span className="reg-diff-set">{`element of ${set}`}</span> : null}
      </div>
    );
  });
}

export function RuleDiffCard({ diff, modeSwitch }: { diff: RuleDiff; modeSwitch: ReactNode }) {
  const sections = [...new Set([...diff.added, ...diff.removed].map((l) => l.section))];
  return (
    <Card title={`Rule diff on ${diff.node}`}>
      <div className="reg-diff-head">
        {modeSwitch}
        <span className="reg-diff-count">
          <span className="reg-add-text">+{diff.added.length}</span>{' '}
          <span className="reg-del-text">−{diff.removed.length}</span>
        </span>
      </div>
      {sections.length === 0 ? (
        <p className="muted">Nothing changes in this node’s {diff.mode} rules.</p>
      ) : (
        sections.map((section) => {
          const removed = diff.removed.filter((l) => l.section === section);
          const added = diff.added.filter((l) => l.section === section);
          const base = Math.min(...[...removed, ...added].map((l) => indentOf(l.text)));
          return (
            <div key={section} className="reg-diff" role="group" aria-label={`${section} diff`}>
              <div className="reg-diff-section mono"># {section}</div>
              <DiffLines lines={removed} sign="−" base={base} />
              <DiffLines lines={added} sign="+" base={base} />
            </div>
          );
        })
      )}
    </Card>
  );
}

// ---------------------------------------------------------------------------------------------------------

/** What the current step produced: the ClusterIP, the etcd key, the DNS records, the slices, the rule diff. */
export function StepProduct({
  step,
  trace,
  modeSwitch,
  posted,
}: {
  step: RegistrationStep;
  trace: RegistrationTrace;
  modeSwitch: ReactNode;
  /** The object the first step sends, as YAML. */
  posted: string | null;
}) {
  if (!step.ok) return <ErrorCard step={step} />;
  switch (step.kind) {
    case 'request':
      return posted !== null && step.at.length > 0 && step.actor !== 'kube-apiserver' ? (
        <Card title={step.actor === 'kubectl' ? 'The Service you POST' : 'The status the kubelet reports'}>
          <pre className="reg-yaml">{posted}</pre>
        </Card>
      ) : null;
    case 'allocate':
      return (
        <Card title="Allocated">
          <div className="reg-big">
            <span className="muted">ClusterIP</span>{' '}
            <span className="mono reg-big-value">{step.clusterIP ?? 'None'}</span>
          </div>
          <p className="muted">
            {step.clusterIP
              ? `from the Service range ${trace.before.network.serviceCIDR}; no interface anywhere has this address`
              : 'a headless Service gets no virtual IP: DNS answers with the pod IPs instead'}
          </p>
          {step.nodePorts && step.nodePorts.length > 0 ? (
            <p>
              NodePorts:{' '}
              <span className="mono">{step.nodePorts.map((p) => `${p.port}→${p.nodePort}`).join(', ')}</span>
            </p>
          ) : null}
        </Card>
      );
    case 'persist':
      return (
        <Card title="Written to etcd">
          <ul className="reg-keys">
            {(step.etcdKey ?? '').split(', ').map((k) => (
              <li key={k} className="mono">
                {k}
              </li>
            ))}
          </ul>
          {step.service ? (
            <pre className="reg-terminal">
              $ kubectl apply -f {step.service.name}.yaml{'\n'}service/{step.service.name} created
            </pre>
          ) : null}
        </Card>
      );
    case 'dns-records':
      return <DnsCard added={step.dns?.added ?? []} removed={step.dns?.removed ?? []} />;
    case 'endpoints':
      return step.endpointSlices ? <SliceCard change={step.endpointSlices} /> : null;
    case 'rules':
      return step.rules ? <RuleDiffCard diff={step.rules} modeSwitch={modeSwitch} /> : null;
    default:
      return step.detail ? (
        <Card title="Detail">
          <p>{step.detail}</p>
        </Card>
      ) : null;
  }
}

// ---------------------------------------------------------------------------------------------------------

interface LedgerRow {
  readonly label: string;
  /** null: not produced yet at the cursor. */
  readonly value: string | null;
  /** The step that produces it. */
  readonly at: number;
}

function ledgerRows(trace: RegistrationTrace, cursor: number, story: 'register' | 'readiness'): LedgerRow[] {
  const steps = trace.steps.filter((s) => s.ok);
  const first = (pred: (s: RegistrationStep) => boolean) => steps.find(pred);
  const upTo = <T,>(s: RegistrationStep | undefined, value: (s: RegistrationStep) => T): T | null =>
    s && s.index <= cursor ? value(s) : null;
  const rules = steps.filter((s) => s.kind === 'rules');
  const rulesDone = rules.filter((s) => s.index <= cursor).length;
  const rulesRow: LedgerRow = {
    label: 'kube-proxy',
    value:
      rules.length === 0
        ? null
        : rulesDone === 0
          ? null
          : `${rulesDone} of ${rules.length} node${rules.length === 1 ? '' : 's'} programmed`,
    at: rules.find((s) => s.index >= cursor)?.index ?? rules.at(-1)?.index ?? -1,
  };
  const slices = first((s) => s.kind === 'endpoints' && s.endpointSlices !== undefined);
  const sliceRow: LedgerRow = {
    label: 'EndpointSlice',
    value: upTo(slices, (s) => {
      const c = s.endpointSlices;
      if (!c || c.after.length === 0) return 'none';
      return `${c.after.map((x) => x.name).join(', ')} — ready: ${c.readyAfter.join(', ') || 'none'}`;
    }),
    at: slices?.index ?? -1,
  };
  const dns = first((s) => s.kind === 'dns-records');
  const dnsRow: LedgerRow = {
    label: 'DNS',
    value: upTo(dns, (s) => {
      const a = s.dns?.added.find((r) => r.type === 'A' || r.type === 'CNAME');
      if (a) return `${a.name} → ${a.data}`;
      const n = (s.dns?.added.length ?? 0) + (s.dns?.removed.length ?? 0);
      return n === 0 ? 'no change' : `${n} records changed`;
    }),
    at: dns?.index ?? -1,
  };
  if (story === 'readiness') {
    const status = first((s) => s.kind === 'persist');
    return [
      {
        label: 'Pod status',
        value: upTo(status, (s) => `stored (${s.etcdKey ?? ''})`),
        at: status?.index ?? -1,
      },
      sliceRow,
      dnsRow,
      rulesRow,
    ];
  }
  const allocate = first((s) => s.kind === 'allocate');
  const stored = first((s) => s.kind === 'persist' && s.service !== undefined);
  return [
    {
      label: 'ClusterIP',
      value: upTo(allocate, (s) => s.clusterIP ?? 'None (headless)'),
      at: allocate?.index ?? -1,
    },
    { label: 'etcd', value: upTo(stored, (s) => s.etcdKey ?? ''), at: stored?.index ?? -1 },
    dnsRow,
    sliceRow,
    rulesRow,
  ];
}

/** What the story has produced up to the current step. */
export function Ledger({
  trace,
  cursor,
  story,
}: {
  trace: RegistrationTrace;
  cursor: number;
  story: 'register' | 'readiness';
}) {
  return (
    <Card title="So far">
      <dl className="reg-ledger">
        {ledgerRows(trace, cursor, story).map((row) => (
          <div key={row.label} className={row.at === cursor && row.value !== null ? 'is-now' : undefined}>
            <dt>{row.label}</dt>
            <dd className={row.value === null ? 'reg-not-yet' : 'mono'}>{row.value ?? 'not yet'}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}
