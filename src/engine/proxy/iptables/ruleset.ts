/**
 * kube-proxy's iptables mode as data: the filter and nat rules kube-proxy v1.33 programs on one node.
 *
 * Follows kubernetes/kubernetes pkg/proxy/iptables/proxier.go (syncProxyRules,
 * writeServiceToEndpointRules, iptablesJumpChains, iptablesKubeletJumpChains) rule by rule, in the
 * order kube-proxy writes them. Where kube-proxy iterates a Go map (service ports), we iterate service
 * ports sorted by name, the same order proxier_test.go's sortIPTablesRules normalises to.
 */
import type { Cluster } from '../../../model/types';
import { buildRuleset, TableBuilder } from '../../netfilter/builder';
import type { L4Protocol, Match, Ruleset, Target } from '../../netfilter/types';
import { cidrContainsText } from '../../netfilter/ipv4';
import type { EndpointInfo, ServicePortInfo } from '../endpoints';
import { categorizeEndpoints, isExternallyAccessible, listServicePorts } from '../endpoints';
import {
  computeProbability,
  endpointChainName,
  masqueradeMarkValue,
  serviceChainNames,
} from '../kubeProxyNames';

export interface IptablesRulesetOptions {
  /**
   * `--cluster-cidr` for `--detect-local-mode=ClusterCIDR` (kube-proxy's default mode). Defaults to the
   * cluster's clusterCIDR; `null` means no local-traffic detector (no `! -s` masquerade rule, no pod
   * short-circuit in KUBE-EXT chains).
   */
  readonly clusterCIDR?: string | null;
  /** `--masquerade-all` (default false). */
  readonly masqueradeAll?: boolean;
  /** `--iptables-masquerade-bit` (default 14 → mark 0x4000). */
  readonly masqueradeBit?: number;
  /** `iptables.localhostNodePorts` (default true): NodePorts on 127.0.0.1, plus the KUBE-FIREWALL rule. */
  readonly localhostNodePorts?: boolean;
  /**
   * Whether the nfacct counters kube-proxy asks for exist (default true: kernels with
   * nfnetlink_acct). They add `-m nfacct` matches to the INVALID drop and localhost NodePort rules.
   */
  readonly nfacctCounters?: boolean;
  /** iptables supports `--random-fully` on MASQUERADE (default true: iptables ≥ 1.6.2). */
  readonly randomFully?: boolean;
  /** `net.netfilter.nf_conntrack_tcp_be_liberal` is set (default false): no INVALID DROP rule. */
  readonly conntrackTcpLiberal?: boolean;
}

// Chain names (proxier.go constants).
export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_PROXY_CANARY = 'KUBE-PROXY-CANARY';
export const KUBE_FIREWALL = 'KUBE-FIREWALL';

/** proxier.go largeClusterEndpointsThreshold: above it, per-endpoint comments are dropped. */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

/** Names of the nfacct counters (pkg/proxy/metrics). */
const NFACCT_CT_STATE_INVALID = 'ct_state_invalid_dropped_pkts';
const NFACCT_LOCALHOST_NODEPORTS = 'localhost_nps_accepted_pkts';

const comment = (text: string): Match => ({ kind: 'comment', text });
const proto = (protocol: L4Protocol): Match => ({ kind: 'protocol', protocol });
const dst = (cidr: string, negate = false): Match =>
  negate ? { kind: 'destination', cidr, negate } : { kind: 'destination', cidr };
const src = (cidr: string, negate = false): Match =>
  negate ? { kind: 'source', cidr, negate } : { kind: 'source', cidr };
const dport = (port: number): Match => ({ kind: 'dport', port });
const jump = (chain: string): Target => ({ kind: 'jump', chain });
const ctNew: Match = { kind: 'conntrack', states: ['NEW'] };

interface JumpChain {
  readonly table: 'filter' | 'nat';
  readonly dst: string;
  readonly src: 'INPUT' | 'FORWARD' | 'OUTPUT' | 'PREROUTING' | 'POSTROUTING';
  readonly comment: string;
  readonly ctNew: boolean;
}

/** proxier.go iptablesJumpChains + iptablesKubeletJumpChains, in kube-proxy's order. */
const JUMP_CHAINS: readonly JumpChain[] = [
  {
    table: 'filter',
    dst: KUBE_EXTERNAL_SERVICES,
    src: 'INPUT',
    comment: 'kubernetes externally-visible service portals',
    ctNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_EXTERNAL_SERVICES,
    src: 'FORWARD',
    comment: 'kubernetes externally-visible service portals',
    ctNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_NODEPORTS,
    src: 'INPUT',
    comment: 'kubernetes health check service ports',
    ctNew: false,
  },
  { table: 'filter', dst: KUBE_SERVICES, src: 'FORWARD', comment: 'kubernetes service portals', ctNew: true },
  { table: 'filter', dst: KUBE_SERVICES, src: 'OUTPUT', comment: 'kubernetes service portals', ctNew: true },
  {
    table: 'filter',
    dst: KUBE_FORWARD,
    src: 'FORWARD',
    comment: 'kubernetes forwarding rules',
    ctNew: false,
  },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'INPUT',
    comment: 'kubernetes load balancer firewall',
    ctNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'OUTPUT',
    comment: 'kubernetes load balancer firewall',
    ctNew: true,
  },
  {
    table: 'filter',
    dst: KUBE_PROXY_FIREWALL,
    src: 'FORWARD',
    comment: 'kubernetes load balancer firewall',
    ctNew: true,
  },
  { table: 'nat', dst: KUBE_SERVICES, src: 'OUTPUT', comment: 'kubernetes service portals', ctNew: false },
  {
    table: 'nat',
    dst: KUBE_SERVICES,
    src: 'PREROUTING',
    comment: 'kubernetes service portals',
    ctNew: false,
  },
  {
    table: 'nat',
    dst: KUBE_POSTROUTING,
    src: 'POSTROUTING',
    comment: 'kubernetes postrouting rules',
    ctNew: false,
  },
  // Kubelet's anti-martian chain, duplicated by kube-proxy (no comment).
  { table: 'filter', dst: KUBE_FIREWALL, src: 'INPUT', comment: '', ctNew: false },
  { table: 'filter', dst: KUBE_FIREWALL, src: 'OUTPUT', comment: '', ctNew: false },
];

interface Context {
  readonly filter: TableBuilder;
  readonly nat: TableBuilder;
  readonly mark: number;
  readonly localCIDR: string | null;
  readonly masqueradeAll: boolean;
  readonly localhostNodePorts: boolean;
  readonly nfacct: boolean;
  readonly largeClusterMode: boolean;
  readonly nodeIP: string | undefined;
}

/**
 * Builds the iptables ruleset kube-proxy (iptables mode, IPv4) keeps on `nodeName`: the filter and
 * nat tables of its restore data, the jump rules it ensures in the builtin chains, and the
 * KUBE-PROXY-CANARY chains it monitors (mangle, nat, filter).
 */
export function buildIptablesRuleset(
  cluster: Cluster,
  nodeName: string,
  options: IptablesRulesetOptions = {},
): Ruleset {
  const filter = new TableBuilder('filter');
  const nat = new TableBuilder('nat');
  const mangle = new TableBuilder('mangle');
  const localhostNodePorts = options.localhostNodePorts ?? true;
  const servicePorts = listServicePorts(cluster, nodeName);
  let totalEndpoints = 0;
  for (const sp of servicePorts) totalEndpoints += sp.endpoints.length;
  const localCIDR =
    options.clusterCIDR === undefined ? cluster.network.clusterCIDR || null : options.clusterCIDR;
  const ctx: Context = {
    filter,
    nat,
    mark: masqueradeMarkValue(options.masqueradeBit ?? 14),
    localCIDR,
    masqueradeAll: options.masqueradeAll ?? false,
    localhostNodePorts,
    nfacct: options.nfacctCounters ?? true,
    largeClusterMode: totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
    nodeIP: cluster.nodes.find((n) => n.name === nodeName)?.internalIP,
  };

  writeEnsuredRules(filter, nat, mangle);

  // "Write chain lines for all the top-level chains we'll be filling in."
  for (const chain of [
    KUBE_SERVICES,
    KUBE_EXTERNAL_SERVICES,
    KUBE_FORWARD,
    KUBE_NODEPORTS,
    KUBE_PROXY_FIREWALL,
  ]) {
    filter.declareChain(chain);
  }
  for (const chain of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) {
    nat.declareChain(chain);
  }

  const markMatch = (negate: boolean): Match =>
    negate
      ? { kind: 'mark', value: ctx.mark, mask: ctx.mark, negate: true }
      : { kind: 'mark', value: ctx.mark, mask: ctx.mark };
  nat.append(KUBE_POSTROUTING, [markMatch(true)], { kind: 'return' });
  // Clear the mark so a packet re-traversing the stack is not masqueraded twice.
  nat.append(KUBE_POSTROUTING, [], { kind: 'mark', op: 'xor', value: ctx.mark });
  nat.append(KUBE_POSTROUTING, [comment('kubernetes service traffic requiring SNAT')], {
    kind: 'masquerade',
    randomFully: options.randomFully ?? true,
  });
  nat.append(KUBE_MARK_MASQ, [], { kind: 'mark', op: 'or', value: ctx.mark });

  if (localhostNodePorts) {
    // Mitigates the route_localnet hole (issue #90259); kubelet writes the same rule.
    filter.declareChain(KUBE_FIREWALL);
    filter.append(
      KUBE_FIREWALL,
      [
        comment('block incoming localnet connections'),
        dst('127.0.0.0/8'),
        src('127.0.0.0/8', true),
        { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED', 'DNAT'], negate: true },
      ],
      { kind: 'drop' },
    );
  }

  for (const sp of servicePorts) writeServicePort(ctx, sp);

  // "Finally, tail-call to the nodePorts chain." (default --nodeport-addresses: all local addresses)
  const nodePortDestinations: Match[] = [{ kind: 'addrtype', direction: 'dst', type: 'LOCAL' }];
  if (!localhostNodePorts) nodePortDestinations.push(dst('127.0.0.0/8', true));
  nat.append(
    KUBE_SERVICES,
    [
      comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
      ...nodePortDestinations,
    ],
    jump(KUBE_NODEPORTS),
  );

  if (!(options.conntrackTcpLiberal ?? false)) {
    const invalid: Match[] = [{ kind: 'conntrack', states: ['INVALID'] }];
    if (ctx.nfacct) invalid.push({ kind: 'nfacct', name: NFACCT_CT_STATE_INVALID });
    filter.append(KUBE_FORWARD, invalid, { kind: 'drop' });
  }
  filter.append(KUBE_FORWARD, [comment('kubernetes forwarding rules'), markMatch(false)], { kind: 'accept' });
  filter.append(
    KUBE_FORWARD,
    [
      comment('kubernetes forwarding conntrack rule'),
      { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] },
    ],
    { kind: 'accept' },
  );

  return buildRuleset([filter, nat, mangle]);
}

/** EnsureChain + EnsureRule(Prepend) of every jump, then the canary chains (ipt.Monitor). */
function writeEnsuredRules(filter: TableBuilder, nat: TableBuilder, mangle: TableBuilder): void {
  for (const jc of JUMP_CHAINS) {
    const table = jc.table === 'filter' ? filter : nat;
    table.ensureChain(jc.dst);
    const matches: Match[] = [];
    if (jc.ctNew) matches.push(ctNew);
    if (jc.comment) matches.push(comment(jc.comment));
    table.prependEnsured(jc.src, matches, jump(jc.dst));
  }
  for (const table of [mangle, nat, filter]) table.ensureChain(KUBE_PROXY_CANARY);
}

function writeServicePort(ctx: Context, sp: ServicePortInfo): void {
  const { filter, nat } = ctx;
  const protocol = sp.protocol.toLowerCase() as L4Protocol;
  const name = sp.name;
  const opts = { servicePort: name };
  const chains = serviceChainNames(name, protocol);
  const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints } =
    categorizeEndpoints(sp);
  const sepChains = new Map<string, string>();
  const sepChainOf = (ep: EndpointInfo): string => {
    let chain = sepChains.get(ep.endpoint);
    if (chain === undefined) {
      chain = endpointChainName(name, protocol, ep.endpoint);
      sepChains.set(ep.endpoint, chain);
    }
    return chain;
  };

  const clusterPolicyChain = chains.svc;
  const usesClusterPolicyChain =
    clusterEndpoints.length > 0 && (!sp.internalPolicyLocal || isExternallyAccessible(sp));
  const localPolicyChain = chains.svl;
  const usesLocalPolicyChain =
    localEndpoints.length > 0 &&
    (sp.internalPolicyLocal || (sp.externalPolicyLocal && isExternallyAccessible(sp)));

  let internalPolicyChain = clusterPolicyChain;
  let hasInternalEndpoints = hasAnyEndpoints;
  if (sp.internalPolicyLocal) {
    internalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasInternalEndpoints = false;
  }
  let externalPolicyChain = clusterPolicyChain;
  let hasExternalEndpoints = hasAnyEndpoints;
  if (sp.externalPolicyLocal) {
    externalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasExternalEndpoints = false;
  }
  const externalTrafficChain = chains.ext;
  // Needed even without externally usable endpoints, for the local short-circuit rules.
  const usesExternalTrafficChain = hasAnyEndpoints && isExternallyAccessible(sp);
  const usesFWChain =
    hasAnyEndpoints && sp.loadBalancerVIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
  const loadBalancerTrafficChain = usesFWChain ? chains.fw : externalTrafficChain;

  let internalFilterTarget: Target = { kind: 'reject' };
  let internalFilterComment = `${name} has no endpoints`;
  let externalFilterTarget: Target = { kind: 'reject' };
  let externalFilterComment = internalFilterComment;
  if (hasAnyEndpoints) {
    if (!hasInternalEndpoints) {
      internalFilterTarget = { kind: 'drop' };
      internalFilterComment = `${name} has no local endpoints`;
    }
    if (!hasExternalEndpoints) {
      externalFilterTarget = { kind: 'drop' };
      externalFilterComment = `${name} has no local endpoints`;
    }
  }

  const portMatch = (ip: string): Match[] => [proto(protocol), dst(ip), dport(sp.port.port)];

  // Capture the clusterIP.
  if (hasInternalEndpoints) {
    nat.append(
      KUBE_SERVICES,
      [comment(`${name} cluster IP`), ...portMatch(sp.clusterIP)],
      jump(internalPolicyChain),
      opts,
    );
  } else {
    filter.append(
      KUBE_SERVICES,
      [comment(internalFilterComment), ...portMatch(sp.clusterIP)],
      internalFilterTarget,
      opts,
    );
  }

  // Capture externalIPs.
  for (const externalIP of sp.externalIPs) {
    if (hasAnyEndpoints) {
      nat.append(
        KUBE_SERVICES,
        [comment(`${name} external IP`), ...portMatch(externalIP)],
        jump(externalTrafficChain),
        opts,
      );
    }
    if (!hasExternalEndpoints) {
      filter.append(
        KUBE_EXTERNAL_SERVICES,
        [comment(externalFilterComment), ...portMatch(externalIP)],
        externalFilterTarget,
        opts,
      );
    }
  }

  // Capture load-balancer ingress.
  for (const lbip of sp.loadBalancerVIPs) {
    if (hasAnyEndpoints) {
      nat.append(
        KUBE_SERVICES,
        [comment(`${name} loadbalancer IP`), ...portMatch(lbip)],
        jump(loadBalancerTrafficChain),
        opts,
      );
    }
    if (usesFWChain) {
      filter.append(
        KUBE_PROXY_FIREWALL,
        [comment(`${name} traffic not accepted by ${chains.fw}`), ...portMatch(lbip)],
        { kind: 'drop' },
        opts,
      );
    }
  }
  if (!hasExternalEndpoints) {
    for (const lbip of sp.loadBalancerVIPs) {
      filter.append(
        KUBE_EXTERNAL_SERVICES,
        [comment(externalFilterComment), ...portMatch(lbip)],
        externalFilterTarget,
        opts,
      );
    }
  }

  // Capture nodeports. (NodePorts are not subject to loadBalancerSourceRanges.)
  if (sp.nodePort !== 0) {
    if (hasAnyEndpoints) {
      if (ctx.localhostNodePorts && ctx.nfacct) {
        nat.append(
          KUBE_NODEPORTS,
          [
            comment(name),
            proto(protocol),
            dst('127.0.0.0/8'),
            dport(sp.nodePort),
            { kind: 'nfacct', name: NFACCT_LOCALHOST_NODEPORTS },
          ],
          jump(externalTrafficChain),
          opts,
        );
      }
      nat.append(
        KUBE_NODEPORTS,
        [comment(name), proto(protocol), dport(sp.nodePort)],
        jump(externalTrafficChain),
        opts,
      );
    }
    if (!hasExternalEndpoints) {
      filter.append(
        KUBE_EXTERNAL_SERVICES,
        [
          comment(externalFilterComment),
          { kind: 'addrtype', direction: 'dst', type: 'LOCAL' },
          proto(protocol),
          dport(sp.nodePort),
        ],
        externalFilterTarget,
        opts,
      );
    }
  }

  // Capture healthCheckNodePorts, whether or not this node has local endpoints.
  if (sp.healthCheckNodePort !== 0) {
    filter.append(
      KUBE_NODEPORTS,
      [comment(`${name} health check node port`), proto('tcp'), dport(sp.healthCheckNodePort)],
      { kind: 'accept' },
      opts,
    );
  }

  // Set up internal traffic handling: masquerade off-cluster traffic to the service VIP.
  if (hasInternalEndpoints) {
    const args = [comment(`${name} cluster IP`), ...portMatch(sp.clusterIP)];
    if (ctx.masqueradeAll) {
      nat.append(internalPolicyChain, args, jump(KUBE_MARK_MASQ), opts);
    } else if (ctx.localCIDR !== null) {
      nat.append(internalPolicyChain, [...args, src(ctx.localCIDR, true)], jump(KUBE_MARK_MASQ), opts);
    }
  }

  // External destinations all go through KUBE-EXT-, which then jumps to the external policy chain.
  if (usesExternalTrafficChain) {
    nat.declareChain(externalTrafficChain);
    if (!sp.externalPolicyLocal) {
      // Non-local endpoints may be on another node: masquerade.
      nat.append(
        externalTrafficChain,
        [comment(`masquerade traffic for ${name} external destinations`)],
        jump(KUBE_MARK_MASQ),
        opts,
      );
    } else {
      if (ctx.localCIDR !== null) {
        // Pod → external destination short-circuits to the cluster chain (neither policy applies).
        nat.append(
          externalTrafficChain,
          [comment(`pod traffic for ${name} external destinations`), src(ctx.localCIDR)],
          jump(clusterPolicyChain),
          opts,
        );
      }
      // Host-originated traffic: the external IP is local, so it would be the source; masquerade it.
      nat.append(
        externalTrafficChain,
        [
          comment(`masquerade LOCAL traffic for ${name} external destinations`),
          { kind: 'addrtype', direction: 'src', type: 'LOCAL' },
        ],
        jump(KUBE_MARK_MASQ),
        opts,
      );
      nat.append(
        externalTrafficChain,
        [
          comment(`route LOCAL traffic for ${name} external destinations`),
          { kind: 'addrtype', direction: 'src', type: 'LOCAL' },
        ],
        jump(clusterPolicyChain),
        opts,
      );
    }
    if (hasExternalEndpoints) nat.append(externalTrafficChain, [], jump(externalPolicyChain), opts);
  }

  // Firewall chain for loadBalancerSourceRanges.
  if (usesFWChain) {
    nat.declareChain(chains.fw);
    const fwComment = comment(`${name} loadbalancer IP`);
    let allowFromNode = false;
    for (const cidr of sp.loadBalancerSourceRanges) {
      nat.append(chains.fw, [fwComment, src(cidr)], jump(externalTrafficChain), opts);
      if (ctx.nodeIP !== undefined && cidrContainsText(cidr, ctx.nodeIP)) allowFromNode = true;
    }
    if (allowFromNode) {
      for (const lbip of sp.loadBalancerVIPs) {
        nat.append(chains.fw, [fwComment, src(lbip)], jump(externalTrafficChain), opts);
      }
    }
    // Whatever reaches the end was not DNATed; KUBE-PROXY-FIREWALL (filter) drops it.
    nat.append(
      chains.fw,
      [comment(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`)],
      null,
      opts,
    );
  }

  if (usesClusterPolicyChain) {
    nat.declareChain(clusterPolicyChain);
    writeServiceToEndpointRules(ctx, sp, clusterPolicyChain, clusterEndpoints, sepChainOf);
  }
  if (usesLocalPolicyChain) {
    nat.declareChain(localPolicyChain);
    writeServiceToEndpointRules(ctx, sp, localPolicyChain, localEndpoints, sepChainOf);
  }

  // One KUBE-SEP- chain per reachable endpoint: hairpin masquerade, then DNAT.
  for (const ep of allReachableEndpoints) {
    const sepChain = sepChainOf(ep);
    nat.declareChain(sepChain);
    const base: Match[] = ctx.largeClusterMode ? [] : [comment(name)];
    nat.append(sepChain, [...base, src(ep.ip)], jump(KUBE_MARK_MASQ), opts);
    const dnatMatches: Match[] = [...base];
    if (sp.sessionAffinityClientIP) dnatMatches.push({ kind: 'recent', op: 'set', name: sepChain });
    dnatMatches.push(proto(protocol));
    nat.append(sepChain, dnatMatches, { kind: 'dnat', ip: ep.ip, port: ep.port }, opts);
  }
}

/** writeServiceToEndpointRules: affinity `recent` checks first, then the statistic cascade. */
function writeServiceToEndpointRules(
  ctx: Context,
  sp: ServicePortInfo,
  svcChain: string,
  endpoints: readonly EndpointInfo[],
  chainOf: (ep: EndpointInfo) => string,
): void {
  const opts = { servicePort: sp.name };
  const epComment = (ep: EndpointInfo): Match[] =>
    ctx.largeClusterMode ? [] : [comment(`${sp.name} -> ${ep.endpoint}`)];
  if (sp.sessionAffinityClientIP) {
    for (const ep of endpoints) {
      const sep = chainOf(ep);
      ctx.nat.append(
        svcChain,
        [
          ...epComment(ep),
          { kind: 'recent', op: 'rcheck', name: sep, seconds: sp.stickyMaxAgeSeconds, reap: true },
        ],
        jump(sep),
        opts,
      );
    }
  }
  const n = endpoints.length;
  endpoints.forEach((ep, i) => {
    const matches = epComment(ep);
    // Rule i matches with probability 1/(n-i); the last one always matches.
    if (i < n - 1) matches.push({ kind: 'statistic', probability: computeProbability(n - i) });
    ctx.nat.append(svcChain, matches, jump(chainOf(ep)), opts);
  });
}
