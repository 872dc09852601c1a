/**
 * The userspace mode as a dataplane: kube-proxy itself is the load balancer. iptables "portals" send a
 * Service's traffic to a port kube-proxy listens on (REDIRECT from pods, DNAT to the node's address from
 * the host); kube-proxy accepts the connection in user space, picks a backend round-robin and opens a
 * second connection to it, retrying other backends when a dial fails.
 *
 * Follows kube-proxy v1.25, the last release with the mode: PR #112133 removed it in v1.26, where
 * `--mode userspace` fails (kubernetes/website PR #37930).
 */
import { PROXY_MODE_INFO } from '../modeInfo';
import type { Cluster } from '../../../model/types';
import { parseIPv4 } from '../../netfilter/ipv4';
import { renderUserspaceSections } from '../../render/userspacePortals';
import { IptablesWalker, RulesetIndex } from '../netfilterWalk';
import type {
  HookContext,
  HookResult,
  NfPacket,
  NodeDataplane,
  ProxyBuildOptions,
  ProxyModeModule,
  RulesSection,
} from '../types';
import { LoadBalancerRR } from './loadBalancer';
import type { UserspaceProxier, UserspaceServicePort } from './portals';
import {
  KUBE_NODEPORT_CONTAINER,
  KUBE_NODEPORT_HOST,
  KUBE_NODEPORT_NON_LOCAL,
  KUBE_PORTALS_CONTAINER,
  KUBE_PORTALS_HOST,
  buildUserspaceProxier,
} from './portals';
import type { UserspaceAcceptDetail } from './proxySocket';
import { ProxySockets } from './proxySocket';

export type { UserspaceAcceptDetail, ConnectAttempt } from './proxySocket';
export type { UserspaceProxier, UserspaceServicePort, KubeProxySocket } from './portals';
export { buildUserspaceProxier } from './portals';

/** The userspace dataplane also exposes what it built, for the panel and for tests. */
export interface UserspaceDataplane extends NodeDataplane {
  readonly proxier: UserspaceProxier;
  acceptProxied(packet: NfPacket, ctx: HookContext): UserspaceAcceptDetail | null;
}

function isLoopback(ip: string): boolean {
  const address = parseIPv4(ip);
  return address !== null && address >>> 24 === 127;
}

function summarize(result: HookResult, comments: ReadonlyMap<string, string>): string | undefined {
  const rule = result.decidedBy;
  if (!rule) return undefined;
  const service = comments.get(rule.id) ?? '';
  switch (rule.chain) {
    case KUBE_PORTALS_CONTAINER:
    case KUBE_NODEPORT_CONTAINER:
      return result.redirect
        ? `${rule.chain} redirects ${service} to kube-proxy's proxy port ${result.redirect.port} on this node`
        : undefined;
    case KUBE_PORTALS_HOST:
    case KUBE_NODEPORT_HOST:
      return result.dnat
        ? `${rule.chain} sends ${service} to kube-proxy at ${result.dnat.ip}:${result.dnat.port} (DNAT)`
        : undefined;
    case KUBE_NODEPORT_NON_LOCAL:
      return `${rule.chain} accepts a new connection to kube-proxy's proxy port for ${service}`;
    default:
      return undefined;
  }
}

/** What `build()` shares between the dataplanes of one (cluster object, node): nothing mutable. */
interface UserspaceStatic {
  readonly proxier: UserspaceProxier;
  readonly index: RulesetIndex;
  /** `<protocol> <proxy port>` → the service port whose socket listens there. */
  readonly byPort: ReadonlyMap<string, UserspaceServicePort>;
  /** Rule id → its `-m comment` text (the service port), for summaries. */
  readonly comments: ReadonlyMap<string, string>;
  /** The rendered listing, made on the first `rules()` call. */
  sections?: readonly RulesSection[];
}

/**
 * A cluster is immutable data, so a node's portals and sockets are built once per cluster object and
 * shared by every trace; the load balancer, the UDP client caches and the `recent` lists are per dataplane.
 */
const cache = new WeakMap<Cluster, Map<string, UserspaceStatic>>();

function userspaceStatic(cluster: Cluster, nodeName: string): UserspaceStatic {
  let perNode = cache.get(cluster);
  if (!perNode) {
    perNode = new Map();
    cache.set(cluster, perNode);
  }
  let entry = perNode.get(nodeName);
  if (!entry) {
    const proxier = buildUserspaceProxier(cluster, nodeName);
    const byPort = new Map<string, UserspaceServicePort>();
    for (const sp of proxier.servicePorts) byPort.set(`${sp.protocol} ${sp.proxyPort}`, sp);
    const comments = new Map<string, string>();
    for (const table of proxier.ruleset.tables)
      for (const chain of table.chains)
        for (const rule of chain.rules)
          for (const m of rule.matches) if (m.kind === 'comment') comments.set(rule.id, m.text);
    entry = { proxier, index: new RulesetIndex(proxier.ruleset), byPort, comments };
    perNode.set(nodeName, entry);
  }
  return entry;
}

/**
 * Builds one node's userspace dataplane: the portal rules, kube-proxy's sockets, and the load balancer
 * whose state (shuffle, round-robin index, affinity, UDP clients) persists across calls on this dataplane
 * and starts afresh on every build.
 */
export function buildUserspaceDataplane(
  cluster: Cluster,
  nodeName: string,
  options: ProxyBuildOptions = {},
): UserspaceDataplane {
  const shared = userspaceStatic(cluster, nodeName);
  const { proxier, byPort, comments } = shared;
  const walker = new IptablesWalker(shared.index, proxier.localAddresses);
  // One load balancer and one set of UDP client caches per dataplane, kept across calls (a volley of
  // requests reuses the dataplane, so round-robin and affinity carry over as in a running kube-proxy).
  const sockets = new ProxySockets(new LoadBalancerRR());
  const deadEndpoints = new Set(options.deadEndpoints ?? []);

  return {
    mode: 'userspace',
    node: nodeName,
    proxier,
    extraLocalAddresses: [],
    rules: () => {
      shared.sections ??= renderUserspaceSections(nodeName, proxier.ruleset, proxier.sockets);
      return { mode: 'userspace', node: nodeName, sections: shared.sections };
    },
    hook(hook, packet, ctx) {
      const result = walker.hook(hook, packet, ctx);
      const summary = summarize(result, comments);
      return summary === undefined ? result : { ...result, summary };
    },
    acceptProxied(packet, ctx) {
      // The proxy sockets listen on every address of the node (listenIP 0.0.0.0).
      if (packet.protocol === 'SCTP') return null;
      if (!proxier.localAddresses.includes(packet.dst) && !isLoopback(packet.dst)) return null;
      const sp = byPort.get(`${packet.protocol} ${packet.dport}`);
      if (!sp) return null;
      return sockets.accept(sp, packet, { rng: ctx.rng, now: ctx.now, deadEndpoints });
    },
  };
}

export const userspaceMode: ProxyModeModule = {
  mode: 'userspace',
  followsVersion: PROXY_MODE_INFO.userspace.followsVersion,
  status: PROXY_MODE_INFO.userspace.status,
  build: buildUserspaceDataplane,
};
