/**
 * A resolved `Cluster` read back into the `ClusterDraft` it could have come from, with everything already
 * assigned pinned: node podCIDRs and addresses, pod nodes and IPs, Service ClusterIPs and NodePorts. Adding
 * one Service to it (or flipping one pod's readiness) and resolving again changes only what the API server
 * and the controllers would change — objects already stored keep what they were given.
 */
import type { ClusterDraft, PodDraft, ServiceDraft } from '../../model/draft';
import type { Cluster, Pod, Service } from '../../model/types';

function podDraft(p: Pod): PodDraft {
  return {
    name: p.name,
    namespace: p.namespace,
    labels: p.labels,
    ...(p.nodeName !== null ? { nodeName: p.nodeName } : {}),
    ...(p.podIP !== null ? { podIP: p.podIP } : {}),
    hostNetwork: p.hostNetwork,
    ...(p.hostname !== undefined ? { hostname: p.hostname } : {}),
    ...(p.subdomain !== undefined ? { subdomain: p.subdomain } : {}),
    containers: p.containers,
    hostAliases: p.hostAliases,
    dnsPolicy: p.dnsPolicy,
    ...(p.dnsConfig !== undefined ? { dnsConfig: p.dnsConfig } : {}),
    phase: p.phase,
    ready: p.ready,
    terminating: p.terminating,
    ...(p.ownerDeployment !== undefined ? { ownerDeployment: p.ownerDeployment } : {}),
    ...(p.source ? { source: p.source } : {}),
  };
}

/** A stored Service as a draft that pins its ClusterIP (`None` when headless) and NodePorts. */
export function serviceDraft(s: Service): ServiceDraft {
  const { clusterIP, headless, ports, kind, ...rest } = s;
  const pinned = headless ? 'None' : clusterIP;
  return {
    ...rest,
    kind,
    ...(pinned !== null ? { clusterIP: pinned } : {}),
    ports: ports.map((p) => ({ ...p })),
  };
}

export function clusterToDraft(c: Cluster): ClusterDraft {
  const n = c.network;
  return {
    name: c.name,
    network: {
      clusterCIDR: n.clusterCIDR,
      nodeCIDRMaskSize: n.nodeCIDRMaskSize,
      serviceCIDR: n.serviceCIDR,
      nodeNetwork: n.nodeNetwork,
      clusterDomain: n.clusterDomain,
      dnsServiceIP: n.dnsServiceIP,
      nodePortRange: n.nodePortRange,
      router: { name: n.router.name, ip: n.router.ip, routes: n.router.routes },
      proxyMode: n.proxyMode,
      ipvsScheduler: n.ipvsScheduler,
      userspaceProxyPorts: n.userspaceProxyPorts,
      cniMode: n.cniMode,
      bridgeName: n.bridgeName,
    },
    nodes: c.nodes.map((node) => ({
      name: node.name,
      labels: node.labels,
      internalIP: node.internalIP,
      podCIDR: node.podCIDR,
      ...(node.source ? { source: node.source } : {}),
    })),
    pods: c.pods.map(podDraft),
    services: c.services.map(serviceDraft),
    // Slices the controller derived are derived again from the pods; only the input's own are kept.
    endpointSlices: c.endpointSlices.filter((s) => !s.derived),
    deployments: c.deployments,
    // Objects resolve keeps as they are: an edit, a patch or a new pod must not lose them.
    networkPolicies: c.networkPolicies,
    ...(c.ingresses ? { ingresses: c.ingresses } : {}),
  };
}
