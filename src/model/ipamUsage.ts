/**
 * What IPAM holds in a resolved cluster, per range, for the IPAM panel: each node's podCIDR with its bridge
 * (gateway) address and the pods holding addresses in it, and the Service CIDR with its ClusterIPs split into
 * the KEP-3070 static and dynamic bands. Pure: reads the cluster, allocates nothing.
 */
import {
  compareIPv4,
  formatIPv4,
  hostBounds,
  parseCidr,
  parseIPv4,
  serviceIPStaticBand,
  type Cidr,
} from './ipam';
import type { Cluster } from './types';

export interface HeldAddress {
  readonly ip: string;
  /** `bridge` (the node's gateway), `pod` or `service`. */
  readonly kind: 'bridge' | 'pod' | 'service';
  /** `docker0`, `default/server-1`, `kube-system/kube-dns`. */
  readonly owner: string;
}

export interface NodeIpam {
  readonly node: string;
  readonly podCIDR: string;
  readonly bridge: { readonly name: string; readonly ip: string };
  /** Host addresses of the podCIDR (network and broadcast excluded). */
  readonly capacity: number;
  /** The bridge first, then pods, in address order. */
  readonly used: readonly HeldAddress[];
  readonly free: number;
}

export interface Band {
  /** First and last address of the band (inclusive); null when the band is empty. */
  readonly first: string | null;
  readonly last: string | null;
  readonly size: number;
  readonly used: readonly HeldAddress[];
}

export interface ServiceIpam {
  readonly serviceCIDR: string;
  readonly capacity: number;
  /** KEP-3070: the lower band, for ClusterIPs users choose; the allocator takes it only when the rest is full. */
  readonly static: Band;
  /** The upper band, where the allocator picks first. */
  readonly dynamic: Band;
  readonly free: number;
}

export interface IpamUsage {
  readonly nodes: readonly NodeIpam[];
  readonly services: ServiceIpam;
  /** Addresses held on more than one node (only Docker's default bridge, cniMode docker-bridge, allows it). */
  readonly repeated: readonly string[];
}

const capacityOf = (cidr: Cidr): number => {
  const b = hostBounds(cidr);
  return b.last - b.first + 1;
};

function band(from: number, to: number, used: readonly HeldAddress[]): Band {
  if (to < from) return { first: null, last: null, size: 0, used: [] };
  return {
    first: formatIPv4(from),
    last: formatIPv4(to),
    size: to - from + 1,
    used: used.filter((u) => {
      const v = parseIPv4(u.ip);
      return v >= from && v <= to;
    }),
  };
}

/** The addresses each range of the cluster has handed out, and how many are left. */
export function ipamUsage(cluster: Cluster): IpamUsage {
  const nodes = cluster.nodes.map((node): NodeIpam => {
    const cidr = parseCidr(node.podCIDR, 'podCIDR');
    const pods: HeldAddress[] = cluster.pods
      .filter(
        (p) =>
          p.nodeName === node.name &&
          p.podIP !== null &&
          !p.hostNetwork &&
          // A finished pod may still show an address it no longer holds.
          p.phase !== 'Succeeded' &&
          p.phase !== 'Failed',
      )
      .map((p) => ({ ip: p.podIP ?? '', kind: 'pod' as const, owner: `${p.namespace}/${p.name}` }))
      .sort((a, b) => compareIPv4(a.ip, b.ip));
    const used: HeldAddress[] = [{ ip: node.bridge.ip, kind: 'bridge', owner: node.bridge.name }, ...pods];
    const capacity = capacityOf(cidr);
    return {
      node: node.name,
      podCIDR: cidr.text,
      bridge: { name: node.bridge.name, ip: node.bridge.ip },
      capacity,
      used,
      free: capacity - used.length,
    };
  });

  const seen = new Map<string, Set<string>>();
  for (const n of nodes) {
    for (const u of n.used) {
      if (u.kind !== 'pod') continue;
      const on = seen.get(u.ip) ?? new Set<string>();
      on.add(n.node);
      seen.set(u.ip, on);
    }
  }
  const repeated = [...seen.entries()]
    .filter(([, on]) => on.size > 1)
    .map(([ip]) => ip)
    .sort(compareIPv4);

  const serviceCidr = parseCidr(cluster.network.serviceCIDR, 'serviceCIDR');
  const clusterIPs: HeldAddress[] = cluster.services
    .filter((s) => s.clusterIP !== null)
    .map((s) => ({ ip: s.clusterIP ?? '', kind: 'service' as const, owner: `${s.namespace}/${s.name}` }))
    .sort((a, b) => compareIPv4(a.ip, b.ip));
  // The static band is the first addresses after the network address (ipallocator bitmap.go
  // calculateRangeOffset counts from the allocator's base, the first host address).
  const hosts = hostBounds(serviceCidr);
  const staticSize = Math.min(serviceIPStaticBand(serviceCidr), hosts.last - hosts.first + 1);
  const capacity = capacityOf(serviceCidr);
  return {
    nodes,
    repeated,
    services: {
      serviceCIDR: serviceCidr.text,
      capacity,
      static: band(hosts.first, hosts.first + staticSize - 1, clusterIPs),
      dynamic: band(hosts.first + staticSize, hosts.last, clusterIPs),
      free: capacity - clusterIPs.length,
    },
  };
}
