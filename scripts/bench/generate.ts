/** A generated cluster for benchmarks: N nodes, P pods per node, S Services each selecting K pods. */
import type { ClusterDraft, PodDraft, ServiceDraft } from '../../src/model/draft';
import { resolveCluster } from '../../src/model/resolve';
import type { Cluster } from '../../src/model/types';

export function generateCluster(nodes: number, podsPerNode: number, services: number): Cluster {
  const podDrafts: PodDraft[] = [];
  for (let n = 0; n < nodes; n += 1) {
    for (let p = 0; p < podsPerNode; p += 1) {
      const i = n * podsPerNode + p;
      podDrafts.push({
        name: `pod-${i}`,
        namespace: 'default',
        labels: { app: `app-${i % services}` },
        nodeName: `node-${n}`,
        hostNetwork: false,
        containers: [
          { name: 'app', image: 'app:1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] },
        ],
        hostAliases: [],
        dnsPolicy: 'ClusterFirst',
        terminating: false,
      });
    }
  }
  const serviceDrafts: ServiceDraft[] = [];
  for (let s = 0; s < services; s += 1) {
    serviceDrafts.push({
      kind: 'Service',
      name: `svc-${s}`,
      namespace: 'default',
      labels: {},
      type: 'ClusterIP',
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: `app-${s}` },
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: 10800,
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      externalIPs: [],
      loadBalancerIPs: [],
      loadBalancerSourceRanges: [],
    });
  }
  const draft: ClusterDraft = {
    name: `generated-${nodes}x${podsPerNode}`,
    network: { clusterCIDR: '10.0.0.0/12', serviceCIDR: '10.96.0.0/12', nodeNetwork: '192.168.0.0/16' },
    nodes: Array.from({ length: nodes }, (_, n) => ({ name: `node-${n}`, labels: {} })),
    pods: podDrafts,
    services: serviceDrafts,
    endpointSlices: [],
    deployments: [],
  };
  const resolved = resolveCluster(draft);
  if (!resolved.ok) {
    const first = resolved.errors.slice(0, 3).map((e) => e.describe());
    throw new Error(`${resolved.errors.length} errors, first: ${first.join('; ')}`);
  }
  return resolved.cluster;
}
