/**
 * Generated clusters for scale: N nodes with P pods each and S Services, every Service selecting the pods
 * whose `app` label matches it. Used by the benchmarks, the scale views and `?generate=NxP` in the app.
 * Deterministic: the same numbers give the same cluster.
 */
import type { ClusterDraft, PodDraft, ServiceDraft } from '../model/draft';
import { resolveCluster } from '../model/resolve';
import type { Cluster } from '../model/types';

export interface GenerateOptions {
  readonly nodes: number;
  readonly podsPerNode: number;
  /** Default: one Service per 3 pods. */
  readonly services?: number;
  /** Add CoreDNS (one pod on the first node) behind the kube-dns Service, as every real cluster has. Default true. */
  readonly clusterDns?: boolean;
}

export const GENERATE_LIMITS = { nodes: 500, podsPerNode: 250, services: 20000 } as const;

export function generateDraft({
  nodes,
  podsPerNode,
  services,
  clusterDns = true,
}: GenerateOptions): ClusterDraft {
  const serviceCount = Math.max(1, services ?? Math.ceil((nodes * podsPerNode) / 3));
  const pods: PodDraft[] = [];
  for (let n = 0; n < nodes; n += 1) {
    for (let p = 0; p < podsPerNode; p += 1) {
      const i = n * podsPerNode + p;
      pods.push({
        name: `pod-${i}`,
        namespace: 'default',
        labels: { app: `app-${i % serviceCount}` },
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
  const svcs: ServiceDraft[] = [];
  for (let s = 0; s < serviceCount; s += 1) {
    svcs.push({
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
  if (clusterDns) {
    // kubeadm's CoreDNS: a pod labelled k8s-app=kube-dns behind kube-system/kube-dns (53/UDP, 53/TCP).
    pods.push({
      name: 'coredns-0',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns' },
      nodeName: 'node-0',
      hostNetwork: false,
      containers: [
        {
          name: 'coredns',
          image: 'registry.k8s.io/coredns/coredns:v1.11.3',
          ports: [
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
            { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          ],
        },
      ],
      hostAliases: [],
      dnsPolicy: 'Default',
      terminating: false,
    });
    svcs.push({
      kind: 'Service',
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns' },
      type: 'ClusterIP',
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
      ],
      selector: { 'k8s-app': 'kube-dns' },
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: 10800,
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      externalIPs: [],
      loadBalancerIPs: [],
      loadBalancerSourceRanges: [],
    });
  }
  return {
    name: `generated-${nodes}x${podsPerNode}`,
    network: { clusterCIDR: '10.0.0.0/12', serviceCIDR: '10.96.0.0/12', nodeNetwork: '192.168.0.0/16' },
    nodes: Array.from({ length: nodes }, (_, n) => ({ name: `node-${n}`, labels: {} })),
    pods,
    services: svcs,
    endpointSlices: [],
    deployments: [],
  };
}

/** A resolved generated cluster; throws when the numbers are outside GENERATE_LIMITS. */
export function generateCluster(options: GenerateOptions): Cluster {
  const { nodes, podsPerNode } = options;
  const services = options.services ?? Math.ceil((nodes * podsPerNode) / 3);
  if (
    !Number.isInteger(nodes) ||
    !Number.isInteger(podsPerNode) ||
    nodes < 1 ||
    podsPerNode < 0 ||
    nodes > GENERATE_LIMITS.nodes ||
    podsPerNode > GENERATE_LIMITS.podsPerNode ||
    services > GENERATE_LIMITS.services
  ) {
    throw new RangeError(
      `a generated cluster needs 1–${GENERATE_LIMITS.nodes} nodes, 0–${GENERATE_LIMITS.podsPerNode} pods per node and at most ${GENERATE_LIMITS.services} Services`,
    );
  }
  const resolved = resolveCluster(generateDraft(options));
  if (!resolved.ok) {
    const first = resolved.errors.slice(0, 3).map((e) => e.describe());
    throw new Error(`${resolved.errors.length} errors, first: ${first.join('; ')}`);
  }
  return resolved.cluster;
}

/** Reads `50x20` (nodes × pods per node); null when it is not that shape. */
export function parseGenerateSpec(spec: string): GenerateOptions | null {
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(spec.trim());
  if (!m) return null;
  return { nodes: Number(m[1]), podsPerNode: Number(m[2]) };
}
