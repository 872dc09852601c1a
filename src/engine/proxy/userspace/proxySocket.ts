/**
 * The userspace proxier's proxy sockets accepting connections (kubernetes/kubernetes v1.25,
 * pkg/proxy/userspace/proxysocket.go).
 *
 * - TCP ProxyLoop: Accept, then tryConnect: up to 4 dials with timeouts 250 ms, 500 ms, 1 s, 2 s
 *   (endpointDialTimeout); each dial asks the load balancer for the next endpoint; after the first failed
 *   dial `sessionAffinityReset` is true, so affinity no longer pins the client to the dead endpoint. After
 *   4 failures: "failed to connect to an endpoint." and the client's connection is closed. With no
 *   endpoints at all NextEndpoint fails at once (ErrMissingEndpoints) and the connection is closed too.
 * - UDP ProxyLoop: a cache of backend "connections" keyed by the client's address (ip:port); a datagram
 *   from a known client reuses its backend, a new client goes through tryConnect. The entry lives until
 *   the backend side has been idle for `--udp-timeout` (default 250 ms). Dialing UDP sends nothing, so
 *   it "succeeds" even for a dead endpoint: the retry only ever helps TCP.
 */
import type { Rng } from '../../rng';
import type { NfPacket, UserspaceAccept } from '../types';
import type { LoadBalancerRR } from './loadBalancer';
import type { UserspaceServicePort } from './portals';

/** endpointDialTimeout, in milliseconds. */
export const ENDPOINT_DIAL_TIMEOUTS_MS: readonly number[] = [250, 500, 1000, 2000];

/** kube-proxy `--udp-timeout` default (only used by the userspace mode). */
export const UDP_IDLE_TIMEOUT_SECONDS = 0.25;

export interface ConnectAttempt {
  readonly ip: string;
  readonly port: number;
  readonly ok: boolean;
  /** The dial timeout of this attempt. */
  readonly dialTimeoutMs: number;
  /** How the load balancer chose it. */
  readonly by: 'affinity' | 'round-robin' | 'udp-client-cache';
}

/** `UserspaceAccept` with what the panel can explain further. */
export interface UserspaceAcceptDetail extends UserspaceAccept {
  readonly protocol: 'TCP' | 'UDP';
  readonly proxyPort: number;
  readonly attempts: readonly ConnectAttempt[];
  /** The backend kube-proxy relays to, or null when it closed the client's connection. */
  readonly connected: { readonly ip: string; readonly port: number } | null;
  /** The endpoint order the load balancer cycles through (after its shuffle). */
  readonly rotation: readonly string[];
  /** UDP: the client's existing backend was reused without asking the load balancer. */
  readonly reusedUdpBackend?: boolean;
}

function splitHostPort(endpoint: string): { ip: string; port: number } {
  const cut = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, cut);
  return {
    ip: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host,
    port: Number(endpoint.slice(cut + 1)),
  };
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

interface UdpClient {
  readonly endpoint: string;
  lastActivity: number;
}

export interface AcceptContext {
  readonly rng: Rng;
  /** Trace clock, seconds. */
  readonly now: number;
  /** "ip:port" of endpoints whose dials fail. */
  readonly deadEndpoints: ReadonlySet<string>;
}

/** The per-node state of the proxy sockets: the load balancer and the UDP client caches. */
export class ProxySockets {
  private readonly udpClients = new Map<string, Map<string, UdpClient>>();

  constructor(private readonly loadBalancer: LoadBalancerRR) {}

  /**
   * kube-proxy's socket for `sp` receives the connection (TCP) or datagram (UDP) `packet` whose
   * destination REDIRECT/DNAT rewrote to `listen`.
   */
  accept(sp: UserspaceServicePort, packet: NfPacket, ctx: AcceptContext): UserspaceAcceptDetail {
    const setup = {
      endpoints: sp.endpoints.map((ep) => ep.endpoint),
      clientIPAffinity: sp.info.sessionAffinityClientIP,
      ttlSeconds: sp.affinityTimeoutSeconds,
    };
    const rotation = this.loadBalancer.order(sp.name, setup, ctx.rng);
    const listen = { ip: packet.dst, port: packet.dport };
    const client = `${packet.src}:${packet.sport}`;
    const base = { servicePort: sp.name, listen, protocol: sp.protocol, proxyPort: sp.proxyPort, rotation };

    if (sp.protocol === 'UDP') {
      let clients = this.udpClients.get(sp.name);
      if (!clients) {
        clients = new Map();
        this.udpClients.set(sp.name, clients);
      }
      const known = clients.get(client);
      if (known && ctx.now - known.lastActivity < UDP_IDLE_TIMEOUT_SECONDS) {
        known.lastActivity = ctx.now;
        const backend = splitHostPort(known.endpoint);
        return {
          ...base,
          attempts: [{ ...backend, ok: true, dialTimeoutMs: 0, by: 'udp-client-cache' }],
          connected: backend,
          reusedUdpBackend: true,
          summary: `kube-proxy (UDP ${sp.proxyPort}, ${sp.name}) already relays ${client} to ${known.endpoint}: it forwards the datagram there`,
        };
      }
      clients.delete(client);
    }

    const attempts: ConnectAttempt[] = [];
    let sessionAffinityReset = false;
    for (const dialTimeoutMs of ENDPOINT_DIAL_TIMEOUTS_MS) {
      const next = this.loadBalancer.next(sp.name, setup, packet.src, sessionAffinityReset, ctx.now, ctx.rng);
      if (next === null) {
        return {
          ...base,
          attempts,
          connected: null,
          summary: `kube-proxy accepted ${client} on ${sp.proxyPort} for ${sp.name}, which has no ready endpoints: it closes the connection`,
        };
      }
      const backend = splitHostPort(next.endpoint);
      // A dead pod's address does not answer; the dial runs into its timeout. A UDP dial sends nothing.
      const ok = sp.protocol === 'UDP' || !ctx.deadEndpoints.has(next.endpoint);
      attempts.push({ ...backend, ok, dialTimeoutMs, by: next.by });
      if (ok) {
        if (sp.protocol === 'UDP') {
          this.udpClients.get(sp.name)?.set(client, { endpoint: next.endpoint, lastActivity: ctx.now });
        }
        return {
          ...base,
          attempts,
          connected: backend,
          summary: this.describe(sp, packet.src, client, attempts),
        };
      }
      sessionAffinityReset = true;
    }
    return { ...base, attempts, connected: null, summary: this.describe(sp, packet.src, client, attempts) };
  }

  private describe(
    sp: UserspaceServicePort,
    clientIP: string,
    client: string,
    attempts: readonly ConnectAttempt[],
  ): string {
    const head = `kube-proxy accepted ${client} on its ${sp.protocol} port ${sp.proxyPort} for ${sp.name}`;
    const failed = attempts.filter((a) => !a.ok);
    const last = attempts[attempts.length - 1];
    const failures = failed
      .map((a) => `${a.ip}:${a.port} did not answer within ${formatMs(a.dialTimeoutMs)}`)
      .join('; ');
    if (!last || !last.ok) {
      return `${head}; ${failures}; after ${attempts.length} attempts it gives up ("failed to connect to an endpoint.") and closes the connection`;
    }
    const verb = sp.protocol === 'TCP' ? 'connects to' : 'sends to';
    const why = last.by === 'affinity' ? `session affinity for ${clientIP}` : 'round-robin';
    const retried = failures ? `; ${failures}, so it tried the next endpoint` : '';
    return `${head}${retried}; it ${verb} ${last.ip}:${last.port} (${why})`;
  }
}
