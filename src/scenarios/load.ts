/**
 * Built-in clusters, read and resolved. Each is stored as Kubernetes YAML and goes through the very same
 * reader and IPAM as a user's import, so the defaults are held to the same rules. The app itself starts from
 * the same result computed at build time (see `index.ts`), so this module (and IPAM) loads only when needed.
 */
import { readObjects } from '../manifests';
import { resolveCluster } from '../model/resolve';
import type { Cluster } from '../model/types';
import defaultDocuments from './default.yaml';
import connectAppsDocuments from './connect-apps.yaml';
import networkPolicyDocuments from './network-policy.yaml';
import vxlanDocuments from './vxlan.yaml';
import bgpDocuments from './bgp.yaml';
// — svc scenario imports —
import servicesExternalDocuments from './services-external.yaml';
import servicesInternalDocuments from './services-internal.yaml';
import servicesDnsDocuments from './services-dns.yaml';
import noRouteDocuments from './no-route.yaml';
// — ingress scenario imports —
import ingressDocuments from './ingress.yaml';
// — docker0 scenario imports —
import docker0Documents from './docker0.yaml';
// — registration scenario imports —
// — cni scenario imports —
// — dns scenario imports —
import dnsDocuments from './dns.yaml';

import { SCENARIO_CATALOG, type ScenarioMeta } from './catalog';

export interface Scenario extends ScenarioMeta {
  readonly documents: readonly unknown[];
}

/** The manifests of each scenario of the catalog (catalog.ts), by id. */
const DOCUMENTS: Readonly<Record<string, readonly unknown[]>> = {
  default: defaultDocuments,
  'connect-apps': connectAppsDocuments,
  'network-policy': networkPolicyDocuments,
  vxlan: vxlanDocuments,
  bgp: bgpDocuments,
  // — svc scenarios —
  localhost: servicesDnsDocuments,
  nodeport: servicesExternalDocuments,
  loadbalancer: servicesExternalDocuments,
  'etp-cluster': servicesExternalDocuments,
  'etp-local': servicesExternalDocuments,
  'itp-local': servicesInternalDocuments,
  'no-endpoints': servicesInternalDocuments,
  affinity: servicesInternalDocuments,
  headless: servicesDnsDocuments,
  externalname: servicesDnsDocuments,
  hostaliases: servicesDnsDocuments,
  'dead-userspace': servicesDnsDocuments,
  'dead-iptables': servicesDnsDocuments,
  nxdomain: servicesDnsDocuments,
  'no-route': noRouteDocuments,
  'policy-dns': networkPolicyDocuments,
  // — ingress scenarios —
  ingress: ingressDocuments,
  // — docker0 scenarios —
  docker0: docker0Documents,
  cbr0: defaultDocuments,
  plugins: defaultDocuments,
  scale: defaultDocuments,
  // — registration scenarios —
  // Both stories start from the seed cluster: the panel registers a new Service in it / flips a pod's readiness.
  registration: defaultDocuments,
  readiness: defaultDocuments,
  // — cni scenarios —
  'cni-add': defaultDocuments,
  // — dns scenarios —
  dns: dnsDocuments,
  'policy-deny': networkPolicyDocuments,
};

export const scenarios: readonly Scenario[] = SCENARIO_CATALOG.map((meta) => {
  const documents = DOCUMENTS[meta.id];
  if (!documents) throw new Error(`kube-netviz: scenario "${meta.id}" has no manifests in load.ts`);
  return { ...meta, documents };
});

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
