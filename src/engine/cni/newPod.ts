/**
 * A new pod scheduled to a node, as the cluster would hold it once created: the cluster read back into a
 * draft, the pod added (one container, labelled `run: <name>` as `kubectl run` does), and resolved again —
 * the same IPAM gives it the node's next free address and its host veth name. The CNI panel runs ADD for it;
 * "Apply" keeps the resulting cluster.
 */
import { checkDns1123Subdomain } from '../../manifests/names';
import type { PodDraft } from '../../model/draft';
import { resolveCluster } from '../../model/resolve';
import type { Cluster, Pod } from '../../model/types';
import { clusterToDraft } from '../registration/clusterDraft';

export type NewPodResult =
  | { readonly ok: true; readonly cluster: Cluster; readonly pod: Pod }
  | { readonly ok: false; readonly error: string };

export function podJoining(
  cluster: Cluster,
  request: { readonly node: string; readonly name: string; readonly namespace?: string },
): NewPodResult {
  const namespace = request.namespace ?? 'default';
  const name = request.name.trim();
  if (name === '') return { ok: false, error: 'a pod needs a name' };
  // The API server's check: ValidatePodName = NameIsDNSSubdomain (pkg/apis/core/validation), so dots are fine.
  const problem = checkDns1123Subdomain(name);
  if (problem !== undefined) return { ok: false, error: `invalid pod name "${name}": ${problem}` };
  // The API server's AlreadyExists message.
  if (cluster.pods.some((p) => p.namespace === namespace && p.name === name)) {
    return { ok: false, error: `pods "${name}" already exists in namespace ${namespace}` };
  }
  const node = cluster.nodes.find((n) => n.name === request.node);
  if (!node) return { ok: false, error: `no node named "${request.node}"` };
  const draft = clusterToDraft(cluster);
  const pod: PodDraft = {
    name,
    namespace,
    labels: { run: name },
    nodeName: node.name,
    hostNetwork: false,
    containers: [{ name, image: 'nginx', ports: [] }],
    hostAliases: [],
    dnsPolicy: 'ClusterFirst',
    terminating: false,
  };
  const resolved = resolveCluster({ ...draft, pods: [...draft.pods, pod] });
  if (!resolved.ok) return { ok: false, error: resolved.errors.map((e) => e.describe()).join('; ') };
  const added = resolved.cluster.pods.find((p) => p.namespace === namespace && p.name === name);
  if (!added) return { ok: false, error: `pod ${namespace}/${name} did not resolve` };
  return { ok: true, cluster: resolved.cluster, pod: added };
}
