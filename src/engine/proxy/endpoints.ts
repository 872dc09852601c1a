/**
 * Service ports and their endpoints as kube-proxy sees them on one node — mode-neutral, shared by the
 * iptables, ipvs, nftables and userspace modes.
 *
 * Sources (kubernetes/kubernetes v1.33):
 * - pkg/proxy/serviceport.go + service.go (newBaseServiceInfo): which ports are proxied, LB VIPs only for
 *   type LoadBalancer, ExternallyAccessible / UsesClusterEndpoints / UsesLocalEndpoints.
 * - pkg/proxy/endpointslicecache.go (endpointInfoByServicePort, addEndpoints): slice port matched by
 *   name + protocol, only the first address of each endpoint, one IP family, dedup by "ip:port",
 *   unset ready/serving mean true, unset terminating means false, sorted by the "ip:port" string.
 * - pkg/proxy/topology.go (CategorizeEndpoints): ready endpoints, falling back to serving+terminating.
 */
import type {
  Cluster,
  EndpointSlice,
  Protocol,
  Service,
  ServicePort,
  TrafficPolicy,
} from '../../model/types';
import { joinHostPort, servicePortName } from './kubeProxyNames';

export interface EndpointInfo {
  readonly ip: string;
  /** The resolved target port, from the EndpointSlice port. */
  readonly port: number;
  /** `ip:port` (net.JoinHostPort), the endpoint's identity in kube-proxy. */
  readonly endpoint: string;
  readonly nodeName?: string;
  /** The endpoint runs on the node this kube-proxy serves. */
  readonly isLocal: boolean;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly targetRef?: { readonly kind: string; readonly namespace: string; readonly name: string };
}

/** One proxied service port (kube-proxy's ServicePort). */
export interface ServicePortInfo {
  readonly service: Service;
  readonly port: ServicePort;
  /** `ns/svc:port` or `ns/svc`. */
  readonly name: string;
  readonly protocol: Protocol;
  readonly clusterIP: string;
  readonly nodePort: number;
  readonly externalIPs: readonly string[];
  /** status.loadBalancer.ingress IPs; only for type LoadBalancer. */
  readonly loadBalancerVIPs: readonly string[];
  /** Only for type LoadBalancer. */
  readonly loadBalancerSourceRanges: readonly string[];
  /** Only for type LoadBalancer with externalTrafficPolicy Local (apiservice.NeedsHealthCheck). */
  readonly healthCheckNodePort: number;
  readonly sessionAffinityClientIP: boolean;
  readonly stickyMaxAgeSeconds: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** All endpoints of the port from the slices (any condition), sorted as kube-proxy sorts them. */
  readonly endpoints: readonly EndpointInfo[];
}

export interface CategorizedEndpoints {
  /** Usable endpoints for "Cluster" policy; empty when the port never uses Cluster policy. */
  readonly clusterEndpoints: readonly EndpointInfo[];
  /** Usable node-local endpoints for "Local" policy; empty when the port never uses Local policy. */
  readonly localEndpoints: readonly EndpointInfo[];
  /** Union of the two: every endpoint this node can send traffic to (sorted by "ip:port"). */
  readonly allReachableEndpoints: readonly EndpointInfo[];
  /** The service has a usable endpoint somewhere in the cluster. */
  readonly hasAnyEndpoints: boolean;
}

/** NodePort, externalIPs or LoadBalancer IPs (BaseServicePortInfo.ExternallyAccessible). */
export function isExternallyAccessible(sp: ServicePortInfo): boolean {
  return sp.nodePort !== 0 || sp.loadBalancerVIPs.length > 0 || sp.externalIPs.length > 0;
}

/** Internal policy is Cluster, or the port accepts external traffic at all (needed for short-circuit). */
export function usesClusterEndpoints(sp: ServicePortInfo): boolean {
  return !sp.internalPolicyLocal || isExternallyAccessible(sp);
}

export function usesLocalEndpoints(sp: ServicePortInfo): boolean {
  return sp.internalPolicyLocal || (sp.externalPolicyLocal && isExternallyAccessible(sp));
}

/** Go's string `<` on "ip:port": plain code-unit comparison (so "10.0.0.10:80" < "10.0.0.2:80"). */
function compareEndpoint(a: EndpointInfo, b: EndpointInfo): number {
  return a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0;
}

function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** apiservice.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with externalIPs. */
function serviceExternallyAccessible(svc: Service): boolean {
  return (
    svc.type === 'LoadBalancer' ||
    svc.type === 'NodePort' ||
    (svc.type === 'ClusterIP' && svc.externalIPs.length > 0)
  );
}

function isLocalPolicy(policy: TrafficPolicy): boolean {
  return policy === 'Local';
}

function sliceKey(namespace: string, serviceName: string): string {
  return `${namespace}/${serviceName}`;
}

/** Groups the cluster's slices by `ns/service` once, so building stays O(services × endpoints). */
export function indexEndpointSlices(cluster: Cluster): ReadonlyMap<string, readonly EndpointSlice[]> {
  const index = new Map<string, EndpointSlice[]>();
  for (const slice of cluster.endpointSlices) {
    const key = sliceKey(slice.namespace, slice.serviceName);
    const list = index.get(key);
    if (list) list.push(slice);
    else index.set(key, [slice]);
  }
  return index;
}

/**
 * The endpoints of one service port, from the service's EndpointSlices: slice ports match by name
 * (unset = "") and protocol; endpoints of the other IP family are skipped (this is the IPv4 proxier
 * unless the cluster IP is IPv6); duplicates by "ip:port" keep the local one.
 */
export function endpointsForServicePort(
  slices: readonly EndpointSlice[],
  port: ServicePort,
  nodeName: string,
  ipv6: boolean,
): EndpointInfo[] {
  const byEndpoint = new Map<string, EndpointInfo>();
  const wantedName = port.name ?? '';
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    for (const slicePort of slice.ports) {
      if ((slicePort.name ?? '') !== wantedName || slicePort.protocol !== port.protocol) continue;
      if (!slicePort.port) continue;
      for (const ep of slice.endpoints) {
        const ip = ep.addresses[0];
        if (ip === undefined || isIPv6(ip) !== ipv6) continue;
        const isLocal = ep.nodeName !== undefined && ep.nodeName === nodeName;
        const endpoint = joinHostPort(ip, slicePort.port);
        const info: EndpointInfo = {
          ip,
          port: slicePort.port,
          endpoint,
          ...(ep.nodeName !== undefined ? { nodeName: ep.nodeName } : {}),
          isLocal,
          ready: ep.conditions.ready,
          serving: ep.conditions.serving,
          terminating: ep.conditions.terminating,
          ...(ep.targetRef ? { targetRef: ep.targetRef } : {}),
        };
        if (!byEndpoint.has(endpoint) || isLocal) byEndpoint.set(endpoint, info);
      }
    }
  }
  return [...byEndpoint.values()].sort(compareEndpoint);
}

/**
 * The service ports kube-proxy proxies, in a stable order (by service port name, then protocol).
 * Headless and ExternalName services, and services without a cluster IP, are skipped as kube-proxy
 * skips them (service.go: "Skipping service due to cluster IP").
 */
export function listServicePorts(cluster: Cluster, nodeName: string): ServicePortInfo[] {
  const slicesByService = indexEndpointSlices(cluster);
  const result: ServicePortInfo[] = [];
  for (const svc of cluster.services) {
    if (svc.type === 'ExternalName' || svc.headless || svc.clusterIP === null) continue;
    const clusterIP = svc.clusterIP;
    const ipv6 = isIPv6(clusterIP);
    const externallyAccessible = serviceExternallyAccessible(svc);
    const isLoadBalancer = svc.type === 'LoadBalancer';
    const externalPolicyLocal = externallyAccessible && isLocalPolicy(svc.externalTrafficPolicy);
    const slices = slicesByService.get(sliceKey(svc.namespace, svc.name)) ?? [];
    for (const port of svc.ports) {
      result.push({
        service: svc,
        port,
        name: servicePortName(svc.namespace, svc.name, port.name),
        protocol: port.protocol,
        clusterIP,
        nodePort:
          (svc.type === 'NodePort' || isLoadBalancer) && port.nodePort !== undefined ? port.nodePort : 0,
        externalIPs: svc.externalIPs.filter((ip) => isIPv6(ip) === ipv6),
        loadBalancerVIPs: isLoadBalancer ? svc.loadBalancerIPs.filter((ip) => isIPv6(ip) === ipv6) : [],
        loadBalancerSourceRanges: isLoadBalancer
          ? svc.loadBalancerSourceRanges.map((r) => r.trim()).filter((r) => isIPv6(r) === ipv6)
          : [],
        healthCheckNodePort:
          isLoadBalancer && externalPolicyLocal && svc.healthCheckNodePort !== undefined
            ? svc.healthCheckNodePort
            : 0,
        sessionAffinityClientIP: svc.sessionAffinity === 'ClientIP',
        stickyMaxAgeSeconds: svc.sessionAffinity === 'ClientIP' ? svc.sessionAffinityTimeoutSeconds : 0,
        externalPolicyLocal,
        internalPolicyLocal: isLocalPolicy(svc.internalTrafficPolicy),
        endpoints: endpointsForServicePort(slices, port, nodeName, ipv6),
      });
    }
  }
  return result.sort((a, b) =>
    a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : a.protocol < b.protocol
          ? -1
          : a.protocol > b.protocol
            ? 1
            : 0,
  );
}

/**
 * CategorizeEndpoints without topology hints (the model has no zones/hints): Cluster policy uses ready
 * endpoints, or serving+terminating ones when none is ready anywhere; Local policy uses local ready
 * endpoints, or local serving+terminating ones when no local endpoint is ready. serving=false is never used.
 */
export function categorizeEndpoints(sp: ServicePortInfo): CategorizedEndpoints {
  const all = sp.endpoints;
  let clusterEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(sp)) {
    clusterEndpoints = all.filter((ep) => ep.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = all.filter((ep) => ep.serving && ep.terminating);
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(sp)) {
    return { clusterEndpoints, localEndpoints: [], allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }
  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const ep of all) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalReady = true;
    } else if (ep.serving && ep.terminating) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalServingTerminating = true;
    }
  }
  let localEndpoints: EndpointInfo[] = [];
  let useServingTerminating = false;
  if (hasLocalReady) {
    localEndpoints = all.filter((ep) => ep.isLocal && ep.ready);
  } else if (hasLocalServingTerminating) {
    useServingTerminating = true;
    localEndpoints = all.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  }
  if (!usesClusterEndpoints(sp)) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  }
  if (!useServingTerminating) {
    // localEndpoints are ready ones, all of which are in clusterEndpoints already.
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }
  const merged = new Map<string, EndpointInfo>();
  for (const ep of clusterEndpoints) merged.set(ep.endpoint, ep);
  for (const ep of localEndpoints) merged.set(ep.endpoint, ep);
  // kube-proxy builds this union from a Go map (random order); we keep kube-proxy's endpoint sort.
  const allReachableEndpoints = [...merged.values()].sort(compareEndpoint);
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}
