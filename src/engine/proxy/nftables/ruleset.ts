/**
 * kube-proxy's nftables mode as data: the `ip kube-proxy` table kube-proxy v1.33 programs on one node.
 *
 * Follows kubernetes/kubernetes pkg/proxy/nftables/proxier.go (setupNFTables, syncProxyRules,
 * writeServiceToEndpointRules) object by object and in the order kube-proxy adds them on a first full
 * sync, so that the creation order — which `nft list` shows — is kube-proxy's. The version read is the
 * v1.31–v1.33 line (filter chains at priority dstnat-10, `filter-output-post-dnat` at dstnat+10, and the
 * service chain's masquerade rule matching `ip daddr <clusterIP> <proto> dport <port>`); v1.34 changed
 * both (kubernetes PRs #132456 and #131492). Where kube-proxy iterates a Go map (service ports), we
 * iterate them sorted by name.
 */
import type { Cluster, Protocol } from '../../../model/types';
import type { EndpointInfo, ServicePortInfo } from '../endpoints';
import { cidrContainsText } from '../../netfilter/ipv4';
import { categorizeEndpoints, isExternallyAccessible, listServicePorts } from '../endpoints';
import { masqueradeMarkValue } from '../kubeProxyNames';
import { nftEndpointNames, nftServiceChainNames } from './names';
import type {
  NftBaseChainSpec,
  NftChain,
  NftElement,
  NftKeyType,
  NftL4Protocol,
  NftRule,
  NftRuleset,
  NftSet,
  NftStatement,
  NftVerdict,
} from './types';

export interface NftablesRulesetOptions {
  /**
   * `--cluster-cidr` for `--detect-local-mode=ClusterCIDR` (kube-proxy's default). Defaults to the
   * cluster's clusterCIDR; `null` means no local-traffic detector.
   */
  readonly clusterCIDR?: string | null;
  /** `--masquerade-all` (default false). */
  readonly masqueradeAll?: boolean;
  /** `--iptables-masquerade-bit`, also used by the nftables mode (default 14 → mark 0x4000). */
  readonly masqueradeBit?: number;
  /**
   * `--nodeport-addresses`. In nftables mode kube-proxy defaults it to `primary` (the node's own IP;
   * cmd/kube-proxy/app/server_linux.go platformApplyDefaults). `all` stands for a list that matches every
   * address (e.g. `0.0.0.0/0`): the `nodeport-ips` set is deleted and `fib daddr type local` is used.
   */
  readonly nodePortAddresses?: 'primary' | 'all';
  /** The ServiceCIDRs kube-proxy watches (default: the cluster's service-cluster-ip-range). */
  readonly serviceCIDRs?: readonly string[];
}

// Object names (proxier.go constants).
export const KUBE_PROXY_TABLE = 'kube-proxy';
export const SERVICES_CHAIN = 'services';
export const SERVICE_IPS_MAP = 'service-ips';
export const SERVICE_NODEPORTS_MAP = 'service-nodeports';
export const NODEPORT_IPS_SET = 'nodeport-ips';
export const CLUSTER_IPS_SET = 'cluster-ips';
export const SERVICE_ENDPOINTS_CHECK_CHAIN = 'service-endpoints-check';
export const NODEPORT_ENDPOINTS_CHECK_CHAIN = 'nodeport-endpoints-check';
export const NO_ENDPOINT_SERVICES_MAP = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS_MAP = 'no-endpoint-nodeports';
export const REJECT_CHAIN = 'reject-chain';
export const CLUSTER_IPS_CHECK_CHAIN = 'cluster-ips-check';
export const FIREWALL_IPS_MAP = 'firewall-ips';
export const FIREWALL_CHECK_CHAIN = 'firewall-check';
export const MARK_MASQ_CHAIN = 'mark-for-masquerade';
export const MASQUERADING_CHAIN = 'masquerading';

/** include/uapi/linux/netfilter_ipv4.h: NF_IP_PRI_NAT_DST -100, NF_IP_PRI_NAT_SRC 100. */
const DNAT_PRIORITY = -100;
const SNAT_PRIORITY = 100;

/**
 * nftablesBaseChains (v1.33): the filter chains run at dstnat-10 so they see pre-DNAT destinations;
 * `filter-output-post-dnat` runs after DNAT on locally generated packets.
 */
const BASE_CHAINS: readonly (NftBaseChainSpec & { readonly name: string })[] = [
  { name: 'filter-prerouting', type: 'filter', hook: 'prerouting', priority: DNAT_PRIORITY - 10 },
  { name: 'filter-input', type: 'filter', hook: 'input', priority: DNAT_PRIORITY - 10 },
  { name: 'filter-forward', type: 'filter', hook: 'forward', priority: DNAT_PRIORITY - 10 },
  { name: 'filter-output', type: 'filter', hook: 'output', priority: DNAT_PRIORITY - 10 },
  { name: 'filter-output-post-dnat', type: 'filter', hook: 'output', priority: DNAT_PRIORITY + 10 },
  { name: 'nat-prerouting', type: 'nat', hook: 'prerouting', priority: DNAT_PRIORITY },
  { name: 'nat-output', type: 'nat', hook: 'output', priority: DNAT_PRIORITY },
  { name: 'nat-postrouting', type: 'nat', hook: 'postrouting', priority: SNAT_PRIORITY },
];

/**
 * nftablesJumpChains, in order. The endpoint checks are not hooked at prerouting because `reject` is only
 * valid in input/forward/output chains on kernels before 5.9.
 */
const JUMP_CHAINS: readonly { dst: string; src: string; ctNew: boolean }[] = [
  { dst: NODEPORT_ENDPOINTS_CHECK_CHAIN, src: 'filter-input', ctNew: true },
  { dst: SERVICE_ENDPOINTS_CHECK_CHAIN, src: 'filter-input', ctNew: true },
  { dst: SERVICE_ENDPOINTS_CHECK_CHAIN, src: 'filter-forward', ctNew: true },
  { dst: SERVICE_ENDPOINTS_CHECK_CHAIN, src: 'filter-output', ctNew: true },
  { dst: FIREWALL_CHECK_CHAIN, src: 'filter-prerouting', ctNew: true },
  { dst: FIREWALL_CHECK_CHAIN, src: 'filter-output', ctNew: true },
  { dst: SERVICES_CHAIN, src: 'nat-output', ctNew: false },
  { dst: SERVICES_CHAIN, src: 'nat-prerouting', ctNew: false },
  { dst: MASQUERADING_CHAIN, src: 'nat-postrouting', ctNew: false },
  { dst: CLUSTER_IPS_CHECK_CHAIN, src: 'filter-forward', ctNew: true },
  { dst: CLUSTER_IPS_CHECK_CHAIN, src: 'filter-output-post-dnat', ctNew: true },
];

const IP_PROTO_PORT: readonly NftKeyType[] = ['ipv4_addr', 'inet_proto', 'inet_service'];
const PROTO_PORT: readonly NftKeyType[] = ['inet_proto', 'inet_service'];

const jump = (chain: string): NftStatement => ({ kind: 'verdict', verdict: { kind: 'jump', chain } });
const goto = (chain: string): NftStatement => ({ kind: 'verdict', verdict: { kind: 'goto', chain } });
const ctNew: NftStatement = { kind: 'ct-state', state: 'new' };
const gotoVerdict = (chain: string): NftVerdict => ({ kind: 'goto', chain });

interface MutableChain {
  readonly name: string;
  readonly base?: NftBaseChainSpec;
  readonly comment?: string;
  readonly rules: NftRule[];
}

interface MutableSet extends Omit<NftSet, 'elements'> {
  readonly elements: NftElement[];
}

/** Collects objects in kube-proxy's creation order. */
class NftTableBuilder {
  private readonly chains = new Map<string, MutableChain>();
  private readonly sets = new Map<string, MutableSet>();
  /** Element id → its index in its set's list, so a replacing add is not a scan of the set. */
  private readonly elementIndex = new Map<string, number>();

  /** `ensureChain`: adds the chain once (a later add of the same name keeps its place). */
  ensureChain(name: string, extra: { base?: NftBaseChainSpec; comment?: string } = {}): void {
    if (this.chains.has(name)) return;
    this.chains.set(name, { name, ...extra, rules: [] });
  }

  addRule(
    chain: string,
    statements: NftStatement[],
    extra: { comment?: string; servicePort?: string } = {},
  ): void {
    const target = this.chains.get(chain);
    if (!target) throw new Error(`nftables: rule added to undeclared chain ${chain}`);
    const position = target.rules.length + 1;
    target.rules.push({ id: `${chain}/${position}`, chain, position, statements, ...extra });
  }

  addSet(set: Omit<NftSet, 'elements'>): void {
    if (!this.sets.has(set.name)) this.sets.set(set.name, { ...set, elements: [] });
  }

  deleteSet(name: string): void {
    const set = this.sets.get(name);
    if (!set) return;
    for (const element of set.elements) this.elementIndex.delete(element.id);
    this.sets.delete(name);
  }

  /** `ensureElem`: one element per key; a second add with the same key replaces the value. */
  addElement(
    set: string,
    key: readonly string[],
    extra: { verdict?: NftVerdict; comment?: string; servicePort?: string } = {},
  ): void {
    const target = this.sets.get(set);
    if (!target) throw new Error(`nftables: element added to undeclared set ${set}`);
    const id = `@${set}/${key.join(' . ')}`;
    const element: NftElement = { id, key, ...extra };
    const index = this.elementIndex.get(id);
    if (index !== undefined) {
      target.elements[index] = element;
    } else {
      this.elementIndex.set(id, target.elements.length);
      target.elements.push(element);
    }
  }

  build(masqueradeMark: number): NftRuleset {
    const chains: NftChain[] = [...this.chains.values()];
    const sets: NftSet[] = [...this.sets.values()];
    return {
      family: 'ip',
      table: KUBE_PROXY_TABLE,
      comment: 'rules for kube-proxy',
      sets,
      chains,
      masqueradeMark,
    };
  }
}

interface Context {
  readonly t: NftTableBuilder;
  readonly mark: number;
  /** The cluster CIDR of the ClusterCIDR local-traffic detector, or null when not implemented. */
  readonly localCIDR: string | null;
  readonly masqueradeAll: boolean;
  readonly nodeIP: string | undefined;
}

/**
 * Builds the `ip kube-proxy` table kube-proxy (nftables mode, IPv4) keeps on `nodeName` after a full
 * sync.
 */
export function buildNftablesRuleset(
  cluster: Cluster,
  nodeName: string,
  options: NftablesRulesetOptions = {},
): NftRuleset {
  const t = new NftTableBuilder();
  const mark = masqueradeMarkValue(options.masqueradeBit ?? 14);
  const nodeIP = cluster.nodes.find((n) => n.name === nodeName)?.internalIP;
  const ctx: Context = {
    t,
    mark,
    localCIDR: options.clusterCIDR === undefined ? cluster.network.clusterCIDR || null : options.clusterCIDR,
    masqueradeAll: options.masqueradeAll ?? false,
    nodeIP,
  };
  const matchAllNodePorts = (options.nodePortAddresses ?? 'primary') === 'all';
  const serviceCIDRs = options.serviceCIDRs ?? [cluster.network.serviceCIDR];

  setupNFTables(t, mark, matchAllNodePorts, matchAllNodePorts || !nodeIP ? [] : [nodeIP], serviceCIDRs);
  for (const sp of listServicePorts(cluster, nodeName)) writeServicePort(ctx, sp);
  return t.build(mark);
}

/** proxier.go setupNFTables: the table's fixed part. */
function setupNFTables(
  t: NftTableBuilder,
  mark: number,
  matchAllNodePorts: boolean,
  nodeIPs: readonly string[],
  serviceCIDRs: readonly string[],
): void {
  // "Create and flush base chains"
  for (const { name, ...base } of BASE_CHAINS) t.ensureChain(name, { base });
  // "Create and flush ordinary chains and add rules jumping to them"
  for (const jc of JUMP_CHAINS) {
    t.ensureChain(jc.dst);
    t.addRule(jc.src, jc.ctNew ? [ctNew, jump(jc.dst)] : [jump(jc.dst)]);
  }
  for (const chain of [SERVICES_CHAIN, CLUSTER_IPS_CHECK_CHAIN, MASQUERADING_CHAIN, MARK_MASQ_CHAIN]) {
    t.ensureChain(chain);
  }

  t.addRule(MARK_MASQ_CHAIN, [{ kind: 'mark-set', op: 'or', value: mark }]);
  t.addRule(MASQUERADING_CHAIN, [
    { kind: 'mark-zero', mask: mark },
    { kind: 'verdict', verdict: { kind: 'return' } },
  ]);
  // Clear the mark so a packet re-traversing the stack (e.g. through a VXLAN tunnel) is not masqueraded
  // twice (kubernetes issue #92035).
  t.addRule(MASQUERADING_CHAIN, [{ kind: 'mark-set', op: 'xor', value: mark }]);
  t.addRule(MASQUERADING_CHAIN, [{ kind: 'masquerade', fullyRandom: true }]);

  t.addSet({
    name: CLUSTER_IPS_SET,
    kind: 'set',
    keyType: ['ipv4_addr'],
    flags: [],
    comment: 'Active ClusterIPs',
  });
  t.addRule(
    CLUSTER_IPS_CHECK_CHAIN,
    [{ kind: 'addr-in-set', field: 'daddr', set: CLUSTER_IPS_SET }, { kind: 'reject' }],
    {
      comment: 'Reject traffic to invalid ports of ClusterIPs',
    },
  );
  if (serviceCIDRs.length > 0) {
    t.addRule(
      CLUSTER_IPS_CHECK_CHAIN,
      [
        { kind: 'addr', field: 'daddr', values: serviceCIDRs, anonymousSet: ',' },
        { kind: 'verdict', verdict: { kind: 'drop' } },
      ],
      { comment: 'Drop traffic to unallocated ClusterIPs' },
    );
  }

  // "Fill in nodeport-ips set if needed (or delete it if not)."
  t.addSet({
    name: NODEPORT_IPS_SET,
    kind: 'set',
    keyType: ['ipv4_addr'],
    flags: [],
    comment: 'IPs that accept NodePort traffic',
  });
  if (matchAllNodePorts) t.deleteSet(NODEPORT_IPS_SET);
  else for (const ip of nodeIPs) t.addElement(NODEPORT_IPS_SET, [ip]);

  // "Set up 'no endpoints' drop/reject handling"
  t.addSet({
    name: NO_ENDPOINT_SERVICES_MAP,
    kind: 'map',
    keyType: IP_PROTO_PORT,
    flags: [],
    comment: 'vmap to drop or reject packets to services with no endpoints',
  });
  t.addSet({
    name: NO_ENDPOINT_NODEPORTS_MAP,
    kind: 'map',
    keyType: PROTO_PORT,
    flags: [],
    comment: 'vmap to drop or reject packets to service nodeports with no endpoints',
  });
  t.ensureChain(REJECT_CHAIN, { comment: 'helper for @no-endpoint-services / @no-endpoint-nodeports' });
  t.addRule(REJECT_CHAIN, [{ kind: 'reject' }]);
  t.addRule(SERVICE_ENDPOINTS_CHECK_CHAIN, [
    { kind: 'vmap', key: ['daddr', 'l4proto', 'dport'], map: NO_ENDPOINT_SERVICES_MAP },
  ]);
  const noLocalhost: NftStatement = { kind: 'addr', field: 'daddr', values: ['127.0.0.0/8'], negate: true };
  t.addRule(NODEPORT_ENDPOINTS_CHECK_CHAIN, [
    matchAllNodePorts ? noLocalhost : { kind: 'addr-in-set', field: 'daddr', set: NODEPORT_IPS_SET },
    { kind: 'vmap', key: ['l4proto', 'dport'], map: NO_ENDPOINT_NODEPORTS_MAP },
  ]);

  // "Set up LoadBalancerSourceRanges firewalling"
  t.addSet({
    name: FIREWALL_IPS_MAP,
    kind: 'map',
    keyType: IP_PROTO_PORT,
    flags: [],
    comment: 'destinations that are subject to LoadBalancerSourceRanges',
  });
  t.ensureChain(FIREWALL_CHECK_CHAIN);
  t.addRule(FIREWALL_CHECK_CHAIN, [
    { kind: 'vmap', key: ['daddr', 'l4proto', 'dport'], map: FIREWALL_IPS_MAP },
  ]);

  // "Set up service dispatch"
  t.addSet({
    name: SERVICE_IPS_MAP,
    kind: 'map',
    keyType: IP_PROTO_PORT,
    flags: [],
    comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic',
  });
  t.addSet({
    name: SERVICE_NODEPORTS_MAP,
    kind: 'map',
    keyType: PROTO_PORT,
    flags: [],
    comment: 'NodePort traffic',
  });
  t.addRule(SERVICES_CHAIN, [{ kind: 'vmap', key: ['daddr', 'l4proto', 'dport'], map: SERVICE_IPS_MAP }]);
  t.addRule(
    SERVICES_CHAIN,
    matchAllNodePorts
      ? [
          { kind: 'fib-local', field: 'daddr' },
          noLocalhost,
          { kind: 'vmap', key: ['l4proto', 'dport'], map: SERVICE_NODEPORTS_MAP },
        ]
      : [
          { kind: 'addr-in-set', field: 'daddr', set: NODEPORT_IPS_SET },
          { kind: 'vmap', key: ['l4proto', 'dport'], map: SERVICE_NODEPORTS_MAP },
        ],
  );
}

function l4(protocol: Protocol): NftL4Protocol {
  return protocol.toLowerCase() as NftL4Protocol;
}

/** syncProxyRules' body for one service port, then writeServiceToEndpointRules. */
function writeServicePort(ctx: Context, sp: ServicePortInfo): void {
  const { t } = ctx;
  const protocol = l4(sp.protocol);
  const svc = sp.service;
  const name = sp.name;
  const opts = { servicePort: name };
  const chains = nftServiceChainNames(svc.namespace, svc.name, protocol, sp.port.name);
  const epNames = (ep: EndpointInfo) =>
    nftEndpointNames(svc.namespace, svc.name, protocol, sp.port.name, ep.ip, ep.port);
  const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints } =
    categorizeEndpoints(sp);
  const affinity = sp.sessionAffinityClientIP;
  const port = String(sp.port.port);

  // "Note the endpoint chains that will be used"
  for (const ep of allReachableEndpoints) t.ensureChain(epNames(ep).chain);

  const clusterPolicyChain = chains.cluster;
  const usesClusterPolicyChain =
    clusterEndpoints.length > 0 && (!sp.internalPolicyLocal || isExternallyAccessible(sp));
  if (usesClusterPolicyChain) t.ensureChain(clusterPolicyChain);
  const localPolicyChain = chains.local;
  const usesLocalPolicyChain =
    localEndpoints.length > 0 &&
    (sp.internalPolicyLocal || (sp.externalPolicyLocal && isExternallyAccessible(sp)));
  if (usesLocalPolicyChain) t.ensureChain(localPolicyChain);

  let internalPolicyChain = clusterPolicyChain;
  let hasInternalEndpoints = hasAnyEndpoints;
  if (sp.internalPolicyLocal) {
    internalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasInternalEndpoints = false;
  }
  const internalTrafficChain = internalPolicyChain;
  let externalPolicyChain = clusterPolicyChain;
  let hasExternalEndpoints = hasAnyEndpoints;
  if (sp.externalPolicyLocal) {
    externalPolicyChain = localPolicyChain;
    if (localEndpoints.length === 0) hasExternalEndpoints = false;
  }
  const externalTrafficChain = chains.external;
  // Needed even without externally usable endpoints, for the local short-circuit rules.
  const usesExternalTrafficChain = hasAnyEndpoints && isExternallyAccessible(sp);
  if (usesExternalTrafficChain) t.ensureChain(externalTrafficChain);

  let internalFilterVerdict: NftVerdict = { kind: 'drop' };
  let externalFilterVerdict: NftVerdict = { kind: 'drop' };
  if (!hasAnyEndpoints) {
    internalFilterVerdict = gotoVerdict('reject-chain');
    externalFilterVerdict = gotoVerdict('reject-chain');
  }

  // Capture the clusterIP.
  t.addElement(CLUSTER_IPS_SET, [sp.clusterIP]);
  if (hasInternalEndpoints) {
    t.addElement(SERVICE_IPS_MAP, [sp.clusterIP, protocol, port], {
      verdict: gotoVerdict(internalTrafficChain),
      ...opts,
    });
  } else {
    t.addElement(NO_ENDPOINT_SERVICES_MAP, [sp.clusterIP, protocol, port], {
      verdict: internalFilterVerdict,
      comment: name,
      ...opts,
    });
  }

  // Capture externalIPs.
  for (const externalIP of sp.externalIPs) {
    if (hasAnyEndpoints) {
      t.addElement(SERVICE_IPS_MAP, [externalIP, protocol, port], {
        verdict: gotoVerdict(externalTrafficChain),
        ...opts,
      });
    }
    if (!hasExternalEndpoints) {
      t.addElement(NO_ENDPOINT_SERVICES_MAP, [externalIP, protocol, port], {
        verdict: externalFilterVerdict,
        comment: name,
        ...opts,
      });
    }
  }

  const usesFWChain = sp.loadBalancerVIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
  const fwChain = chains.firewall;
  if (usesFWChain) t.ensureChain(fwChain);

  // Capture load-balancer ingress.
  for (const lbip of sp.loadBalancerVIPs) {
    if (hasAnyEndpoints) {
      t.addElement(SERVICE_IPS_MAP, [lbip, protocol, port], {
        verdict: gotoVerdict(externalTrafficChain),
        ...opts,
      });
    }
    if (usesFWChain) {
      t.addElement(FIREWALL_IPS_MAP, [lbip, protocol, port], { verdict: gotoVerdict(fwChain), ...opts });
    }
  }
  if (!hasExternalEndpoints) {
    for (const lbip of sp.loadBalancerVIPs) {
      t.addElement(NO_ENDPOINT_SERVICES_MAP, [lbip, protocol, port], {
        verdict: externalFilterVerdict,
        comment: name,
        ...opts,
      });
    }
  }

  // Capture nodeports. ("For better or for worse, nodeports are not subject to
  // loadBalancerSourceRanges, and we can't change that.")
  if (sp.nodePort !== 0) {
    const key = [protocol, String(sp.nodePort)];
    if (hasAnyEndpoints) {
      t.addElement(SERVICE_NODEPORTS_MAP, key, { verdict: gotoVerdict(externalTrafficChain), ...opts });
    }
    if (!hasExternalEndpoints) {
      t.addElement(NO_ENDPOINT_NODEPORTS_MAP, key, {
        verdict: externalFilterVerdict,
        comment: name,
        ...opts,
      });
    }
  }

  // Set up internal traffic handling.
  if (hasInternalEndpoints) {
    const match: NftStatement[] = [
      { kind: 'addr', field: 'daddr', values: [sp.clusterIP] },
      { kind: 'dport', protocol, port: sp.port.port },
    ];
    if (ctx.masqueradeAll) {
      t.addRule(internalTrafficChain, [...match, jump(MARK_MASQ_CHAIN)], opts);
    } else if (ctx.localCIDR !== null) {
      // Masquerades off-cluster traffic to a service VIP (a static route to any node bridges into the
      // Service, and the reply might leave by another node).
      t.addRule(
        internalTrafficChain,
        [
          ...match,
          { kind: 'addr', field: 'saddr', values: [ctx.localCIDR], negate: true },
          jump(MARK_MASQ_CHAIN),
        ],
        opts,
      );
    }
  }

  // Set up external traffic handling.
  if (usesExternalTrafficChain) {
    if (!sp.externalPolicyLocal) {
      // "If we are using non-local endpoints we need to masquerade, in case we cross nodes."
      t.addRule(externalTrafficChain, [jump(MARK_MASQ_CHAIN)], opts);
    } else {
      if (ctx.localCIDR !== null) {
        // Pod → external destination is subject to neither traffic policy.
        t.addRule(
          externalTrafficChain,
          [{ kind: 'addr', field: 'saddr', values: [ctx.localCIDR] }, goto(clusterPolicyChain)],
          { comment: 'short-circuit pod traffic', ...opts },
        );
      }
      // The node itself: the LB IP is local, so it would be the source; masquerade.
      t.addRule(externalTrafficChain, [{ kind: 'fib-local', field: 'saddr' }, jump(MARK_MASQ_CHAIN)], {
        comment: 'masquerade local traffic',
        ...opts,
      });
      t.addRule(externalTrafficChain, [{ kind: 'fib-local', field: 'saddr' }, goto(clusterPolicyChain)], {
        comment: 'short-circuit local traffic',
        ...opts,
      });
    }
    if (hasExternalEndpoints) t.addRule(externalTrafficChain, [goto(externalPolicyChain)], opts);
  }

  if (usesFWChain) {
    const sources = [...sp.loadBalancerSourceRanges];
    const allowFromNode =
      ctx.nodeIP !== undefined && sources.some((cidr) => cidrContainsText(cidr, ctx.nodeIP ?? ''));
    // A VIP-like LB often has its VIP as a local address: node → VIP loops back with the VIP as source.
    if (allowFromNode) sources.push(...sp.loadBalancerVIPs);
    t.addRule(
      fwChain,
      [
        { kind: 'addr', field: 'saddr', values: sources, negate: true, anonymousSet: ' , ' },
        { kind: 'verdict', verdict: { kind: 'drop' } },
      ],
      opts,
    );
  }

  if (affinity) {
    // "Generate the per-endpoint affinity sets": affinity is per source IP and service port.
    for (const ep of allReachableEndpoints) {
      t.addSet({
        name: epNames(ep).affinitySet,
        kind: 'set',
        keyType: ['ipv4_addr'],
        // "dynamic" is needed because the set is updated from the packet path.
        flags: ['dynamic', 'timeout'],
        timeoutSeconds: sp.stickyMaxAgeSeconds,
      });
    }
  }

  if (usesClusterPolicyChain)
    writeServiceToEndpointRules(t, clusterPolicyChain, clusterEndpoints, affinity, epNames, opts);
  if (usesLocalPolicyChain)
    writeServiceToEndpointRules(t, localPolicyChain, localEndpoints, affinity, epNames, opts);

  // Generate the per-endpoint chains.
  for (const ep of allReachableEndpoints) {
    const names = epNames(ep);
    // Hairpin: a pod reaching itself through the Service must be SNATed, or it would answer itself.
    t.addRule(names.chain, [{ kind: 'addr', field: 'saddr', values: [ep.ip] }, jump(MARK_MASQ_CHAIN)], opts);
    if (affinity)
      t.addRule(names.chain, [{ kind: 'update-set', set: names.affinitySet, field: 'saddr' }], opts);
    t.addRule(
      names.chain,
      [
        { kind: 'l4proto', protocol },
        { kind: 'dnat', ip: ep.ip, port: ep.port },
      ],
      opts,
    );
  }
}

/** writeServiceToEndpointRules: affinity lookups first, then one `numgen random mod N` vmap. */
function writeServiceToEndpointRules(
  t: NftTableBuilder,
  svcChain: string,
  endpoints: readonly EndpointInfo[],
  affinity: boolean,
  epNames: (ep: EndpointInfo) => { chain: string; affinitySet: string },
  opts: { servicePort: string },
): void {
  if (affinity) {
    for (const ep of endpoints) {
      const names = epNames(ep);
      t.addRule(
        svcChain,
        [{ kind: 'addr-in-set', field: 'saddr', set: names.affinitySet }, goto(names.chain)],
        opts,
      );
    }
  }
  t.addRule(
    svcChain,
    [{ kind: 'numgen-vmap', targets: endpoints.map((ep) => gotoVerdict(epNames(ep).chain)) }],
    opts,
  );
}
