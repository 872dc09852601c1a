/** A volley for the view: which backends N connections landed on, with and without ClientIP affinity. */
import { TraceInputError, volley, type TraceRequest } from '../../engine/trace';
import type { Cluster, IpvsScheduler, ProxyMode, Service } from '../../model/types';
import { computeTrace } from '../../store';
import { serviceForTarget } from '../request/requestForm';

export interface VolleyInputs {
  readonly cluster: Cluster;
  readonly request: TraceRequest;
  readonly mode: ProxyMode;
  readonly ipvsScheduler: IpvsScheduler;
  readonly seed: number;
  readonly deadEndpoints: readonly string[];
  readonly count: number;
}

export interface BackendBar {
  /** `ip:port` */
  readonly key: string;
  readonly pod: string | null;
  readonly count: number;
  /** Listed but gone (failure scenario): the connections sent here got no reply. */
  readonly dead: boolean;
}

export interface VolleyView {
  readonly total: number;
  readonly failed: number;
  readonly bars: readonly BackendBar[];
  /** Ready endpoint addresses of the target Service (the "ideal" divides by their number). */
  readonly endpoints: readonly string[];
  /** Endpoints that received no connection. */
  readonly idle: readonly string[];
}

export type Affinity = 'None' | 'ClientIP';

export const MAX_VOLLEY = 10_000;

/** The Service the request ends up at: by the address it dialled, else by the name it used. */
export function targetService(inputs: Omit<VolleyInputs, 'count'>): Service | null {
  const { trace } = computeTrace(inputs);
  const address = trace?.resolved?.address;
  const namespace = inputs.request.from.kind === 'pod' ? inputs.request.from.namespace : null;
  return (
    inputs.cluster.services.find((s) => s.clusterIP !== null && s.clusterIP === address) ??
    serviceForTarget(inputs.cluster, inputs.request.to, namespace) ??
    null
  );
}

/** A copy of the cluster in which `service` has the given session affinity. */
export function withAffinity(cluster: Cluster, service: Service, affinity: Affinity): Cluster {
  return {
    ...cluster,
    services: cluster.services.map((s) =>
      s.namespace === service.namespace && s.name === service.name ? { ...s, sessionAffinity: affinity } : s,
    ),
  };
}

function readyEndpoints(cluster: Cluster, service: Service): string[] {
  return cluster.endpointSlices
    .filter((e) => e.namespace === service.namespace && e.serviceName === service.name)
    .flatMap((e) => e.endpoints.filter((ep) => ep.conditions.ready).flatMap((ep) => ep.addresses));
}

/**
 * Fires the volley (seeded, ~0.3–0.5 s per 1,000 connections). With `affinity`, the target Service is
 * copied with that sessionAffinity first. Throws TraceInputError for a request a volley cannot make.
 */
export function runVolley(
  inputs: VolleyInputs,
  service: Service | null,
  affinity: Affinity | null,
): VolleyView {
  let cluster = inputs.cluster;
  if (affinity !== null && service) cluster = withAffinity(cluster, service, affinity);
  if (inputs.mode === 'ipvs' && inputs.ipvsScheduler !== cluster.network.ipvsScheduler)
    cluster = { ...cluster, network: { ...cluster.network, ipvsScheduler: inputs.ipvsScheduler } };
  if (!Number.isInteger(inputs.count) || inputs.count < 1 || inputs.count > MAX_VOLLEY)
    throw new TraceInputError(`the number of requests must be 1–${MAX_VOLLEY.toLocaleString('en')}`);
  const result = volley(cluster, inputs.request, inputs.count, {
    mode: inputs.mode,
    seed: inputs.seed,
    deadEndpoints: inputs.deadEndpoints,
  });
  const bars = [...result.byBackend].map(([key, count]) => {
    const ip = key.slice(0, key.lastIndexOf(':'));
    const pod = cluster.pods.find((p) => p.podIP === ip && !p.hostNetwork)?.name ?? null;
    return { key, pod, count, dead: inputs.deadEndpoints.includes(key) };
  });
  const endpoints = service ? readyEndpoints(cluster, service) : [];
  const hit = new Set(bars.map((b) => b.key.slice(0, b.key.lastIndexOf(':'))));
  return {
    total: result.total,
    failed: result.failed,
    bars,
    endpoints,
    idle: endpoints.filter((ip) => !hit.has(ip)),
  };
}
