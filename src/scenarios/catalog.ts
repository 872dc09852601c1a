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

/** The picker's groups, in the order the seed notes tell the story. */
export const SCENARIO_GROUPS = [
  'Pod networking',
  'Services',
  'DNS',
  'kube-proxy',
  'Policy and Ingress',
  'CNI',
  'Failures',
] as const;

export type ScenarioGroup = (typeof SCENARIO_GROUPS)[number];

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
  /**
   * Endpoints (`ip:port`) whose pod is gone while the EndpointSlice still lists it, applied when the scenario
   * opens (the window before kube-proxy's next sync; see TraceOptions.deadEndpoints).
   */
  readonly deadEndpoints?: readonly string[];
  /** What the user can do to the scenario's cluster from the scenario strip (e.g. `kubectl patch`). */
  readonly actions?: readonly ScenarioAction[];
}

/**
 * A change the user applies to the current cluster with one click, shown as the command that would make it
 * (`kubectl patch svc web -p '…'`). `patch` is a strategic-merge-style patch of one Service's spec fields.
 */
export interface ScenarioAction {
  /** The button's text. */
  readonly label: string;
  /** The kubectl command it stands for, shown in full. */
  readonly command: string;
  readonly patch: {
    /** `namespace/name` of the Service. */
    readonly service: string;
    readonly spec: ServiceSpecPatch;
  };
  /** The step to show once the patched cluster is traced. */
  readonly keyStep?: StepMatcher;
}

/** The Service spec fields a scenario action may patch. */
export interface ServiceSpecPatch {
  readonly externalTrafficPolicy?: 'Cluster' | 'Local';
  readonly internalTrafficPolicy?: 'Cluster' | 'Local';
  readonly sessionAffinity?: 'None' | 'ClientIP';
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
  {
    id: 'localhost',
    label: 'localhost',
    group: 'Pod networking',
    title:
      'Two containers of one pod talk over localhost: the exporter scrapes nginx on 127.0.0.1 — no veth, no bridge, unlike two pods',
    clusterName: 'svc-dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'web-1' }, to: 'localhost', port: 8080 },
    keyStep: { phase: 'request', kind: 'route' },
  },
  {
    id: 'nodeport',
    label: 'NodePort',
    group: 'Services',
    title:
      'NodePort: a client outside the cluster dials node-2:30080; KUBE-NODEPORTS sends it on to a web pod',
    clusterName: 'svc-external',
    request: { from: { kind: 'external', ip: '203.0.113.7' }, to: '10.100.0.3', port: 30080 },
    keyStep: { phase: 'request', rewriteBy: 'DNAT' },
  },
  {
    id: 'loadbalancer',
    label: 'LoadBalancer',
    group: 'Services',
    title:
      'LoadBalancer: the router hands 198.51.100.10 to a node, whose kube-proxy matches the LB IP itself',
    clusterName: 'svc-external',
    request: { from: { kind: 'external', ip: '203.0.113.7' }, to: '198.51.100.10', port: 80 },
    keyStep: { phase: 'request', rewriteBy: 'DNAT' },
  },
  {
    id: 'etp-cluster',
    label: 'eTP Cluster',
    group: 'Services',
    title:
      'externalTrafficPolicy: Cluster masquerades an outside client (the pod sees a node address); patch it to Local and the client IP survives',
    clusterName: 'svc-external',
    request: { from: { kind: 'external', ip: '203.0.113.7' }, to: '10.100.0.3', port: 30080 },
    keyStep: { phase: 'request', rewriteBy: 'MASQUERADE' },
    actions: [
      {
        label: 'Patch to Local',
        command: `kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Local"}}'`,
        patch: { service: 'default/web', spec: { externalTrafficPolicy: 'Local' } },
        keyStep: { phase: 'request', kind: 'deliver' },
      },
      {
        label: 'Patch to Cluster',
        command: `kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'`,
        patch: { service: 'default/web', spec: { externalTrafficPolicy: 'Cluster' } },
        keyStep: { phase: 'request', rewriteBy: 'MASQUERADE' },
      },
    ],
  },
  {
    id: 'etp-local',
    label: 'eTP Local',
    group: 'Services',
    title:
      'externalTrafficPolicy: Local on a node with no local endpoint: node-2 DROPs the NodePort connection',
    clusterName: 'svc-external',
    request: { from: { kind: 'external', ip: '203.0.113.7' }, to: '10.100.0.3', port: 30081 },
    keyStep: { kind: 'drop' },
  },
  {
    id: 'itp-local',
    label: 'iTP Local',
    group: 'Services',
    title: 'internalTrafficPolicy: Local: a pod reaches only the endpoints on its own node (KUBE-SVL-)',
    clusterName: 'svc-internal',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-node-local' },
    keyStep: { phase: 'request', rewriteBy: 'DNAT' },
  },
  {
    id: 'no-endpoints',
    label: 'No endpoints',
    group: 'Services',
    title:
      'A Service whose selector matches no pod: kube-proxy REJECTs, the client gets "connection refused"',
    clusterName: 'svc-internal',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'orders' },
    keyStep: { kind: 'drop' },
  },
  {
    id: 'affinity',
    label: 'ClientIP',
    group: 'Services',
    title: 'sessionAffinity: ClientIP: the `recent` match pins a client to the pod it first reached',
    clusterName: 'svc-internal',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-sticky' },
    keyStep: { phase: 'request', rewriteBy: 'DNAT' },
  },
  {
    id: 'headless',
    label: 'Headless',
    group: 'Services',
    title:
      'Headless Service (clusterIP: None): DNS answers with the pod IPs and no kube-proxy rule traps the packet',
    clusterName: 'svc-dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-headless', port: 8080 },
    keyStep: { phase: 'dns', kind: 'deliver', nth: -1 },
  },
  {
    id: 'externalname',
    label: 'ExternalName',
    group: 'Services',
    title:
      'ExternalName: web-legacy is only a DNS CNAME (to web); no ClusterIP, no kube-proxy rule of its own',
    clusterName: 'svc-dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-legacy' },
    keyStep: { kind: 'dns-answer' },
  },
  {
    id: 'hostaliases',
    label: 'HostAliases',
    group: 'DNS',
    title: 'HostAliases: kubelet writes them into /etc/hosts, which answers before any DNS query is sent',
    clusterName: 'svc-dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'shop.example.internal' },
    keyStep: { kind: 'hosts-lookup' },
  },
  {
    id: 'dead-userspace',
    label: 'Dead pod (us)',
    group: 'Failures',
    title: 'A backend died mid-volley: userspace kube-proxy sees its dial fail and retries the next pod',
    clusterName: 'svc-dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: '10.3.241.152' },
    mode: 'userspace',
    deadEndpoints: ['10.0.1.2:8080'],
    keyStep: { kind: 'userspace', captionIncludes: 'fails' },
  },
  {
    id: 'dead-iptables',
    label: 'Dead pod (ipt)',
    group: 'Failures',
    title:
      'A backend died mid-volley: iptables still DNATs to it until kube-proxy syncs, and the connect times out',
    clusterName: 'svc-dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: '10.3.241.152' },
    mode: 'iptables',
    deadEndpoints: ['10.0.1.2:8080'],
    keyStep: { kind: 'drop' },
  },
  {
    id: 'no-route',
    label: 'No route',
    group: 'Failures',
    title: "The router lost node-2's podCIDR route: a packet for a pod on node-2 dies at the router",
    clusterName: 'no-route',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: '10.0.2.2', port: 8080 },
    keyStep: { kind: 'drop' },
  },
  {
    id: 'nxdomain',
    label: 'NXDOMAIN',
    group: 'Failures',
    title:
      'A typo (web-scv): the resolver walks the whole search list and every candidate comes back NXDOMAIN',
    clusterName: 'svc-dns',
    request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-scv' },
    keyStep: { kind: 'dns-answer' },
  },
  {
    id: 'policy-dns',
    label: 'CoreDNS denied',
    group: 'Failures',
    title: 'NetworkPolicy: CoreDNS is not allowed into the web pods; the packet is dropped at the veth',
    clusterName: 'network-policy',
    request: {
      from: { kind: 'pod', namespace: 'kube-system', name: 'coredns-7c65d6cfc9-x2kbq' },
      to: '10.3.241.152',
    },
    keyStep: { kind: 'drop' },
  },
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
