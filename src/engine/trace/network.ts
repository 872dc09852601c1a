/**
 * The network as Linux moves a packet through it, hop by hop: a pod's routing table and veth, the node's
 * bridge, the netfilter hooks (asked of the node's kube-proxy dataplane), the node's routing table, eth0, the
 * router, the other node. Every hop appends a Step; the packet walks the rules the rules panel shows.
 *
 * Hook order (net/ipv4: ip_rcv → PREROUTING → routing → INPUT | FORWARD → POSTROUTING → out; locally sent:
 * OUTPUT → routing → POSTROUTING). Bridged traffic between two pods on one node goes through the same
 * PREROUTING/FORWARD/POSTROUTING hooks because kube-proxy requires br_netfilter
 * (net.bridge.bridge-nf-call-iptables=1) — that is how conntrack can undo the DNAT on a reply that never
 * leaves the bridge.
 */
import { anchorIds, kubeProxyId, serviceId } from '../../model/elementIds';
import type { Cluster, Node, Pod, Service } from '../../model/types';
import { cidrContainsText } from '../netfilter/ipv4';
import type { Hook } from '../netfilter/types';
import { proxyModeModule } from '../proxy';
import type { HookResult, NodeDataplane, UserspaceAccept, WalkedRule } from '../proxy/types';
import type { Rng } from '../rng';
import { formatRoute, lookupRoute, routeTable, VXLAN_DEVICE } from '../routing';
// Pod networking (loopback, VXLAN overlay): see src/engine/cni/.
import { isLoopbackAddress } from '../cni/loopback';
import {
  describeVxlanMtu,
  VXLAN_UDP_PORT,
  VXLAN_VNI,
  vtepAddress,
  vtepPeer,
  vxlanSourcePort,
} from '../cni/vxlan';
import { ConntrackTable, undoDnat, undoSnat, type TrackedEntry, type Tuple } from './conntrack';
import { checkEgress, checkIngress, checkServiceEgress } from './policy';
import type { Location, MatchedRule, Packet, Phase, Rewrite, Step, StepKind } from './types';

export const DEFAULT_TTL = 64; // net.ipv4.ip_default_ttl

export class Sim {
  readonly steps: Step[] = [];
  phase: Phase = 'request';
  now = 0;
  private readonly dataplanes = new Map<string, NodeDataplane>();
  private readonly tables = new Map<string, ConntrackTable>();
  readonly podsByIP: ReadonlyMap<string, Pod>;
  readonly nodesByIP: ReadonlyMap<string, Node>;
  private readonly nodesByName: ReadonlyMap<string, Node>;

  constructor(
    readonly cluster: Cluster,
    readonly mode: Cluster['network']['proxyMode'],
    readonly rng: Rng,
    readonly deadEndpoints: readonly string[] = [],
  ) {
    const index = clusterIndex(cluster);
    this.podsByIP = index.podsByIP;
    this.nodesByIP = index.nodesByIP;
    this.nodesByName = index.nodesByName;
  }

  dataplane(node: string): NodeDataplane {
    let dp = this.dataplanes.get(node);
    if (!dp) {
      dp = proxyModeModule(this.mode).build(this.cluster, node, {
        ipvsScheduler: this.cluster.network.ipvsScheduler,
        deadEndpoints: this.deadEndpoints,
      });
      this.dataplanes.set(node, dp);
    }
    return dp;
  }

  conntrack(node: string): ConntrackTable {
    let table = this.tables.get(node);
    if (!table) {
      table = new ConntrackTable(node);
      this.tables.set(node, table);
    }
    return table;
  }

  /**
   * The pod holding `ip` on one node's bridge. Addresses are unique cluster-wide except with Docker's default
   * bridge (cniMode docker-bridge), where every node hands out the same 172.17.0.x — so look up per node.
   */
  podOn(node: string, ip: string): Pod | undefined {
    return clusterIndex(this.cluster).podsByNodeIP.get(`${node}\u0000${ip}`);
  }

  node(name: string): Node {
    const node = this.nodesByName.get(name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  }

  /** Appends a step; `conntrack` is the table of the step's node after the step. */
  /** Ephemeral ports handed out so far (Linux never gives a live connection's port to a new one). */
  readonly usedPorts = new Set<number>();
  /** False for volleys: the packets still move and the rules still fire, but no steps are kept. */
  record = true;

  isDead(ip: string, port: number): boolean {
    return this.deadEndpoints.includes(`${ip}:${port}`);
  }

  push(step: Omit<Step, 'index' | 'phase' | 'conntrack'>): void {
    if (!this.record) return;
    const node = step.location.node;
    const conntrack = node !== undefined ? this.conntrack(node).snapshot() : [];
    this.steps.push({ ...step, index: this.steps.length, phase: this.phase, conntrack });
  }
}

// -----------------------------------------------------------------------------------------------------------
// Small helpers

export const ep = (ip: string, port: number) => `${ip}:${port}`;
const tupleOf = (p: Packet): Tuple => ({
  protocol: p.protocol,
  src: { ip: p.src, port: p.sport },
  dst: { ip: p.dst, port: p.dport },
});

function applyRewrite(packet: Packet, rewrite: Rewrite): Packet {
  const [ip = '', port = '0'] = rewrite.to.split(/:(?=\d+$)/);
  return rewrite.field === 'dst'
    ? { ...packet, dst: ip, dport: Number(port) }
    : { ...packet, src: ip, sport: Number(port) };
}

const podKey = (pod: Pod) => `${pod.namespace}/${pod.name}`;
const podNetns = (pod: Pod) => `pod:${podKey(pod)}`;
const nodeNetns = (node: string) => `node:${node}`;

function matched(rule: WalkedRule | null): MatchedRule | undefined {
  if (!rule) return undefined;
  return {
    ...(rule.table !== undefined ? { table: rule.table } : {}),
    ...(rule.chain !== undefined ? { chain: rule.chain } : {}),
    text: rule.text,
    id: rule.id,
  };
}

function walkedRules(result: HookResult): readonly MatchedRule[] {
  // A WalkedRule is a MatchedRule with its match result; no copy needed.
  return result.walked;
}

interface ClusterIndex {
  readonly podsByIP: ReadonlyMap<string, Pod>;
  readonly nodesByIP: ReadonlyMap<string, Node>;
  readonly nodesByName: ReadonlyMap<string, Node>;
  readonly servicesByIP: ReadonlyMap<string, Service>;
  /** `<node>\0<ip>` → pod. */
  readonly podsByNodeIP: ReadonlyMap<string, Pod>;
}

const indexCache = new WeakMap<Cluster, ClusterIndex>();

/** Lookups a trace makes at every hop, built once per (immutable) cluster object. */
function clusterIndex(cluster: Cluster): ClusterIndex {
  let index = indexCache.get(cluster);
  if (index) return index;
  const podsByIP = new Map<string, Pod>();
  const podsByNodeIP = new Map<string, Pod>();
  for (const pod of cluster.pods) {
    if (pod.podIP === null || pod.hostNetwork || pod.phase === 'Succeeded' || pod.phase === 'Failed')
      continue;
    podsByIP.set(pod.podIP, pod);
    if (pod.nodeName !== null) podsByNodeIP.set(`${pod.nodeName}\u0000${pod.podIP}`, pod);
  }
  const servicesByIP = new Map<string, Service>();
  for (const svc of cluster.services) {
    for (const ip of [svc.clusterIP, ...svc.externalIPs, ...svc.loadBalancerIPs]) {
      if (ip !== null && !servicesByIP.has(ip)) servicesByIP.set(ip, svc);
    }
  }
  index = {
    podsByIP,
    nodesByIP: new Map(cluster.nodes.map((n) => [n.internalIP, n])),
    nodesByName: new Map(cluster.nodes.map((n) => [n.name, n])),
    servicesByIP,
    podsByNodeIP,
  };
  indexCache.set(cluster, index);
  return index;
}

/** The service a ClusterIP (or other service VIP) belongs to, for highlighting and captions. */
export function serviceOf(cluster: Cluster, ip: string): Service | undefined {
  return clusterIndex(cluster).servicesByIP.get(ip);
}

// -----------------------------------------------------------------------------------------------------------
// Where a packet can be

export type Arrival =
  | { readonly kind: 'pod'; readonly pod: Pod; readonly packet: Packet }
  | {
      readonly kind: 'node-process';
      readonly node: string;
      readonly packet: Packet;
      /** Userspace mode: kube-proxy accepted the connection on its proxy port. */
      readonly proxied?: UserspaceAccept;
    }
  | { readonly kind: 'external'; readonly packet: Packet }
  | { readonly kind: 'dropped'; readonly reason: string };

type Position =
  | { readonly kind: 'pod-send'; readonly pod: Pod }
  | { readonly kind: 'node-send'; readonly node: string; readonly process: string }
  | { readonly kind: 'node-in'; readonly node: string; readonly device: string; readonly from: string }
  | { readonly kind: 'bridged'; readonly node: string; readonly fromPod: Pod }
  | { readonly kind: 'router'; readonly from: string }
  | { readonly kind: 'external-send'; readonly ip: string };

const MAX_HOPS = 64;

/**
 * Moves `packet` from where it is sent until a process receives it or the network drops it. Steps are
 * appended to the simulation; returns where the packet arrived.
 */
export function travel(sim: Sim, packet: Packet, start: Position): Arrival {
  let position: Position = start;
  let current = packet;
  for (let hop = 0; hop < MAX_HOPS; hop += 1) {
    const next = advance(sim, current, position);
    if ('arrival' in next) return next.arrival;
    current = next.packet;
    position = next.position;
  }
  return { kind: 'dropped', reason: `gave up after ${MAX_HOPS} hops (routing loop?)` };
}

type Advance = { readonly arrival: Arrival } | { readonly packet: Packet; readonly position: Position };

function drop(sim: Sim, packet: Packet, location: Location, at: string, reason: string, extra = {}): Advance {
  sim.push({
    kind: 'drop',
    location,
    from: at,
    at,
    packet,
    before: packet,
    caption: `Dropped: ${reason}`,
    ...extra,
  });
  return { arrival: { kind: 'dropped', reason } };
}

function advance(sim: Sim, packet: Packet, position: Position): Advance {
  switch (position.kind) {
    case 'pod-send':
      return podSend(sim, packet, position.pod);
    case 'node-send':
      return nodeSend(sim, packet, position.node, position.process);
    case 'node-in':
      return nodeIn(sim, packet, position.node, position.device, position.from);
    case 'bridged':
      return bridged(sim, packet, position.node, position.fromPod);
    case 'router':
      return router(sim, packet, position.from);
    case 'external-send':
      return externalSend(sim, packet, position.ip);
  }
}

// -----------------------------------------------------------------------------------------------------------
// Inside a pod

function podSend(sim: Sim, packet: Packet, pod: Pod): Advance {
  const at = anchorIds.pod(pod);
  const location: Location = {
    ...(pod.nodeName !== null ? { node: pod.nodeName } : {}),
    netns: podNetns(pod),
    device: 'eth0',
    space: 'kernel',
  };
  if (pod.nodeName === null)
    return drop(sim, packet, location, at, `${podKey(pod)} is not scheduled on a node`);
  // Pod networking: a packet for the pod's own addresses stays in its network namespace (see withinPod).
  if (isLoopbackAddress(packet.dst) || packet.dst === pod.podIP) return withinPod(sim, packet, pod);
  const routes = routeTable(sim.cluster, { kind: 'pod', namespace: pod.namespace, name: pod.name });
  const route = lookupRoute(routes, packet.dst);
  if (!route) return drop(sim, packet, location, at, `no route to ${packet.dst} in ${podKey(pod)}`);
  const viaGateway = route.via !== undefined;
  const isServiceIP = serviceOf(sim.cluster, packet.dst) !== undefined;
  sim.push({
    kind: 'route',
    location,
    from: at,
    at: anchorIds.podEth0(pod),
    packet,
    before: packet,
    route: formatRoute(route),
    caption: viaGateway
      ? `${isServiceIP ? 'No route to the service network: ' : ''}${pod.name} sends to ${packet.dst} via its default gateway ${route.via} (the node's ${sim.node(pod.nodeName).bridge.name})`
      : sim.cluster.network.cniMode === 'docker-bridge'
        ? `${packet.dst} is inside ${route.destination}, the subnet of docker0 on EVERY node: to ${pod.name} it is a neighbour on its own link, so the frame goes to ${pod.nodeName}'s docker0 and can never leave ${pod.nodeName}`
        : `${packet.dst} is on ${pod.name}'s own subnet: sent straight out of eth0 to its neighbour`,
    detail:
      sim.cluster.network.cniMode === 'docker-bridge'
        ? `ip route get ${packet.dst} in ${podKey(pod)}: ${formatRoute(route)}. Docker gives every host the same default bridge network and its IPAM counts addresses per host, so the same ${route.destination} address can belong to a container on each node. No route — in the pod, on the node or on the router — can say which node a 172.17 address is on. Kubernetes fixes this with a unique podCIDR per node on cbr0 and a route per podCIDR (the cbr0 scenario).`
        : `ip route get ${packet.dst} in ${podKey(pod)}: ${formatRoute(route)}`,
  });
  const node = sim.node(pod.nodeName);
  // An on-link destination nobody holds on this bridge: the pod's kernel must ARP before it can send at all.
  const onBridge = !viaGateway && !pod.hostNetwork && packet.dst !== node.bridge.ip && !isServiceIP;
  if (onBridge && !sim.podOn(node.name, packet.dst)) {
    return arpFailed(sim, packet, pod, node, location, route.dev);
  }
  // NetworkPolicy egress (policy.ts): judged as the packet enters the pod's veth; Service traffic after DNAT.
  const denied = checkEgress(sim, pod, packet, anchorIds.podEth0(pod), isServiceIP);
  if (denied) return { arrival: { kind: 'dropped', reason: denied.reason } };
  sim.push({
    kind: 'veth',
    location: {
      node: node.name,
      netns: nodeNetns(node.name),
      device: pod.hostVeth ?? 'veth',
      space: 'kernel',
    },
    from: anchorIds.podEth0(pod),
    at: anchorIds.hostVeth(pod),
    packet,
    before: packet,
    caption: `Through the veth pair: out of ${pod.name}'s eth0, into ${pod.hostVeth ?? 'its host end'} on ${node.name}`,
  });
  // A frame for another pod on the bridge is switched; one for the bridge's own address goes up to the host.
  if (!viaGateway && packet.dst !== node.bridge.ip) {
    return { packet, position: { kind: 'bridged', node: node.name, fromPod: pod } };
  }
  sim.push({
    kind: 'bridge',
    location: { node: node.name, netns: nodeNetns(node.name), device: node.bridge.name, space: 'kernel' },
    from: anchorIds.hostVeth(pod),
    at: anchorIds.bridge(node.name),
    packet,
    before: packet,
    caption: viaGateway
      ? `${node.bridge.name} is the gateway: the frame is addressed to the bridge itself, so ${node.name}'s kernel takes the packet`
      : `The frame is for ${node.bridge.name}'s own address ${node.bridge.ip}: ${node.name}'s kernel takes the packet`,
  });
  return {
    packet,
    position: {
      kind: 'node-in',
      node: node.name,
      device: node.bridge.name,
      from: anchorIds.bridge(node.name),
    },
  };
}

/*
 * Neighbour resolution (Linux): before an IP packet for an on-link address can be put in a frame, the
 * neighbour subsystem needs the address's MAC. With none cached it queues the packet, broadcasts ARP who-has
 * mcast_solicit = 3 times, retrans_time_ms = 1000 apart (arp_tbl defaults in net/ipv4/arp.c; both sysctls in
 * Documentation/networking/ip-sysctl.rst), then marks the entry FAILED and discards the queue;
 * arp_error_report() turns that into ICMP host unreachable (ipv4_link_failure). A local TCP socket in SYN_SENT
 * takes that as a hard error (tcp_v4_err in net/ipv4/tcp_ipv4.c): connect() fails with EHOSTUNREACH,
 * "No route to host", about 3 s after it was called. A forwarding node sends the same ICMP back to the sender.
 */
const ARP_TRIES = 3;

/** The pod's kernel gets no ARP reply for an on-link destination: the packet is never sent (see above). */
function arpFailed(sim: Sim, packet: Packet, pod: Pod, node: Node, location: Location, dev: string): Advance {
  const at = anchorIds.podEth0(pod);
  const elsewhere = dockerTwins(sim, node, packet.dst);
  const holders = elsewhere.map((t) => `${t.name} on ${t.nodeName ?? '?'}`).join(', ');
  const twins =
    elsewhere.length > 0
      ? ` ${holders} has that address, but an ARP broadcast on ${node.name}'s ${node.bridge.name} never reaches another node.`
      : '';
  const result =
    packet.protocol === 'TCP'
      ? `the SYN never leaves ${pod.name}: connect() fails with EHOSTUNREACH, "No route to host"`
      : `the datagram never leaves ${pod.name}: the kernel reports EHOSTUNREACH, "No route to host"`;
  const reason = `ARP who-has ${packet.dst} broadcast on ${node.name}'s ${node.bridge.name}: no reply after ${ARP_TRIES} tries${elsewhere.length > 0 ? ` (${holders} has that address, but the broadcast cannot leave ${node.name})` : ''} — ${result}`;
  sim.push({
    kind: 'drop',
    location: { ...location, device: dev },
    from: at,
    at,
    packet,
    before: packet,
    caption: `Dropped: ${reason}`,
    detail: `${packet.dst} is on-link for ${pod.name}, so its kernel needs a MAC address before it can build a frame. The ARP request (a broadcast frame, not the IP packet) goes through the veth onto ${node.bridge.name}; no pod there holds ${packet.dst}, and ${node.bridge.name}'s own address is ${node.bridge.ip}.${twins} After ${ARP_TRIES} requests 1 s apart (net.ipv4.neigh.default.mcast_solicit=${ARP_TRIES}, retrans_time_ms=1000) the neighbour entry goes FAILED and the queued packet is discarded; \`ip neigh\` in ${podKey(pod)} shows ${packet.dst} dev ${dev} FAILED. The IP packet itself never crosses the veth, so no netfilter rule on ${node.name} ever sees it.`,
  });
  return { arrival: { kind: 'dropped', reason } };
}

/**
 * Pod networking: every container of a pod shares the sandbox ("pause") container's network namespace, so a
 * packet to 127.0.0.1 or to the pod's own IP matches the kernel's `local` routing table and is looped back
 * through `lo` — it never reaches eth0, the veth or the bridge, and no netfilter rule of kube-proxy's applies.
 */
function withinPod(sim: Sim, packet: Packet, pod: Pod): Advance {
  const at = anchorIds.pod(pod);
  const src = isLoopbackAddress(packet.dst) ? '127.0.0.1' : packet.dst;
  sim.push({
    kind: 'route',
    location: {
      ...(pod.nodeName !== null ? { node: pod.nodeName } : {}),
      netns: podNetns(pod),
      device: 'lo',
      space: 'kernel',
    },
    from: at,
    at,
    packet,
    before: packet,
    route: `local ${packet.dst} dev lo table local proto kernel scope host src ${src}`,
    caption: `${packet.dst} is ${isLoopbackAddress(packet.dst) ? 'the loopback address' : `${pod.name}'s own address`}: the local table routes it through lo — the packet never leaves ${pod.name}'s network namespace`,
    detail: `ip route get ${packet.dst} in ${podKey(pod)}: local ${packet.dst} dev lo table local src ${src}`,
  });
  return { arrival: { kind: 'pod', pod, packet } };
}

// -----------------------------------------------------------------------------------------------------------
// A node's kernel

function deviceAddress(node: Node, device: string): string {
  // flannel's VXLAN device carries the podCIDR's network address (cni/vxlan.ts).
  if (device === VXLAN_DEVICE) return vtepAddress(node);
  return device === node.bridge.name ? node.bridge.ip : node.internalIP;
}

function deviceAnchor(node: Node, device: string): string {
  return device === node.bridge.name ? anchorIds.bridge(node.name) : anchorIds.nodeEth0(node.name);
}

interface HookOutcome {
  readonly packet: Packet;
  readonly dropped?: Advance;
  readonly result: HookResult;
}

/** Asks the node's dataplane to run a hook, records the step when something happened, applies the rewrite. */
function runHook(
  sim: Sim,
  node: Node,
  hook: Hook,
  packet: Packet,
  state: { entry: TrackedEntry; direction: 'original' | 'reply' },
  devices: { readonly in?: string; readonly out?: string },
  alwaysShow: boolean,
): HookOutcome {
  const dp = sim.dataplane(node.name);
  const isNew = state.entry.state === 'NEW' && state.direction === 'original';
  const result = dp.hook(
    hook,
    {
      protocol: packet.protocol,
      src: packet.src,
      sport: packet.sport,
      dst: packet.dst,
      dport: packet.dport,
      mark: packet.mark,
    },
    {
      rng: sim.rng,
      now: sim.now,
      conntrack: { state: isNew ? 'NEW' : 'ESTABLISHED', dnat: state.entry.nat.includes('DNAT') },
      ...(devices.in !== undefined ? { inDevice: devices.in } : {}),
      ...(devices.out !== undefined ? { outDevice: devices.out } : {}),
    },
  );
  const device = devices.in ?? devices.out ?? 'eth0';
  const at = deviceAnchor(node, device);
  const location: Location = { node: node.name, netns: nodeNetns(node.name), device, space: 'kernel' };
  let next: Packet = { ...packet, mark: result.packet.mark ?? packet.mark };
  let rewrite: Rewrite | undefined;
  const conntrack = sim.conntrack(node.name);

  if (result.verdict !== 'ACCEPT') {
    const rule = matched(result.decidedBy);
    const why =
      result.decidedBy?.text.match(/--comment "([^"]+)"/)?.[1] ??
      result.summary ??
      `${hook} ${result.verdict}`;
    const reason = `${result.verdict} in ${hook} on ${node.name}: ${why}`;
    // iptables' REJECT answers ICMP port unreachable by default, which a TCP connect() reports as
    // ECONNREFUSED; a DROP answers nothing, so the client retransmits its SYN until it times out.
    const effect =
      result.verdict === 'REJECT'
        ? ' — ICMP port unreachable: "connection refused"'
        : next.protocol === 'TCP'
          ? ' — no answer: the connect times out'
          : '';
    return {
      packet: next,
      result,
      dropped: drop(sim, next, location, at, reason, {
        caption: `Dropped: ${reason}${effect}`,
        ...(rule ? { rule } : {}),
        walked: walkedRules(result),
        highlight: [kubeProxyId(node.name)],
      }),
    };
  }

  if (result.ipvs) {
    const { realServer, virtualServer } = result.ipvs;
    rewrite = {
      field: 'dst',
      from: ep(packet.dst, packet.dport),
      to: ep(realServer.ip, realServer.port),
      by: 'IPVS',
    };
    next = applyRewrite(next, rewrite);
    conntrack.dnat(state.entry, { ip: realServer.ip, port: realServer.port });
    const svc = serviceOf(sim.cluster, packet.dst);
    sim.push({
      kind: 'ipvs',
      location,
      from: at,
      at,
      packet: next,
      before: packet,
      rewrite,
      rule: { text: realServer.text, id: realServer.id },
      walked: [...walkedRules(result), { text: virtualServer.text, id: virtualServer.id }],
      highlight: [kubeProxyId(node.name), ...(svc ? [serviceId(svc)] : [])],
      caption: `IPVS on ${node.name}: virtual server ${ep(packet.dst, packet.dport)} (${result.ipvs.scheduler}) picks real server ${ep(realServer.ip, realServer.port)} and rewrites the destination`,
      detail: result.summary ?? `${virtualServer.text} → ${realServer.text}`,
    });
    return { packet: next, result };
  }

  if (result.dnat) {
    rewrite = {
      field: 'dst',
      from: ep(packet.dst, packet.dport),
      to: ep(result.dnat.ip, result.dnat.port),
      by: 'DNAT',
    };
  } else if (result.redirect) {
    // REDIRECT maps the destination to the primary address of the incoming interface (locally generated
    // packets: 127.0.0.1) — net/netfilter/nf_nat_redirect.c.
    const ip = devices.in !== undefined ? deviceAddress(node, devices.in) : '127.0.0.1';
    rewrite = {
      field: 'dst',
      from: ep(packet.dst, packet.dport),
      to: ep(ip, result.redirect.port),
      by: 'REDIRECT',
    };
  } else if (result.masquerade) {
    const out = devices.out ?? 'eth0';
    const ip = deviceAddress(node, out);
    // --random-fully: the source port is chosen at random from the full range.
    const port = 1024 + Math.floor(sim.rng() * (65535 - 1024));
    rewrite = { field: 'src', from: ep(packet.src, packet.sport), to: ep(ip, port), by: 'MASQUERADE' };
  }

  if (rewrite) {
    next = applyRewrite(next, rewrite);
    const to = rewrite.to.split(/:(?=\d+$)/);
    const target = { ip: to[0] ?? '', port: Number(to[1]) };
    if (rewrite.field === 'dst') conntrack.dnat(state.entry, target);
    else conntrack.snat(state.entry, target);
  }

  const something = rewrite !== undefined || alwaysShow;
  if (something) {
    const detail =
      (rewrite?.by === 'DNAT' ? externalDetail(sim, packet, result) : undefined) ?? result.summary;
    const svc = serviceOf(sim.cluster, packet.dst);
    sim.push({
      kind: 'netfilter',
      location,
      from: at,
      at,
      packet: next,
      before: packet,
      ...(rewrite ? { rewrite } : {}),
      ...(result.decidedBy ? { rule: matched(result.decidedBy) } : {}),
      walked: walkedRules(result),
      highlight: [kubeProxyId(node.name), ...(svc && rewrite?.field === 'dst' ? [serviceId(svc)] : [])],
      caption: hookCaption(sim, node, hook, packet, result, rewrite),
      ...(detail !== undefined ? { detail } : {}),
    });
  }
  return { packet: next, result };
}

function hookCaption(
  sim: Sim,
  node: Node,
  hook: Hook,
  packet: Packet,
  result: HookResult,
  rewrite: Rewrite | undefined,
): string {
  const chain = result.decidedBy?.chain;
  const target = describeTarget(sim, packet);
  if (rewrite?.by === 'DNAT') {
    const svc = serviceOf(sim.cluster, packet.dst);
    const note = dnatNote(node, packet, result, target);
    if (target.external && target.service) {
      // Short enough for the narration; the whole chain walk is in the step's detail.
      const entry = jumpPath(result, 2);
      return `TRAP on ${node.name}: ${target.text ?? ''} → ${entry !== undefined ? `${entry} → ` : ''}pod ${rewrite.to}${note}`;
    }
    if (note !== '' && svc) {
      return `TRAP: ${node.name} DNATs ${ep(packet.dst, packet.dport)} (${svc.namespace}/${svc.name}) to the pod ${rewrite.to} in ${hook}${note}`;
    }
    return `TRAP: ${node.name}'s kernel matches ${ep(packet.dst, packet.dport)}${svc ? ` (${svc.namespace}/${svc.name})` : ''} in ${hook} and rewrites the destination to the pod ${rewrite.to}${chain ? ` (${chain})` : ''}`;
  }
  if (rewrite?.by === 'REDIRECT') {
    return `TRAP: ${hook} REDIRECTs ${ep(packet.dst, packet.dport)} to kube-proxy's own port on ${node.name}: ${rewrite.to}`;
  }
  if (rewrite?.by === 'MASQUERADE') {
    // The source becomes the address of the outgoing interface (net/netfilter/nf_nat_masquerade.c).
    const lost = !sim.podsByIP.has(packet.src) && !sim.nodesByIP.has(packet.src);
    return `MASQUERADE in ${hook}: the packet carries kube-proxy's mark, so its source becomes ${node.name}'s ${rewrite.to}${lost ? ` — the client's own address ${packet.src} is gone: the pod will see ${rewrite.to.split(/:(?=\d+$)/)[0] ?? ''}` : ''}`;
  }
  if (result.walked.length === 0)
    return `netfilter ${hook} on ${node.name}: no kube-proxy rule here for this packet`;
  const svc = target.service;
  if (svc && result.decidedBy) {
    return `netfilter ${hook} on ${node.name}: ${result.decidedBy.chain ?? 'a rule'} accepts ${ep(packet.dst, packet.dport)} (${svc.namespace}/${svc.name}) unchanged${sim.mode === 'ipvs' ? ' — in ipvs mode the rewrite happens in IPVS, after routing' : ''}`;
  }
  if (svc) {
    // proxier.go writes no DNAT for a Service port without usable endpoints, only filter-table REJECT/DROP rules.
    const ready = sim.cluster.endpointSlices.some(
      (es) =>
        es.namespace === svc.namespace &&
        es.serviceName === svc.name &&
        es.endpoints.some((e) => e.conditions.ready),
    );
    const why =
      target.external && svc.externalTrafficPolicy === 'Local'
        ? `externalTrafficPolicy is Local and ${node.name} has no endpoint of its own`
        : !ready
          ? 'the Service has no endpoints'
          : undefined;
    if (why === undefined)
      return `netfilter ${hook} on ${node.name}: ${result.walked.length} rule${result.walked.length === 1 ? '' : 's'} checked, none rewrites ${ep(packet.dst, packet.dport)} here`;
    return `netfilter ${hook} on ${node.name}: ${target.text ?? `${ep(packet.dst, packet.dport)} is the ClusterIP of ${svc.namespace}/${svc.name}`}: no nat rule rewrites it, because ${why}; the filter table decides next`;
  }
  return `netfilter ${hook} on ${node.name}: ${result.walked.length} rule${result.walked.length === 1 ? '' : 's'} checked, none rewrites ${ep(packet.dst, packet.dport)} — it is not a Service address`;
}

interface Target {
  readonly service?: Service;
  /** `NodePort 10.100.0.3:30080 of default/web`; undefined for a ClusterIP or no Service at all. */
  readonly text?: string;
  /** Reached from outside the Service's ClusterIP: a NodePort, a load-balancer IP or an external IP. */
  readonly external: boolean;
}

/**
 * What a destination is to kube-proxy: a ClusterIP, a load-balancer or external IP, or — any local address
 * of a node with a Service's nodePort (kube-proxy's default --nodeport-addresses is every local address) —
 * a NodePort.
 */
function describeTarget(sim: Sim, packet: Packet): Target {
  const at = ep(packet.dst, packet.dport);
  const svc = serviceOf(sim.cluster, packet.dst);
  if (svc) {
    const name = `${svc.namespace}/${svc.name}`;
    if (svc.loadBalancerIPs.includes(packet.dst))
      return { service: svc, text: `load-balancer IP ${at} of ${name}`, external: true };
    if (svc.externalIPs.includes(packet.dst))
      return { service: svc, text: `external IP ${at} of ${name}`, external: true };
    return { service: svc, ...(svc.clusterIP === packet.dst ? {} : { text: at }), external: false };
  }
  if (!sim.nodesByIP.has(packet.dst)) return { external: false };
  const nodePort = sim.cluster.services.find((s) =>
    s.ports.some((p) => p.nodePort === packet.dport && p.protocol === packet.protocol),
  );
  if (!nodePort) return { external: false };
  return {
    service: nodePort,
    text: `NodePort ${at} of ${nodePort.namespace}/${nodePort.name}`,
    external: true,
  };
}

/** The kube-proxy chains a walk jumped through after KUBE-SERVICES (iptables: `-j KUBE-…`), the first `limit`. */
function jumpPath(result: HookResult, limit = Infinity): string | undefined {
  const path: string[] = [];
  for (const rule of result.walked) {
    if (!rule.matched) continue;
    const to = /-j (KUBE-[A-Z0-9-]+)/.exec(rule.text)?.[1];
    if (to !== undefined && to !== 'KUBE-SERVICES' && to !== 'KUBE-MARK-MASQ' && path.at(-1) !== to)
      path.push(to);
  }
  return path.length > 0 ? path.slice(0, limit).join(' → ') : undefined;
}

/** The whole chain walk of an external (NodePort, LB, external IP) DNAT, for the step's detail. */
function externalDetail(sim: Sim, packet: Packet, result: HookResult): string | undefined {
  const target = describeTarget(sim, packet);
  const path = jumpPath(result);
  if (!target.external || path === undefined) return undefined;
  return `${target.text ?? ''}: ${path}. proxier.go sends every external destination (NodePort, load-balancer and external IPs) through the Service's KUBE-EXT- chain, which marks the packet for masquerade unless externalTrafficPolicy is Local, then jumps to the Service's cluster (KUBE-SVC-) or local (KUBE-SVL-) endpoints.`;
}

/** What the DNAT step means for the client's address and for affinity. */
function dnatNote(node: Node, packet: Packet, result: HookResult, target: Target): string {
  const notes: string[] = [];
  // internalTrafficPolicy Local: the ClusterIP jumps to the local-endpoints chain KUBE-SVL- (proxier.go).
  const local = jumpPath(result)
    ?.split(' → ')
    .find((c) => c.startsWith('KUBE-SVL-'));
  if (!target.external && local !== undefined && target.service?.internalTrafficPolicy === 'Local')
    notes.push(`internalTrafficPolicy Local: only ${node.name}'s own endpoints (${local})`);
  const marked = (result.packet.mark ?? 0) !== (packet.mark ?? 0);
  if (target.external && target.service) {
    // proxier.go: KUBE-EXT- jumps to KUBE-MARK-MASQ unless externalTrafficPolicy is Local.
    notes.push(
      marked
        ? `marked for masquerade (externalTrafficPolicy ${target.service.externalTrafficPolicy})`
        : `not marked (externalTrafficPolicy ${target.service.externalTrafficPolicy}): the client's ${packet.src} is kept`,
    );
  }
  // The `recent` match of sessionAffinity: ClientIP (writeServiceToEndpointRules).
  if (result.walked.some((r) => r.matched && r.text.includes('--rcheck')))
    notes.push(`ClientIP affinity: \`recent\` already holds ${packet.src}, so it returns to the same pod`);
  else if (result.decidedBy?.text.includes('--set'))
    notes.push(
      `ClientIP affinity: \`recent --set\` remembers ${packet.src}, so its next connections come here too`,
    );
  return notes.length > 0 ? `; ${notes.join('; ')}` : '';
}

/** A packet arrives on one of a node's interfaces. */
function nodeIn(sim: Sim, packet: Packet, nodeName: string, device: string, from: string): Advance {
  const node = sim.node(nodeName);
  const conntrack = sim.conntrack(node.name);
  const at = deviceAnchor(node, device);
  const location: Location = { node: node.name, netns: nodeNetns(node.name), device, space: 'kernel' };
  let current = packet;

  const found = conntrack.find(tupleOf(current));
  const state = found ?? { entry: conntrack.create(tupleOf(current)), direction: 'original' as const };
  if (state.direction === 'reply') {
    conntrack.markEstablished(state.entry);
    const rewrite = undoSnat(state.entry, tupleOf(current));
    if (rewrite) {
      const before = current;
      current = applyRewrite(current, rewrite);
      sim.push({
        kind: 'conntrack',
        location,
        from,
        at,
        packet: current,
        before,
        rewrite,
        caption: `conntrack on ${node.name} recognises the reply and undoes the masquerade: destination back to ${rewrite.to}`,
      });
    }
  }

  const pre = runHook(
    sim,
    node,
    'PREROUTING',
    current,
    state,
    { in: device },
    state.direction === 'original' && state.entry.state === 'NEW',
  );
  if (pre.dropped) return pre.dropped;
  current = pre.packet;
  return routeFromNode(sim, node, current, state, device, at);
}

function isLocalToNode(sim: Sim, node: Node, ip: string): string | null {
  if (ip === node.internalIP) return 'eth0';
  if (sim.cluster.network.cniMode === 'vxlan' && ip === vtepAddress(node)) return VXLAN_DEVICE;
  if (ip === node.bridge.ip) return node.bridge.name;
  if (ip.startsWith('127.')) return 'lo';
  const extra = sim.dataplane(node.name).extraLocalAddresses.find((a) => a.ip === ip);
  return extra ? extra.device : null;
}

/** After PREROUTING (or OUTPUT): the routing decision, then INPUT or FORWARD, POSTROUTING, and out. */
function routeFromNode(
  sim: Sim,
  node: Node,
  packet: Packet,
  state: { entry: TrackedEntry; direction: 'original' | 'reply' },
  inDevice: string | null,
  at: string,
): Advance {
  let current = packet;
  const location: Location = { node: node.name, netns: nodeNetns(node.name), space: 'kernel' };
  const localDevice = isLocalToNode(sim, node, current.dst);
  const conntrack = sim.conntrack(node.name);

  if (localDevice !== null && inDevice !== null) {
    sim.push({
      kind: 'route',
      location: { ...location, device: localDevice },
      from: at,
      at,
      packet: current,
      before: current,
      route: `local ${current.dst} dev ${localDevice} table local proto kernel scope host src ${current.dst}`,
      caption:
        localDevice === 'kube-ipvs0'
          ? `${current.dst} is bound to ${node.name}'s dummy interface kube-ipvs0, so the packet is for this host: up to INPUT, where IPVS waits`
          : `${current.dst} is one of ${node.name}'s own addresses: the packet is delivered locally`,
    });
    const input = runHook(sim, node, 'INPUT', current, state, { in: inDevice }, false);
    if (input.dropped) return input.dropped;
    current = input.packet;
    if (input.result.ipvs) {
      // IPVS (ip_vs_nat_xmit) sends the rewritten packet on itself, through LOCAL_OUT and POSTROUTING —
      // not through FORWARD (net/netfilter/ipvs/ip_vs_xmit.c, ip_vs_nat_send_or_cont).
      return forwardOut(sim, node, current, state, at, { skipForward: true });
    }
    if (state.direction === 'reply') {
      const rewrite = undoDnat(state.entry, tupleOf(current));
      if (rewrite) current = conntrackUndo(sim, node, current, rewrite, at, 'INPUT');
    }
    const dp = sim.dataplane(node.name);
    const proxied =
      state.direction === 'original' && dp.acceptProxied
        ? dp.acceptProxied(
            {
              protocol: current.protocol,
              src: current.src,
              sport: current.sport,
              dst: current.dst,
              dport: current.dport,
            },
            { rng: sim.rng, now: sim.now, conntrack: { state: 'NEW' } },
          )
        : null;
    return {
      arrival: { kind: 'node-process', node: node.name, packet: current, ...(proxied ? { proxied } : {}) },
    };
  }
  void conntrack;
  return forwardOut(sim, node, current, state, at);
}

function conntrackUndo(
  sim: Sim,
  node: Node,
  packet: Packet,
  rewrite: Rewrite,
  at: string,
  hook: Hook,
): Packet {
  const next = applyRewrite(packet, rewrite);
  const byIpvs =
    sim.mode === 'ipvs' && serviceOf(sim.cluster, rewrite.to.split(/:(?=\d+$)/)[0] ?? '') !== undefined;
  sim.push({
    kind: 'conntrack',
    location: { node: node.name, netns: nodeNetns(node.name), space: 'kernel' },
    from: at,
    at,
    packet: next,
    before: packet,
    rewrite: byIpvs ? { ...rewrite, by: 'IPVS' } : rewrite,
    caption: `Reverse NAT at ${hook} on ${node.name}: ${byIpvs ? 'IPVS' : 'conntrack'} recognises the reply and rewrites its source from ${rewrite.from} back to ${rewrite.to} — the address the client dialled`,
  });
  return next;
}

/** Routing lookup, FORWARD, POSTROUTING and the way out of a node. */
function forwardOut(
  sim: Sim,
  node: Node,
  packet: Packet,
  state: { entry: TrackedEntry; direction: 'original' | 'reply' },
  at: string,
  options: { readonly skipForward?: boolean } = {},
): Advance {
  let current = packet;
  const location: Location = { node: node.name, netns: nodeNetns(node.name), space: 'kernel' };
  // NetworkPolicy egress of a pod's Service connection (policy.ts), now that DNAT has chosen the pod.
  const denied = checkServiceEgress(sim, node.name, current, state, at);
  if (denied) return { arrival: { kind: 'dropped', reason: denied.reason } };
  const routes = routeTable(sim.cluster, { kind: 'node', name: node.name });
  const route = lookupRoute(routes, current.dst);
  if (!route) return drop(sim, current, location, at, `${node.name} has no route to ${current.dst}`);
  const ttl = current.ttl - 1;
  if (ttl <= 0) return drop(sim, current, location, at, `TTL expired on ${node.name}`);
  const before = current;
  current = { ...current, ttl };
  const onBridge = route.dev === node.bridge.name;
  sim.push({
    kind: 'route',
    location: { ...location, device: route.dev },
    from: at,
    at: onBridge ? anchorIds.bridge(node.name) : anchorIds.nodeEth0(node.name),
    packet: current,
    before,
    route: formatRoute(route),
    caption:
      route.destination === 'default'
        ? `${node.name} has no route to ${current.dst}: it forwards to its default gateway ${route.via ?? ''} out of eth0 (TTL ${before.ttl}→${ttl})`
        : `${node.name} routes ${current.dst} via ${route.dev}${route.via !== undefined ? ` to ${route.via}` : ''} (${route.destination}, TTL ${before.ttl}→${ttl})`,
    detail: `ip route get ${current.dst} on ${node.name}: ${formatRoute(route)}`,
  });

  if (options.skipForward !== true) {
    const fwd = runHook(sim, node, 'FORWARD', current, state, { out: route.dev }, false);
    if (fwd.dropped) return fwd.dropped;
    current = fwd.packet;
  }
  const post = runHook(sim, node, 'POSTROUTING', current, state, { out: route.dev }, false);
  if (post.dropped) return post.dropped;
  current = post.packet;
  if (state.direction === 'reply') {
    const rewrite = undoDnat(state.entry, tupleOf(current));
    if (rewrite) current = conntrackUndo(sim, node, current, rewrite, at, 'POSTROUTING');
  }
  return egress(sim, node, current, route.dev, route.via);
}

/** Leaves a node through a device toward the next hop. */
function egress(
  sim: Sim,
  node: Node,
  packet: Packet,
  dev: string,
  via: string | undefined,
  origin: 'forwarded' | 'local' = 'forwarded',
): Advance {
  const location: Location = { node: node.name, netns: nodeNetns(node.name), device: dev, space: 'kernel' };
  if (dev === node.bridge.name) {
    const pod = sim.podOn(node.name, packet.dst);
    if (!pod) {
      // Neighbour resolution fails on the node (see arpFailed for the sources).
      return drop(
        sim,
        packet,
        location,
        anchorIds.bridge(node.name),
        `no pod on ${node.name}'s ${dev} answers ARP for ${packet.dst}${dockerElsewhere(sim, node, packet.dst)}`,
        {
          detail: `${node.name}'s kernel broadcasts ARP who-has ${packet.dst} on ${dev} ${ARP_TRIES} times, 1 s apart (net.ipv4.neigh.default.mcast_solicit=${ARP_TRIES}, retrans_time_ms=1000); nobody answers, the neighbour entry goes FAILED and the queued packet is discarded without being sent. ${
            origin === 'forwarded'
              ? `Because ${node.name} was forwarding it, it sends ICMP host unreachable (type 3, code 1) back to the sender, whose connect() then fails with "No route to host".`
              : `The sending process on ${node.name} gets EHOSTUNREACH, "No route to host".`
          }`,
        },
      );
    }
    sim.push({
      kind: 'bridge',
      location,
      from: anchorIds.bridge(node.name),
      at: anchorIds.hostVeth(pod),
      packet,
      before: packet,
      caption: `${node.bridge.name} switches the frame to ${pod.hostVeth ?? 'the veth'} of ${pod.name}`,
    });
    return { arrival: deliverToPod(sim, packet, pod) };
  }
  // Pod networking: a route `dev flannel.1` hands the packet to the VXLAN device (overlayEgress).
  if (dev === VXLAN_DEVICE) return overlayEgress(sim, node, packet, via);
  const nextHop = via ?? packet.dst;
  sim.push({
    kind: 'wire',
    location,
    from: anchorIds.nodeEth0(node.name),
    at: anchorIds.busTap(node.name),
    packet,
    before: packet,
    caption: `Out of ${node.name}'s eth0 onto the node network, to ${nextHop === sim.cluster.network.router.ip ? `the router ${nextHop}` : nextHop}`,
  });
  return toNextHop(sim, packet, nextHop, anchorIds.busTap(node.name));
}

function toNextHop(sim: Sim, packet: Packet, nextHop: string, from: string): Advance {
  if (nextHop === sim.cluster.network.router.ip) return { packet, position: { kind: 'router', from } };
  const peer = sim.nodesByIP.get(nextHop);
  if (peer) {
    sim.push({
      kind: 'wire',
      location: { node: peer.name, netns: nodeNetns(peer.name), device: 'eth0', space: 'kernel' },
      from,
      at: anchorIds.nodeEth0(peer.name),
      packet,
      before: packet,
      caption: `${peer.name}'s eth0 (${peer.internalIP}) receives the frame`,
    });
    return {
      packet,
      position: { kind: 'node-in', node: peer.name, device: 'eth0', from: anchorIds.nodeEth0(peer.name) },
    };
  }
  return { arrival: { kind: 'external', packet } };
}

/**
 * Pod networking, VXLAN (flannel): the node's route sent the pod packet to flannel.1; the kernel wraps it in
 * an outer UDP packet from this node's eth0 to the peer's (the FDB maps the VTEP in `via` to the peer), the
 * outer packet crosses the node network as any node-to-node packet, and the peer's VXLAN device unwraps it.
 * While wrapped, each step's `packet` is the outer header and `inner` the pod packet. The outer packet also
 * passes the hooks of both nodes (OUTPUT/POSTROUTING, PREROUTING/INPUT); no kube-proxy rule touches UDP
 * between node addresses, so those walks are not shown.
 */
function overlayEgress(sim: Sim, node: Node, inner: Packet, via: string | undefined): Advance {
  const eth0 = anchorIds.nodeEth0(node.name);
  const location: Location = {
    node: node.name,
    netns: nodeNetns(node.name),
    device: VXLAN_DEVICE,
    space: 'kernel',
  };
  const peer = via !== undefined ? vtepPeer(sim.cluster, via) : undefined;
  if (!peer) {
    return drop(
      sim,
      inner,
      location,
      eth0,
      `${node.name}'s ${VXLAN_DEVICE} has no FDB entry for ${via ?? inner.dst}`,
    );
  }
  const outer: Packet = {
    protocol: 'UDP',
    src: node.internalIP,
    sport: vxlanSourcePort(inner),
    dst: peer.internalIP,
    dport: VXLAN_UDP_PORT,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload: `VXLAN VNI ${VXLAN_VNI}: ${inner.payload}`,
  };
  sim.push({
    kind: 'encapsulate',
    location,
    from: eth0,
    at: eth0,
    packet: outer,
    before: inner,
    inner,
    caption: `Encapsulate: ${VXLAN_DEVICE} on ${node.name} wraps the pod packet in UDP ${ep(outer.src, outer.sport)} → ${ep(outer.dst, VXLAN_UDP_PORT)} (${peer.name}), VNI ${VXLAN_VNI}; the inner ${ep(inner.src, inner.sport)} → ${ep(inner.dst, inner.dport)} is unchanged`,
    detail: `The FDB of ${VXLAN_DEVICE} maps the VTEP ${via ?? ''} to ${peer.name}'s eth0 ${peer.internalIP}; flannel's default port on Linux is ${VXLAN_UDP_PORT} (the kernel's, not IANA's 4789). ${describeVxlanMtu()}.`,
  });
  const route = lookupRoute(routeTable(sim.cluster, { kind: 'node', name: node.name }), outer.dst);
  if (!route) return drop(sim, outer, location, eth0, `${node.name} has no route to ${outer.dst}`, { inner });
  sim.push({
    kind: 'route',
    location: { ...location, device: route.dev },
    from: eth0,
    at: eth0,
    packet: outer,
    before: outer,
    inner,
    route: formatRoute(route),
    caption:
      route.via === undefined
        ? `The outer packet is ${node.name}'s own: ${outer.dst} is on the node network (${route.destination}), so it goes straight to ${peer.name} out of ${route.dev}`
        : `The outer packet is ${node.name}'s own: ${outer.dst} goes via ${route.via} out of ${route.dev}`,
    detail: `ip route get ${outer.dst} on ${node.name}: ${formatRoute(route)}`,
  });
  const nextHop = route.via ?? outer.dst;
  const routerIp = sim.cluster.network.router.ip;
  sim.push({
    kind: 'wire',
    location: { ...location, device: 'eth0' },
    from: eth0,
    at: anchorIds.busTap(node.name),
    packet: outer,
    before: outer,
    inner,
    caption: `Out of ${node.name}'s eth0 onto the node network: a UDP packet between two nodes, to ${nextHop === routerIp ? `the router ${nextHop}` : nextHop}`,
  });
  let current = outer;
  let from = anchorIds.busTap(node.name);
  if (nextHop === routerIp) {
    const r = sim.cluster.network.router;
    const hop = lookupRoute(r.routes, outer.dst);
    const routerAt: Location = { netns: 'router', device: 'eth0', space: 'kernel' };
    if (!hop)
      return drop(sim, outer, routerAt, anchorIds.router, `the router has no route to ${outer.dst}`, {
        inner,
      });
    const next = { ...outer, ttl: outer.ttl - 1 };
    sim.push({
      kind: 'router',
      location: routerAt,
      from,
      at: anchorIds.router,
      packet: next,
      before: outer,
      inner,
      route: formatRoute(hop),
      caption: `The router forwards the outer packet to ${outer.dst} (${peer.name}) — to the router it is ordinary node-to-node UDP (TTL ${outer.ttl}→${next.ttl})`,
    });
    current = next;
    from = anchorIds.routerTap;
  }
  const peerEth0 = anchorIds.nodeEth0(peer.name);
  sim.push({
    kind: 'wire',
    location: { node: peer.name, netns: nodeNetns(peer.name), device: 'eth0', space: 'kernel' },
    from,
    at: peerEth0,
    packet: current,
    before: current,
    inner,
    caption: `${peer.name}'s eth0 (${peer.internalIP}) receives UDP to port ${VXLAN_UDP_PORT}: the VXLAN socket of ${VXLAN_DEVICE} takes it`,
  });
  sim.push({
    kind: 'decapsulate',
    location: { node: peer.name, netns: nodeNetns(peer.name), device: VXLAN_DEVICE, space: 'kernel' },
    from: peerEth0,
    at: peerEth0,
    packet: inner,
    before: current,
    caption: `Decapsulate: ${VXLAN_DEVICE} on ${peer.name} strips the outer headers (VNI ${VXLAN_VNI}); the pod packet ${ep(inner.src, inner.sport)} → ${ep(inner.dst, inner.dport)} comes in on ${VXLAN_DEVICE} as if routed`,
  });
  return {
    packet: inner,
    position: { kind: 'node-in', node: peer.name, device: VXLAN_DEVICE, from: peerEth0 },
  };
}

function isOutsideCluster(cluster: Cluster, ip: string): boolean {
  const { clusterCIDR, serviceCIDR, nodeNetwork } = cluster.network;
  return ![clusterCIDR, serviceCIDR, nodeNetwork].some((cidr) => cidrContainsText(cidr, ip));
}

function router(sim: Sim, packet: Packet, from: string): Advance {
  const r = sim.cluster.network.router;
  const location: Location = { netns: 'router', device: 'eth0', space: 'kernel' };
  const route = lookupRoute(r.routes, packet.dst);
  if (!route && isOutsideCluster(sim.cluster, packet.dst)) {
    // The router is also the way out: an address outside every cluster range leaves by its uplink.
    sim.push({
      kind: 'router',
      location,
      from,
      at: anchorIds.router,
      packet: { ...packet, ttl: packet.ttl - 1 },
      before: packet,
      caption: `The router sends ${packet.dst} out of its uplink, toward the outside world`,
    });
    return { arrival: { kind: 'external', packet: { ...packet, ttl: packet.ttl - 1 } } };
  }
  if (!route) {
    // A router with no route for a forwarded packet drops it and tells the sender (Linux: ip_error sends
    // ICMP destination unreachable, "net unreachable").
    const owner = sim.cluster.nodes.find((n) => cidrContainsText(n.podCIDR, packet.dst));
    const reason = `the router has no route to ${packet.dst}`;
    return drop(sim, packet, location, anchorIds.router, reason, {
      caption: `Dropped: ${reason}${owner ? ` — nothing routes ${owner.name}'s podCIDR ${owner.podCIDR} to ${owner.name} (${owner.internalIP})` : ''}`,
      detail: `route table of ${sim.cluster.network.router.name}: ${sim.cluster.network.router.routes.map(formatRoute).join('; ')}. With no route for the destination the router discards the packet and answers ICMP destination unreachable (net unreachable) to the sender.`,
    });
  }
  const ttl = packet.ttl - 1;
  if (ttl <= 0) return drop(sim, packet, location, anchorIds.router, 'TTL expired on the router');
  const next = { ...packet, ttl };
  const nextHop = route.via ?? packet.dst;
  const peer = sim.nodesByIP.get(nextHop);
  sim.push({
    kind: 'router',
    location,
    from,
    at: anchorIds.router,
    packet: next,
    before: packet,
    route: formatRoute(route),
    caption: `The router looks up ${packet.dst}: ${route.destination} ${route.via !== undefined ? `via ${route.via}` : 'is directly connected'}${peer ? ` (${peer.name})` : ''} — TTL ${packet.ttl}→${ttl}`,
    detail: `route table of ${r.name}: ${r.routes.map(formatRoute).join('; ')}`,
  });
  if (!peer && route.via === undefined && !sim.nodesByIP.has(packet.dst)) {
    return { arrival: { kind: 'external', packet: next } };
  }
  return toNextHop(sim, next, nextHop, anchorIds.routerTap);
}

/**
 * Docker's default bridge (cniMode docker-bridge): the pods on OTHER nodes that hold the same address — the
 * ones a packet for that address is never going to reach from this node.
 */
function dockerTwins(sim: Sim, node: Node, ip: string): readonly Pod[] {
  if (sim.cluster.network.cniMode !== 'docker-bridge') return [];
  return sim.cluster.nodes.filter((n) => n.name !== node.name).flatMap((n) => sim.podOn(n.name, ip) ?? []);
}

/** The end of a drop reason on a docker0 bridge: the pods elsewhere that do hold the address. */
function dockerElsewhere(sim: Sim, node: Node, ip: string): string {
  const twins = dockerTwins(sim, node, ip);
  if (twins.length === 0) return '';
  return ` (no ARP reply: ${twins.map((t) => `${t.name} on ${t.nodeName ?? '?'}`).join(', ')} has that address, but ${node.name}'s ${node.bridge.name} cannot reach another node)`;
}

// -----------------------------------------------------------------------------------------------------------
// Pod to pod on one bridge (bridged, not routed — yet netfilter sees it through br_netfilter)

function bridged(sim: Sim, packet: Packet, nodeName: string, fromPod: Pod): Advance {
  const node = sim.node(nodeName);
  const conntrack = sim.conntrack(node.name);
  const at = anchorIds.bridge(node.name);
  let current = packet;
  const found = conntrack.find(tupleOf(current));
  const state = found ?? { entry: conntrack.create(tupleOf(current)), direction: 'original' as const };
  if (state.direction === 'reply') {
    conntrack.markEstablished(state.entry);
    const rewrite = undoSnat(state.entry, tupleOf(current));
    if (rewrite) current = conntrackUndo(sim, node, current, rewrite, at, 'PREROUTING');
  }
  const dst = sim.podOn(node.name, current.dst);
  const twins = dockerTwins(sim, node, current.dst);
  sim.push({
    kind: 'bridge',
    location: { node: node.name, netns: nodeNetns(node.name), device: node.bridge.name, space: 'kernel' },
    from: anchorIds.hostVeth(fromPod),
    at,
    packet: current,
    before: current,
    caption:
      twins.length > 0 && dst
        ? `${node.bridge.name} on ${node.name} switches the frame to ${dst.name}, the container that holds ${current.dst} on THIS node — ${twins.map((t) => `${t.name} on ${t.nodeName ?? '?'}`).join(', ')}, with the very same address, never sees it`
        : `${node.bridge.name} switches the frame from ${fromPod.name} toward ${dst ? dst.name : current.dst}; br_netfilter still passes it through netfilter`,
  });
  const pre = runHook(sim, node, 'PREROUTING', current, state, { in: node.bridge.name }, false);
  if (pre.dropped) return pre.dropped;
  current = pre.packet;
  if (current.dst !== packet.dst) {
    // DNAT on a bridged packet: it now needs routing.
    return routeFromNode(sim, node, current, state, node.bridge.name, at);
  }
  const fwd = runHook(
    sim,
    node,
    'FORWARD',
    current,
    state,
    { in: node.bridge.name, out: node.bridge.name },
    false,
  );
  if (fwd.dropped) return fwd.dropped;
  current = fwd.packet;
  const post = runHook(sim, node, 'POSTROUTING', current, state, { out: node.bridge.name }, false);
  if (post.dropped) return post.dropped;
  current = post.packet;
  if (state.direction === 'reply') {
    const rewrite = undoDnat(state.entry, tupleOf(current));
    if (rewrite) current = conntrackUndo(sim, node, current, rewrite, at, 'POSTROUTING');
  }
  return egress(sim, node, current, node.bridge.name, undefined);
}

// -----------------------------------------------------------------------------------------------------------
// Delivery into a pod, sending from a node process, from outside

function deliverToPod(sim: Sim, packet: Packet, pod: Pod): Arrival {
  const node = pod.nodeName ?? '';
  // NetworkPolicy ingress (policy.ts): judged at the pod's veth, before the packet enters the pod.
  const denied = checkIngress(sim, pod, packet, anchorIds.hostVeth(pod));
  if (denied) return { kind: 'dropped', reason: denied.reason };
  sim.push({
    kind: 'veth',
    location: { node, netns: podNetns(pod), device: 'eth0', space: 'kernel' },
    from: anchorIds.hostVeth(pod),
    at: anchorIds.podEth0(pod),
    packet,
    before: packet,
    caption: `Through ${pod.name}'s veth pair into its network namespace: eth0 ${pod.podIP ?? ''}`,
  });
  return { kind: 'pod', pod, packet };
}

function nodeSend(sim: Sim, packet: Packet, nodeName: string, process: string): Advance {
  const node = sim.node(nodeName);
  const conntrack = sim.conntrack(node.name);
  const at = anchorIds.nodeEth0(node.name);
  let current = packet;
  const found = conntrack.find(tupleOf(current));
  const state = found ?? { entry: conntrack.create(tupleOf(current)), direction: 'original' as const };
  if (state.direction === 'reply') conntrack.markEstablished(state.entry);
  const out = runHook(sim, node, 'OUTPUT', current, state, {}, state.direction === 'original');
  if (out.dropped) return out.dropped;
  current = out.packet;
  void process;
  if (isLocalToNode(sim, node, current.dst) !== null) {
    return { arrival: { kind: 'node-process', node: node.name, packet: current } };
  }
  // Locally generated packets are not forwarded: no TTL decrement, no FORWARD hook.
  const routes = routeTable(sim.cluster, { kind: 'node', name: node.name });
  const route = lookupRoute(routes, current.dst);
  const location: Location = { node: node.name, netns: nodeNetns(node.name), space: 'kernel' };
  if (!route) return drop(sim, current, location, at, `${node.name} has no route to ${current.dst}`);
  sim.push({
    kind: 'route',
    location: { ...location, device: route.dev },
    from: at,
    at: route.dev === node.bridge.name ? anchorIds.bridge(node.name) : at,
    packet: current,
    before: current,
    route: formatRoute(route),
    caption: `${node.name} routes ${current.dst} out of ${route.dev}${route.via !== undefined ? ` via ${route.via}` : ''}`,
  });
  const post = runHook(sim, node, 'POSTROUTING', current, state, { out: route.dev }, false);
  if (post.dropped) return post.dropped;
  current = post.packet;
  if (state.direction === 'reply') {
    const rewrite = undoDnat(state.entry, tupleOf(current));
    if (rewrite) current = conntrackUndo(sim, node, current, rewrite, at, 'POSTROUTING');
  }
  return egress(sim, node, current, route.dev, route.via, 'local');
}

function externalSend(sim: Sim, packet: Packet, ip: string): Advance {
  sim.push({
    kind: 'send',
    location: { netns: `external:${ip}`, space: 'user' },
    from: anchorIds.router,
    at: anchorIds.router,
    packet,
    before: packet,
    caption: `An external client ${ip} sends to ${ep(packet.dst, packet.dport)}; the router carries it onto the node network`,
  });
  const r = sim.cluster.network.router;
  const route = lookupRoute(r.routes, packet.dst);
  if (!route)
    return drop(
      sim,
      packet,
      { netns: 'router', space: 'kernel' },
      anchorIds.router,
      `the router has no route to ${packet.dst}`,
    );
  return toNextHop(sim, packet, route.via ?? packet.dst, anchorIds.routerTap);
}

/** Sends the first packet of a connection from a position; the public entry points of this module. */
export const send = {
  fromPod: (sim: Sim, packet: Packet, pod: Pod) => travel(sim, packet, { kind: 'pod-send', pod }),
  fromNode: (sim: Sim, packet: Packet, node: string, process: string) =>
    travel(sim, packet, { kind: 'node-send', node, process }),
  fromExternal: (sim: Sim, packet: Packet, ip: string) => travel(sim, packet, { kind: 'external-send', ip }),
};

export type { StepKind };

/** The packet a receiver sends back: addresses and ports swapped, a fresh TTL, no mark. */
export function replyPacket(received: Packet, payload: string): Packet {
  return {
    protocol: received.protocol,
    src: received.dst,
    sport: received.dport,
    dst: received.src,
    dport: received.sport,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload,
  };
}

/** Where a pod's own process works: in user space, in the pod's network namespace, on its node. */
export function podLocation(pod: Pod): Location {
  return {
    ...(pod.nodeName !== null ? { node: pod.nodeName } : {}),
    netns: `pod:${pod.namespace}/${pod.name}`,
    space: 'user',
  };
}
