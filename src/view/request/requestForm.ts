/** The request picker's form: what it offers and how it checks what the user typed. Pure, no React. */
import { parseIPv4 } from '../../engine/netfilter/ipv4';
import type { TraceRequest } from '../../engine/trace';
import type { Cluster, Pod, Protocol, Service } from '../../model/types';

export const EXTERNAL = '__external__';

export interface RequestFormValues {
  /** `namespace/name` of the client pod, or EXTERNAL. */
  readonly client: string;
  readonly externalIP: string;
  readonly target: string;
  readonly port: string;
  readonly protocol: Protocol;
  /** The HTTP Host header and path an ingress controller routes on; both empty: no HTTP request line. */
  readonly host?: string;
  readonly path?: string;
}

export type FormResult =
  | { readonly ok: true; readonly request: TraceRequest }
  | { readonly ok: false; readonly field: 'client' | 'target' | 'port' | 'http'; readonly message: string };

/** Pods that can send: scheduled, addressed, not on the host network — grouped by namespace. */
export function clientPods(cluster: Cluster): ReadonlyMap<string, readonly Pod[]> {
  const byNamespace = new Map<string, Pod[]>();
  for (const pod of cluster.pods) {
    if (pod.hostNetwork || pod.podIP === null || pod.phase !== 'Running') continue;
    const list = byNamespace.get(pod.namespace) ?? [];
    list.push(pod);
    byNamespace.set(pod.namespace, list);
  }
  return new Map([...byNamespace].sort(([a], [b]) => a.localeCompare(b)));
}

/** How a client in `namespace` names a Service: the short name works only inside its own namespace. */
export function serviceTargetName(service: Service, namespace: string | null): string {
  return service.namespace === namespace ? service.name : `${service.name}.${service.namespace}`;
}

export interface TargetOption {
  readonly value: string;
  readonly label: string;
}

/** Suggestions for the target box: every Service, then every pod IP. */
export function targetOptions(cluster: Cluster, clientNamespace: string | null): readonly TargetOption[] {
  const services = cluster.services.map((s) => ({
    value: serviceTargetName(s, clientNamespace),
    label: `Service ${s.namespace}/${s.name}${s.clusterIP ? ` ${s.clusterIP}` : ''}`,
  }));
  const pods = cluster.pods
    .filter((p) => p.podIP !== null && !p.hostNetwork)
    .map((p) => ({ value: p.podIP ?? '', label: `pod ${p.namespace}/${p.name}` }));
  return [...services, ...pods];
}

/** The Service a target names (short name in the client's namespace, `name.ns`, FQDN, or its ClusterIP). */
export function serviceForTarget(
  cluster: Cluster,
  target: string,
  clientNamespace: string | null,
): Service | undefined {
  const t = target.trim().replace(/\.$/, '');
  return cluster.services.find((s) => {
    if (s.clusterIP !== null && s.clusterIP === t) return true;
    if (t === s.name) return s.namespace === clientNamespace;
    return (
      t === `${s.name}.${s.namespace}` ||
      t === `${s.name}.${s.namespace}.svc` ||
      t === `${s.name}.${s.namespace}.svc.${cluster.network.clusterDomain}`
    );
  });
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.?$/i;
const LOOKS_NUMERIC = /^[\d.]+$/;

export function clientNamespaceOf(client: string): string | null {
  if (client === EXTERNAL) return null;
  const slash = client.indexOf('/');
  return slash < 0 ? null : client.slice(0, slash);
}

/** Checks the form; a valid form becomes the request the store traces. */
export function validateRequestForm(values: RequestFormValues): FormResult {
  const target = values.target.trim();
  const isExternal = values.client === EXTERNAL;
  let from: TraceRequest['from'];
  if (isExternal) {
    const ip = values.externalIP.trim();
    if (parseIPv4(ip) === null)
      return {
        ok: false,
        field: 'client',
        message: `"${ip}" is not an IPv4 address for the external client`,
      };
    from = { kind: 'external', ip };
  } else {
    const slash = values.client.indexOf('/');
    if (slash < 0) return { ok: false, field: 'client', message: 'Choose a client pod' };
    from = { kind: 'pod', namespace: values.client.slice(0, slash), name: values.client.slice(slash + 1) };
  }
  if (target === '')
    return { ok: false, field: 'target', message: 'Enter a target: a Service name or an IP' };
  const isIP = parseIPv4(target) !== null;
  if (!isIP && LOOKS_NUMERIC.test(target))
    return { ok: false, field: 'target', message: `"${target}" is not a valid IPv4 address` };
  if (!isIP && !DNS_NAME.test(target))
    return { ok: false, field: 'target', message: `"${target}" is neither a DNS name nor an IP address` };
  // An external client is outside the cluster: it cannot query CoreDNS (the engine refuses the same way).
  if (isExternal && !isIP)
    return {
      ok: false,
      field: 'target',
      message: 'An external client has no cluster DNS: give a node IP or a load-balancer IP',
    };
  const portText = values.port.trim();
  let port: number | undefined;
  if (portText !== '') {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      return { ok: false, field: 'port', message: 'Port must be a whole number from 1 to 65535' };
  }
  const host = (values.host ?? '').trim();
  const path = (values.path ?? '').trim();
  let http: TraceRequest['http'];
  if (host !== '' || path !== '') {
    if (values.protocol !== 'TCP')
      return { ok: false, field: 'http', message: 'An HTTP request (Host, path) needs TCP' };
    if (host !== '' && !HOST_HEADER.test(host))
      return { ok: false, field: 'http', message: `"${host}" is not a host name (with an optional :port)` };
    if (path !== '' && (!path.startsWith('/') || /\s/.test(path)))
      return { ok: false, field: 'http', message: 'The path starts with / and has no spaces' };
    // Like curl, a request without an explicit Host header names the address it dials.
    http = {
      host: host !== '' ? host : port !== undefined ? `${target}:${port}` : target,
      path: path || '/',
    };
  }
  return {
    ok: true,
    request: { from, to: target, port, protocol: values.protocol, ...(http ? { http } : {}) },
  };
}

const HOST_HEADER = /^[A-Za-z0-9*]([-A-Za-z0-9.]*[A-Za-z0-9])?(:\d{1,5})?$/;

/** The form's starting values for a request. */
export function valuesFromRequest(request: TraceRequest): RequestFormValues {
  return {
    client: request.from.kind === 'pod' ? `${request.from.namespace}/${request.from.name}` : EXTERNAL,
    externalIP: request.from.kind === 'external' ? request.from.ip : '',
    target: request.to,
    port: request.port === undefined ? '' : String(request.port),
    protocol: request.protocol ?? 'TCP',
    host: request.http?.host ?? '',
    path: request.http?.path ?? '',
  };
}
