/**
 * Built-in clusters, read and resolved. Each is stored as Kubernetes YAML and goes through the very same
 * reader and IPAM as a user's import, so the defaults are held to the same rules. The app itself starts from
 * the same result computed at build time (see `index.ts`), so this module (and IPAM) loads only when needed.
 */
import { readObjects } from '../manifests';
import { resolveCluster } from '../model/resolve';
import type { Cluster } from '../model/types';
import defaultDocuments from './default.yaml';
import networkPolicyDocuments from './network-policy.yaml';
import vxlanDocuments from './vxlan.yaml';
import bgpDocuments from './bgp.yaml';

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly documents: readonly unknown[];
}

export const scenarios: readonly Scenario[] = [
  {
    id: 'default',
    title: 'The seed cluster: two nodes, a router, web-svc and kube-dns',
    documents: defaultDocuments,
  },
  {
    id: 'network-policy',
    title: 'NetworkPolicy: web pods accept only the client; the client may only talk DNS and web',
    documents: networkPolicyDocuments,
  },
  {
    id: 'vxlan',
    title: 'Overlay: flannel-style VXLAN between the nodes (outer and inner headers, VTEPs, MTU)',
    documents: vxlanDocuments,
  },
  {
    id: 'bgp',
    title: 'L3 routing: Calico-style BGP-learned routes between the nodes, no encapsulation',
    documents: bgpDocuments,
  },
];

/** Reads and resolves a built-in scenario; a built-in that fails to load is a bug, so this throws. */
export function loadScenario(id: string): Cluster {
  const scenario = scenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`kube-netviz: no built-in scenario "${id}"`);
  const read = readObjects(scenario.documents);
  if (read.errors.length > 0) {
    throw new Error(`kube-netviz: scenario "${id}": ${read.errors.map((e) => e.describe()).join('; ')}`);
  }
  const resolved = resolveCluster(read.draft);
  if (!resolved.ok) {
    throw new Error(`kube-netviz: scenario "${id}": ${resolved.errors.map((e) => e.describe()).join('; ')}`);
  }
  return resolved.cluster;
}
