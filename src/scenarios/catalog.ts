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
    keyStep: { phase: 'request', kind: 'policy', nth: -1 },
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
  // — cni scenarios —
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
