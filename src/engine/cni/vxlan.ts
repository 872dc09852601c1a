/**
 * flannel's VXLAN backend as data: the numbers a node uses to wrap a pod packet for another node, and the
 * outer packet it builds. The trace (`trace/network.ts`) calls these when a node route goes `dev flannel.1`.
 *
 * How flannel programs a node (flannel Documentation/backends.md, backend/vxlan): one VXLAN device
 * `flannel.<VNI>` per node whose address is the network address of the node's podCIDR (10.0.1.0/32 for
 * 10.0.1.0/24); for every peer a route `<peer podCIDR> via <peer podCIDR network address> dev flannel.1 onlink`,
 * a neighbour entry for that address (the peer VTEP's MAC) and a bridge FDB entry mapping that MAC to the
 * peer's public (eth0) address — so the kernel knows which node to send the outer UDP packet to.
 */
import type { Cluster, Node } from '../../model/types';

/** flannel's `VNI` option: "On Linux, defaults to 1" (flannel Documentation/backends.md). */
export const VXLAN_VNI = 1;

/**
 * flannel's `Port` option: "On Linux, defaults to kernel default, currently 8472" (Documentation/backends.md).
 * 8472 is the port Linux used before IANA assigned 4789 to VXLAN (RFC 7348); flannel keeps the kernel's.
 */
export const VXLAN_UDP_PORT = 8472;
/** The IANA-assigned VXLAN port (RFC 7348), which flannel uses only on Windows. */
export const VXLAN_IANA_PORT = 4789;

/**
 * Bytes VXLAN costs against eth0's MTU: outer IPv4 20 + UDP 8 + VXLAN header 8 + the INNER Ethernet header
 * 14, which travels inside the UDP payload = 50 (flannel backend/vxlan: `encapOverhead = 50`; the pod MTU
 * flannel writes to /run/flannel/subnet.env is eth0's − 50). The outer Ethernet header does not count: an
 * MTU measures the IP packet, not the frame.
 */
export const VXLAN_OVERHEAD = { ipv4: 20, udp: 8, vxlan: 8, innerEthernet: 14, total: 50 } as const;

/** The node network's MTU the picture assumes (plain Ethernet). */
export const ETH0_MTU = 1500;

/** The MTU of flannel.1 and of every pod's eth0 in vxlan mode: 1500 − 50 = 1450. */
export const VXLAN_POD_MTU = ETH0_MTU - VXLAN_OVERHEAD.total;

/** The address flannel gives a node's VXLAN device: its podCIDR's network address (as a /32). */
export function vtepAddress(node: Node): string {
  return node.podCIDR.split('/')[0] ?? node.podCIDR;
}

/** The node whose VTEP owns `via` (the next hop of a `dev flannel.1 onlink` route): the FDB lookup. */
export function vtepPeer(cluster: Cluster, via: string): Node | undefined {
  return cluster.nodes.find((n) => vtepAddress(n) === via);
}

/** A tuple of the inner flow, enough to choose the outer UDP source port. */
export interface FlowTuple {
  readonly protocol: string;
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
}

/**
 * The outer UDP source port. Linux (drivers/net/vxlan: `udp_flow_src_port`) hashes the inner flow into the
 * local port range (net.ipv4.ip_local_port_range, 32768–60999 by default), so one flow keeps one outer source
 * port (ECMP on the underlay spreads flows, not packets). The hash here is FNV-1a, not the kernel's jhash:
 * the number differs from a real node's, the property — same flow, same port — holds.
 */
export function vxlanSourcePort(flow: FlowTuple): number {
  let hash = 0x811c9dc5;
  const text = `${flow.protocol} ${flow.src}:${flow.sport} ${flow.dst}:${flow.dport}`;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const low = 32768;
  const high = 60999;
  return low + (hash % (high - low + 1));
}

/** Plain words for the inspector: what the encapsulation costs. */
export function describeVxlanMtu(): string {
  const o = VXLAN_OVERHEAD;
  return `VXLAN adds ${o.total} bytes (outer IPv4 ${o.ipv4} + UDP ${o.udp} + VXLAN ${o.vxlan} + the inner Ethernet header ${o.innerEthernet} it carries), so flannel sets flannel.1 and every pod's eth0 to MTU ${VXLAN_POD_MTU} on a ${ETH0_MTU}-byte eth0 (FLANNEL_MTU in /run/flannel/subnet.env)`;
}
