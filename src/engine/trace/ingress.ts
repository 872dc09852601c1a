/**
 * An ingress controller in a trace: the connection reached the controller's pod (through its Service, like
 * any other), NGINX reads the HTTP request in user space, picks the Ingress rule by Host header and path
 * (src/engine/ingress/route.ts), and opens a NEW connection from its own pod to the chosen backend; the
 * backend's answer comes back on that connection and NGINX writes it into the client's.
 *
 * ingress-nginx facts followed:
 * - Upstreams are the Service's ENDPOINTS, not its ClusterIP: "By default the NGINX ingress controller uses a
 *   list of all endpoints (Pod IP/port) in the NGINX upstream configuration"; the
 *   `nginx.ingress.kubernetes.io/service-upstream` annotation makes the upstream "the service's Cluster IP and
 *   port" instead (docs/user-guide/nginx-configuration/annotations.md, Service Upstream). So by default
 *   kube-proxy's Service rules play no part in the second connection.
 * - Endpoints come from the Service's EndpointSlices, ready ones only (internal/ingress/controller/
 *   endpointslices.go getEndpointsFromSlices); the Lua balancer picks one (ConfigMap `load-balance`, default
 *   round_robin).
 * - A request no Ingress routes goes to the controller's default backend, which answers 404
 *   (docs/user-guide/default-backend.md); a backend Service that is missing or has no ready endpoint gets 503.
 * - A failed upstream connection is retried on the next endpoint (proxy-next-upstream), then answered 502
 *   or 504 (see `proxy`).
 * - NGINX sets X-Real-IP / X-Forwarded-For to the address the connection came from (rootfs/etc/nginx/
 *   template/nginx.tmpl proxy_set_header), which is the node's when kube-proxy masqueraded the client.
 */
import { anchorIds, serviceId } from '../../model/elementIds';
import { isIngressController } from '../../model/ingressController';
import type { Cluster, Pod, Service, ServicePort } from '../../model/types';
import { backendText, routeIngress, type IngressDecision } from '../ingress/route';
import { endpointsForServicePort, indexEndpointSlices } from '../proxy/endpoints';
import { DEFAULT_TTL, ep, podLocation, replyPacket, type Sim } from './network';
import type { Exchange, Origin, Serve } from './trace';
import type { IngressStepInfo, Packet, TraceRequest } from './types';

/** The payload of an HTTP request as the packet inspector shows it. */
export function httpRequestPayload(http: NonNullable<TraceRequest['http']>): string {
  return `HTTP GET ${http.path} (Host: ${http.host})`;
}

export interface IngressDeps {
  readonly exchange: (
    sim: Sim,
    origin: Origin,
    packet: Packet,
    serve: Serve,
    replyPhase: 'reply',
  ) => Exchange;
  readonly ephemeralPort: (sim: Sim) => number;
}

interface Upstream {
  readonly service: Service;
  readonly port: ServicePort;
  /** Where NGINX connects: an endpoint, or the ClusterIP with service-upstream. */
  readonly ip: string;
  readonly dport: number;
  readonly viaClusterIP: boolean;
  readonly endpointCount: number;
  /** The ready endpoints NGINX would try next (proxy_next_upstream), in the balancer's order after `ip`. */
  readonly next: readonly { readonly ip: string; readonly port: number }[];
}

type Resolved = { kind: 'upstream'; upstream: Upstream } | { kind: 'unavailable'; reason: string };

/** The backend Service port and the upstream NGINX dials. */
function resolveUpstream(sim: Sim, decision: IngressDecision, serviceUpstream: boolean): Resolved | null {
  const route = decision.route;
  if (route.kind === 'not-found') return null;
  const cluster: Cluster = sim.cluster;
  const { backend, namespace } = route;
  const service = cluster.services.find((s) => s.namespace === namespace && s.name === backend.name);
  if (!service) return { kind: 'unavailable', reason: `there is no Service ${namespace}/${backend.name}` };
  const wanted = backend.port;
  const port =
    'number' in wanted
      ? service.ports.find((p) => p.port === wanted.number)
      : service.ports.find((p) => p.name === wanted.name);
  if (!port) {
    return {
      kind: 'unavailable',
      reason: `Service ${namespace}/${service.name} has no port ${backendText(backend).split(':')[1] ?? ''}`,
    };
  }
  const slices = indexEndpointSlices(cluster).get(`${namespace}/${service.name}`) ?? [];
  const ready = endpointsForServicePort(slices, port, '', false).filter((e) => e.ready);
  if (ready.length === 0) {
    return { kind: 'unavailable', reason: `Service ${namespace}/${service.name} has no ready endpoint` };
  }
  if (serviceUpstream && service.clusterIP !== null) {
    return {
      kind: 'upstream',
      upstream: {
        service,
        port,
        ip: service.clusterIP,
        dport: port.port,
        viaClusterIP: true,
        endpointCount: ready.length,
        // One upstream server, the ClusterIP: a retry would dial it again.
        next: [],
      },
    };
  }
  const first = Math.floor(sim.rng() * ready.length);
  const chosen = ready[first] ?? ready[0];
  if (!chosen)
    return { kind: 'unavailable', reason: `Service ${namespace}/${service.name} has no ready endpoint` };
  // round_robin goes on around the ring from the one it picked.
  const next = [...ready.slice(first + 1), ...ready.slice(0, first)].map((e) => ({ ip: e.ip, port: e.port }));
  return {
    kind: 'upstream',
    upstream: {
      service,
      port,
      ip: chosen.ip,
      dport: chosen.port,
      viaClusterIP: false,
      endpointCount: ready.length,
      next,
    },
  };
}

function ruleText(decision: IngressDecision): string | null {
  const r = decision.route;
  if (r.kind === 'path')
    return `${r.ingress}: ${r.pathType} ${r.path}${decision.server === '_' ? '' : ` on ${decision.server}`}`;
  if (r.kind === 'default-backend') return `${r.ingress}: spec.defaultBackend`;
  return null;
}

function decisionDetail(decision: IngressDecision, info: IngressStepInfo): string {
  const lines = [
    `Host ${decision.host || '(none)'} → server ${decision.server}: ${decision.serverReason}`,
    `Path ${decision.path}:`,
    ...(info.candidates.length === 0
      ? ['  (no paths on this server)']
      : info.candidates.map(
          (c) => `  ${c.chosen ? '▶' : c.matches ? '·' : '✕'} ${c.text}${c.matches ? '' : ' (no match)'}`,
        )),
    decision.route.kind === 'default-backend'
      ? `No path matches: the server's root goes to ${decision.route.ingress}'s spec.defaultBackend`
      : decision.route.kind === 'not-found'
        ? "No path matches and no Ingress gives a default backend: the controller's default backend answers 404"
        : 'Longest matching path wins; at equal length Exact beats Prefix',
    ...decision.skipped.map((s) => `Ingress ${s.ingress} is not served: it ${s.reason}`),
  ];
  return lines.join('\n');
}

/**
 * What the controller pod does with a request (a `Serve`); any other pod answers as an application does.
 * `fallback` serves pods that are not ingress controllers.
 */
export function serveIngress(
  sim: Sim,
  request: TraceRequest,
  http: NonNullable<TraceRequest['http']>,
  deps: IngressDeps,
  fallback: Serve,
): Serve {
  return (controller, received) => {
    if (!isIngressController(controller)) return fallback(controller, received);
    const at = anchorIds.pod(controller);
    sim.push({
      kind: 'deliver',
      location: podLocation(controller),
      from: anchorIds.podEth0(controller),
      at,
      packet: received,
      before: received,
      caption: `Delivered to the ingress controller ${controller.name} on ${ep(received.dst, received.dport)}: NGINX accepts the connection in user space and reads the HTTP request — GET ${http.path}, Host: ${http.host}`,
    });
    const ingresses = sim.cluster.ingresses ?? [];
    const decision = routeIngress(ingresses, http);
    const route = decision.route;
    const routedIngress =
      route.kind === 'not-found'
        ? undefined
        : ingresses.find((i) => `${i.namespace}/${i.name}` === route.ingress);
    const resolved = resolveUpstream(sim, decision, routedIngress?.serviceUpstream ?? false);
    const backendName =
      route.kind === 'not-found' ? null : `${route.namespace}/${backendText(route.backend)}`;
    const upstream = resolved?.kind === 'upstream' ? resolved.upstream : null;
    const info: IngressStepInfo = {
      host: decision.host,
      path: decision.path,
      server: decision.server,
      serverReason: decision.serverReason,
      rule: ruleText(decision),
      backend: backendName,
      upstream: upstream ? ep(upstream.ip, upstream.dport) : null,
      candidates: decision.candidates.map((c) => ({
        text: `${c.pathType} ${c.path} → ${backendText(c.backend)} (${c.ingress})`,
        matches: c.matches,
        chosen: c.chosen,
      })),
    };
    const decided =
      decision.route.kind === 'path'
        ? `rule ${decision.server === '_' ? '(any host)' : decision.server} ${decision.route.pathType} ${decision.route.path} of ${decision.route.ingress} → Service ${backendName ?? ''}`
        : decision.route.kind === 'default-backend'
          ? `no path matches; ${decision.route.ingress}'s defaultBackend → Service ${backendName ?? ''}`
          : 'no rule matches and there is no default backend → 404 Not Found';
    sim.push({
      kind: 'ingress',
      location: podLocation(controller),
      from: at,
      at,
      packet: received,
      before: received,
      highlight: [at, ...(upstream ? [serviceId(upstream.service)] : [])],
      rule: { text: info.rule ?? `server ${decision.server}: default backend (404)` },
      caption: `L7 routing in ${controller.name}: Host ${decision.host || '(none)'}, path ${decision.path} — ${decided}`,
      detail: decisionDetail(decision, info),
      ingress: info,
    });

    if (!resolved)
      return answerItself(sim, controller, received, '404 Not Found', 'no Ingress rule routes the request');
    if (resolved.kind === 'unavailable') {
      return answerItself(sim, controller, received, '503 Service Temporarily Unavailable', resolved.reason);
    }
    return proxy(sim, request, http, controller, received, resolved.upstream, deps);
  };
}

/** The controller answers the client itself (no upstream connection). */
function answerItself(sim: Sim, controller: Pod, received: Packet, status: string, why: string): string {
  sim.phase = 'reply';
  const payload = `HTTP/1.1 ${status}`;
  const reply = replyPacket(received, payload);
  sim.push({
    kind: 'send',
    location: podLocation(controller),
    from: anchorIds.pod(controller),
    at: anchorIds.pod(controller),
    packet: reply,
    before: reply,
    caption: `NGINX answers ${status} itself — ${why}; no connection to any backend is opened`,
  });
  return payload;
}

/**
 * ingress-nginx's defaults for a failed upstream connection (internal/ingress/controller/config/config.go
 * NewDefault: proxy-next-upstream "error timeout", proxy-next-upstream-tries 3, proxy-connect-timeout 5s):
 * NGINX tries the next endpoint, at most 3 tries in all. When every try fails, nginx answers by the LAST
 * failure (ngx_http_upstream_next): a timeout gives 504 Gateway Time-out, an error (refused, unreachable)
 * 502 Bad Gateway.
 */
const NEXT_UPSTREAM_TRIES = 3;
const CONNECT_TIMEOUT_S = 5;

/**
 * A dropped connection attempt as NGINX feels it: silence (a NetworkPolicy DROP, a pod that is gone) is a
 * connect timeout; anything that answers back (RST, ICMP unreachable) is an error. The trace's drop reasons
 * say which (policy.ts "NetworkPolicy: …", trace.ts deadEnd "… times out").
 */
function failureKind(reason: string): 'timeout' | 'error' {
  return reason.startsWith('NetworkPolicy') || reason.includes('times out') ? 'timeout' : 'error';
}

/** NGINX's own connection to the upstream, the backend's answer, and the answer copied to the client. */
function proxy(
  sim: Sim,
  request: TraceRequest,
  http: NonNullable<TraceRequest['http']>,
  controller: Pod,
  received: Packet,
  upstream: Upstream,
  deps: IngressDeps,
): string {
  const at = anchorIds.pod(controller);
  const forwardedFor = received.src;
  const clientIP = request.from.kind === 'external' ? request.from.ip : undefined;
  const svc = `${upstream.service.namespace}/${upstream.service.name}`;
  const targets = [{ ip: upstream.ip, port: upstream.dport }, ...upstream.next].slice(0, NEXT_UPSTREAM_TRIES);
  const failures: { readonly target: string; readonly reason: string }[] = [];
  for (const [attempt, target] of targets.entries()) {
    const second: Packet = {
      protocol: received.protocol,
      src: controller.podIP ?? '',
      sport: deps.ephemeralPort(sim),
      dst: target.ip,
      dport: target.port,
      ttl: DEFAULT_TTL,
      mark: 0,
      payload: `${httpRequestPayload(http)}, X-Forwarded-For: ${forwardedFor}`,
    };
    const previous = failures.at(-1);
    sim.phase = 'request';
    sim.push({
      kind: 'send',
      location: podLocation(controller),
      from: at,
      at,
      packet: second,
      before: received,
      rewrite: {
        field: 'dst',
        from: ep(received.dst, received.dport),
        to: ep(target.ip, target.port),
        by: 'proxy',
      },
      highlight: [serviceId(upstream.service)],
      caption: previous
        ? `proxy_next_upstream (error timeout): the ${failureKind(previous.reason) === 'timeout' ? `connect to ${previous.target} timed out after ${CONNECT_TIMEOUT_S} s` : `connection to ${previous.target} failed`}, so NGINX tries the next ready endpoint of ${svc}: a NEW connection from ${ep(second.src, second.sport)} to ${ep(target.ip, target.port)} (try ${attempt + 1} of at most ${NEXT_UPSTREAM_TRIES})`
        : upstream.viaClusterIP
          ? `NGINX opens a NEW connection from its pod ${ep(second.src, second.sport)} to the ClusterIP ${ep(target.ip, target.port)} of ${svc} (annotation service-upstream: "true"), so kube-proxy picks the pod`
          : `NGINX opens a NEW connection from its pod ${ep(second.src, second.sport)} straight to the pod ${ep(target.ip, target.port)}: one of ${upstream.endpointCount} ready endpoints of ${svc} from its EndpointSlices, picked by its own balancer — not through the ClusterIP`,
      detail: `A connection of its own: ingress-nginx keeps idle upstream connections open (ConfigMap upstream-keepalive-connections), so a later request may reuse this one.\nX-Forwarded-For: ${forwardedFor}${clientIP !== undefined && clientIP !== forwardedFor ? ` — not the client ${clientIP}: kube-proxy masqueraded it on the way in (externalTrafficPolicy: Cluster), so NGINX saw ${forwardedFor}` : ' (the address NGINX saw the connection come from)'}`,
    });
    const result = deps.exchange(
      sim,
      { kind: 'pod', pod: controller },
      second,
      serveBackend(sim, http),
      'reply',
    );
    if (result.status === 'dropped') {
      failures.push({ target: ep(target.ip, target.port), reason: result.reason });
      continue;
    }
    const back = result.reply;
    sim.push({
      kind: 'deliver',
      location: podLocation(controller),
      from: anchorIds.podEth0(controller),
      at,
      packet: back,
      before: back,
      caption: `NGINX reads the backend's answer (${back.payload}) from ${ep(back.src, back.sport)} and writes it into the client's connection`,
    });
    sim.phase = 'reply';
    return back.payload;
  }
  const last = failures.at(-1);
  const timedOut = last !== undefined && failureKind(last.reason) === 'timeout';
  const tried =
    failures.length > 1
      ? `all ${failures.length} tries failed (${failures.map((f) => f.target).join(', ')}); `
      : '';
  return answerItself(
    sim,
    controller,
    received,
    timedOut ? '504 Gateway Time-out' : '502 Bad Gateway',
    `${tried}the upstream connection ${timedOut ? `timed out (proxy-connect-timeout ${CONNECT_TIMEOUT_S} s)` : 'failed'}: ${last?.reason ?? ''}`,
  );
}

/** The backend application receives the proxied request and answers 200. */
function serveBackend(sim: Sim, http: NonNullable<TraceRequest['http']>): Serve {
  return (server, received) => {
    sim.push({
      kind: 'deliver',
      location: podLocation(server),
      from: anchorIds.podEth0(server),
      at: anchorIds.pod(server),
      packet: received,
      before: received,
      caption: `Delivered: ${server.name} receives GET ${http.path} from ${ep(received.src, received.sport)} — the ingress controller's pod, not the external client`,
    });
    sim.phase = 'reply';
    const reply = replyPacket(received, 'HTTP/1.1 200 OK');
    sim.push({
      kind: 'send',
      location: podLocation(server),
      from: anchorIds.pod(server),
      at: anchorIds.pod(server),
      packet: reply,
      before: reply,
      caption: `${server.name} answers 200 OK to ${ep(reply.dst, reply.dport)}: the controller, which holds the client's connection`,
    });
    return reply.payload;
  };
}
