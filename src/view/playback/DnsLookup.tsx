import { useMemo } from 'react';
import { podResolvConf, renderResolvConf } from '../../engine/dns/resolvConf';
import { searchCandidates } from '../../engine/dns/search';
import { selectCluster, selectCursor, selectRequest, selectTrace } from '../../store';
import { useNetviz } from '../NetvizContext';

/** On DNS steps: the client's resolv.conf, the names the resolver tries in order, and the record that answered. */
export function DnsLookup() {
  const cluster = useNetviz(selectCluster);
  const request = useNetviz(selectRequest);
  const trace = useNetviz(selectTrace);
  const cursor = useNetviz(selectCursor);

  const pod = useMemo(() => {
    const from = request.from;
    return from.kind === 'pod'
      ? cluster.pods.find((p) => p.namespace === from.namespace && p.name === from.name)
      : undefined;
  }, [cluster, request]);
  const resolvConf = useMemo(() => (pod ? podResolvConf(cluster, pod) : null), [cluster, pod]);
  const candidates = useMemo(
    () => (resolvConf ? searchCandidates(request.to, resolvConf) : []),
    [request, resolvConf],
  );
  if (!pod || !resolvConf || !trace) return null;

  const seen = trace.steps.slice(0, cursor + 1);
  const queries = seen.filter((s) => s.kind === 'dns-query');
  const lastQuery = queries[queries.length - 1];
  const trying = lastQuery ? candidates.findIndex((c) => lastQuery.packet.payload.includes(c)) : -1;
  const answer = [...seen]
    .reverse()
    .find((s) => s.kind === 'dns-answer' && (lastQuery ? s.index > lastQuery.index : true));

  return (
    // Focusable: it scrolls when the search list is long, and keyboard users must be able to scroll it.
    <div className="dns-lookup" tabIndex={0} role="region" aria-label="DNS lookup">
      <h2 className="panel-title">
        DNS lookup{' '}
        <span className="muted">
          in {pod.namespace}/{pod.name}
        </span>
      </h2>
      <div className="dns-grid">
        <div>
          <h3>/etc/resolv.conf</h3>
          <pre className="resolv-conf">{renderResolvConf(resolvConf)}</pre>
        </div>
        <div>
          <h3>Names tried for “{request.to}”</h3>
          <ol className="candidates">
            {candidates.map((c, i) => {
              const state =
                i < trying ? 'nxdomain' : i === trying ? (answer ? 'answered' : 'trying') : 'later';
              return (
                <li
                  key={c}
                  className={`candidate is-${state}`}
                  aria-current={i === trying ? 'step' : undefined}
                >
                  <code>{c}</code> {state === 'nxdomain' && <span className="tag-nx">NXDOMAIN</span>}
                  {state === 'trying' && <span className="tag-trying">◀ asking</span>}
                  {state === 'answered' && <span className="tag-ok">✓ answered</span>}
                </li>
              );
            })}
          </ol>
        </div>
      </div>
      {answer?.rule && (
        <p className="dns-answer">
          <span className="muted">CoreDNS answered</span> <code>{answer.rule.text}</code>
        </p>
      )}
    </div>
  );
}
