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
    id: 'network-policy',
    label: 'Policy',
    group: 'Policy and Ingress',
    title: 'NetworkPolicy: web pods accept only the client; the client may only talk DNS and web',
    clusterName: 'network-policy',
  },
  {
    id: 'vxlan',
    label: 'VXLAN',
    group: 'CNI',
    title: 'Overlay: flannel-style VXLAN between the nodes (outer and inner headers, VTEPs, MTU)',
    clusterName: 'seed-vxlan',
  },
  {
    id: 'bgp',
    label: 'BGP',
    group: 'CNI',
    title: 'L3 routing: Calico-style BGP-learned routes between the nodes, no encapsulation',
    clusterName: 'seed-bgp',
  },
  // — svc scenarios —
  // — ingress scenarios —
  // — docker0 scenarios —
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
  // — dns scenarios —
];

export function scenarioMeta(id: string): ScenarioMeta | undefined {
  return SCENARIO_CATALOG.find((s) => s.id === id);
}
