/**
 * The built-in scenarios as the UI lists them: short label, group (the seed heading it belongs to), title,
 * and what opening one does — the request it traces, the kube-proxy mode, the step to show first, and the
 * explorer panel it opens. Light on purpose (no YAML, no engine): the header's picker and tours import it in
 * the first bundle; the manifests themselves live in `load.ts` and load on demand.
 */
import type { TraceRequest } from '../engine/trace/types';
import type { ProxyMode } from '../model/types';
import type { StepMatcher } from './keyStep';

/**
 * Explorer panels a scenario can open (src/view/panels/registry.ts maps each to its lazily loaded view):
 * the Service registration story, a CNI ADD/DEL run, the DNS records browser, the CNI plugin table, the
 * scale chart, IPAM's used/free addresses per node.
 */
export type PanelId = 'registration' | 'cni' | 'dns' | 'plugins' | 'scale' | 'ipam';

export type ScenarioGroup =
  'Pod networking' | 'Services' | 'kube-proxy' | 'DNS' | 'Policy and Ingress' | 'CNI' | 'Failures';

export interface ScenarioMeta {
  /** The id `loadScenario` takes and links carry (`?scenario=`). */
  readonly id: string;
  /** Short label shown in the header picker (under 15 characters). */
  readonly label: string;
  readonly group: ScenarioGroup;
  /** One sentence: what the scenario shows (tooltip, tour caption fallback). */
  readonly title: string;
  /** The NetvizCluster `metadata.name` in the scenario's YAML, to recognise it as the current cluster. */
  readonly clusterName: string;
  /** The request traced when the scenario opens (else the app's default request for the cluster). */
  readonly request?: TraceRequest;
  /** The kube-proxy mode it opens in (else the cluster's own). */
  readonly mode?: ProxyMode;
  /** The step shown first (else the first step). */
  readonly keyStep?: StepMatcher;
  /** An explorer panel opened with it. */
  readonly panel?: PanelId;
}

export const SCENARIO_CATALOG: readonly ScenarioMeta[] = [
  {
    id: 'default',
    label: 'Default',
    group: 'kube-proxy',
    title: 'The seed cluster: two nodes, a router, web-svc and kube-dns',
    clusterName: 'seed',
  },
  {
    id: 'connect-apps',
    label: 'Connect apps',
    group: 'Services',
    title:
      'Connecting applications with Services: a Deployment behind a Service, found by DNS (and by the env variables kubelet sets)',
    clusterName: 'connect-apps',
    request: { from: { kind: 'pod', namespace: 'default', name: 'curl' }, to: 'my-nginx' },
    keyStep: { phase: 'dns', kind: 'dns-answer', nth: -1 },
  },
  {
    id: 'network-policy',
    label: 'Policy',
    group: 'Policy and Ingress',
    title: 'NetworkPolicy: web pods accept only the client; the client may only talk DNS and web',
    clusterName: 'network-policy',
    keyStep: { phase: 'request', kind: 'policy', nth: -1 },
  },
  {
    id: 'vxlan',
    label: 'VXLAN',
    group: 'CNI',
    title: 'Overlay: flannel-style VXLAN between the nodes (outer and inner headers, VTEPs, MTU)',
    clusterName: 'seed-vxlan',
    keyStep: { phase: 'request', kind: 'encapsulate' },
  },
  {
    id: 'bgp',
    label: 'BGP',
    group: 'CNI',
    title: 'L3 routing: Calico-style BGP-learned routes between the nodes, no encapsulation',
    clusterName: 'seed-bgp',
    // The node's BGP-learned route (`proto bird`): the pod subnet of the other node via its eth0.
    keyStep: { phase: 'request', kind: 'route', captionIncludes: 'via eth0 to' },
  },
  // — svc scenarios —
  // — ingress scenarios —
  {
    id: 'ingress',
    label: 'Ingress',
    group: 'Policy and Ingress',
    title:
      'Ingress: a client → NodePort → ingress-nginx picks a rule by Host and path → a new connection to a pod',
    clusterName: 'ingress',
    request: {
      from: { kind: 'external', ip: '203.0.113.7' },
      to: '10.100.0.2',
      port: 30080,
      http: { host: 'shop.example.com', path: '/api/orders' },
    },
    keyStep: { kind: 'ingress' },
  },
  // — docker0 scenarios —
  {
    id: 'docker0',
    label: 'docker0',
    group: 'Pod networking',
    title:
      "Docker's default bridge on every node: both docker0 are 172.17.0.1/16, so client's packet for node-2's 172.17.0.2 never leaves node-1",
    clusterName: 'docker0',
    // server-2's address, dialled from node-1: it reaches server-1, node-1's own 172.17.0.2.
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: '172.17.0.2', port: 8080 },
    keyStep: { phase: 'request', kind: 'route' },
    panel: 'ipam',
  },
  {
    id: 'cbr0',
    label: 'cbr0',
    group: 'Pod networking',
    title: 'The Kubernetes model: a unique podCIDR per node on cbr0, and the router holds a route to each',
    clusterName: 'seed',
    // server-2 by its pod IP, from node-1: routed via the router's 10.0.2.0/24 route.
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: '10.0.2.2', port: 8080 },
    keyStep: { phase: 'request', kind: 'router' },
    panel: 'ipam',
  },
  {
    id: 'plugins',
    label: 'CNI plugins',
    group: 'CNI',
    title:
      "The seed's CNI plugin comparison (VXLAN, layer 2/3, network policy, encryption); each row opens its dataplane",
    clusterName: 'seed',
    panel: 'plugins',
  },
  {
    id: 'scale',
    label: 'At scale',
    group: 'kube-proxy',
    title: 'Rules written and rules walked per kube-proxy mode, from 10 to 10,000 Services',
    clusterName: 'seed',
    panel: 'scale',
  },
  // — registration scenarios —
  {
    id: 'registration',
    label: 'Registration',
    group: 'Services',
    title:
      'Service registration: POST → authn, authz, admission → ClusterIP and etcd → CoreDNS → EndpointSlice → kube-proxy rules',
    clusterName: 'seed',
    panel: 'registration',
  },
  {
    id: 'readiness',
    label: 'Readiness',
    group: 'Services',
    title:
      'A pod turns NotReady: kubelet → API server → EndpointSlice controller → every kube-proxy drops its endpoint',
    clusterName: 'seed',
    panel: 'registration',
  },
  // — cni scenarios —
  {
    id: 'cni-add',
    label: 'CNI ADD',
    group: 'CNI',
    title: 'CNI: a new pod on node-1 gets its network — bridge, host-local, portmap, bandwidth, step by step',
    clusterName: 'seed',
    panel: 'cni',
  },
  // — dns scenarios —
  {
    id: 'dns',
    label: 'DNS records',
    group: 'DNS',
    title: 'DNS for Services and Pods: every record CoreDNS serves, and the queries a lookup sends',
    clusterName: 'dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'db-0.db', port: 5432 },
    keyStep: { kind: 'dns-answer', nth: -1 },
    panel: 'dns',
  },
  {
    id: 'policy-deny',
    label: 'Policy deny',
    group: 'Policy and Ingress',
    title: 'NetworkPolicy drops a connection: only the client may reach the web pods, so server-1 may not',
    clusterName: 'network-policy',
    request: { from: { kind: 'pod', namespace: 'default', name: 'server-1' }, to: '10.0.2.2', port: 8080 },
    keyStep: { kind: 'drop' },
  },
];

export function scenarioMeta(id: string): ScenarioMeta | undefined {
  return SCENARIO_CATALOG.find((s) => s.id === id);
}
