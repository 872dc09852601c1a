/**
 * The proxy port the userspace kube-proxy listens on for each service port of a node.
 *
 * kube-proxy (v1.25, pkg/proxy/userspace/port_allocator.go) without `--proxy-port-range` uses the
 * `randomAllocator`, whose AllocateNext always returns 0: the proxy socket is opened with
 * `net.Listen("tcp", "0.0.0.0:0")` and the KERNEL picks a free port from `net.ipv4.ip_local_port_range`
 * (default 32768–60999). That choice is random on a real node; here it is replaced by a stable hash of the
 * node and the service port name, so the same cluster always gets the same ports, while keeping the
 * kernel's shape of the choice (see `kernelPickedPort`). Ports the cluster settings pin
 * (`network.userspaceProxyPorts`, e.g. the seed's 10400 for `default/web-svc:http` on node-1) are honoured
 * as given, as they would be for a kube-proxy started with a matching `--proxy-port-range`.
 */
import type { Cluster } from '../../../model/types';

/** Linux's default `net.ipv4.ip_local_port_range` (include/net/ip.h, inet_init_net: 32768 60999). */
export const IP_LOCAL_PORT_RANGE: { readonly low: number; readonly high: number } = {
  low: 32768,
  high: 60999,
};

/** kube-proxy's own listeners: `--healthz-bind-address` 0.0.0.0:10256, `--metrics-bind-address` 127.0.0.1:10249. */
export const KUBE_PROXY_HEALTHZ_PORT = 10256;
export const KUBE_PROXY_METRICS_PORT = 10249;

export type SocketProtocol = 'TCP' | 'UDP';

export interface ProxyPortRequest {
  /** `ns/svc:port` */
  readonly servicePort: string;
  readonly protocol: SocketProtocol;
}

export interface ProxyPortAssignment extends ProxyPortRequest {
  readonly port: number;
  /** `configured`: from the cluster settings; `kernel`: the stand-in for the kernel's free-port choice. */
  readonly chosenBy: 'configured' | 'kernel';
}

/** 32-bit FNV-1a over the UTF-16 code units: small, stable, and good enough to spread ports. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A free port as the kernel would hand one to `bind(port 0)`, with the random start replaced by `seed`.
 *
 * - TCP: Go sets SO_REUSEADDR on every listener, and for such sockets inet_csk_find_open_port
 *   (net/ipv4/inet_connection_sock.c, Linux ≥ 4.x) first searches the LOWER half of the range
 *   ([32768, 46884) by default), starting at an ODD offset from the range start (connect() favours the
 *   other parity) and stepping by 2; then the other parity, then the upper half.
 * - UDP: udp_lib_get_port picks a random start anywhere in the range and probes from there; simplified
 *   here to a linear probe.
 * Returns null when every port of the range is taken.
 */
export function kernelPickedPort(
  protocol: SocketProtocol,
  seed: number,
  used: ReadonlySet<number>,
): number | null {
  const low = IP_LOCAL_PORT_RANGE.low;
  const high = IP_LOCAL_PORT_RANGE.high + 1; // exclusive, as the kernel computes it
  if (protocol === 'UDP') {
    const size = high - low;
    for (let i = 0; i < size; i++) {
      const port = low + ((seed + i) % size);
      if (!used.has(port)) return port;
    }
    return null;
  }
  const half = low + (((high - low) >> 2) << 1);
  for (const [from, to] of [
    [low, half],
    [half, high],
  ] as const) {
    let remaining = to - from;
    if (remaining > 1) remaining &= ~1;
    let offset = (seed % remaining) | 1;
    for (let parity = 0; parity < 2; parity++, offset--) {
      let port = from + offset;
      for (let i = 0; i < remaining; i += 2, port += 2) {
        if (port >= to) port -= remaining;
        if (!used.has(port)) return port;
      }
    }
  }
  return null;
}

/**
 * The free slots of one cyclic probe sequence (a port class the kernel walks in order, wrapping around),
 * as a "next free slot" forest: `next[i] === i` marks a free slot, a used slot points onwards. Ports only
 * ever become used while a node's ports are assigned, so path compression keeps every probe short.
 */
class CyclicFreeSlots {
  private readonly next: Int32Array;
  private used = 0;

  constructor(readonly size: number) {
    this.next = new Int32Array(size);
    for (let i = 0; i < size; i++) this.next[i] = i;
  }

  /** The first free slot at or after `start` in cyclic order, or null when every slot is used. */
  find(start: number): number | null {
    if (this.used >= this.size) return null;
    let root = start;
    while (this.next[root] !== root) root = this.next[root] ?? root;
    let x = start;
    while (x !== root) {
      const after = this.next[x] ?? root;
      this.next[x] = root;
      x = after;
    }
    return root;
  }

  take(slot: number): void {
    if (this.next[slot] !== slot) return;
    this.next[slot] = (slot + 1) % this.size;
    this.used += 1;
  }
}

/** One probe class: `count` ports from `first` in steps of `step`. */
interface PortClass {
  readonly first: number;
  readonly step: number;
  readonly slots: CyclicFreeSlots;
}

/**
 * `kernelPickedPort` for many picks on one node, each pick marking its port used: the same answers,
 * without rescanning the taken ports on every pick (with 10,000 service ports a plain probe walks
 * thousands of taken ports per pick). Holds for the default `ip_local_port_range`, whose two halves
 * have an even number of ports, so each parity of a half is one cyclic sequence.
 */
export class KernelPortPicker {
  private readonly classes: PortClass[] = [];

  constructor(private readonly protocol: SocketProtocol) {
    const low = IP_LOCAL_PORT_RANGE.low;
    const high = IP_LOCAL_PORT_RANGE.high + 1;
    if (protocol === 'UDP') {
      this.classes.push({ first: low, step: 1, slots: new CyclicFreeSlots(high - low) });
      return;
    }
    const half = low + (((high - low) >> 2) << 1);
    for (const [from, to] of [
      [low, half],
      [half, high],
    ] as const) {
      const span = to - from;
      if (span % 2 !== 0) throw new Error('KernelPortPicker: port range halves must have an even size');
      for (const first of [from, from + 1])
        this.classes.push({ first, step: 2, slots: new CyclicFreeSlots(span / 2) });
    }
  }

  private classOf(port: number): { cls: PortClass; slot: number } | null {
    for (const cls of this.classes) {
      const offset = port - cls.first;
      if (offset < 0 || offset % cls.step !== 0) continue;
      const slot = offset / cls.step;
      if (slot < cls.slots.size) return { cls, slot };
    }
    return null;
  }

  markUsed(port: number): void {
    const found = this.classOf(port);
    found?.cls.slots.take(found.slot);
  }

  /** What `kernelPickedPort(protocol, seed, used)` returns for the ports marked used so far. */
  pick(seed: number): number | null {
    if (this.protocol === 'UDP') {
      const cls = this.classes[0];
      if (!cls) return null;
      const slot = cls.slots.find(seed % cls.slots.size);
      return slot === null ? null : cls.first + slot;
    }
    // Per half: the odd offsets from `(seed % remaining) | 1`, then the even ones from one below it.
    for (let h = 0; h < 2; h++) {
      const even = this.classes[h * 2];
      const odd = this.classes[h * 2 + 1];
      if (!even || !odd) continue;
      const remaining = even.slots.size * 2;
      const offset = (seed % remaining) | 1;
      const fromOdd = odd.slots.find((offset - 1) / 2);
      if (fromOdd !== null) return odd.first + fromOdd * 2;
      const fromEven = even.slots.find((offset - 1) / 2);
      if (fromEven !== null) return even.first + fromEven * 2;
    }
    return null;
  }
}

/**
 * Proxy ports for the service ports of one node, in the order given (kube-proxy opens one socket per
 * service port as it merges services). Configured ports win; every other port is a kernel pick seeded by
 * `fnv1a32("<node> <ns/svc:port>")` that avoids the ports already taken on the node for that protocol.
 */
export function assignProxyPorts(
  cluster: Cluster,
  nodeName: string,
  requests: readonly ProxyPortRequest[],
): ProxyPortAssignment[] {
  const configured = new Map<string, number>();
  for (const entry of cluster.network.userspaceProxyPorts) {
    if (entry.node === nodeName) configured.set(entry.servicePort, entry.port);
  }
  const pickers: Record<SocketProtocol, KernelPortPicker> = {
    TCP: new KernelPortPicker('TCP'),
    UDP: new KernelPortPicker('UDP'),
  };
  pickers.TCP.markUsed(KUBE_PROXY_HEALTHZ_PORT);
  pickers.TCP.markUsed(KUBE_PROXY_METRICS_PORT);
  for (const port of configured.values()) {
    pickers.TCP.markUsed(port);
    pickers.UDP.markUsed(port);
  }
  const result: ProxyPortAssignment[] = [];
  for (const request of requests) {
    const pinned = configured.get(request.servicePort);
    if (pinned !== undefined) {
      result.push({ ...request, port: pinned, chosenBy: 'configured' });
      continue;
    }
    // kernelPickedPort over the ports taken so far, without rescanning them on every pick.
    const port = pickers[request.protocol].pick(fnv1a32(`${nodeName} ${request.servicePort}`));
    if (port === null) continue; // range exhausted: kube-proxy logs "Failed to start proxy" and skips the port
    pickers[request.protocol].markUsed(port);
    result.push({ ...request, port, chosenBy: 'kernel' });
  }
  return result;
}
