/**
 * A trace is data: every step of one request (DNS lookup, request, reply) with all that a picture and a
 * caption need. Playback is a cursor over `steps`; nothing is undone.
 */
import type { ProxyMode, Protocol } from '../../model/types';

export type Phase = 'dns' | 'request' | 'reply';

/** Each kind is a module with the same shape (see `hops/`); new kinds (policy, encapsulation) slot in. */
export type StepKind =
  | 'hosts-lookup' // /etc/hosts consulted before DNS
  | 'dns-query' // the resolver sends one candidate name
  | 'dns-answer' // CoreDNS answers from its records
  | 'send' // a process hands a packet to its socket
  | 'route' // a routing-table lookup in a network namespace
  | 'veth' // crossing a veth pair between a pod and its node
  | 'bridge' // the node's bridge (cbr0) forwards a frame or hands it to the host stack
  | 'netfilter' // a netfilter hook: the rules walked and the verdict (the trap)
  | 'conntrack' // conntrack recognises a reply and reverses the NAT
  | 'ipvs' // IPVS picks a real server for a virtual server
  | 'userspace' // the packet crosses into or out of kube-proxy in user space
  | 'wire' // a frame on the node network between two hosts' eth0
  | 'router' // the router's route lookup (TTL decremented)
  | 'encapsulate' // overlay encapsulation (VXLAN)
  | 'decapsulate'
  | 'policy' // a NetworkPolicy decision
  | 'ingress' // an ingress controller's L7 routing decision (Host header and path → Ingress rule → Service)
  | 'deliver' // a process receives the payload
  | 'drop';

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

export interface Packet {
  readonly protocol: Protocol;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  readonly ttl: number;
  /** The skb mark (kube-proxy's masquerade bit is 0x4000). */
  readonly mark: number;
  /** What the payload is, in words: `DNS query A web-svc.default.svc.cluster.local.`, `HTTP GET /`. */
  readonly payload: string;
}

export interface Location {
  /** The node whose kernel or processes handle the step; absent on the router. */
  readonly node?: string;
  /** `pod:<ns>/<name>`, `node:<name>` or `router`. */
  readonly netns: string;
  readonly device?: string;
  readonly space: 'kernel' | 'user';
}

export interface Rewrite {
  readonly field: 'src' | 'dst';
  /** `ip:port` */
  readonly from: string;
  readonly to: string;
  readonly by: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' | 'IPVS' | 'conntrack' | 'proxy';
}

export interface MatchedRule {
  readonly table?: string;
  readonly chain?: string;
  /** The rule exactly as the rules panel prints it. */
  readonly text: string;
  /** Its id in the node's ruleset, so the panel can light the same line. */
  readonly id?: string;
}

export interface ConntrackEntry {
  readonly protocol: Protocol;
  /** The original direction as the client sent it. */
  readonly original: { readonly src: Endpoint; readonly dst: Endpoint };
  /** The tuple replies are expected on (after NAT). */
  readonly reply: { readonly src: Endpoint; readonly dst: Endpoint };
  readonly node: string;
  readonly state: 'NEW' | 'ESTABLISHED';
  readonly nat: readonly ('DNAT' | 'SNAT')[];
}

export interface Step {
  readonly index: number;
  readonly phase: Phase;
  readonly kind: StepKind;
  readonly location: Location;
  /** Topology element ids the packet moves between (see src/layout ids); equal when it stays put. */
  readonly from: string;
  readonly at: string;
  /** The packet as it leaves this step. */
  readonly packet: Packet;
  /** The packet as it entered this step. */
  readonly before: Packet;
  /**
   * Overlay (VXLAN) only: while the packet is encapsulated, `packet` is the OUTER header (node to node, UDP)
   * and this is the pod packet it carries, unchanged.
   */
  readonly inner?: Packet;
  readonly rewrite?: Rewrite;
  /** The rule that decided (the last one walked), and every rule walked on the way. */
  readonly rule?: MatchedRule;
  readonly walked?: readonly MatchedRule[];
  /** The routing-table entry used, in `ip route` form. */
  readonly route?: string;
  /** The conntrack table on the step's node after the step. */
  readonly conntrack: readonly ConntrackEntry[];
  /** No packet exists yet (the resolver reading /etc/hosts): `packet` is a placeholder not to be drawn. */
  readonly packetless?: boolean;
  /** A failed connection attempt that kube-proxy (userspace) follows with another endpoint. */
  readonly retry?: boolean;
  /** Other elements the step concerns (the ClusterIP that was trapped, kube-proxy, CoreDNS's Service). */
  readonly highlight?: readonly string[];
  /** A NetworkPolicy decision (policy steps, and drops by a policy): whose veth, which way, and who decided. */
  readonly policy?: PolicyVerdict;
  readonly caption: string;
  /** Longer explanation for the inspector. */
  readonly detail?: string;
  /** An `ingress` step's L7 decision, for the inspector. */
  readonly ingress?: IngressStepInfo;
}

/** What an ingress controller decided for one HTTP request (see src/engine/ingress/route.ts). */
export interface IngressStepInfo {
  readonly host: string;
  readonly path: string;
  /** The nginx server chosen: a rule host or `_` (catch-all). */
  readonly server: string;
  /** Why that server: the Host equals a rule host, matches a wildcard, or falls to the catch-all. */
  readonly serverReason: string;
  /** The Ingress rule that matched, in words (`default/shop: Prefix /api`), or null (default backend, 404). */
  readonly rule: string | null;
  /** `namespace/service:port`, or null when the controller answers itself (404, 503). */
  readonly backend: string | null;
  /** Where the new connection goes: `ip:port` of the chosen endpoint, or of the ClusterIP (service-upstream). */
  readonly upstream: string | null;
  /** Every path of the chosen server and whether it matched. */
  readonly candidates: readonly {
    readonly text: string;
    readonly matches: boolean;
    readonly chosen: boolean;
  }[];
}

export interface PolicyVerdict {
  /** The pod whose traffic is judged, `namespace/name`. */
  readonly pod: string;
  readonly direction: 'ingress' | 'egress';
  readonly allowed: boolean;
  /** The policies (`namespace/name`) that select the pod for this direction. */
  readonly selectedBy: readonly string[];
  /** The policy whose rule allowed it; null for a drop (no rule of any of them allowed it). */
  readonly allowedBy: string | null;
}

export type Outcome =
  { readonly status: 'delivered' } | { readonly status: 'dropped'; readonly reason: string };

export interface Trace {
  readonly mode: ProxyMode;
  readonly request: TraceRequest;
  readonly steps: readonly Step[];
  readonly outcome: Outcome;
  /** The address the client dialled and the backend that served it, when the request got that far. */
  readonly resolved?: { readonly name?: string; readonly address: string; readonly backend?: Endpoint };
}

export type TraceClient =
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'external'; readonly ip: string };

export interface TraceRequest {
  readonly from: TraceClient;
  /** A Service name (short or qualified), a DNS name, or an IP address. */
  readonly to: string;
  /** Defaults to the Service's first port (or 80 for a bare IP). */
  readonly port?: number;
  readonly protocol?: Protocol;
  /**
   * The HTTP request line the client sends over the connection: what an ingress controller routes on. Only
   * a pod kube-netviz recognises as an ingress controller reads it (see src/engine/trace/ingress.ts).
   */
  readonly http?: { readonly host: string; readonly path: string };
}

export interface TraceOptions {
  readonly mode?: ProxyMode;
  readonly seed?: number;
  /**
   * Endpoints (`ip:port`) whose pod is gone while the EndpointSlice still lists it — the window before
   * kube-proxy's next sync. Packets to them go unanswered; userspace kube-proxy notices and retries.
   */
  readonly deadEndpoints?: readonly string[];
}
