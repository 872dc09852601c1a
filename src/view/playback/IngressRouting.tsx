import type { IngressStepInfo, Step } from '../../engine/trace';

/**
 * On an ingress controller's decision step, in place of the node's kube-proxy rules: the server NGINX chose
 * for the Host header and every path location of it, the one that won lit.
 */
export function IngressRouting({ step, info }: { step: Step; info: IngressStepInfo }) {
  const pod = step.at.startsWith('pod:') ? step.at.slice('pod:'.length) : step.at;
  const outcome =
    info.backend === null
      ? 'No rule matches and no Ingress gives a default backend: NGINX answers 404 itself.'
      : info.rule?.endsWith('spec.defaultBackend')
        ? `No path matches: the server's root location goes to the default backend ${info.backend}.`
        : `Longest matching path wins (Exact beats Prefix at equal length) → ${info.backend}`;
  return (
    <div className="ingress-routing">
      <h2 className="panel-title">
        Ingress routing <span className="muted">in {pod}</span>
      </h2>
      <p className="ingress-server">
        <span className="muted">Host</span> <code>{info.host || '(none)'}</code> →{' '}
        <span className="muted">server</span> <code>{info.server}</code>
        <span className="ingress-why"> {info.serverReason}</span>
      </p>
      <h3>
        Paths for <code>{info.path}</code>
      </h3>
      {info.candidates.length === 0 ? (
        <p className="muted small">This server has no paths: only its root location.</p>
      ) : (
        <ol className="candidates">
          {info.candidates.map((c) => {
            const state = c.chosen ? 'answered' : c.matches ? 'trying' : 'nxdomain';
            return (
              <li
                key={c.text}
                className={`candidate is-${state}`}
                aria-current={c.chosen ? 'step' : undefined}
              >
                <code>{c.text}</code>{' '}
                {c.chosen ? (
                  <span className="tag-ok">◀ chosen</span>
                ) : c.matches ? (
                  <span className="tag-trying">matches, shorter</span>
                ) : (
                  <span className="tag-nx">no match</span>
                )}
              </li>
            );
          })}
        </ol>
      )}
      <p className="dns-answer">{outcome}</p>
    </div>
  );
}
