/**
 * The kube-netviz model: plain, readonly, Kubernetes-shaped data.
 *
 * Field names follow the Kubernetes API (core/v1 Node, Pod, Service; discovery.k8s.io/v1 EndpointSlice;
 * apps/v1 Deployment) so that what a user reads here is what `kubectl get -o yaml` shows. A `Cluster` is
 * always fully resolved: every address and port that Kubernetes would have assigned is present (IPAM fills
 * what the input left out, see `resolveCluster`). Kubernetes behaviour followed: v1.33.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** kube-proxy's modes. userspace was removed in v1.26; nftables is GA since v1.33. */
export type ProxyMode = 'userspace' | 'iptables' | 'ipvs' | 'nftables';

/** IPVS schedulers kube-proxy accepts (pkg/proxy/apis/config/types.go IPVSSchedulerMethod). */
export type IpvsScheduler =
  'rr' | 'wrr' | 'lc' | 'wlc' | 'lblc' | 'lblcr' | 'sh' | 'dh' | 'sed' | 'nq' | 'mh';

/**
 * How pod traffic crosses between nodes.
 * - `gateway-routes`: the seed's picture (kubenet-style): every node's podCIDR is routed by the router to
 *   that node's eth0.
 * - `vxlan`: an overlay (flannel-style) — pod packets are encapsulated node to node.
 * - `bgp`: L3 routing (Calico-style) — nodes learn each other's podCIDR routes.
 * - `docker-bridge`: no Kubernetes pod network at all — Docker's default bridge `docker0` on every node, each
 *   with the same subnet (172.17.0.0/16, gateway 172.17.0.1) and its own IPAM, so addresses repeat across
 *   nodes and nothing routes between them (the seed's "Pod Network Architecture" figure, the broken model).
 */
export type CniMode = 'gateway-routes' | 'vxlan' | 'bgp' | 'docker-bridge';

export type Labels = Readonly<Record<string, string>>;

/** Where an object came from in the user's input, so later errors can point back at it. */
export interface SourceRef {
  /** 1-based index of the YAML/JSON document (or list item) in the input. */
  readonly document: number;
  /** Path of the object inside that document, e.g. `items[3]`; empty for a top-level object. */
  readonly path: string;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly source?: SourceRef;
}

// ---------------------------------------------------------------------------------------------------------
// Node

export interface Bridge {
  /** kubenet names its bridge `cbr0` (the seed's "custom bridge"); Docker's default is `docker0`. */
  readonly name: string;
  /** The bridge's own address: the first host address of the node's podCIDR. */
  readonly ip: string;
}

export interface Node {
  readonly kind: 'Node';
  readonly name: string;
  readonly labels: Labels;
  /** status.addresses[type=InternalIP]: the address of the node's `eth0`. */
  readonly internalIP: string;
  /** spec.podCIDR: the range this node's pods get their addresses from. */
  readonly podCIDR: string;
  readonly bridge: Bridge;
  readonly source?: SourceRef;
}

// ---------------------------------------------------------------------------------------------------------
// Pod

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports: readonly ContainerPort[];
}

export interface HostAlias {
  readonly ip: string;
  readonly hostnames: readonly string[];
}

export type DnsPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

export interface PodDnsConfig {
  readonly nameservers: readonly string[];
  readonly searches: readonly string[];
  readonly options: readonly { readonly name: string; readonly value?: string }[];
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface Pod extends ObjectMeta {
  readonly kind: 'Pod';
  /** spec.nodeName; null while the pod is not scheduled. */
  readonly nodeName: string | null;
  /** status.podIP; the node's InternalIP for hostNetwork pods; null when the pod has no address. */
  readonly podIP: string | null;
  readonly hostNetwork: boolean;
  readonly hostname?: string;
  readonly subdomain?: string;
  /** The sandbox ("pause") container's image: it holds the pod's network namespace. */
  readonly pauseImage: string;
  readonly containers: readonly Container[];
  readonly hostAliases: readonly HostAlias[];
  readonly dnsPolicy: DnsPolicy;
  readonly dnsConfig?: PodDnsConfig;
  readonly phase: PodPhase;
  /** The Ready condition. */
  readonly ready: boolean;
  /** Set while the pod is being deleted (metadata.deletionTimestamp present). */
  readonly terminating: boolean;
  /** Name of the host end of the pod's veth pair (on the node's bridge); absent for hostNetwork pods. */
  readonly hostVeth?: string;
  /** The Deployment that created this pod, if any. */
  readonly ownerDeployment?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Service

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type TrafficPolicy = 'Cluster' | 'Local';

export interface ServicePort {
  /** Required by the API when a Service has more than one port. */
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** A number, or the name of a container port (resolved per endpoint). */
  readonly targetPort: number | string;
  readonly nodePort?: number;
}

export interface Service extends ObjectMeta {
  readonly kind: 'Service';
  readonly type: ServiceType;
  /** spec.clusterIP; null for headless Services (`None`) and ExternalName Services. */
  readonly clusterIP: string | null;
  /** True for `clusterIP: None`. */
  readonly headless: boolean;
  readonly ports: readonly ServicePort[];
  /** null: no selector (endpoints are managed by hand). */
  readonly selector: Labels | null;
  readonly sessionAffinity: 'None' | 'ClientIP';
  /** sessionAffinityConfig.clientIP.timeoutSeconds; Kubernetes' default is 10800. */
  readonly sessionAffinityTimeoutSeconds: number;
  readonly externalTrafficPolicy: TrafficPolicy;
  readonly internalTrafficPolicy: TrafficPolicy;
  readonly externalName?: string;
  readonly externalIPs: readonly string[];
  /** status.loadBalancer.ingress[].ip */
  readonly loadBalancerIPs: readonly string[];
  readonly loadBalancerSourceRanges: readonly string[];
  readonly healthCheckNodePort?: number;
}

// ---------------------------------------------------------------------------------------------------------
// EndpointSlice (discovery.k8s.io/v1)

export interface EndpointConditions {
  /** Unset means ready (discovery.k8s.io/v1 semantics). */
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
}

export interface Endpoint {
  readonly addresses: readonly string[];
  readonly conditions: EndpointConditions;
  readonly hostname?: string;
  readonly nodeName?: string;
  readonly targetRef?: { readonly kind: string; readonly namespace: string; readonly name: string };
}

export interface EndpointPort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
}

export interface EndpointSlice extends ObjectMeta {
  readonly kind: 'EndpointSlice';
  /** The kubernetes.io/service-name label. */
  readonly serviceName: string;
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN';
  readonly ports: readonly EndpointPort[];
  readonly endpoints: readonly Endpoint[];
  /** True when kube-netviz derived the slice from the Service selector (the input had none). */
  readonly derived: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Deployment

export interface Deployment extends ObjectMeta {
  readonly kind: 'Deployment';
  readonly replicas: number;
  readonly selector: Labels;
  readonly template: {
    readonly labels: Labels;
    readonly containers: readonly Container[];
    readonly hostNetwork: boolean;
    readonly dnsPolicy: DnsPolicy;
    readonly hostAliases: readonly HostAlias[];
    readonly nodeName?: string;
  };
}

// ---------------------------------------------------------------------------------------------------------
// NetworkPolicy (networking.k8s.io/v1); the evaluator is in ./networkPolicy.ts

/** metav1.LabelSelectorRequirement */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: readonly string[];
}

/** metav1.LabelSelector: matchLabels and matchExpressions are ANDed; an empty selector selects everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export interface IPBlock {
  readonly cidr: string;
  /** CIDRs inside `cidr` that the block leaves out. */
  readonly except: readonly string[];
}

/** One `from`/`to` entry. podSelector and namespaceSelector in one peer are ANDed; ipBlock stands alone. */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  /** Defaults to TCP. */
  readonly protocol: Protocol;
  /** A number, or a named container port of the destination pod; absent: every port. */
  readonly port?: number | string;
  /** With a numeric `port`: the range port..endPort. */
  readonly endPort?: number;
}

/** An ingress rule (`from`) or an egress rule (`to`): empty peers = every peer, empty ports = every port. */
export interface NetworkPolicyRule {
  readonly ports: readonly NetworkPolicyPort[];
  readonly peers: readonly NetworkPolicyPeer[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicy extends ObjectMeta {
  readonly kind: 'NetworkPolicy';
  readonly podSelector: LabelSelector;
  /** After defaulting: Ingress always unless given, Egress when egress rules exist. */
  readonly policyTypes: readonly PolicyType[];
  readonly ingress: readonly NetworkPolicyRule[];
  readonly egress: readonly NetworkPolicyRule[];
}

// ---------------------------------------------------------------------------------------------------------
// Ingress (networking.k8s.io/v1); the L7 routing decision is in src/engine/ingress

/** HTTPIngressPath.pathType: required in networking.k8s.io/v1 (no default). */
export type IngressPathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** IngressBackend.service: a Service in the Ingress's namespace and one of its ports, by number or by name. */
export interface IngressServiceBackend {
  readonly name: string;
  readonly port: { readonly number: number } | { readonly name: string };
}

export interface IngressPath {
  /** Empty only for ImplementationSpecific (Exact and Prefix paths must be absolute). */
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly backend: IngressServiceBackend;
}

export interface IngressRule {
  /** Empty: every host. A precise name (`shop.example.com`) or one wildcard label (`*.example.com`). */
  readonly host: string;
  /** http.paths; empty when the rule has no `http` (a host that only routes to the default backend). */
  readonly paths: readonly IngressPath[];
}

export interface IngressTLS {
  readonly hosts: readonly string[];
  readonly secretName?: string;
}

export interface Ingress extends ObjectMeta {
  readonly kind: 'Ingress';
  /** spec.ingressClassName: which controller serves it (ingress-nginx's IngressClass is `nginx`). */
  readonly ingressClassName?: string;
  /**
   * The deprecated `kubernetes.io/ingress.class` annotation. ingress-nginx still honours it when
   * spec.ingressClassName is absent (internal/ingress/controller/store/store.go GetIngressClass).
   */
  readonly classAnnotation?: string;
  readonly defaultBackend?: IngressServiceBackend;
  readonly rules: readonly IngressRule[];
  readonly tls: readonly IngressTLS[];
  /**
   * The `nginx.ingress.kubernetes.io/service-upstream: "true"` annotation: ingress-nginx proxies to the
   * Service's ClusterIP instead of straight to its endpoints (the pod IPs).
   */
  readonly serviceUpstream: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Cluster-wide network settings (the kube-netviz `NetvizCluster` object; see README)

export interface Route {
  /** A CIDR, or `default`. */
  readonly destination: string;
  /** Next-hop address; absent for a directly connected network. */
  readonly via?: string;
  /** Outgoing device. */
  readonly dev: string;
  /** Preferred source address (set by the kernel on connected routes). */
  readonly src?: string;
  /** Who installed the route, as `ip route` prints it (`kernel` for connected networks, `bird` for BGP). */
  readonly proto?: 'kernel' | 'static' | 'bird';
  readonly scope?: 'link';
  /** Next hop reachable on the device even though no connected route covers it (VXLAN's `onlink`). */
  readonly onlink?: boolean;
}

export interface Router {
  readonly name: string;
  /** The gateway address on the node network. */
  readonly ip: string;
  /** The routes the router holds: one per node podCIDR via that node's eth0 (gateway-routes mode). */
  readonly routes: readonly Route[];
}

export interface ClusterNetwork {
  /** kube-controller-manager --cluster-cidr: the range node podCIDRs are cut from. */
  readonly clusterCIDR: string;
  /** kube-controller-manager --node-cidr-mask-size (default 24). */
  readonly nodeCIDRMaskSize: number;
  /** kube-apiserver --service-cluster-ip-range. */
  readonly serviceCIDR: string;
  /** The network the nodes' eth0 sit on. */
  readonly nodeNetwork: string;
  /** kubelet --cluster-domain. */
  readonly clusterDomain: string;
  /** kubelet --cluster-dns: the kube-dns Service ClusterIP. */
  readonly dnsServiceIP: string;
  /** kube-apiserver --service-node-port-range. */
  readonly nodePortRange: { readonly min: number; readonly max: number };
  readonly router: Router;
  readonly proxyMode: ProxyMode;
  readonly ipvsScheduler: IpvsScheduler;
  /** Userspace mode: proxy ports chosen for service ports, per node (the seed's 10400 on node-1). */
  readonly userspaceProxyPorts: readonly UserspaceProxyPort[];
  readonly cniMode: CniMode;
  /** Name of the per-node bridge: `cbr0` (kubenet) unless the input says otherwise. */
  readonly bridgeName: string;
}

export interface UserspaceProxyPort {
  readonly node: string;
  /** `<namespace>/<service>:<portName>` or `<namespace>/<service>` for an unnamed port. */
  readonly servicePort: string;
  readonly port: number;
}

export interface Cluster {
  readonly name: string;
  readonly network: ClusterNetwork;
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly deployments: readonly Deployment[];
  readonly networkPolicies: readonly NetworkPolicy[];
  /** Ingresses as read (absent: none). */
  readonly ingresses?: readonly Ingress[];
}

export type ClusterObject = Node | Pod | Service | EndpointSlice | Deployment;
