/**
 * NetworkPolicy semantics (networking.k8s.io/v1), as a pure function of the policies and one connection.
 *
 * The rules followed, from the API reference (NetworkPolicySpec) and kubernetes/website
 * content/en/docs/concepts/services-networking/network-policies.md:
 * - A policy's podSelector selects pods in the policy's own namespace; an empty selector selects them all.
 * - A pod is isolated for ingress (egress) only if some policy selecting it has Ingress (Egress) in its
 *   policyTypes. A pod that is not isolated in a direction allows everything in that direction.
 * - An isolated pod allows a connection only if some rule of some policy selecting it (with that policy
 *   type) allows it: rules are a union, so evaluation order never changes the result.
 * - A rule allows traffic that matches one of its peers AND one of its ports; an empty peer list or an empty
 *   port list matches everything, so the empty rule `{}` allows all.
 * - A peer with both podSelector and namespaceSelector selects those pods in those namespaces (AND); a
 *   podSelector alone means the policy's namespace; ipBlock matches the address, minus `except`.
 * - Policies are connection-oriented: the reply packets of an allowed connection are allowed without a rule
 *   (the caller asks only about new connections).
 * - hostNetwork pods are not selected by policies, nor matched as pod peers: their traffic carries the node's
 *   address, which only an ipBlock can match (network-policies.md, "NetworkPolicy and hostNetwork pods").
 * - A pod cannot block access to itself (network-policies.md lists it as the one exception among pod peers):
 *   a connection whose other end is the pod itself — a Service hairpin back to its own backend — passes.
 * - Traffic from or to the pod's own node gets no exception in the API: an isolated pod needs a rule for it.
 *   (The docs list blocking the resident node as something policies cannot do, and plugins such as Calico
 *   allow the node's own traffic by default so that kubelet's liveness/readiness probes keep working;
 *   kube-netviz follows the API and lets a rule decide.)
 *
 * kube-netviz has no Namespace objects: a namespace's only label is taken to be
 * `kubernetes.io/metadata.name: <name>`, the label the API server sets on every namespace since v1.22
 * (NamespaceDefaultLabelName).
 */
import type {
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  Pod,
  Protocol,
} from './types';

export type PolicyDirection = 'ingress' | 'egress';

/** The label every namespace carries (the API server's immutable `kubernetes.io/metadata.name`). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** One new connection as the policy sees it, from the point of view of the pod being checked. */
export interface PolicyConnection {
  readonly protocol: Protocol;
  /** The other end's address: the source for ingress, the destination for egress. */
  readonly peerIP: string;
  /** The pod behind `peerIP`, when it is a (non-hostNetwork) pod. */
  readonly peerPod: Pod | null;
  /** The destination port (the pod's own port for ingress, the peer's for egress). */
  readonly port: number;
}

export interface PolicyDecision {
  readonly allowed: boolean;
  /** True when some policy selecting the pod has this direction's policy type. */
  readonly isolated: boolean;
  /** The policy (`namespace/name`) and the rule (`spec.ingress[0].from[1]`) that allowed the connection. */
  readonly decidedBy: { readonly policy: string; readonly rule?: string } | null;
  readonly reason: string;
}

/** Does the selector select these labels? (metav1.LabelSelectorAsSelector semantics.) */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions) {
    const has = Object.hasOwn(labels, req.key);
    const value = has ? labels[req.key] : undefined;
    switch (req.operator) {
      case 'In':
        if (value === undefined || !req.values.includes(value)) return false;
        break;
      case 'NotIn':
        // NotIn also matches objects without the key (labels.Selector semantics).
        if (value !== undefined && req.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The labels kube-netviz gives a namespace (it has no Namespace objects). */
export function namespaceLabels(namespace: string): Readonly<Record<string, string>> {
  return { [NAMESPACE_NAME_LABEL]: namespace };
}

export const policyKey = (policy: NetworkPolicy) => `${policy.namespace}/${policy.name}`;

/** The policies that select `pod` (in its namespace, by podSelector); none for hostNetwork pods. */
export function policiesSelecting(policies: readonly NetworkPolicy[], pod: Pod): NetworkPolicy[] {
  if (pod.hostNetwork) return [];
  return policies.filter((p) => p.namespace === pod.namespace && selectorMatches(p.podSelector, pod.labels));
}

// ---------------------------------------------------------------------------------------------------------
// IPv4 arithmetic for ipBlock (kept here so the model does not need ip-num at trace time)

function ipv4Value(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** The first and last address of `a.b.c.d/n` (host bits ignored, as Go's net.ParseCIDR does); null if invalid. */
export function ipv4CidrBounds(text: string): { readonly first: number; readonly last: number } | null {
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(text);
  if (!match) return null;
  const address = ipv4Value(match[1] ?? '');
  const prefix = Number(match[2]);
  if (address === null || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(address / size) * size;
  return { first, last: first + size - 1 };
}

function cidrHas(cidr: string, ip: number): boolean {
  const bounds = ipv4CidrBounds(cidr);
  return bounds !== null && ip >= bounds.first && ip <= bounds.last;
}

// ---------------------------------------------------------------------------------------------------------
// Matching one rule

function peerMatches(policy: NetworkPolicy, peer: NetworkPolicyPeer, connection: PolicyConnection): boolean {
  if (peer.ipBlock) {
    const ip = ipv4Value(connection.peerIP);
    if (ip === null || !cidrHas(peer.ipBlock.cidr, ip)) return false;
    return !peer.ipBlock.except.some((except) => cidrHas(except, ip));
  }
  const other = connection.peerPod;
  if (!other || other.hostNetwork) return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(other.namespace))) return false;
  } else if (other.namespace !== policy.namespace) {
    // A podSelector alone selects pods in the policy's own namespace.
    return false;
  }
  return peer.podSelector === undefined || selectorMatches(peer.podSelector, other.labels);
}

/**
 * A named port is looked up among the destination pod's container ports (with the rule's protocol); a
 * destination that is not a pod has no named ports.
 */
function portMatches(
  port: NetworkPolicyPort,
  connection: PolicyConnection,
  destination: Pod | null,
): boolean {
  if (port.protocol !== connection.protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') {
    const last = port.endPort ?? port.port;
    return connection.port >= port.port && connection.port <= last;
  }
  const name = port.port;
  return (
    destination?.containers.some((c) =>
      c.ports.some(
        (p) => p.name === name && p.protocol === connection.protocol && p.containerPort === connection.port,
      ),
    ) ?? false
  );
}

function ruleMatch(
  policy: NetworkPolicy,
  rule: NetworkPolicyRule,
  connection: PolicyConnection,
  destination: Pod | null,
): { readonly peer: number | null } | null {
  if (rule.ports.length > 0 && !rule.ports.some((p) => portMatches(p, connection, destination))) return null;
  if (rule.peers.length === 0) return { peer: null };
  const peer = rule.peers.findIndex((p) => peerMatches(policy, p, connection));
  return peer < 0 ? null : { peer };
}

function describePeer(connection: PolicyConnection): string {
  const pod = connection.peerPod;
  return pod ? `${pod.namespace}/${pod.name} (${connection.peerIP})` : connection.peerIP;
}

/**
 * Decides whether `pod` lets a NEW connection in (`ingress`) or out (`egress`). Replies of an allowed
 * connection are not asked about: policies are stateful.
 */
export function evaluateNetworkPolicies(
  policies: readonly NetworkPolicy[],
  direction: PolicyDirection,
  pod: Pod,
  connection: PolicyConnection,
): PolicyDecision {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const selecting = policiesSelecting(policies, pod).filter((p) => p.policyTypes.includes(type));
  const what = `${direction} ${direction === 'ingress' ? 'from' : 'to'} ${describePeer(connection)} on ${connection.protocol}/${connection.port}`;
  const podName = `${pod.namespace}/${pod.name}`;
  if (selecting.length === 0) {
    return {
      allowed: true,
      isolated: false,
      decidedBy: null,
      reason: pod.hostNetwork
        ? `${podName} uses the host network: NetworkPolicy does not apply to it`
        : `no NetworkPolicy isolates ${podName} for ${direction}: all ${direction} is allowed`,
    };
  }
  const other = connection.peerPod;
  if (other && other.namespace === pod.namespace && other.name === pod.name) {
    return {
      allowed: true,
      isolated: true,
      decidedBy: null,
      reason: `${podName} talks to itself: a pod cannot block access to itself`,
    };
  }
  // Sorted by namespace/name so that the rule named is the same whatever the input order (the verdict
  // does not depend on order: rules are a union).
  const ordered = [...selecting].sort((a, b) => policyKey(a).localeCompare(policyKey(b)));
  const destination = direction === 'ingress' ? pod : connection.peerPod;
  const field = direction === 'ingress' ? 'ingress' : 'egress';
  const peersField = direction === 'ingress' ? 'from' : 'to';
  for (const policy of ordered) {
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    for (const [i, rule] of rules.entries()) {
      const match = ruleMatch(policy, rule, connection, destination);
      if (!match) continue;
      const rulePath =
        match.peer === null ? `spec.${field}[${i}]` : `spec.${field}[${i}].${peersField}[${match.peer}]`;
      return {
        allowed: true,
        isolated: true,
        decidedBy: { policy: policyKey(policy), rule: rulePath },
        reason: `${policyKey(policy)} ${rulePath} allows ${what}`,
      };
    }
  }
  const names = ordered.map(policyKey);
  return {
    allowed: false,
    isolated: true,
    // The first isolating policy stands for them all (none of them has a rule that matches).
    decidedBy: { policy: names[0] ?? '' },
    reason: `no policy selecting ${podName} allows ${what} (isolated by ${names.join(', ')})`,
  };
}
