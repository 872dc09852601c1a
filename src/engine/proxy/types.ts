/**
 * The one interface every kube-proxy mode implements (userspace, iptables, ipvs, nftables).
 *
 * The trace engine knows Linux — routing, bridges, the order of the netfilter hooks, conntrack — and asks
 * the node's dataplane what its rules do to a packet at each hook. A mode knows its own rules: it builds them
 * once per node from the cluster, prints them in their real format (`rules()`), and walks packets through the
 * very same data (`hook()`), so the line the panel lights is the rule that fired.
 */
import type { Cluster, IpvsScheduler, ProxyMode } from '../../model/types';
import type { Hook, Packet as NfPacket, TableName } from '../netfilter/types';
import type { Rng } from '../rng';

export type { NfPacket };

/** One rule (or ipvs/nft line) evaluated on the way, as the rules panel shows it. */
export interface WalkedRule {
  /** Id of the rendered line in `rules()` that shows this rule. */
  readonly id: string;
  readonly table?: string;
  readonly chain?: string;
  /** The rule's text exactly as the panel prints it. */
  readonly text: string;
  readonly matched: boolean;
}

export interface HookResult {
  readonly hook: Hook;
  /** Tables walked at this hook, in priority order (e.g. nat then filter on OUTPUT). */
  readonly tables: readonly TableName[] | readonly string[];
  readonly walked: readonly WalkedRule[];
  /** The rule whose target decided; null when nothing matched (the chain policy or "not a service"). */
  readonly decidedBy: WalkedRule | null;
  readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  /** The packet after the hook (destination rewritten by DNAT/REDIRECT, mark set). */
  readonly packet: NfPacket;
  readonly dnat?: { readonly ip: string; readonly port: number };
  /** MASQUERADE fired: the kernel rewrites the source to the outgoing interface's address. */
  readonly masquerade?: boolean;
  /** REDIRECT fired: the destination becomes the incoming interface's address and this port. */
  readonly redirect?: { readonly port: number };
  /** IPVS scheduled a real server for a virtual server (ipvs mode, LOCAL_IN / LOCAL_OUT). */
  readonly ipvs?: {
    readonly virtualServer: WalkedRule;
    readonly realServer: WalkedRule & { readonly ip: string; readonly port: number };
    readonly scheduler: IpvsScheduler;
    readonly persistent?: number;
  };
  /** A plain-words summary of what the rules did, for captions. */
  readonly summary?: string;
}

/** The state a hook walk may read and update (kept per node across a trace or a volley). */
export interface HookContext {
  readonly rng: Rng;
  /** conntrack's view of the packet; the nat table only sees a connection's first packet (NEW). */
  readonly conntrack: {
    readonly state: 'NEW' | 'ESTABLISHED';
    readonly dnat?: boolean;
    readonly snat?: boolean;
  };
  /** Seconds since the start of the trace (for `recent` and IPVS persistence). */
  readonly now: number;
  /** The interface the packet came in on (PREROUTING/INPUT/FORWARD) or leaves by (POSTROUTING). */
  readonly inDevice?: string;
  readonly outDevice?: string;
}

export interface RulesSection {
  /** The command whose output this is, e.g. `iptables-save -t nat`, `ipvsadm -Ln`. */
  readonly command: string;
  readonly lines: readonly { readonly text: string; readonly id?: string }[];
}

export interface RulesView {
  readonly mode: ProxyMode;
  readonly node: string;
  readonly sections: readonly RulesSection[];
}

/** A userspace-mode proxy socket accepting a redirected connection and choosing a backend. */
export interface UserspaceAccept {
  /** `ns/svc:port` */
  readonly servicePort: string;
  readonly listen: { readonly ip: string; readonly port: number };
  /** Backends tried in order; the last one is connected (or none, when all attempts failed). */
  readonly attempts: readonly { readonly ip: string; readonly port: number; readonly ok: boolean }[];
  readonly summary: string;
}

export interface NodeDataplane {
  readonly mode: ProxyMode;
  readonly node: string;
  /** Addresses the node's kernel treats as local besides its interfaces (ipvs: ClusterIPs on kube-ipvs0). */
  readonly extraLocalAddresses: readonly { readonly ip: string; readonly device: string }[];
  /** The ruleset in the mode's real text formats, every rule line carrying its id. */
  rules(): RulesView;
  /** Runs the packet through this node's rules at one netfilter hook. */
  hook(hook: Hook, packet: NfPacket, ctx: HookContext): HookResult;
  /** Userspace mode only: kube-proxy accepts a connection that REDIRECT sent to its proxy port. */
  acceptProxied?(packet: NfPacket, ctx: HookContext): UserspaceAccept | null;
}

export interface ProxyBuildOptions {
  readonly ipvsScheduler?: IpvsScheduler;
  /** Backends whose connections fail (failure scenarios: a pod that died before the rules caught up). */
  readonly deadEndpoints?: readonly string[];
}

export interface ProxyModeModule {
  readonly mode: ProxyMode;
  /** The kube-proxy release whose behaviour the module follows. */
  readonly followsVersion: string;
  /** Lifecycle in plain words for the UI ("removed in v1.26"). */
  readonly status: string;
  build(cluster: Cluster, nodeName: string, options?: ProxyBuildOptions): NodeDataplane;
}
