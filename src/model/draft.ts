/**
 * What the manifest reader produces: the cluster as the user wrote it, with addresses and ports optional.
 * `resolveCluster` turns a draft into a `Cluster` by running IPAM the way Kubernetes would (node IPAM for
 * podCIDRs, the CNI's host-local IPAM for pod IPs, the API server's allocators for ClusterIPs and NodePorts)
 * and by deriving what controllers would create (EndpointSlices, a Deployment's pods).
 */
import type {
  CniMode,
  Container,
  Deployment,
  DnsPolicy,
  EndpointSlice,
  HostAlias,
  Ingress,
  IpvsScheduler,
  Labels,
  NetworkPolicy,
  PodDnsConfig,
  PodPhase,
  ProxyMode,
  Route,
  Service,
  ServicePort,
  SourceRef,
  UserspaceProxyPort,
} from './types';

export interface NodeDraft {
  readonly name: string;
  readonly labels: Labels;
  readonly internalIP?: string;
  readonly podCIDR?: string;
  readonly source?: SourceRef;
}

export interface PodDraft {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly nodeName?: string;
  readonly podIP?: string;
  readonly hostNetwork: boolean;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly containers: readonly Container[];
  readonly hostAliases: readonly HostAlias[];
  readonly dnsPolicy: DnsPolicy;
  readonly dnsConfig?: PodDnsConfig;
  /** status.phase; absent in a bare manifest (the pod is about to be created, so it will be Running). */
  readonly phase?: PodPhase;
  /** The Ready condition; absent in a bare manifest (taken as ready once running). */
  readonly ready?: boolean;
  readonly terminating: boolean;
  readonly ownerDeployment?: string;
  readonly source?: SourceRef;
}

export type ServicePortDraft = Omit<ServicePort, 'nodePort'> & { readonly nodePort?: number };

export type ServiceDraft = Omit<Service, 'clusterIP' | 'headless' | 'ports'> & {
  /** Absent: allocate one. `None`: headless. */
  readonly clusterIP?: string;
  readonly ports: readonly ServicePortDraft[];
};

export interface NetworkDraft {
  readonly clusterCIDR?: string;
  readonly nodeCIDRMaskSize?: number;
  readonly serviceCIDR?: string;
  readonly nodeNetwork?: string;
  readonly clusterDomain?: string;
  readonly dnsServiceIP?: string;
  readonly nodePortRange?: { readonly min: number; readonly max: number };
  readonly router?: { readonly name?: string; readonly ip?: string; readonly routes?: readonly Route[] };
  readonly proxyMode?: ProxyMode;
  readonly ipvsScheduler?: IpvsScheduler;
  readonly userspaceProxyPorts?: readonly UserspaceProxyPort[];
  readonly cniMode?: CniMode;
  readonly bridgeName?: string;
  readonly source?: SourceRef;
}

export interface ClusterDraft {
  readonly name: string;
  readonly network: NetworkDraft;
  readonly nodes: readonly NodeDraft[];
  readonly pods: readonly PodDraft[];
  readonly services: readonly ServiceDraft[];
  /** Slices given in the input (complete: real clusters export them with addresses). */
  readonly endpointSlices: readonly EndpointSlice[];
  readonly deployments: readonly Deployment[];
  /** NetworkPolicies as read (absent: none). */
  readonly networkPolicies?: readonly NetworkPolicy[];
  /** Ingresses as read (absent: none). */
  readonly ingresses?: readonly Ingress[];
}
