/**
 * The iptables rules that remain in IPVS mode: a fixed handful of rules that match ipsets, so their number
 * does not grow with the number of Services.
 *
 * Follows kubernetes/kubernetes v1.33 pkg/proxy/ipvs/proxier.go: `iptablesJumpChain` (ensured jumps from
 * the builtin chains, each `EnsureRule(Prepend, …)`), `iptablesChains` (declared chains),
 * `ipsetWithIptablesChain` + writeIptablesRules + acceptIPVSTraffic (the restore data, in its order).
 *
 * Not representable with the shared rule model, so left out (see the report): the two externalIP ACCEPT
 * rules (`-m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL`, `-m addrtype --dst-type LOCAL`)
 * and the KUBE-IPVS-OUT-FILTER `-m ipvs --vaddr … -j DROP` rules (issue #119656).
 */
import { buildRuleset, TableBuilder } from '../../netfilter/builder';
import type { L4Protocol, Match, Ruleset, Target } from '../../netfilter/types';
import { masqueradeMarkValue } from '../kubeProxyNames';
import type { IpsetTable } from './ipsets';
import {
  ipsetDefinition,
  KUBE_CLUSTER_IP,
  KUBE_EXTERNAL_IP,
  KUBE_EXTERNAL_IP_LOCAL,
  KUBE_HEALTH_CHECK_NODE_PORT,
  KUBE_IPVS_IPS,
  KUBE_LOAD_BALANCER,
  KUBE_LOAD_BALANCER_FW,
  KUBE_LOAD_BALANCER_LOCAL,
  KUBE_LOAD_BALANCER_SOURCE_CIDR,
  KUBE_LOAD_BALANCER_SOURCE_IP,
  KUBE_LOOP_BACK,
  KUBE_NODE_PORT_LOCAL_SCTP,
  KUBE_NODE_PORT_LOCAL_TCP,
  KUBE_NODE_PORT_LOCAL_UDP,
  KUBE_NODE_PORT_SCTP,
  KUBE_NODE_PORT_TCP,
  KUBE_NODE_PORT_UDP,
} from './ipsets';

// Chain names (proxier.go constants).
export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_SOURCE_RANGES_FIREWALL = 'KUBE-SOURCE-RANGES-FIREWALL';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
/** Singular, unlike the iptables mode's KUBE-NODEPORTS. */
export const KUBE_NODE_PORT = 'KUBE-NODE-PORT';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_LOAD_BALANCER_CHAIN = 'KUBE-LOAD-BALANCER';
/** Issue #72236: only service ports are reachable on the service VIPs. */
export const KUBE_IPVS_FILTER = 'KUBE-IPVS-FILTER';
/** Issue #119656: blocks node access to LB IPs whose source ranges exclude the node. */
export const KUBE_IPVS_OUT_FILTER = 'KUBE-IPVS-OUT-FILTER';

export interface IpvsRulesetOptions {
  /** `--cluster-cidr` for the ClusterCIDR local-traffic detector; null: no detector. */
  readonly clusterCIDR: string | null;
  readonly masqueradeAll?: boolean;
  readonly masqueradeBit?: number;
  /** iptables supports MASQUERADE --random-fully (iptables ≥ 1.6.2). */
  readonly randomFully?: boolean;
}

export interface IpvsRuleset {
  readonly ruleset: Ruleset;
  /**
   * Rules kube-proxy writes with a bare `-p <proto>` (no `-m <proto>` module, since they have no port
   * option): iptables-save prints them without the module, unlike the shared model's protocol match.
   */
  readonly bareProtocolRules: ReadonlySet<string>;
}

const comment = (text: string): Match => ({ kind: 'comment', text });
const jump = (chain: string): Target => ({ kind: 'jump', chain });
const set = (name: string, flags: readonly ('src' | 'dst')[]): Match => ({ kind: 'set', name, flags });

/** proxier.go iptablesJumpChain, in order; each is prepended, so the last one ends up first. */
const JUMP_CHAINS: readonly {
  readonly table: 'nat' | 'filter';
  readonly from: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
  readonly to: string;
  readonly comment: string;
}[] = [
  { table: 'nat', from: 'OUTPUT', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  { table: 'nat', from: 'PREROUTING', to: KUBE_SERVICES, comment: 'kubernetes service portals' },
  { table: 'nat', from: 'POSTROUTING', to: KUBE_POSTROUTING, comment: 'kubernetes postrouting rules' },
  { table: 'filter', from: 'FORWARD', to: KUBE_FORWARD, comment: 'kubernetes forwarding rules' },
  { table: 'filter', from: 'INPUT', to: KUBE_NODE_PORT, comment: 'kubernetes health check rules' },
  { table: 'filter', from: 'INPUT', to: KUBE_PROXY_FIREWALL, comment: 'kube-proxy firewall rules' },
  { table: 'filter', from: 'FORWARD', to: KUBE_PROXY_FIREWALL, comment: 'kube-proxy firewall rules' },
  { table: 'filter', from: 'INPUT', to: KUBE_IPVS_FILTER, comment: 'kubernetes ipvs access filter' },
  { table: 'filter', from: 'OUTPUT', to: KUBE_IPVS_OUT_FILTER, comment: 'kubernetes ipvs access filter' },
];

const NAT_CHAINS = [
  KUBE_SERVICES,
  KUBE_POSTROUTING,
  KUBE_NODE_PORT,
  KUBE_LOAD_BALANCER_CHAIN,
  KUBE_MARK_MASQ,
];
const FILTER_CHAINS = [
  KUBE_FORWARD,
  KUBE_NODE_PORT,
  KUBE_PROXY_FIREWALL,
  KUBE_SOURCE_RANGES_FIREWALL,
  KUBE_IPVS_FILTER,
  KUBE_IPVS_OUT_FILTER,
];

/** A chain name, or the MASQUERADE / RETURN targets. */
type Verdict = string;

/** proxier.go ipsetWithIptablesChain: written only when the set has entries. */
const IPSET_WITH_CHAIN: readonly {
  readonly set: string;
  readonly table: 'nat' | 'filter';
  readonly from: string;
  readonly to: Verdict;
  readonly flags: readonly ('src' | 'dst')[];
  readonly protocol?: L4Protocol;
}[] = [
  {
    set: KUBE_LOOP_BACK,
    table: 'nat',
    from: KUBE_POSTROUTING,
    to: 'MASQUERADE',
    flags: ['dst', 'dst', 'src'],
  },
  {
    set: KUBE_LOAD_BALANCER,
    table: 'nat',
    from: KUBE_SERVICES,
    to: KUBE_LOAD_BALANCER_CHAIN,
    flags: ['dst', 'dst'],
  },
  {
    set: KUBE_LOAD_BALANCER_LOCAL,
    table: 'nat',
    from: KUBE_LOAD_BALANCER_CHAIN,
    to: 'RETURN',
    flags: ['dst', 'dst'],
  },
  {
    set: KUBE_NODE_PORT_LOCAL_TCP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    flags: ['dst'],
    protocol: 'tcp',
  },
  {
    set: KUBE_NODE_PORT_TCP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    flags: ['dst'],
    protocol: 'tcp',
  },
  {
    set: KUBE_NODE_PORT_LOCAL_UDP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    flags: ['dst'],
    protocol: 'udp',
  },
  {
    set: KUBE_NODE_PORT_UDP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    flags: ['dst'],
    protocol: 'udp',
  },
  {
    set: KUBE_NODE_PORT_LOCAL_SCTP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: 'RETURN',
    flags: ['dst', 'dst'],
    protocol: 'sctp',
  },
  {
    set: KUBE_NODE_PORT_SCTP,
    table: 'nat',
    from: KUBE_NODE_PORT,
    to: KUBE_MARK_MASQ,
    flags: ['dst', 'dst'],
    protocol: 'sctp',
  },
  {
    set: KUBE_LOAD_BALANCER_FW,
    table: 'filter',
    from: KUBE_PROXY_FIREWALL,
    to: KUBE_SOURCE_RANGES_FIREWALL,
    flags: ['dst', 'dst'],
  },
  {
    set: KUBE_LOAD_BALANCER_SOURCE_CIDR,
    table: 'filter',
    from: KUBE_SOURCE_RANGES_FIREWALL,
    to: 'RETURN',
    flags: ['dst', 'dst', 'src'],
  },
  {
    set: KUBE_LOAD_BALANCER_SOURCE_IP,
    table: 'filter',
    from: KUBE_SOURCE_RANGES_FIREWALL,
    to: 'RETURN',
    flags: ['dst', 'dst', 'src'],
  },
];

function verdictTarget(to: Verdict): Target {
  // The loop-back MASQUERADE is written as a plain "-j MASQUERADE" (no --random-fully).
  if (to === 'MASQUERADE') return { kind: 'masquerade', randomFully: false };
  if (to === 'RETURN') return { kind: 'return' };
  return jump(to);
}

/** Builds the filter and nat rules of IPVS mode for the node's ipsets. */
export function buildIpvsIptablesRuleset(ipsets: IpsetTable, options: IpvsRulesetOptions): IpvsRuleset {
  const filter = new TableBuilder('filter');
  const nat = new TableBuilder('nat');
  const bare = new Set<string>();
  const mark = masqueradeMarkValue(options.masqueradeBit ?? 14);
  const randomFully = options.randomFully ?? true;
  const tableOf = (name: 'nat' | 'filter'): TableBuilder => (name === 'nat' ? nat : filter);
  const setComment = (name: string): Match => comment(ipsetDefinition(name).comment);

  // createAndLinkKubeChain: EnsureChain + a `:CHAIN - [0:0]` line for each, then the prepended jumps.
  for (const chain of NAT_CHAINS) nat.declareChain(chain);
  for (const chain of FILTER_CHAINS) filter.declareChain(chain);
  for (const jc of JUMP_CHAINS) {
    tableOf(jc.table).prependEnsured(jc.from, [comment(jc.comment)], jump(jc.to));
  }

  // writeIptablesRules. "Dismiss connects to localhost early in the service chain."
  nat.append(KUBE_SERVICES, [{ kind: 'source', cidr: '127.0.0.0/8' }], { kind: 'return' });

  const bareRules: { table: 'nat' | 'filter'; chain: string; index: number }[] = [];
  const counts = new Map<string, number>();
  const append = (table: 'nat' | 'filter', chain: string, matches: Match[], target: Target | null): void => {
    tableOf(table).append(chain, matches, target);
    const key = `${table}/${chain}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };

  for (const entry of IPSET_WITH_CHAIN) {
    if (ipsets.isEmpty(entry.set)) continue;
    const matches: Match[] = [];
    if (entry.protocol) matches.push({ kind: 'protocol', protocol: entry.protocol });
    matches.push(setComment(entry.set), set(entry.set, entry.flags));
    append(entry.table, entry.from, matches, verdictTarget(entry.to));
    if (entry.protocol) {
      bareRules.push({
        table: entry.table,
        chain: entry.from,
        index: counts.get(`${entry.table}/${entry.from}`) ?? 0,
      });
    }
  }

  if (!ipsets.isEmpty(KUBE_CLUSTER_IP)) {
    const base = [setComment(KUBE_CLUSTER_IP)];
    if (options.masqueradeAll) {
      append('nat', KUBE_SERVICES, [...base, set(KUBE_CLUSTER_IP, ['dst', 'dst'])], jump(KUBE_MARK_MASQ));
    } else if (options.clusterCIDR !== null) {
      // Masquerade off-cluster traffic to a service VIP (localDetector.IfNotLocal(): `! -s <clusterCIDR>`).
      append(
        'nat',
        KUBE_SERVICES,
        [
          ...base,
          set(KUBE_CLUSTER_IP, ['dst', 'dst']),
          { kind: 'source', cidr: options.clusterCIDR, negate: true },
        ],
        jump(KUBE_MARK_MASQ),
      );
    } else {
      // No detector: masquerade node traffic whose source is a service VIP (the kube-ipvs0 address).
      append('nat', KUBE_SERVICES, [...base, set(KUBE_CLUSTER_IP, ['src', 'dst'])], jump(KUBE_MARK_MASQ));
    }
  }

  if (!ipsets.isEmpty(KUBE_EXTERNAL_IP)) {
    append(
      'nat',
      KUBE_SERVICES,
      [setComment(KUBE_EXTERNAL_IP), set(KUBE_EXTERNAL_IP, ['dst', 'dst'])],
      jump(KUBE_MARK_MASQ),
    );
  }
  void KUBE_EXTERNAL_IP_LOCAL; // its rules are the two externalIP ACCEPT rules left out above

  append('nat', KUBE_SERVICES, [{ kind: 'addrtype', direction: 'dst', type: 'LOCAL' }], jump(KUBE_NODE_PORT));
  append('nat', KUBE_LOAD_BALANCER_CHAIN, [], jump(KUBE_MARK_MASQ));
  append('filter', KUBE_SOURCE_RANGES_FIREWALL, [], { kind: 'drop' });

  // acceptIPVSTraffic: "Accept all traffic with destination of ipvs virtual service" — last in KUBE-SERVICES.
  for (const name of [KUBE_CLUSTER_IP, KUBE_LOAD_BALANCER]) {
    if (!ipsets.isEmpty(name)) append('nat', KUBE_SERVICES, [set(name, ['dst', 'dst'])], { kind: 'accept' });
  }

  const markMatch = (negate: boolean): Match =>
    negate
      ? { kind: 'mark', value: mark, mask: mark, negate: true }
      : { kind: 'mark', value: mark, mask: mark };
  append('filter', KUBE_FORWARD, [comment('kubernetes forwarding rules'), markMatch(false)], {
    kind: 'accept',
  });
  append(
    'filter',
    KUBE_FORWARD,
    [
      comment('kubernetes forwarding conntrack rule'),
      { kind: 'conntrack', states: ['RELATED', 'ESTABLISHED'] },
    ],
    { kind: 'accept' },
  );
  append(
    'filter',
    KUBE_NODE_PORT,
    [setComment(KUBE_HEALTH_CHECK_NODE_PORT), set(KUBE_HEALTH_CHECK_NODE_PORT, ['dst'])],
    { kind: 'accept' },
  );

  // KUBE-IPVS-FILTER: only service ports answer on the VIPs; anything else NEW to a kube-ipvs0 address is rejected.
  for (const [name, flags] of [
    [KUBE_LOAD_BALANCER, ['dst', 'dst']],
    [KUBE_CLUSTER_IP, ['dst', 'dst']],
    [KUBE_EXTERNAL_IP, ['dst', 'dst']],
    [KUBE_EXTERNAL_IP_LOCAL, ['dst', 'dst']],
    [KUBE_HEALTH_CHECK_NODE_PORT, ['dst']],
  ] as const) {
    append('filter', KUBE_IPVS_FILTER, [set(name, flags)], { kind: 'return' });
  }
  append('filter', KUBE_IPVS_FILTER, [{ kind: 'conntrack', states: ['NEW'] }, set(KUBE_IPVS_IPS, ['dst'])], {
    kind: 'reject',
  });

  append('nat', KUBE_POSTROUTING, [markMatch(true)], { kind: 'return' });
  // Clear the mark so a packet re-traversing the stack is not masqueraded twice.
  append('nat', KUBE_POSTROUTING, [], { kind: 'mark', op: 'xor', value: mark });
  append('nat', KUBE_POSTROUTING, [comment('kubernetes service traffic requiring SNAT')], {
    kind: 'masquerade',
    randomFully,
  });
  append('nat', KUBE_MARK_MASQ, [], { kind: 'mark', op: 'or', value: mark });

  const ruleset = buildRuleset([filter, nat]);
  // Ids of the bare `-p` rules: chains start with the ensured jumps only in builtin chains, so a user
  // chain's restore rules are numbered 1…n in append order.
  for (const r of bareRules) bare.add(`${r.table}/${r.chain}/${r.index}`);
  return { ruleset, bareProtocolRules: bare };
}
