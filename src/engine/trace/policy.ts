/**
 * The NetworkPolicy hop: where a CNI plugin that implements NetworkPolicy (Calico, Cilium, …) checks a pod's
 * traffic, and what it decides. Kubernetes itself enforces nothing; the plugin does, at the pod's veth:
 * egress as a packet leaves the source pod (on the source node), ingress as it arrives at the destination
 * pod's veth. Policies act on pod IPs, so traffic to a Service is judged after kube-proxy's DNAT has chosen
 * the backend pod (Calico's per-workload chains run in the filter FORWARD chain, after the nat PREROUTING
 * DNAT; Cilium translates the Service address before its policy lookup). An ingress check therefore sees the
 * client pod's own address — unless the packet was masqueraded on the way, in which case it sees the node's.
 *
 * Policies are connection-oriented: only a connection's first packet is judged; its replies pass (the
 * plugins match conntrack ESTABLISHED/RELATED first). A pod that no policy isolates in a direction adds no
 * step, so a cluster without policies traces exactly as before.
 */
import {
  evaluateNetworkPolicies,
  policiesSelecting,
  policyKey,
  type PolicyDecision,
  type PolicyDirection,
} from '../../model/networkPolicy';
import type { Cluster, Pod } from '../../model/types';
import type { TrackedEntry } from './conntrack';
import type { Sim } from './network';
import type { Location, Packet, PolicyVerdict } from './types';

export type { PolicyDecision, PolicyDirection };

const podIndexCache = new WeakMap<Cluster, ReadonlyMap<string, Pod>>();

/** Pods by IP, hostNetwork pods left out: their address is the node's, which only an ipBlock can match. */
function podsByIP(cluster: Cluster): ReadonlyMap<string, Pod> {
  let index = podIndexCache.get(cluster);
  if (!index) {
    const map = new Map<string, Pod>();
    for (const pod of cluster.pods) {
      if (pod.podIP === null || pod.hostNetwork || pod.phase === 'Succeeded' || pod.phase === 'Failed')
        continue;
      map.set(pod.podIP, pod);
    }
    index = map;
    podIndexCache.set(cluster, index);
  }
  return index;
}

/**
 * Decides whether `pod` lets `packet` (the first packet of a new connection) out (`egress`, the pod is the
 * source) or in (`ingress`, the pod is the destination). The packet must carry pod addresses as the plugin
 * sees them: the DNATed destination for Service traffic.
 */
export function evaluatePolicy(
  cluster: Cluster,
  direction: PolicyDirection,
  pod: Pod,
  packet: Packet,
): PolicyDecision {
  const peerIP = direction === 'egress' ? packet.dst : packet.src;
  return evaluateNetworkPolicies(cluster.networkPolicies, direction, pod, {
    protocol: packet.protocol,
    peerIP,
    peerPod: podsByIP(cluster).get(peerIP) ?? null,
    port: packet.dport,
  });
}

// -----------------------------------------------------------------------------------------------------------
// Per-trace state: which connections each pod's veth has seen (to let replies through), and Service
// connections whose egress check waits for the DNAT.

interface PolicyState {
  /** `<ns>/<pod>|<tuple>` of every connection a pod opened or accepted. */
  readonly seen: Set<string>;
  /** Original tuple of a Service connection → the pod whose egress is still to be checked. */
  readonly pending: Map<string, Pod>;
}

const states = new WeakMap<Sim, PolicyState>();

function stateOf(sim: Sim): PolicyState {
  let state = states.get(sim);
  if (!state) {
    state = { seen: new Set(), pending: new Map() };
    states.set(sim, state);
  }
  return state;
}

const podKey = (pod: Pod) => `${pod.namespace}/${pod.name}`;
const tupleKey = (protocol: string, src: string, sport: number, dst: string, dport: number) =>
  `${protocol} ${src}:${sport}>${dst}:${dport}`;
const forward = (p: Packet) => tupleKey(p.protocol, p.src, p.sport, p.dst, p.dport);
const backward = (p: Packet) => tupleKey(p.protocol, p.dst, p.dport, p.src, p.sport);

/** True (and remembered otherwise) when the packet answers a connection this pod's veth has already seen. */
function isReply(sim: Sim, pod: Pod, packet: Packet): boolean {
  const { seen } = stateOf(sim);
  if (seen.has(`${podKey(pod)}|${backward(packet)}`)) return true;
  seen.add(`${podKey(pod)}|${forward(packet)}`);
  return false;
}

/** A check that stopped the packet: the drop step is already recorded. */
export interface PolicyDrop {
  readonly reason: string;
}

function dnsHint(sim: Sim, direction: PolicyDirection, packet: Packet): string {
  const isDns = packet.dport === 53 && (packet.protocol === 'UDP' || packet.protocol === 'TCP');
  if (!isDns || direction !== 'egress') return '';
  return ` — so this DNS query never reaches CoreDNS: an egress policy must also allow UDP and TCP port 53 to the kube-dns pods (Service ${sim.cluster.network.dnsServiceIP})`;
}

function record(
  sim: Sim,
  direction: PolicyDirection,
  pod: Pod,
  packet: Packet,
  decision: PolicyDecision,
  where: { readonly location: Location; readonly from: string; readonly at: string; readonly note?: string },
): PolicyDrop | null {
  const what = direction === 'egress' ? `leave ${pod.name}` : `enter ${pod.name}`;
  const type = direction === 'egress' ? 'Egress' : 'Ingress';
  const selectedBy = policiesSelecting(sim.cluster.networkPolicies, pod)
    .filter((p) => p.policyTypes.includes(type))
    .map(policyKey)
    .sort();
  const verdict: PolicyVerdict = {
    pod: `${pod.namespace}/${pod.name}`,
    direction,
    allowed: decision.allowed,
    selectedBy,
    allowedBy: decision.allowed ? (decision.decidedBy?.policy ?? null) : null,
  };
  if (decision.allowed) {
    const by = decision.decidedBy;
    sim.push({
      kind: 'policy',
      location: where.location,
      from: where.from,
      at: where.at,
      packet,
      before: packet,
      ...(by
        ? { rule: { text: `NetworkPolicy ${by.policy}${by.rule !== undefined ? ` ${by.rule}` : ''}` } }
        : {}),
      policy: verdict,
      caption: by
        ? `NetworkPolicy allows it: ${by.policy} ${by.rule ?? ''} lets ${forwardText(packet)} ${what} (${pod.name} is isolated for ${direction})`.replace(
            /\s+/g,
            ' ',
          )
        : `NetworkPolicy allows it: ${decision.reason}`,
      detail: `${decision.reason}${where.note ? `. ${where.note}` : ''}`,
    });
    return null;
  }
  const peerIP = direction === 'egress' ? packet.dst : packet.src;
  const peerPod = podsByIP(sim.cluster).get(peerIP);
  const traffic = `${direction} ${direction === 'egress' ? 'to' : 'from'} ${peerPod?.name ?? peerIP} on ${packet.protocol}/${packet.dport}`;
  const short = (key: string) =>
    key.startsWith(`${pod.namespace}/`) ? key.slice(pod.namespace.length + 1) : key;
  const reason = `NetworkPolicy: nothing allows ${traffic} at ${pod.name}`;
  // No rule denies anything: a pod that some policy selects for a direction is denied whatever none of
  // those policies' rules allows (network-policies.md, "The two sorts of pod isolation"), so the drop names
  // the selecting policies, not a deny rule.
  sim.push({
    kind: 'drop',
    location: where.location,
    from: where.from,
    at: where.at,
    packet,
    before: packet,
    rule: {
      text: `NetworkPolicy: no ${direction} rule allows it (${pod.name} selected by ${selectedBy.join(', ')})`,
    },
    policy: verdict,
    caption: `Dropped at ${pod.name}'s veth: no policy allows ${traffic} (default deny: ${selectedBy.map(short).join(', ')} ${selectedBy.length === 1 ? 'selects' : 'select'} ${pod.name})`,
    detail: `${decision.reason}${dnsHint(sim, direction, packet)}. The network plugin drops the packet at ${pod.hostVeth ?? 'the veth'} of ${pod.name} (${direction}). Policies only allow: a pod selected by a policy with ${direction === 'egress' ? 'Egress' : 'Ingress'} in its policyTypes accepts only what some rule of such a policy allows.${where.note ? ` ${where.note}` : ''}`,
  });
  return { reason };
}

const forwardText = (p: Packet) => `${p.protocol} ${p.src}:${p.sport} → ${p.dst}:${p.dport}`;

function vethLocation(pod: Pod): Location {
  return {
    ...(pod.nodeName !== null ? { node: pod.nodeName } : {}),
    netns: `node:${pod.nodeName ?? ''}`,
    device: pod.hostVeth ?? 'veth',
    space: 'kernel',
  };
}

/**
 * Egress, as `pod` sends `packet` into its veth. Service traffic waits for the DNAT (see
 * `checkServiceEgress`); replies pass. Returns the drop, or null to go on.
 */
export function checkEgress(
  sim: Sim,
  pod: Pod,
  packet: Packet,
  at: string,
  isServiceIP: boolean,
): PolicyDrop | null {
  if (isReply(sim, pod, packet)) return null;
  if (isServiceIP) {
    const isolated = evaluatePolicy(sim.cluster, 'egress', pod, packet).isolated;
    if (isolated) stateOf(sim).pending.set(forward(packet), pod);
    return null;
  }
  const decision = evaluatePolicy(sim.cluster, 'egress', pod, packet);
  if (!decision.isolated) return null;
  return record(sim, 'egress', pod, packet, decision, { location: vethLocation(pod), from: at, at });
}

/**
 * Egress of a pod's connection to a Service, judged on the source node once kube-proxy has rewritten the
 * destination to a pod (iptables/nftables PREROUTING DNAT, IPVS). Userspace mode ends the pod's connection
 * at kube-proxy on the node, so no check is made there.
 */
export function checkServiceEgress(
  sim: Sim,
  nodeName: string,
  packet: Packet,
  state: { readonly entry: TrackedEntry; readonly direction: 'original' | 'reply' },
  at: string,
): PolicyDrop | null {
  if (state.direction !== 'original' || state.entry.state !== 'NEW') return null;
  const { original } = state.entry;
  const key = tupleKey(
    state.entry.protocol,
    original.src.ip,
    original.src.port,
    original.dst.ip,
    original.dst.port,
  );
  const { pending } = stateOf(sim);
  const pod = pending.get(key);
  if (!pod || pod.nodeName !== nodeName) return null;
  pending.delete(key);
  const decision = evaluatePolicy(sim.cluster, 'egress', pod, packet);
  return record(sim, 'egress', pod, packet, decision, {
    location: { node: nodeName, netns: `node:${nodeName}`, device: pod.hostVeth ?? 'veth', space: 'kernel' },
    from: at,
    at,
    note: `${pod.name} dialled ${original.dst.ip}:${original.dst.port}; the plugin judges the connection after kube-proxy's DNAT, on the pod address ${packet.dst}:${packet.dport}`,
  });
}

/** Ingress, as `packet` arrives at `pod`'s veth; replies pass. Returns the drop, or null to go on. */
export function checkIngress(sim: Sim, pod: Pod, packet: Packet, at: string): PolicyDrop | null {
  if (isReply(sim, pod, packet)) return null;
  const decision = evaluatePolicy(sim.cluster, 'ingress', pod, packet);
  if (!decision.isolated) return null;
  const masqueraded = podsByIP(sim.cluster).get(packet.src) === undefined;
  return record(sim, 'ingress', pod, packet, decision, {
    location: vethLocation(pod),
    from: at,
    at,
    ...(masqueraded
      ? {
          note: `The source ${packet.src} is not a pod address (the packet was masqueraded, or comes from a node or outside): only an ipBlock can match it`,
        }
      : {}),
  });
}
