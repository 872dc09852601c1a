/**
 * Cluster → Kubernetes YAML: the inverse of the manifest reader. What `exportClusterYaml` writes, read back
 * with `importManifests` and resolved with `resolveCluster`, gives the same `Cluster` again (apart from each
 * object's `source`, which points into whichever text it was read from).
 *
 * To make that hold, everything kube-netviz assigned is pinned in the output: node podCIDRs and InternalIPs,
 * pod IPs, phases and readiness, ClusterIPs, NodePorts, and every NetvizCluster setting. What kube-netviz
 * derives on every read is left out, so the YAML stays the user's to edit: EndpointSlices derived from
 * selectors (`derived: true`), bridges, host veths, the sandbox image, and the router's routes when they are
 * exactly the ones resolveCluster derives. Pods a Deployment created are written as Pods owned (through their
 * ReplicaSet) by that Deployment, so reading them back creates no further replicas.
 *
 * The `yaml` package is loaded on demand: exporting is a user action, not part of the first picture.
 */
import type {
  Cluster,
  Container,
  Deployment,
  EndpointSlice,
  HostAlias,
  Ingress,
  IngressServiceBackend,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Node,
  Pod,
  Route,
  Service,
} from '../model/types';
import { podTemplateHash } from '../model/ids';
import { INGRESS_CLASS_ANNOTATION, SERVICE_UPSTREAM_ANNOTATION } from './kinds/ingress';

type Manifest = Record<string, unknown>;

/** The NetvizCluster kind the reader accepts (src/manifests/kinds/netvizCluster.ts). */
const NETVIZ_API_VERSION = 'kube-netviz.dev/v1alpha1';
/** The Deployment controller labels its ReplicaSets' pods with this (pkg/controller/deployment/sync.go). */
const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/**
 * A Terminating pod shows metadata.deletionTimestamp; the reader only asks whether it is there. A fixed value
 * keeps the export deterministic (the real one is the time the delete was accepted plus the grace period).
 */
const DELETION_TIMESTAMP = '1970-01-01T00:00:00Z';
/** terminationGracePeriodSeconds defaults to 30 (SetDefaults_PodSpec), which a graceful delete copies here. */
const DELETION_GRACE_PERIOD_SECONDS = 30;

/**
 * The cluster as `---`-separated Kubernetes YAML documents, preceded by a comment header: one NetvizCluster
 * settings object, then Nodes, Pods (and a ReplicaSet where a Deployment's pods need one to name their owner),
 * Services, the EndpointSlices the input gave, Deployments and NetworkPolicies. Keys come in the order
 * `kubectl get -o yaml` prints them (apiVersion, kind, metadata, spec, status); the same cluster always gives
 * the same text.
 */
export async function exportClusterYaml(cluster: Cluster): Promise<string> {
  const { Document, isScalar, visit } = await import('yaml');
  const manifests = clusterManifests(cluster);
  const body = manifests.map((m) => {
    const doc = new Document(m);
    // kubectl's YAML (go-yaml, YAML 1.1) reads `yes`, `off`, `~`, `1_000`… as booleans, nulls or numbers;
    // the yaml package (YAML 1.2) would leave them bare. Quote them, so every reader sees the same string.
    visit(doc, {
      Scalar(_key, node) {
        if (isScalar(node) && typeof node.value === 'string' && isAmbiguousInYaml11(node.value)) {
          node.type = 'QUOTE_DOUBLE';
        }
      },
    });
    return doc.toString({ lineWidth: 0 });
  });
  return `${header(cluster)}${body.join('---\n')}`;
}

function header(cluster: Cluster): string {
  // The name goes into a comment: JSON escapes line breaks and C0 controls; C1 controls and U+2028/9 go too.
  const name = JSON.stringify(cluster.name).replace(/[\u007f-\u009f\u2028\u2029]/g, '?');
  return (
    `# kube-netviz export of cluster ${name}.\n` +
    '# Import it back into kube-netviz to get the same cluster: addresses and ports assigned by IPAM are\n' +
    '# pinned below; EndpointSlices kube-netviz derives from Service selectors are left out.\n'
  );
}

const YAML11_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', '~', 'null', 'Null', 'NULL', '', '.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN',
]); // prettier-ignore

function isAmbiguousInYaml11(value: string): boolean {
  if (YAML11_WORDS.has(value)) return true;
  // YAML 1.1 ints and floats: underscores allowed, 0b/0x/0o prefixes, base 60 (`1:30`).
  if (/^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$/.test(value)) {
    return true;
  }
  return /^[-+]?(\.[0-9]|[0-9])[0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/.test(value);
}

/** The manifests, in document order, as plain data (exported for tests and for a JSON export). */
export function clusterManifests(cluster: Cluster): Manifest[] {
  const deployments = new Map(cluster.deployments.map((d) => [`${d.namespace}/${d.name}`, d]));
  const replicaSets = new Map<string, Manifest>();
  const pods = cluster.pods.map((pod) => {
    const owner =
      pod.ownerDeployment === undefined
        ? undefined
        : deployments.get(`${pod.namespace}/${pod.ownerDeployment}`);
    const replicaSet = owner ? replicaSetOf(pod, owner, replicaSets) : undefined;
    return podManifest(pod, replicaSet);
  });
  return [
    netvizClusterManifest(cluster),
    ...cluster.nodes.map(nodeManifest),
    ...replicaSets.values(),
    ...pods,
    ...cluster.services.map(serviceManifest),
    ...cluster.endpointSlices.filter((s) => !s.derived).map(endpointSliceManifest),
    ...cluster.deployments.map(deploymentManifest),
    ...cluster.networkPolicies.map(networkPolicyManifest),
    ...(cluster.ingresses ?? []).map(ingressManifest),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// NetvizCluster

function netvizClusterManifest(cluster: Cluster): Manifest {
  const n = cluster.network;
  const routes = routesAreDerived(cluster) ? undefined : n.router.routes.map(routeManifest);
  return {
    apiVersion: NETVIZ_API_VERSION,
    kind: 'NetvizCluster',
    metadata: { name: cluster.name },
    spec: {
      clusterCIDR: n.clusterCIDR,
      nodeCIDRMaskSize: n.nodeCIDRMaskSize,
      serviceCIDR: n.serviceCIDR,
      nodeNetwork: n.nodeNetwork,
      clusterDomain: n.clusterDomain,
      dnsServiceIP: n.dnsServiceIP,
      // The form kube-apiserver's --service-node-port-range takes.
      nodePortRange: `${n.nodePortRange.min}-${n.nodePortRange.max}`,
      gateway: { name: n.router.name, ip: n.router.ip, ...(routes ? { routes } : {}) },
      proxy: {
        mode: n.proxyMode,
        ipvsScheduler: n.ipvsScheduler,
        ...(n.userspaceProxyPorts.length > 0
          ? {
              userspace: {
                proxyPorts: n.userspaceProxyPorts.map((p) => ({
                  node: p.node,
                  servicePort: p.servicePort,
                  port: p.port,
                })),
              },
            }
          : {}),
      },
      cni: { mode: n.cniMode, bridge: n.bridgeName },
    },
  };
}

/** The NetvizCluster schema knows a route's destination, next hop and device. */
function routeManifest(r: Route): Manifest {
  return { destination: r.destination, ...(r.via !== undefined ? { via: r.via } : {}), dev: r.dev };
}

/** True when the router's routes are the ones resolveCluster derives when the settings give none. */
function routesAreDerived(cluster: Cluster): boolean {
  const n = cluster.network;
  const connected: Route = { destination: n.nodeNetwork, dev: 'eth0' };
  const derived: Route[] =
    n.cniMode === 'gateway-routes'
      ? [
          ...cluster.nodes.map((node) => ({ destination: node.podCIDR, via: node.internalIP, dev: 'eth0' })),
          connected,
        ]
      : [connected];
  const key = (routes: readonly Route[]): string => JSON.stringify(routes.map(routeFields));
  return key(n.router.routes) === key(derived);
}

const routeFields = (r: Route): readonly unknown[] => [
  r.destination,
  r.via ?? null,
  r.dev,
  r.src ?? null,
  r.proto ?? null,
  r.scope ?? null,
  r.onlink ?? null,
];

// ---------------------------------------------------------------------------------------------------------
// Node

function nodeManifest(node: Node): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: node.name, ...labelsOf(node.labels) },
    spec: { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] },
    status: {
      // kubelet reports the node's InternalIP and its Hostname.
      addresses: [
        { type: 'InternalIP', address: node.internalIP },
        { type: 'Hostname', address: node.name },
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Pod

interface ReplicaSetRef {
  readonly name: string;
}

/**
 * The ReplicaSet a Deployment's pod names as its controller. With the pod-template-hash label the name
 * `<deployment>-<hash>` says which Deployment it belongs to (the reader follows that rule); without it, a
 * ReplicaSet object owned by the Deployment is written too (the reader notes it and lists it as ignored).
 */
function replicaSetOf(pod: Pod, owner: Deployment, replicaSets: Map<string, Manifest>): ReplicaSetRef {
  const hash = pod.labels[POD_TEMPLATE_HASH_LABEL];
  if (hash !== undefined && hash !== '') return { name: `${owner.name}-${hash}` };
  const name = `${owner.name}-${podTemplateHash(owner.template)}`;
  const key = `${owner.namespace}/${name}`;
  if (!replicaSets.has(key)) {
    replicaSets.set(key, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: owner.namespace,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: owner.name, controller: true }],
      },
      spec: { selector: { matchLabels: { ...owner.selector } } },
    });
  }
  return { name };
}

function podManifest(pod: Pod, replicaSet: ReplicaSetRef | undefined): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: pod.namespace,
      ...labelsOf(pod.labels),
      ...(pod.terminating
        ? { deletionTimestamp: DELETION_TIMESTAMP, deletionGracePeriodSeconds: DELETION_GRACE_PERIOD_SECONDS }
        : {}),
      ...(replicaSet
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet.name, controller: true },
            ],
          }
        : {}),
    },
    spec: {
      ...(pod.nodeName !== null ? { nodeName: pod.nodeName } : {}),
      ...(pod.hostNetwork ? { hostNetwork: true } : {}),
      ...(pod.hostname !== undefined ? { hostname: pod.hostname } : {}),
      ...(pod.subdomain !== undefined ? { subdomain: pod.subdomain } : {}),
      dnsPolicy: pod.dnsPolicy,
      ...(pod.dnsConfig
        ? {
            dnsConfig: {
              nameservers: [...pod.dnsConfig.nameservers],
              searches: [...pod.dnsConfig.searches],
              options: pod.dnsConfig.options.map((o) => ({
                name: o.name,
                ...(o.value !== undefined ? { value: o.value } : {}),
              })),
            },
          }
        : {}),
      ...hostAliasesOf(pod.hostAliases),
      containers: pod.containers.map(containerManifest),
    },
    status: {
      phase: pod.phase,
      // podutil.IsPodReady reads the Ready condition.
      conditions: [{ type: 'Ready', status: pod.ready ? 'True' : 'False' }],
      ...(pod.podIP !== null ? { podIP: pod.podIP, podIPs: [{ ip: pod.podIP }] } : {}),
    },
  };
}

function containerManifest(c: Container): Manifest {
  return {
    name: c.name,
    image: c.image,
    ...(c.ports.length > 0
      ? {
          ports: c.ports.map((p) => ({
            ...(p.name !== undefined ? { name: p.name } : {}),
            containerPort: p.containerPort,
            protocol: p.protocol,
          })),
        }
      : {}),
  };
}

function hostAliasesOf(aliases: readonly HostAlias[]): Manifest {
  if (aliases.length === 0) return {};
  return { hostAliases: aliases.map((a) => ({ ip: a.ip, hostnames: [...a.hostnames] })) };
}

// ---------------------------------------------------------------------------------------------------------
// Service

function serviceManifest(svc: Service): Manifest {
  const usesNodePorts = svc.type === 'NodePort' || svc.type === 'LoadBalancer';
  // validateServiceExternalTrafficPolicy: the field is set only on externally reachable Services (NodePort,
  // LoadBalancer, or with externalIPs); kube-netviz keeps whatever the input said, so a non-default is kept.
  const externallyReachable = usesNodePorts || svc.externalIPs.length > 0;
  const clusterIP = svc.headless ? 'None' : svc.clusterIP;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc.name, namespace: svc.namespace, ...labelsOf(svc.labels) },
    spec: {
      type: svc.type,
      ...(svc.type !== 'ExternalName' && clusterIP !== null ? { clusterIP, clusterIPs: [clusterIP] } : {}),
      ...(svc.externalName !== undefined ? { externalName: svc.externalName } : {}),
      ...(svc.selector !== null ? { selector: { ...svc.selector } } : {}),
      ...(svc.ports.length > 0
        ? {
            ports: svc.ports.map((p) => ({
              ...(p.name !== undefined ? { name: p.name } : {}),
              protocol: p.protocol,
              port: p.port,
              targetPort: p.targetPort,
              ...(usesNodePorts && p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
            })),
          }
        : {}),
      sessionAffinity: svc.sessionAffinity,
      ...(svc.sessionAffinity === 'ClientIP'
        ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: svc.sessionAffinityTimeoutSeconds } } }
        : {}),
      ...(externallyReachable || svc.externalTrafficPolicy !== 'Cluster'
        ? { externalTrafficPolicy: svc.externalTrafficPolicy }
        : {}),
      ...(svc.type !== 'ExternalName' || svc.internalTrafficPolicy !== 'Cluster'
        ? { internalTrafficPolicy: svc.internalTrafficPolicy }
        : {}),
      ...(svc.externalIPs.length > 0 ? { externalIPs: [...svc.externalIPs] } : {}),
      ...(svc.loadBalancerSourceRanges.length > 0
        ? { loadBalancerSourceRanges: [...svc.loadBalancerSourceRanges] }
        : {}),
      ...(svc.healthCheckNodePort !== undefined ? { healthCheckNodePort: svc.healthCheckNodePort } : {}),
    },
    ...(svc.loadBalancerIPs.length > 0
      ? { status: { loadBalancer: { ingress: svc.loadBalancerIPs.map((ip) => ({ ip })) } } }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// EndpointSlice

function endpointSliceManifest(slice: EndpointSlice): Manifest {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: slice.name, namespace: slice.namespace, ...labelsOf(slice.labels) },
    addressType: slice.addressType,
    endpoints: slice.endpoints.map((e) => ({
      addresses: [...e.addresses],
      conditions: {
        ready: e.conditions.ready,
        serving: e.conditions.serving,
        terminating: e.conditions.terminating,
      },
      ...(e.hostname !== undefined ? { hostname: e.hostname } : {}),
      ...(e.nodeName !== undefined ? { nodeName: e.nodeName } : {}),
      ...(e.targetRef
        ? { targetRef: { kind: e.targetRef.kind, namespace: e.targetRef.namespace, name: e.targetRef.name } }
        : {}),
    })),
    ports: slice.ports.map((p) => ({
      ...(p.name !== undefined ? { name: p.name } : {}),
      protocol: p.protocol,
      port: p.port,
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Deployment

function deploymentManifest(dep: Deployment): Manifest {
  const t = dep.template;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: dep.name, namespace: dep.namespace, ...labelsOf(dep.labels) },
    spec: {
      replicas: dep.replicas,
      selector: { matchLabels: { ...dep.selector } },
      template: {
        metadata: { ...labelsOf(t.labels) },
        spec: {
          ...(t.nodeName !== undefined ? { nodeName: t.nodeName } : {}),
          ...(t.hostNetwork ? { hostNetwork: true } : {}),
          dnsPolicy: t.dnsPolicy,
          ...hostAliasesOf(t.hostAliases),
          containers: t.containers.map(containerManifest),
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// NetworkPolicy

function networkPolicyManifest(policy: NetworkPolicy): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: policy.name, namespace: policy.namespace, ...labelsOf(policy.labels) },
    spec: {
      podSelector: selectorManifest(policy.podSelector),
      // Written out even where the API server's default would give the same (Ingress, plus Egress when there
      // are egress rules), so the policy reads the same to whoever opens the file.
      policyTypes: [...policy.policyTypes],
      ...(policy.ingress.length > 0
        ? {
            ingress: policy.ingress.map((r) => ({
              ...(r.peers.length > 0 ? { from: r.peers.map(peerManifest) } : {}),
              ...(r.ports.length > 0 ? { ports: r.ports.map(policyPortManifest) } : {}),
            })),
          }
        : {}),
      ...(policy.egress.length > 0
        ? {
            egress: policy.egress.map((r) => ({
              ...(r.peers.length > 0 ? { to: r.peers.map(peerManifest) } : {}),
              ...(r.ports.length > 0 ? { ports: r.ports.map(policyPortManifest) } : {}),
            })),
          }
        : {}),
    },
  };
}

/** An empty selector is `{}`: it selects everything (metav1.LabelSelector). */
function selectorManifest(s: LabelSelector): Manifest {
  return {
    ...(Object.keys(s.matchLabels).length > 0 ? { matchLabels: { ...s.matchLabels } } : {}),
    ...(s.matchExpressions.length > 0
      ? {
          matchExpressions: s.matchExpressions.map((e) => ({
            key: e.key,
            operator: e.operator,
            ...(e.values.length > 0 ? { values: [...e.values] } : {}),
          })),
        }
      : {}),
  };
}

function peerManifest(peer: NetworkPolicyPeer): Manifest {
  return {
    ...(peer.podSelector ? { podSelector: selectorManifest(peer.podSelector) } : {}),
    ...(peer.namespaceSelector ? { namespaceSelector: selectorManifest(peer.namespaceSelector) } : {}),
    ...(peer.ipBlock
      ? {
          ipBlock: {
            cidr: peer.ipBlock.cidr,
            ...(peer.ipBlock.except.length > 0 ? { except: [...peer.ipBlock.except] } : {}),
          },
        }
      : {}),
  };
}

function policyPortManifest(p: NetworkPolicyPort): Manifest {
  return {
    protocol: p.protocol,
    ...(p.port !== undefined ? { port: p.port } : {}),
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Ingress

function ingressManifest(ingress: Ingress): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: ingress.name,
      namespace: ingress.namespace,
      ...labelsOf(ingress.labels),
      ...(ingress.serviceUpstream || ingress.classAnnotation !== undefined
        ? {
            annotations: {
              ...(ingress.classAnnotation !== undefined
                ? { [INGRESS_CLASS_ANNOTATION]: ingress.classAnnotation }
                : {}),
              ...(ingress.serviceUpstream ? { [SERVICE_UPSTREAM_ANNOTATION]: 'true' } : {}),
            },
          }
        : {}),
    },
    spec: {
      ...(ingress.ingressClassName !== undefined ? { ingressClassName: ingress.ingressClassName } : {}),
      ...(ingress.defaultBackend ? { defaultBackend: ingressBackendManifest(ingress.defaultBackend) } : {}),
      ...(ingress.tls.length > 0
        ? {
            tls: ingress.tls.map((t) => ({
              ...(t.hosts.length > 0 ? { hosts: [...t.hosts] } : {}),
              ...(t.secretName !== undefined ? { secretName: t.secretName } : {}),
            })),
          }
        : {}),
      ...(ingress.rules.length > 0
        ? {
            rules: ingress.rules.map((r) => ({
              ...(r.host !== '' ? { host: r.host } : {}),
              ...(r.paths.length > 0
                ? {
                    http: {
                      paths: r.paths.map((p) => ({
                        ...(p.path !== '' ? { path: p.path } : {}),
                        pathType: p.pathType,
                        backend: ingressBackendManifest(p.backend),
                      })),
                    },
                  }
                : {}),
            })),
          }
        : {}),
    },
  };
}

function ingressBackendManifest(b: IngressServiceBackend): Manifest {
  return { service: { name: b.name, port: { ...b.port } } };
}

// ---------------------------------------------------------------------------------------------------------

function labelsOf(labels: Readonly<Record<string, string>>): Manifest {
  return Object.keys(labels).length > 0 ? { labels: { ...labels } } : {};
}
