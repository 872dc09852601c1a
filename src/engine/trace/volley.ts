/**
 * A volley: N connections from one client to one address, fired through the same nodes (so kube-proxy's
 * state carries over from one connection to the next: ipvs counters and persistence, userspace round-robin,
 * the `recent` lists of ClientIP affinity), counting which backend each landed on. Seeded.
 */
import type { Cluster } from '../../model/types';
import { createRng } from '../rng';
import { DEFAULT_TTL, Sim } from './network';
import { DEFAULT_SEED, ephemeralPort, exchange, replyPacket, trace, TraceInputError } from './trace';
import type { TraceOptions, TraceRequest } from './types';

export interface VolleyResult {
  readonly total: number;
  /** Backend `ip:port` → connections it received, in first-seen order. */
  readonly byBackend: ReadonlyMap<string, number>;
  /** Connections that never got a reply (dropped, rejected, timed out). */
  readonly failed: number;
  /** The address every connection dialled (after DNS). */
  readonly address: string;
  readonly port: number;
}

export function volley(
  cluster: Cluster,
  request: TraceRequest,
  count: number,
  options: TraceOptions = {},
): VolleyResult {
  if (request.from.kind !== 'pod') throw new TraceInputError('volleys start from a pod');
  const from = request.from;
  // One ordinary trace resolves the name (DNS) and the port exactly as a single request would.
  const first = trace(cluster, request, options);
  const address = first.resolved?.address ?? '';
  const requestStep = first.steps.find((s) => s.phase === 'request' && s.kind === 'send');
  const port = requestStep?.packet.dport ?? request.port ?? 80;
  const byBackend = new Map<string, number>();
  if (address === '' || !requestStep) return { total: count, byBackend, failed: count, address, port };

  const mode = options.mode ?? cluster.network.proxyMode;
  const sim = new Sim(cluster, mode, createRng(options.seed ?? DEFAULT_SEED), options.deadEndpoints ?? []);
  sim.record = false;
  const client = cluster.pods.find((p) => p.namespace === from.namespace && p.name === from.name);
  if (!client || client.podIP === null)
    throw new TraceInputError(`no running pod ${from.namespace}/${from.name}`);
  let failed = 0;
  for (let i = 0; i < count; i += 1) {
    sim.now += 1;
    const packet = {
      protocol: requestStep.packet.protocol,
      src: client.podIP,
      sport: ephemeralPort(sim),
      dst: address,
      dport: port,
      ttl: DEFAULT_TTL,
      mark: 0,
      payload: requestStep.packet.payload,
    };
    const result = exchange(
      sim,
      { kind: 'pod', pod: client },
      packet,
      (_, received) => replyPacket(received, 'reply').payload,
      'reply',
    );
    if (result.status === 'dropped') failed += 1;
    if (result.backend) {
      const key = `${result.backend.ip}:${result.backend.port}`;
      byBackend.set(key, (byBackend.get(key) ?? 0) + 1);
    }
  }
  return { total: count, byBackend, failed, address, port };
}
