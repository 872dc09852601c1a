/**
 * The IPVS table kube-proxy (IPVS mode, IPv4) programs on one node, and the ipset entries and kube-ipvs0
 * addresses it sets up in the same sync.
 *
 * Follows kubernetes/kubernetes v1.33 pkg/proxy/ipvs/proxier.go syncProxyRules, syncService and
 * syncEndpoint: one virtual server per (address, port, protocol) — the ClusterIP, each externalIP, each
 * LoadBalancer ingress IP, and each node address for a NodePort — with scheduler `--ipvs-scheduler`
 * (default rr), `persistent <stickyMaxAgeSeconds>` for ClientIP affinity, the `mh-port` flag (FlagSourceHash)
 * for mh; real servers forward by masquerading (NAT) with weight 1.
 */
import type { Cluster, IpvsScheduler, Protocol } from '../../../model/types';
import { cidrContainsText, parseIPv4 } from '../../netfilter/ipv4';
import type { EndpointInfo, ServicePortInfo } from '../endpoints';
import { categorizeEndpoints, listServicePorts } from '../endpoints';
import { joinHostPort } from '../kubeProxyNames';
import {
  IpsetTable,
  KUBE_CLUSTER_IP,
  KUBE_EXTERNAL_IP,
  KUBE_EXTERNAL_IP_LOCAL,
  KUBE_HEALTH_CHECK_NODE_PORT,
  KUBE_IPVS_IPS,
  KUBE_LOAD_BALANCER,
  KUBE_LOAD_BALANCER_FW,
  KUBE_LOAD_BALANCER_LOCAL,
  KUBE_LOAD_BALANCER_SOURCE_CIDR,
  KUBE_LOAD_BALANCER_SOURCE_IP,
  KUBE_LOOP_BACK,
  KUBE_NODE_PORT_LOCAL_SCTP,
  KUBE_NODE_PORT_LOCAL_TCP,
  KUBE_NODE_PORT_LOCAL_UDP,
  KUBE_NODE_PORT_SCTP,
  KUBE_NODE_PORT_TCP,
  KUBE_NODE_PORT_UDP,
} from './ipsets';

/** proxier.go defaultDummyDevice: the dummy interface every service address is bound to. */
export const DUMMY_DEVICE = 'kube-ipvs0';
/** proxier.go defaultScheduler. */
export const DEFAULT_SCHEDULER: IpvsScheduler = 'rr';

export type VirtualServerKind = 'ClusterIP' | 'ExternalIP' | 'LoadBalancer' | 'NodePort';

export interface IpvsRealServer {
  /** Id of the `  -> ip:port …` line in `ipvsadm -Ln`. */
  readonly id: string;
  readonly ip: string;
  readonly port: number;
  /** syncEndpoint adds every destination with Weight: 1. */
  readonly weight: number;
  /** kube-proxy only uses NAT ("Masq") forwarding: it is the only IPVS method that maps ports. */
  readonly forward: 'Masq';
  readonly isLocal: boolean;
  readonly nodeName?: string;
}

export interface IpvsVirtualServer {
  /** Id of the `TCP  ip:port sched …` line in `ipvsadm -Ln`. */
  readonly id: string;
  readonly protocol: Protocol;
  readonly ip: string;
  readonly port: number;
  readonly scheduler: IpvsScheduler;
  /** FlagPersistent with Timeout = sessionAffinityConfig.clientIP.timeoutSeconds. */
  readonly persistentTimeout?: number;
  /** Scheduler flags as ipvsadm names them (kube-proxy sets FlagSourceHash = `mh-port` for mh). */
  readonly schedulerFlags: readonly string[];
  /** `ns/svc:port` */
  readonly servicePort: string;
  readonly kind: VirtualServerKind;
  /** The endpoint list was limited to node-local endpoints (eTP/iTP Local with local endpoints). */
  readonly onlyLocal: boolean;
  /** eTP/iTP Local without local endpoints: kube-proxy fell back to all endpoints (PR #97081). */
  readonly localFallback: boolean;
  /** Kernel list order of the destinations (see buildIpvsState). */
  readonly realServers: readonly IpvsRealServer[];
}

export interface IpvsState {
  /** In the order kube-proxy creates them (service ports sorted by name; kube-proxy walks a Go map). */
  readonly virtualServers: readonly IpvsVirtualServer[];
  /** Addresses bound to kube-ipvs0, in binding order. */
  readonly boundAddresses: readonly string[];
  readonly ipsets: IpsetTable;
  /** Node addresses that get NodePort virtual servers (all local non-loopback addresses but kube-ipvs0's). */
  readonly nodeIPs: readonly string[];
  readonly scheduler: IpvsScheduler;
}

export function virtualServerId(protocol: Protocol, ip: string, port: number): string {
  return `ipvs/${protocol}/${joinHostPort(ip, port)}`;
}

export function realServerId(vsId: string, ip: string, port: number): string {
  return `${vsId}/${joinHostPort(ip, port)}`;
}

/**
 * libipvs ipvs_cmp_dests: `ntohl(a) - ntohl(b)` in C int arithmetic, then the port. ipvsadm sorts the
 * destinations this way before printing (unless --nosort).
 */
export function compareDestinations(
  a: { ip: string; port: number },
  b: { ip: string; port: number },
): number {
  const r = ((parseIPv4(a.ip) ?? 0) - (parseIPv4(b.ip) ?? 0)) | 0;
  return r !== 0 ? r : a.port - b.port;
}

/**
 * The node addresses kube-proxy uses for NodePort virtual servers: GetAllLocalAddressesExcept(kube-ipvs0)
 * filtered by isValidForSet (no loopback, one family) — here eth0's InternalIP and the bridge address.
 */
export function nodePortAddresses(cluster: Cluster, nodeName: string): string[] {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  if (!node) return [];
  return [...new Set([node.internalIP, node.bridge.ip])];
}

interface Builder {
  readonly scheduler: IpvsScheduler;
  readonly servers: Map<string, IpvsVirtualServer>;
  readonly bound: Set<string>;
}

function lower(protocol: Protocol): string {
  return protocol.toLowerCase();
}

/**
 * syncEndpoint: the endpoints a virtual server gets. With `onlyNodeLocalEndpoints` (iTP Local for the
 * ClusterIP, eTP Local for external addresses) it is the local endpoints, or — PR #97081, "Allow access
 * from local PODs even if no local endpoints exist" — the cluster endpoints when there is none.
 */
function endpointsFor(
  sp: ServicePortInfo,
  onlyNodeLocal: boolean,
): { endpoints: readonly EndpointInfo[]; onlyLocal: boolean; fallback: boolean } {
  const { clusterEndpoints, localEndpoints } = categorizeEndpoints(sp);
  if (!onlyNodeLocal) return { endpoints: clusterEndpoints, onlyLocal: false, fallback: false };
  if (localEndpoints.length > 0) return { endpoints: localEndpoints, onlyLocal: true, fallback: false };
  return { endpoints: clusterEndpoints, onlyLocal: false, fallback: true };
}

function addVirtualServer(
  b: Builder,
  sp: ServicePortInfo,
  kind: VirtualServerKind,
  ip: string,
  port: number,
  onlyNodeLocal: boolean,
): void {
  const id = virtualServerId(sp.protocol, ip, port);
  // The same address:port:protocol from two services is one IPVS service; kube-proxy's later sync of it
  // would rewrite the destinations. We keep the first, in our deterministic order.
  if (b.servers.has(id)) return;
  const { endpoints, onlyLocal, fallback } = endpointsFor(sp, onlyNodeLocal);
  // The kernel keeps destinations in the order they were added; kube-proxy adds them from a Go set
  // (random order). We add them in the order ipvsadm lists them, so rr walks the listing top to bottom.
  const realServers: IpvsRealServer[] = endpoints
    .map((ep) => ({
      id: realServerId(id, ep.ip, ep.port),
      ip: ep.ip,
      port: ep.port,
      weight: 1,
      forward: 'Masq' as const,
      isLocal: ep.isLocal,
      ...(ep.nodeName !== undefined ? { nodeName: ep.nodeName } : {}),
    }))
    .sort(compareDestinations);
  b.servers.set(id, {
    id,
    protocol: sp.protocol,
    ip,
    port,
    scheduler: b.scheduler,
    ...(sp.sessionAffinityClientIP ? { persistentTimeout: sp.stickyMaxAgeSeconds } : {}),
    schedulerFlags: b.scheduler === 'mh' ? ['mh-port'] : [],
    servicePort: sp.name,
    kind,
    onlyLocal,
    localFallback: fallback,
    realServers,
  });
}

/** Builds the node's IPVS services, ipsets and kube-ipvs0 addresses. O(service ports × endpoints). */
export function buildIpvsState(
  cluster: Cluster,
  nodeName: string,
  scheduler: IpvsScheduler = DEFAULT_SCHEDULER,
): IpvsState {
  const ipsets = new IpsetTable();
  const b: Builder = { scheduler, servers: new Map(), bound: new Set() };
  const servicePorts = listServicePorts(cluster, nodeName).filter((sp) => !sp.clusterIP.includes(':'));
  const nodeIPs = nodePortAddresses(cluster, nodeName);
  const nodeAddressSet = new Set(nodeIPs);
  const nodeIP = cluster.nodes.find((n) => n.name === nodeName)?.internalIP;

  for (const sp of servicePorts) {
    const protocol = lower(sp.protocol);
    const port = sp.port.port;

    // Handle traffic that loops back to the originator with SNAT (hairpin): local endpoints only.
    for (const ep of sp.endpoints) {
      if (!ep.isLocal) continue;
      ipsets.add(KUBE_LOOP_BACK, { kind: 'ip,port,ip', ip: ep.ip, protocol, port: ep.port, ip2: ep.ip });
    }

    // Capture the clusterIP (bound to kube-ipvs0).
    ipsets.add(KUBE_CLUSTER_IP, { kind: 'ip,port', ip: sp.clusterIP, protocol, port });
    addVirtualServer(b, sp, 'ClusterIP', sp.clusterIP, port, sp.internalPolicyLocal);
    b.bound.add(sp.clusterIP);

    // Capture externalIPs ("We must not add the address to the dummy device if it exist on another interface").
    for (const externalIP of sp.externalIPs) {
      ipsets.add(sp.externalPolicyLocal ? KUBE_EXTERNAL_IP_LOCAL : KUBE_EXTERNAL_IP, {
        kind: 'ip,port',
        ip: externalIP,
        protocol,
        port,
      });
      addVirtualServer(b, sp, 'ExternalIP', externalIP, port, sp.externalPolicyLocal);
      if (!nodeAddressSet.has(externalIP)) b.bound.add(externalIP);
    }

    // Capture load-balancer ingress.
    for (const ingress of sp.loadBalancerVIPs) {
      const entry = { kind: 'ip,port', ip: ingress, protocol, port } as const;
      ipsets.add(KUBE_LOAD_BALANCER, entry);
      if (sp.externalPolicyLocal) ipsets.add(KUBE_LOAD_BALANCER_LOCAL, entry);
      if (sp.loadBalancerSourceRanges.length > 0) {
        ipsets.add(KUBE_LOAD_BALANCER_FW, entry);
        let allowFromNode = false;
        for (const cidr of sp.loadBalancerSourceRanges) {
          ipsets.add(KUBE_LOAD_BALANCER_SOURCE_CIDR, {
            kind: 'ip,port,net',
            ip: ingress,
            protocol,
            port,
            net: cidr,
          });
          if (nodeIP !== undefined && cidrContainsText(cidr, nodeIP)) allowFromNode = true;
        }
        // Requests to the LB VIP from the LB's own backend hosts loop back; allow them from the VIP itself.
        if (allowFromNode) {
          ipsets.add(KUBE_LOAD_BALANCER_SOURCE_IP, {
            kind: 'ip,port,ip',
            ip: ingress,
            protocol,
            port,
            ip2: ingress,
          });
        }
      }
      addVirtualServer(b, sp, 'LoadBalancer', ingress, port, sp.externalPolicyLocal);
      if (!nodeAddressSet.has(ingress)) b.bound.add(ingress);
    }

    // NodePorts: a port in a bitmap:port set (SCTP: hash:ip,port per node IP), a virtual server per node IP.
    if (sp.nodePort !== 0 && nodeIPs.length > 0) {
      const sctp = sp.protocol === 'SCTP';
      const setName = sctp
        ? KUBE_NODE_PORT_SCTP
        : sp.protocol === 'UDP'
          ? KUBE_NODE_PORT_UDP
          : KUBE_NODE_PORT_TCP;
      const localSetName = sctp
        ? KUBE_NODE_PORT_LOCAL_SCTP
        : sp.protocol === 'UDP'
          ? KUBE_NODE_PORT_LOCAL_UDP
          : KUBE_NODE_PORT_LOCAL_TCP;
      for (const target of sp.externalPolicyLocal ? [setName, localSetName] : [setName]) {
        if (sctp) {
          for (const ip of nodeIPs) ipsets.add(target, { kind: 'ip,port', ip, protocol, port: sp.nodePort });
        } else {
          ipsets.add(target, { kind: 'port', port: sp.nodePort });
        }
      }
      for (const ip of nodeIPs) addVirtualServer(b, sp, 'NodePort', ip, sp.nodePort, sp.externalPolicyLocal);
    }

    if (sp.healthCheckNodePort !== 0) {
      ipsets.add(KUBE_HEALTH_CHECK_NODE_PORT, { kind: 'port', port: sp.healthCheckNodePort });
    }
  }

  // KUBE-IPVS-IPS holds exactly the addresses bound to kube-ipvs0.
  for (const ip of b.bound) ipsets.add(KUBE_IPVS_IPS, { kind: 'ip', ip });

  return {
    virtualServers: [...b.servers.values()],
    boundAddresses: [...b.bound],
    ipsets,
    nodeIPs,
    scheduler,
  };
}
