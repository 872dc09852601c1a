/**
 * Edits a learner makes to the cluster ("what if"): add or remove nodes, pods and Services, scale a
 * Deployment, mark a pod not ready. Each edit is applied to the draft the cluster could have come from
 * (everything already assigned stays pinned, see `clusterToDraft`) and resolved again by the same IPAM and
 * controllers as an import, so a new pod gets the next free address on its node, a new Service a hashed
 * ClusterIP, and the EndpointSlices, rules and traces follow. Pure: cluster in, cluster (or errors) out.
 */
import {
  checkDns1035Label,
  checkDns1123Label,
  checkDns1123Subdomain,
  checkLabelValue,
} from '../../manifests/names';
import type { ClusterDraft, PodDraft, ServiceDraft } from '../../model/draft';
import { resolveCluster } from '../../model/resolve';
import type { Cluster, Labels, Pod, Protocol, ServiceType, TrafficPolicy } from '../../model/types';
import { clusterToDraft } from '../registration/clusterDraft';

export type ClusterEdit =
  | { readonly op: 'add-node'; readonly name: string }
  | { readonly op: 'remove-node'; readonly name: string }
  | {
      readonly op: 'add-pod';
      readonly namespace: string;
      readonly name: string;
      /** Absent: the scheduler places it (the node with the fewest pods). */
      readonly node?: string;
      readonly labels: Labels;
      /** The port its one container listens on. */
      readonly port: number;
    }
  | { readonly op: 'remove-pod'; readonly namespace: string; readonly name: string }
  | {
      readonly op: 'set-pod-ready';
      readonly namespace: string;
      readonly name: string;
      readonly ready: boolean;
    }
  | {
      readonly op: 'add-service';
      readonly namespace: string;
      readonly name: string;
      readonly type: ServiceType;
      readonly selector: Labels;
      readonly port: number;
      readonly targetPort: number;
      readonly protocol: Protocol;
      readonly sessionAffinity: 'None' | 'ClientIP';
      readonly externalTrafficPolicy: TrafficPolicy;
      readonly internalTrafficPolicy: TrafficPolicy;
    }
  | { readonly op: 'remove-service'; readonly namespace: string; readonly name: string }
  | {
      readonly op: 'scale-deployment';
      readonly namespace: string;
      readonly name: string;
      readonly replicas: number;
    };

export type EditResult =
  | { readonly ok: true; readonly cluster: Cluster; readonly summary: string }
  | { readonly ok: false; readonly error: string };

/** A short description of an edit, for the undo history ("Undo: add pod default/web-3"). */
export function describeEdit(edit: ClusterEdit): string {
  switch (edit.op) {
    case 'add-node':
      return `add node ${edit.name}`;
    case 'remove-node':
      return `remove node ${edit.name}`;
    case 'add-pod':
      return `add pod ${edit.namespace}/${edit.name}`;
    case 'remove-pod':
      return `delete pod ${edit.namespace}/${edit.name}`;
    case 'set-pod-ready':
      return `mark pod ${edit.namespace}/${edit.name} ${edit.ready ? 'ready' : 'not ready'}`;
    case 'add-service':
      return `add Service ${edit.namespace}/${edit.name}`;
    case 'remove-service':
      return `remove Service ${edit.namespace}/${edit.name}`;
    case 'scale-deployment':
      return `scale Deployment ${edit.namespace}/${edit.name} to ${edit.replicas}`;
  }
}

const fail = (error: string): EditResult => ({ ok: false, error });

/** The router's routes are the ones resolve derives (one per node podCIDR, then the connected one). */
function routesAreDerived(cluster: Cluster): boolean {
  const { routes } = cluster.network.router;
  if (cluster.network.cniMode !== 'gateway-routes') return routes.length === 1 && routes[0]?.dev === 'eth0';
  const perNode = cluster.nodes.map((n) => `${n.podCIDR} via ${n.internalIP}`);
  const given = routes.filter((r) => r.via !== undefined).map((r) => `${r.destination} via ${r.via ?? ''}`);
  return perNode.length === given.length && perNode.every((r, i) => r === given[i]);
}

function draftOf(cluster: Cluster, nodesChange: boolean): ClusterDraft {
  const draft = clusterToDraft(cluster);
  // Adding or removing a node: routes the cluster derived are derived again (the new node gets its route);
  // routes the user wrote stay as written (a missing route is then theirs to see fail).
  if (!nodesChange || !routesAreDerived(cluster)) return draft;
  const given = draft.network.router ?? {};
  const router = {
    ...(given.name !== undefined ? { name: given.name } : {}),
    ...(given.ip !== undefined ? { ip: given.ip } : {}),
  };
  return { ...draft, network: { ...draft.network, router } };
}

function labelsError(labels: Labels): string | undefined {
  for (const [key, value] of Object.entries(labels)) {
    if (key === '') return 'a label needs a key';
    const problem = checkLabelValue(value);
    if (problem !== undefined) return `label ${key}=${value}: ${problem}`;
  }
  return undefined;
}

const findPod = (cluster: Cluster, namespace: string, name: string): Pod | undefined =>
  cluster.pods.find((p) => p.namespace === namespace && p.name === name);

/** pkg/controller/controller_utils.go podPhaseToOrdinal: Pending < Unknown < Running. */
const PHASE_ORDINAL: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Pods the ReplicaSet controller deletes first when scaling down (pkg/controller/controller_utils.go,
 * ActivePodsWithRanks.Less, v1.33), rule by rule: 1. unscheduled before scheduled; 2. Pending < Unknown <
 * Running; 3. not ready before ready; 4. (pod-deletion-cost: not modelled, all 0); 5. higher rank first —
 * the rank is how many active pods of the Deployment share the pod's node (replica_set.go
 * getPodsRankedByRelatedPodsOnSameNode); 6–8 compare ready times, restarts and creation times, which our
 * pods lack, so ties go to the one listed last (the newest).
 */
function podsToDelete(pods: readonly Pod[], count: number): readonly Pod[] {
  const perNode = new Map<string, number>();
  for (const p of pods) perNode.set(p.nodeName ?? '', (perNode.get(p.nodeName ?? '') ?? 0) + 1);
  const phase = (p: Pod) => PHASE_ORDINAL[p.phase] ?? 0;
  const ranked = pods
    .map((pod, index) => ({ pod, index }))
    .sort(
      (a, b) =>
        Number(a.pod.nodeName !== null) - Number(b.pod.nodeName !== null) ||
        phase(a.pod) - phase(b.pod) ||
        Number(a.pod.ready) - Number(b.pod.ready) ||
        (perNode.get(b.pod.nodeName ?? '') ?? 0) - (perNode.get(a.pod.nodeName ?? '') ?? 0) ||
        b.index - a.index,
    );
  return ranked.slice(0, count).map((r) => r.pod);
}

function change(cluster: Cluster, edit: ClusterEdit): ClusterDraft | string {
  const d = draftOf(cluster, edit.op === 'add-node' || edit.op === 'remove-node');
  switch (edit.op) {
    case 'add-node': {
      const problem = checkDns1123Subdomain(edit.name);
      if (problem !== undefined) return `node name "${edit.name}": ${problem}`;
      if (cluster.nodes.some((n) => n.name === edit.name)) return `node ${edit.name} already exists`;
      // No podCIDR and no address: node IPAM gives it the next free block, the node network the next address.
      return {
        ...d,
        nodes: [...d.nodes, { name: edit.name, labels: { 'kubernetes.io/hostname': edit.name } }],
      };
    }
    case 'remove-node': {
      if (!cluster.nodes.some((n) => n.name === edit.name)) return `there is no node ${edit.name}`;
      if (cluster.nodes.length === 1) return 'a cluster needs at least one node';
      // The pods bound to it go with it: the pod garbage collector force-deletes pods bound to a Node that
      // no longer exists (pkg/controller/podgc/gc_controller.go gcOrphaned, after a 40 s quarantine); a
      // Deployment's ReplicaSet then recreates its missing replicas on the remaining nodes (resolve does that
      // as the controller would). Pods no controller owns are simply gone.
      return {
        ...d,
        nodes: d.nodes.filter((n) => n.name !== edit.name),
        pods: d.pods.filter((p) => p.nodeName !== edit.name),
      };
    }
    case 'add-pod': {
      const nsProblem = checkDns1123Label(edit.namespace);
      if (nsProblem !== undefined) return `namespace "${edit.namespace}": ${nsProblem}`;
      const problem = checkDns1123Subdomain(edit.name);
      if (problem !== undefined) return `pod name "${edit.name}": ${problem}`;
      if (findPod(cluster, edit.namespace, edit.name))
        return `pod ${edit.namespace}/${edit.name} already exists`;
      if (edit.node !== undefined && !cluster.nodes.some((n) => n.name === edit.node))
        return `there is no node ${edit.node}`;
      const labelProblem = labelsError(edit.labels);
      if (labelProblem !== undefined) return labelProblem;
      if (!Number.isInteger(edit.port) || edit.port < 1 || edit.port > 65535)
        return `container port ${edit.port} is not between 1 and 65535`;
      const pod: PodDraft = {
        name: edit.name,
        namespace: edit.namespace,
        labels: edit.labels,
        ...(edit.node !== undefined ? { nodeName: edit.node } : {}),
        hostNetwork: false,
        containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: edit.port, protocol: 'TCP' }] }],
        hostAliases: [],
        dnsPolicy: 'ClusterFirst',
        terminating: false,
      };
      return { ...d, pods: [...d.pods, pod] };
    }
    case 'remove-pod': {
      if (!findPod(cluster, edit.namespace, edit.name))
        return `there is no pod ${edit.namespace}/${edit.name}`;
      // A Deployment's pod is replaced by its ReplicaSet (a new name, maybe another node, the next address).
      return { ...d, pods: d.pods.filter((p) => !(p.namespace === edit.namespace && p.name === edit.name)) };
    }
    case 'set-pod-ready': {
      const pod = findPod(cluster, edit.namespace, edit.name);
      if (!pod) return `there is no pod ${edit.namespace}/${edit.name}`;
      if (pod.podIP === null) return `pod ${edit.namespace}/${edit.name} is not running`;
      return {
        ...d,
        pods: d.pods.map((p) =>
          p.namespace === edit.namespace && p.name === edit.name ? { ...p, ready: edit.ready } : p,
        ),
      };
    }
    case 'add-service': {
      const problem = checkDns1035Label(edit.name);
      if (problem !== undefined) return `Service name "${edit.name}": ${problem}`;
      if (cluster.services.some((s) => s.namespace === edit.namespace && s.name === edit.name))
        return `Service ${edit.namespace}/${edit.name} already exists`;
      if (Object.keys(edit.selector).length === 0)
        return 'give the Service a selector (a label its pods carry)';
      const labelProblem = labelsError(edit.selector);
      if (labelProblem !== undefined) return `selector ${labelProblem}`;
      for (const [what, port] of [
        ['port', edit.port],
        ['targetPort', edit.targetPort],
      ] as const) {
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          return `${what} ${port} is not between 1 and 65535`;
      }
      const external = edit.type === 'NodePort' || edit.type === 'LoadBalancer';
      const service: ServiceDraft = {
        kind: 'Service',
        name: edit.name,
        namespace: edit.namespace,
        labels: {},
        type: edit.type,
        ports: [{ protocol: edit.protocol, port: edit.port, targetPort: edit.targetPort }],
        selector: edit.selector,
        sessionAffinity: edit.sessionAffinity,
        // The API server's default timeout for ClientIP affinity (pkg/apis/core/v1/defaults.go).
        sessionAffinityTimeoutSeconds: 10800,
        // externalTrafficPolicy only applies to NodePort and LoadBalancer Services (defaulted to Cluster).
        externalTrafficPolicy: external ? edit.externalTrafficPolicy : 'Cluster',
        internalTrafficPolicy: edit.internalTrafficPolicy,
        externalIPs: [],
        loadBalancerIPs: [],
        loadBalancerSourceRanges: [],
      };
      return { ...d, services: [...d.services, service] };
    }
    case 'remove-service': {
      if (!cluster.services.some((s) => s.namespace === edit.namespace && s.name === edit.name))
        return `there is no Service ${edit.namespace}/${edit.name}`;
      return {
        ...d,
        services: d.services.filter((s) => !(s.namespace === edit.namespace && s.name === edit.name)),
      };
    }
    case 'scale-deployment': {
      const dep = cluster.deployments.find((x) => x.namespace === edit.namespace && x.name === edit.name);
      if (!dep) return `there is no Deployment ${edit.namespace}/${edit.name}`;
      if (!Number.isInteger(edit.replicas) || edit.replicas < 0 || edit.replicas > 200)
        return `replicas must be a whole number from 0 to 200 (got ${edit.replicas})`;
      const owned = cluster.pods.filter(
        (p) => p.namespace === dep.namespace && p.ownerDeployment === dep.name && !p.terminating,
      );
      const gone = new Set(podsToDelete(owned, owned.length - edit.replicas).map((p) => p.name));
      return {
        ...d,
        deployments: d.deployments.map((x) => (x === dep ? { ...x, replicas: edit.replicas } : x)),
        // Scaling up, resolve creates the missing replicas; scaling down, the controller deletes the excess.
        pods: d.pods.filter((p) => !(p.namespace === dep.namespace && gone.has(p.name))),
      };
    }
  }
}

/** Applies one edit; a problem (a taken name, an exhausted pool) comes back as a sentence. */
export function applyEdit(cluster: Cluster, edit: ClusterEdit): EditResult {
  const draft = change(cluster, edit);
  if (typeof draft === 'string') return fail(draft);
  const resolved = resolveCluster(draft);
  if (!resolved.ok) return fail(resolved.errors.map((e) => e.describe()).join('; '));
  return { ok: true, cluster: resolved.cluster, summary: describeEdit(edit) };
}
