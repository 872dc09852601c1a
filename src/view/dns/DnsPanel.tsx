/**
 * DNS for Services and Pods: every record CoreDNS's kubernetes plugin serves for the cluster (grouped,
 * filterable), and a lookup tool that lists the queries a pod's resolver sends for a name, in order, with
 * CoreDNS's answer to each. The explorer panel `dns` (src/view/panels/registry.ts).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { buildDnsZone, type DnsRecord, type RecordType } from '../../engine/dns/records';
import { lookupName, type Lookup } from '../../engine/dns/resolver';
import { podResolvConf, renderResolvConf } from '../../engine/dns/resolvConf';
import type { Cluster, Pod } from '../../model/types';
import { selectCluster, selectRequest, selectSelectedElement } from '../../store';
import { useNetviz } from '../NetvizContext';
import './DnsPanel.css';

// ---------------------------------------------------------------------------------------------------------
// Records

interface Group {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly records: readonly (DnsRecord & { readonly extension?: boolean })[];
}

/** The zone's records in the groups the Kubernetes DNS specification describes them in. */
function groupRecords(cluster: Cluster): readonly Group[] {
  const zone = buildDnsZone(cluster);
  const spec = zone.records;
  const ext = zone.extensions.map((r) => ({ ...r, extension: true }));
  const all = [...spec, ...ext];
  return [
    {
      id: 'service',
      title: 'Services (ClusterIP)',
      note: '<svc>.<ns>.svc → the ClusterIP (spec §2.3.1)',
      records: spec.filter((r) => r.kind === 'service' && r.type === 'A'),
    },
    {
      id: 'headless',
      title: 'Headless Services',
      note: 'one A per ready endpoint; none ready → NXDOMAIN (spec §2.4.1)',
      records: spec.filter((r) => r.kind === 'headless'),
    },
    {
      id: 'endpoint',
      title: 'Endpoints',
      note: '<hostname>.<svc>.<ns>.svc: the pod’s hostname when its subdomain names the Service, else its dashed IP',
      records: all.filter((r) => r.kind === 'endpoint'),
    },
    {
      id: 'external',
      title: 'ExternalName',
      note: 'a CNAME to the external name; CoreDNS resolves the target upstream (spec §2.5)',
      records: spec.filter((r) => r.kind === 'service' && r.type === 'CNAME'),
    },
    {
      id: 'srv',
      title: 'SRV (named ports)',
      note: '_<port>._<proto>.<svc>.<ns>.svc; unnamed ports get none (spec §2.3.2, §2.4.2)',
      records: all.filter((r) => r.kind === 'srv'),
    },
    {
      id: 'ptr',
      title: 'PTR (reverse)',
      note: 'd.c.b.a.in-addr.arpa → the Service or endpoint name (spec §2.3.3, §2.4.3)',
      records: all.filter((r) => r.kind === 'ptr'),
    },
    {
      id: 'pod',
      title: 'Pods',
      note: 'a-b-c-d.<ns>.pod: kubeadm’s Corefile says `pods insecure` — any dashed address is answered (spec §2.6)',
      records: zone.pods,
    },
    {
      id: 'schema',
      title: 'Schema version',
      note: 'dns-version.<zone> TXT (spec §2.2)',
      records: spec.filter((r) => r.kind === 'schema'),
    },
  ];
}

/** The namespace a record belongs to (from its owner name or its target), or null (schema, PTR to nothing). */
function namespaceOf(record: DnsRecord, zone: string): string | null {
  const name = record.type === 'PTR' ? record.data : record.name;
  const match = new RegExp(`([a-z0-9-]+)\\.(?:svc|pod)\\.${zone.replaceAll('.', '\\.')}$`).exec(name);
  return match?.[1] ?? null;
}

const TYPES: readonly RecordType[] = ['A', 'SRV', 'PTR', 'CNAME', 'TXT'];

function RecordsBrowser({ cluster }: { cluster: Cluster }) {
  const groups = useMemo(() => groupRecords(cluster), [cluster]);
  const zone = buildDnsZone(cluster).zone;
  const [type, setType] = useState<RecordType | 'all'>('all');
  const [namespace, setNamespace] = useState('all');
  const [text, setText] = useState('');
  const namespaces = useMemo(
    () =>
      [
        ...new Set(cluster.pods.map((p) => p.namespace).concat(cluster.services.map((s) => s.namespace))),
      ].sort(),
    [cluster],
  );
  const needle = text.trim().toLowerCase();
  const keep = (r: DnsRecord) =>
    (type === 'all' || r.type === type) &&
    (namespace === 'all' || namespaceOf(r, zone) === namespace) &&
    (needle === '' ||
      r.name.includes(needle) ||
      r.data.toLowerCase().includes(needle) ||
      r.origin.toLowerCase().includes(needle));
  const shown = groups.map((g) => ({ ...g, records: g.records.filter(keep) }));
  const total = groups.reduce((n, g) => n + g.records.length, 0);
  const count = shown.reduce((n, g) => n + g.records.length, 0);

  return (
    <section className="dns-records" aria-labelledby="dns-records-title">
      <h3 id="dns-records-title">
        Records CoreDNS serves <span className="muted">for {zone.replace(/\.$/, '')}</span>
      </h3>
      <div className="dns-filters" role="search" aria-label="Filter the records">
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as RecordType | 'all')}>
            <option value="all">all</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Namespace
          <select value={namespace} onChange={(e) => setNamespace(e.target.value)}>
            <option value="all">all</option>
            {namespaces.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="dns-filter-text">
          Contains
          <input
            type="search"
            value={text}
            placeholder="name, address or object"
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <span className="muted dns-count" aria-live="polite">
          {count === total ? `${total} records` : `${count} of ${total} records`}
        </span>
      </div>
      {/* Focusable so that keyboard users can scroll it. */}
      <div className="dns-groups" tabIndex={0} role="region" aria-label="DNS records">
        {shown
          .filter((g) => g.records.length > 0)
          .map((g) => (
            <table key={g.id} className="dns-table" data-group={g.id}>
              <caption>
                <span className="dns-group-title">{g.title}</span> <span className="muted">{g.note}</span>
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Data</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {g.records.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <code>{r.name}</code>
                    </td>
                    <td>
                      <span className={`rr-type rr-${r.type.toLowerCase()}`}>{r.type}</span>
                    </td>
                    <td>
                      <code>{r.data}</code>
                    </td>
                    <td className="muted">
                      {r.origin}
                      {r.extension && (
                        <span
                          className="rr-ext"
                          title="CoreDNS answers this name too, beyond what the specification requires (plugin/kubernetes)"
                        >
                          CoreDNS extra
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        {count === 0 && <p className="muted">No record matches.</p>}
      </div>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Lookup

const EXAMPLES = (cluster: Cluster) => {
  const svc =
    cluster.services.find((s) => s.clusterIP !== null && s.namespace === 'default') ?? cluster.services[0];
  const headless = cluster.services.find((s) => s.headless);
  const endpoint = headless
    ? buildDnsZone(cluster).records.find(
        (r) => r.kind === 'endpoint' && r.origin.endsWith(`/${headless.name}`),
      )
    : undefined;
  const domain = cluster.network.clusterDomain;
  const qualified = svc ? `${svc.name}.${svc.namespace}.svc.${domain}` : `kubernetes.default.svc.${domain}`;
  return [
    { label: 'Short name', name: svc?.name ?? 'kubernetes', hint: 'search list first' },
    { label: 'Misses the search list', name: 'example.com', hint: 'every search domain, then as-is' },
    {
      label: '5 dots',
      name: endpoint ? endpoint.name.replace(/\.$/, '') : `a.b.${qualified}`,
      hint: 'tried as-is first',
    },
    { label: 'Trailing dot', name: `${qualified}.`, hint: 'absolute: one query' },
  ];
};

function describeOrder(l: Lookup): string {
  if (l.order === 'absolute')
    return 'ends with a dot: absolute, so it is the only name queried (no search list)';
  const dots = `${l.dots} dot${l.dots === 1 ? '' : 's'}`;
  return l.order === 'as-is-first'
    ? `${dots} ≥ ndots:${l.ndots}: tried as-is first, then with each search domain`
    : `${dots} < ndots:${l.ndots}: each search domain first, the name as-is last`;
}

function LookupTool({ cluster }: { cluster: Cluster }) {
  const selected = useNetviz(selectSelectedElement);
  const request = useNetviz(selectRequest);
  const pods = useMemo(() => cluster.pods.filter((p) => p.podIP !== null && !p.hostNetwork), [cluster]);
  const initialPod = (): Pod | undefined => {
    if (selected && (selected.kind === 'pod' || selected.kind === 'veth') && pods.includes(selected.pod))
      return selected.pod;
    const from = request.from;
    return (
      (from.kind === 'pod'
        ? pods.find((p) => p.namespace === from.namespace && p.name === from.name)
        : undefined) ?? pods[0]
    );
  };
  const [podKey, setPodKey] = useState(() => {
    const p = initialPod();
    return p ? `${p.namespace}/${p.name}` : '';
  });
  const pod = pods.find((p) => `${p.namespace}/${p.name}` === podKey);
  const examples = useMemo(() => EXAMPLES(cluster), [cluster]);
  const [draft, setDraft] = useState(examples[0]?.name ?? '');
  const [name, setName] = useState(draft);
  const lookup = useMemo(
    () => (pod && name.trim() !== '' ? lookupName(cluster, pod, name) : null),
    [cluster, pod, name],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setName(draft);
  };
  const tryExample = (example: string) => {
    setDraft(example);
    setName(example);
  };

  if (!pod) return <p className="muted">No pod with its own network namespace to look names up from.</p>;
  const rc = podResolvConf(cluster, pod);
  return (
    <section className="dns-lookup-tool" aria-labelledby="dns-lookup-title">
      <h3 id="dns-lookup-title">Look a name up from a pod</h3>
      <form className="dns-lookup-form" onSubmit={submit}>
        <label>
          Pod
          <select value={podKey} onChange={(e) => setPodKey(e.target.value)}>
            {pods.map((p) => (
              <option key={`${p.namespace}/${p.name}`} value={`${p.namespace}/${p.name}`}>
                {p.namespace}/{p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="dns-name">
          Name
          <input
            type="text"
            value={draft}
            spellCheck={false}
            autoCapitalize="off"
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>
        <button type="submit" className="primary">
          Look up
        </button>
      </form>
      <div className="dns-examples" role="group" aria-label="Examples">
        {examples.map((x) => (
          <button
            key={x.label}
            type="button"
            title={`${x.name} — ${x.hint}`}
            onClick={() => tryExample(x.name)}
          >
            {x.label}
          </button>
        ))}
      </div>
      <details className="dns-resolv" open>
        <summary>/etc/resolv.conf of {pod.name}</summary>
        <pre className="resolv-conf">{renderResolvConf(rc)}</pre>
      </details>
      {lookup && <LookupResult lookup={lookup} />}
    </section>
  );
}

function LookupResult({ lookup }: { lookup: Lookup }) {
  const sent = new Set(lookup.queries.map((q) => q.qname));
  return (
    <div className="dns-lookup-result" aria-live="polite">
      <p className="dns-order">
        <code>{lookup.name}</code> — {describeOrder(lookup)}
        <span className="muted dns-aaaa">
          {' '}
          (glibc asks A and AAAA for each name; the A queries are shown)
        </span>
      </p>
      {lookup.fromHosts !== null ? (
        <p className="dns-verdict is-ok">
          /etc/hosts has it: <code>{lookup.fromHosts}</code> — no DNS query is sent (nsswitch “hosts: files
          dns”).
        </p>
      ) : (
        <>
          <ol className="dns-queries" aria-label="Queries sent, in order">
            {lookup.candidates.map((qname) => {
              const q = lookup.queries.find((x) => x.qname === qname);
              if (!q || !sent.has(qname))
                return (
                  <li key={qname} className="dns-query is-unsent">
                    <code>{qname}</code> <span className="rcode rcode-unsent">not sent</span>
                  </li>
                );
              const { answer } = q;
              const status = answer.forwarded
                ? 'forwarded'
                : answer.rcode === 'NOERROR' && answer.answers.length > 0
                  ? 'ok'
                  : answer.rcode === 'NOERROR'
                    ? 'nodata'
                    : 'nx';
              return (
                <li key={qname} className={`dns-query is-${status}`}>
                  <div className="dns-q">
                    <span className="muted">A?</span> <code>{qname}</code>{' '}
                    <span className={`rcode rcode-${status}`}>
                      {status === 'forwarded'
                        ? 'forwarded upstream'
                        : status === 'nodata'
                          ? 'NOERROR, no A'
                          : answer.rcode}
                    </span>
                  </div>
                  {answer.answers.length > 0 ? (
                    <ul className="dns-answers">
                      {answer.answers.map((r) => (
                        <li key={r.id}>
                          <code>
                            {r.name} {r.ttl} IN {r.type} {r.data}
                          </code>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <div className="dns-why muted">{answer.explanation}</div>
                  )}
                </li>
              );
            })}
          </ol>
          <Verdict lookup={lookup} />
        </>
      )}
    </div>
  );
}

function Verdict({ lookup }: { lookup: Lookup }) {
  const n = lookup.queries.length;
  const queries = `${n} quer${n === 1 ? 'y' : 'ies'}`;
  const result = lookup.result;
  if (!result) return <p className="dns-verdict is-nx">Not found after {queries}: getaddrinfo fails.</p>;
  if (result.answer.forwarded)
    return (
      <p className="dns-verdict">
        After {queries}, <code>{result.qname}</code> is outside the cluster domain: CoreDNS forwards it to the
        node’s resolver (<code>forward . /etc/resolv.conf</code>), whose answer kube-netviz does not model.
      </p>
    );
  const first = result.answer.answers[0];
  return (
    <p className="dns-verdict is-ok">
      Resolved after {queries}:{' '}
      <code>
        {first?.type} {first?.data}
      </code>
      {first?.type === 'CNAME' && ' — CoreDNS then chases the target upstream and adds its A records'}
    </p>
  );
}

// ---------------------------------------------------------------------------------------------------------

export default function DnsPanel() {
  const cluster = useNetviz(selectCluster);
  return (
    <div className="dns-panel">
      <RecordsBrowser cluster={cluster} />
      <LookupTool cluster={cluster} />
    </div>
  );
}
