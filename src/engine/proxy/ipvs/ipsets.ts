/**
 * The ipsets kube-proxy's IPVS mode keeps on a node, and the kernel's membership test for `-m set`.
 *
 * Names, types and comments: kubernetes/kubernetes v1.33 pkg/proxy/ipvs/ipset.go (constants) and
 * proxier.go `ipsetInfo` (the list, in this order). Entry text: pkg/proxy/ipvs/ipset/ipset.go
 * `Entry.String()` (`10.0.0.1,tcp:80`, `10.0.0.1,tcp:80,10.0.0.1`, `10.0.0.1,tcp:80,10.0.0.0/24`, `30080`).
 * Creation parameters: the same file's `setIPSetDefaults`/`createSet` (hash types: `family inet hashsize
 * 1024 maxelem 65536`; bitmap:port: `range 0-65535`).
 */
import { cidrContainsText } from '../../netfilter/ipv4';
import type { Packet } from '../../netfilter/types';

export type IpsetType = 'hash:ip,port' | 'hash:ip,port,ip' | 'hash:ip,port,net' | 'bitmap:port' | 'hash:ip';

export interface IpsetDefinition {
  readonly name: string;
  readonly type: IpsetType;
  readonly comment: string;
}

// pkg/proxy/ipvs/ipset.go
export const KUBE_LOOP_BACK = 'KUBE-LOOP-BACK';
export const KUBE_CLUSTER_IP = 'KUBE-CLUSTER-IP';
export const KUBE_EXTERNAL_IP = 'KUBE-EXTERNAL-IP';
export const KUBE_EXTERNAL_IP_LOCAL = 'KUBE-EXTERNAL-IP-LOCAL';
export const KUBE_LOAD_BALANCER = 'KUBE-LOAD-BALANCER';
export const KUBE_LOAD_BALANCER_FW = 'KUBE-LOAD-BALANCER-FW';
export const KUBE_LOAD_BALANCER_LOCAL = 'KUBE-LOAD-BALANCER-LOCAL';
export const KUBE_LOAD_BALANCER_SOURCE_IP = 'KUBE-LOAD-BALANCER-SOURCE-IP';
export const KUBE_LOAD_BALANCER_SOURCE_CIDR = 'KUBE-LOAD-BALANCER-SOURCE-CIDR';
export const KUBE_NODE_PORT_TCP = 'KUBE-NODE-PORT-TCP';
export const KUBE_NODE_PORT_LOCAL_TCP = 'KUBE-NODE-PORT-LOCAL-TCP';
export const KUBE_NODE_PORT_UDP = 'KUBE-NODE-PORT-UDP';
export const KUBE_NODE_PORT_LOCAL_UDP = 'KUBE-NODE-PORT-LOCAL-UDP';
export const KUBE_NODE_PORT_SCTP = 'KUBE-NODE-PORT-SCTP-HASH';
export const KUBE_NODE_PORT_LOCAL_SCTP = 'KUBE-NODE-PORT-LOCAL-SCTP-HASH';
export const KUBE_HEALTH_CHECK_NODE_PORT = 'KUBE-HEALTH-CHECK-NODE-PORT';
export const KUBE_IPVS_IPS = 'KUBE-IPVS-IPS';

/** proxier.go `ipsetInfo`, in its order (kube-proxy creates them from a Go map, so the kernel's order varies). */
export const IPSET_DEFINITIONS: readonly IpsetDefinition[] = [
  {
    name: KUBE_LOOP_BACK,
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose',
  },
  {
    name: KUBE_CLUSTER_IP,
    type: 'hash:ip,port',
    comment: 'Kubernetes service cluster ip + port for masquerade purpose',
  },
  {
    name: KUBE_EXTERNAL_IP,
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port for masquerade and filter purpose',
  },
  {
    name: KUBE_EXTERNAL_IP_LOCAL,
    type: 'hash:ip,port',
    comment: 'Kubernetes service external ip + port with externalTrafficPolicy=local',
  },
  { name: KUBE_LOAD_BALANCER, type: 'hash:ip,port', comment: 'Kubernetes service lb portal' },
  {
    name: KUBE_LOAD_BALANCER_FW,
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port for load balancer with sourceRange',
  },
  {
    name: KUBE_LOAD_BALANCER_LOCAL,
    type: 'hash:ip,port',
    comment: 'Kubernetes service load balancer ip + port with externalTrafficPolicy=local',
  },
  {
    name: KUBE_LOAD_BALANCER_SOURCE_IP,
    type: 'hash:ip,port,ip',
    comment: 'Kubernetes service load balancer ip + port + source IP for packet filter purpose',
  },
  {
    name: KUBE_LOAD_BALANCER_SOURCE_CIDR,
    type: 'hash:ip,port,net',
    comment: 'Kubernetes service load balancer ip + port + source cidr for packet filter purpose',
  },
  {
    name: KUBE_NODE_PORT_TCP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port for masquerade purpose',
  },
  {
    name: KUBE_NODE_PORT_LOCAL_TCP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport TCP port with externalTrafficPolicy=local',
  },
  {
    name: KUBE_NODE_PORT_UDP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port for masquerade purpose',
  },
  {
    name: KUBE_NODE_PORT_LOCAL_UDP,
    type: 'bitmap:port',
    comment: 'Kubernetes nodeport UDP port with externalTrafficPolicy=local',
  },
  {
    name: KUBE_NODE_PORT_SCTP,
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
  },
  {
    name: KUBE_NODE_PORT_LOCAL_SCTP,
    type: 'hash:ip,port',
    comment: "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
  },
  { name: KUBE_HEALTH_CHECK_NODE_PORT, type: 'bitmap:port', comment: 'Kubernetes health check node port' },
  { name: KUBE_IPVS_IPS, type: 'hash:ip', comment: 'Addresses on the ipvs interface' },
];

const DEFINITION_BY_NAME = new Map(IPSET_DEFINITIONS.map((d) => [d.name, d]));

export function ipsetDefinition(name: string): IpsetDefinition {
  const def = DEFINITION_BY_NAME.get(name);
  if (!def) throw new Error(`no kube-proxy ipset named ${name}`);
  return def;
}

/** One member as `Entry.String()` prints it; `protocol` is lower-case (`tcp`, `udp`, `sctp`). */
export type IpsetEntry =
  | { readonly kind: 'ip'; readonly ip: string }
  | { readonly kind: 'ip,port'; readonly ip: string; readonly protocol: string; readonly port: number }
  | {
      readonly kind: 'ip,port,ip';
      readonly ip: string;
      readonly protocol: string;
      readonly port: number;
      readonly ip2: string;
    }
  | {
      readonly kind: 'ip,port,net';
      readonly ip: string;
      readonly protocol: string;
      readonly port: number;
      readonly net: string;
    }
  | { readonly kind: 'port'; readonly port: number };

export function formatIpsetEntry(entry: IpsetEntry): string {
  switch (entry.kind) {
    case 'ip':
      return entry.ip;
    case 'ip,port':
      return `${entry.ip},${entry.protocol}:${entry.port}`;
    case 'ip,port,ip':
      return `${entry.ip},${entry.protocol}:${entry.port},${entry.ip2}`;
    case 'ip,port,net':
      return `${entry.ip},${entry.protocol}:${entry.port},${entry.net}`;
    case 'port':
      return String(entry.port);
  }
}

export interface IpsetView {
  readonly definition: IpsetDefinition;
  /** Entry texts in the order kube-proxy added them during the sync. */
  readonly members: readonly string[];
}

type Flag = 'src' | 'dst';

/**
 * The node's ipsets: filled while building, then read by `-m set` matches. Membership follows the
 * kernel's set types: each `src`/`dst` flag picks the packet's address or port for one dimension of the
 * set (`dst,dst` on hash:ip,port = destination address and destination port), and the protocol of
 * port dimensions must match the entry's.
 */
export class IpsetTable {
  private readonly members = new Map<string, Set<string>>();
  /** hash:ip,port,net sets: `ip,proto:port` → the nets stored with it. */
  private readonly nets = new Map<string, Map<string, string[]>>();

  constructor() {
    for (const def of IPSET_DEFINITIONS) this.members.set(def.name, new Set());
  }

  add(name: string, entry: IpsetEntry): void {
    const set = this.members.get(name);
    if (!set) throw new Error(`no kube-proxy ipset named ${name}`);
    const text = formatIpsetEntry(entry);
    if (set.has(text)) return;
    set.add(text);
    if (entry.kind === 'ip,port,net') {
      let byKey = this.nets.get(name);
      if (!byKey) {
        byKey = new Map();
        this.nets.set(name, byKey);
      }
      const key = `${entry.ip},${entry.protocol}:${entry.port}`;
      const list = byKey.get(key);
      if (list) list.push(entry.net);
      else byKey.set(key, [entry.net]);
    }
  }

  isEmpty(name: string): boolean {
    return (this.members.get(name)?.size ?? 0) === 0;
  }

  has(name: string, entryText: string): boolean {
    return this.members.get(name)?.has(entryText) ?? false;
  }

  /** Every set in `ipsetInfo` order with its members. */
  list(): IpsetView[] {
    return IPSET_DEFINITIONS.map((definition) => ({
      definition,
      members: [...(this.members.get(definition.name) ?? [])],
    }));
  }

  /** The `-m set --match-set <name> <flags>` test for one packet. */
  contains(name: string, packet: Packet, flags: readonly Flag[]): boolean {
    const def = DEFINITION_BY_NAME.get(name);
    const set = this.members.get(name);
    if (!def || !set || set.size === 0) return false;
    const ip = (flag: Flag | undefined): string => (flag === 'src' ? packet.src : packet.dst);
    const port = (flag: Flag | undefined): number => (flag === 'src' ? packet.sport : packet.dport);
    const protocol = packet.protocol.toLowerCase();
    switch (def.type) {
      case 'hash:ip':
        return set.has(ip(flags[0]));
      case 'bitmap:port':
        return set.has(String(port(flags[0])));
      case 'hash:ip,port':
        return set.has(`${ip(flags[0])},${protocol}:${port(flags[1])}`);
      case 'hash:ip,port,ip':
        return set.has(`${ip(flags[0])},${protocol}:${port(flags[1])},${ip(flags[2])}`);
      case 'hash:ip,port,net': {
        const nets = this.nets.get(name)?.get(`${ip(flags[0])},${protocol}:${port(flags[1])}`) ?? [];
        const address = ip(flags[2]);
        return nets.some((net) => cidrContainsText(net, address));
      }
    }
  }
}
