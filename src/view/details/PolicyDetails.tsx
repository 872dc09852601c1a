/**
 * Details of a NetworkPolicy (selected from its badge on the topology): what it selects, where the network
 * plugin enforces it, and its rules in words. Semantics as in src/model/networkPolicy.ts.
 */
import type { ReactNode } from 'react';
import { policiesSelecting } from '../../model/networkPolicy';
import type {
  Cluster,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
} from '../../model/types';

function selectorText(selector: LabelSelector): string {
  const parts = [
    ...Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`),
    ...selector.matchExpressions.map(
      (e) => `${e.key} ${e.operator}${e.values.length > 0 ? ` (${e.values.join(', ')})` : ''}`,
    ),
  ];
  return parts.join(', ');
}

function peerText(policy: NetworkPolicy, peer: NetworkPolicyPeer): string {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(', ')}` : '';
    return `addresses in ${peer.ipBlock.cidr}${except}`;
  }
  const pods = peer.podSelector
    ? selectorText(peer.podSelector) === ''
      ? 'every pod'
      : `pods ${selectorText(peer.podSelector)}`
    : 'every pod';
  if (!peer.namespaceSelector) return `${pods} in ${policy.namespace}`;
  const ns = selectorText(peer.namespaceSelector);
  return `${pods} in ${ns === '' ? 'every namespace' : `namespaces ${ns}`}`;
}

function portText(port: NetworkPolicyPort): string {
  if (port.port === undefined) return `every ${port.protocol} port`;
  const range = port.endPort !== undefined ? `${port.port}–${port.endPort}` : String(port.port);
  return `${port.protocol} ${range}${typeof port.port === 'string' ? ' (named port)' : ''}`;
}

function RuleList({
  policy,
  rules,
  direction,
}: {
  policy: NetworkPolicy;
  rules: readonly NetworkPolicyRule[];
  direction: 'ingress' | 'egress';
}) {
  if (rules.length === 0)
    return (
      <p>
        No {direction} rules: this policy allows nothing {direction === 'ingress' ? 'in' : 'out'} — with no
        other policy, the pods it selects are denied all {direction} (default deny).
      </p>
    );
  const fromTo = direction === 'ingress' ? 'from' : 'to';
  return (
    <ol className="policy-rules">
      {rules.map((rule, i) => (
        <li key={i}>
          <code className="mono">
            spec.{direction}[{i}]
          </code>{' '}
          allows {fromTo}{' '}
          {rule.peers.length === 0 ? 'anywhere' : rule.peers.map((p) => peerText(policy, p)).join(' or ')}
          {', on '}
          {rule.ports.length === 0 ? 'every port' : rule.ports.map(portText).join(' or ')}
        </li>
      ))}
    </ol>
  );
}

export function PolicyDetails({ cluster, policy }: { cluster: Cluster; policy: NetworkPolicy }) {
  const selected = cluster.pods.filter((pod) =>
    policiesSelecting([policy], pod).some((p) => p.name === policy.name),
  );
  const selector = selectorText(policy.podSelector);
  const rows: readonly (readonly [string, ReactNode])[] = [
    [
      'Selects',
      selector === '' ? `every pod in ${policy.namespace}` : `pods ${selector} in ${policy.namespace}`,
    ],
    ['Policy types', policy.policyTypes.join(', ')],
    [
      'Enforced at',
      selected.length === 0
        ? 'no pod (nothing selected)'
        : selected.map((p) => `${p.hostVeth ?? 'veth'} on ${p.nodeName ?? '?'} (${p.name})`).join(', '),
    ],
  ];
  return (
    <>
      <h2>
        NetworkPolicy {policy.namespace}/{policy.name}
      </h2>
      <dl className="facts">
        {rows.map(([k, v]) => (
          <div key={k} className="fact">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {policy.policyTypes.includes('Ingress') && (
        <>
          <h3>Ingress (into the selected pods)</h3>
          <RuleList policy={policy} rules={policy.ingress} direction="ingress" />
        </>
      )}
      {policy.policyTypes.includes('Egress') && (
        <>
          <h3>Egress (out of the selected pods)</h3>
          <RuleList policy={policy} rules={policy.egress} direction="egress" />
        </>
      )}
      <p className="hint">
        Rules only allow. A pod that any policy selects for a direction accepts, in that direction, only what
        some rule of those policies allows; replies of an allowed connection pass. Kubernetes stores the
        policy; the network plugin (Calico, Cilium, …) enforces it at each selected pod&apos;s veth.
      </p>
    </>
  );
}
