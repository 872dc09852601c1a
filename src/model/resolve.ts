/**
 * `resolveCluster`: turns what the user wrote (a `ClusterDraft`) into a complete `Cluster`, filling in what
 * Kubernetes' components would have filled in, the way they do it:
 * - the node IPAM controller (kube-controller-manager) gives nodes their podCIDRs;
 * - the ReplicaSet controller and the scheduler turn Deployments into Pods on nodes;
 * - the CNI bridge plugin with host-local IPAM gives pods their addresses and host veths;
 * - the API server's allocators give Services their ClusterIPs and NodePorts;
 * - the EndpointSlice controller derives EndpointSlices from Service selectors.
 * Randomness in those components is replaced by stable hashes, so the same draft always gives the same
 * cluster. Every problem found is reported (not only the first), each pointing at its object and field.
 */
import type {
  ClusterDraft,
  NetworkDraft,
  NodeDraft,
  PodDraft,
  ServiceDraft,
  ServicePortDraft,
} from './draft';
import { NetvizError } from './errors';
import type { NetvizErrorCode } from './errors';
import { hex8, podTemplateHash, safeSuffix } from './ids';
import { inferDraft } from './inferNetwork';
import {
  AddressPool,
  PortPool,
  SubnetAllocator,
  assertNoOverlap,
  cidrContains,
  compareIPv4,
  firstHostAddress,
  nthAddress,
  parseCidr,
  parseIPv4,
  serviceIPStaticBand,
  validatePort,
} from './ipam';
import type { Cidr } from './ipam';
import type {
  Cluster,
  ClusterNetwork,
  Container,
  Deployment,
  Endpoint,
  EndpointPort,
  EndpointSlice,
  Labels,
  Node,
  Pod,
  PodPhase,
  Route,
  Service,
  ServicePort,
  SourceRef,
} from './types';

export type ResolveResult =
  | { readonly ok: true; readonly cluster: Cluster; readonly notes: readonly string[] }
  | { readonly ok: false; readonly errors: readonly NetvizError[] };

/**
 * What kube-netviz assumes when the `NetvizCluster` settings leave something out. Where a value is a
 * Kubernetes default, the comment says whose.
 */
export const NETWORK_DEFAULTS = {
  /** kube-netviz's own choice (the seed's pod addresses are 10.0.x.y). */
  clusterCIDR: '10.0.0.0/16',
  /** kube-controller-manager --node-cidr-mask-size defaults to 24 (NodeIPAMController.NodeCIDRMaskSize). */
  nodeCIDRMaskSize: 24,
  /** kubeadm's default Service subnet (DefaultServicesSubnet). */
  serviceCIDR: '10.96.0.0/12',
  /**
   * minikube's first node network (docker driver, pkg/drivers/kic/oci/network_create.go
   * defaultFirstSubnetAddr): gateway .1, first node .2. Not the seed's 10.100.0.0/24, which lies inside
   * kubeadm's default Service range 10.96.0.0/12 (10.96.0.0 – 10.111.255.255) and would overlap it.
   */
  nodeNetwork: '192.168.49.0/24',
  /** kubelet --cluster-domain as kubeadm sets it (DefaultServiceDNSDomain). */
  clusterDomain: 'cluster.local',
  /** kubeadm puts the DNS Service on the 10th address of the Service subnet (constants.GetDNSIP). */
  dnsServiceIndex: 10,
  /** kube-apiserver --service-node-port-range defaults to 30000-32767. */
  nodePortRange: { min: 30000, max: 32767 },
  routerName: 'router',
  /** kube-proxy's default mode on Linux is iptables. */
  proxyMode: 'iptables',
  /** kube-proxy --ipvs-scheduler defaults to round robin. */
  ipvsScheduler: 'rr',
  cniMode: 'gateway-routes',
  /** kubenet's bridge is `cbr0`. */
  bridgeName: 'cbr0',
} as const;

/**
 * Docker's default bridge network (cniMode `docker-bridge`): the daemon creates the Linux bridge `docker0` and
 * gives it 172.17.0.1/16 unless `--bip` says otherwise; containers get the next free address of 172.17.0.0/16
 * from the daemon's own IPAM, which knows nothing of other hosts (moby docs, "Customize the docker0 bridge";
 * `docker network inspect bridge`: Subnet 172.17.0.0/16, Gateway 172.17.0.1).
 */
const DOCKER_BRIDGE_NAME = 'docker0';

/** The sandbox image kubelet/containerd use in v1.33 (kubeadm's `registry.k8s.io/pause:3.10`). */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** kube-controller-manager --max-endpoints-per-slice defaults to 100. */
const MAX_ENDPOINTS_PER_SLICE = 100;
/** discovery.k8s.io labels the EndpointSlice controller sets. */
const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** The Deployment controller labels the ReplicaSet's pods with the template hash. */
const LABEL_POD_TEMPLATE_HASH = 'pod-template-hash';

interface Where {
  readonly source?: SourceRef;
  readonly field?: string;
}

/** Collects errors and notes while resolving. */
class Report {
  readonly errors: NetvizError[] = [];
  readonly notes: string[] = [];

  fail(code: NetvizErrorCode, message: string, where: Where): void {
    this.errors.push(new NetvizError(code, message, where));
  }

  /** Runs `fn`; a NetvizError it throws is recorded with `where` and `undefined` returned. */
  attempt<T>(where: Where, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof NetvizError)) throw e;
      const source = e.source ?? where.source;
      const field = e.field ?? where.field;
      this.errors.push(
        new NetvizError(e.code, e.message, {
          ...(source ? { source } : {}),
          ...(field !== undefined ? { field } : {}),
        }),
      );
      return undefined;
    }
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

const isFinished = (phase: PodPhase | undefined): boolean => phase === 'Succeeded' || phase === 'Failed';

const keyOf = (o: { readonly namespace: string; readonly name: string }): string =>
  `${o.namespace}/${o.name}`;

/** Equality-based selector: every key/value of the selector is among the labels. */
function matchesSelector(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

// ---------------------------------------------------------------------------------------------------------
// Network settings

interface NetworkContext {
  readonly network: Omit<ClusterNetwork, 'router'> & { readonly routerName: string };
  readonly routerIP: string;
  readonly clusterCidr: Cidr;
  readonly serviceCidr: Cidr;
  readonly nodeNetwork: Cidr;
  readonly subnets: SubnetAllocator;
  readonly nodePorts: PortPool;
}

function resolveNetwork(draft: NetworkDraft, report: Report): NetworkContext | undefined {
  const source = draft.source;
  const at = (field: string): Where => ({ ...(source ? { source } : {}), field });
  const orDefault = <T>(value: T | undefined, fallback: T, name: string, shown: string): T => {
    if (value !== undefined) return value;
    report.note(`${name} not set: using ${shown}`);
    return fallback;
  };

  const clusterText = orDefault(
    draft.clusterCIDR,
    NETWORK_DEFAULTS.clusterCIDR,
    'clusterCIDR',
    `${NETWORK_DEFAULTS.clusterCIDR} (kube-netviz default)`,
  );
  const serviceText = orDefault(
    draft.serviceCIDR,
    NETWORK_DEFAULTS.serviceCIDR,
    'serviceCIDR',
    `${NETWORK_DEFAULTS.serviceCIDR} (kubeadm's default)`,
  );
  const nodeNetText = orDefault(
    draft.nodeNetwork,
    NETWORK_DEFAULTS.nodeNetwork,
    'nodeNetwork',
    `${NETWORK_DEFAULTS.nodeNetwork} (minikube's first node network)`,
  );
  const maskSize = orDefault(
    draft.nodeCIDRMaskSize,
    NETWORK_DEFAULTS.nodeCIDRMaskSize,
    'nodeCIDRMaskSize',
    '24 (kube-controller-manager --node-cidr-mask-size default)',
  );

  const clusterCidr = report.attempt(at('spec.clusterCIDR'), () => parseCidr(clusterText, 'clusterCIDR'));
  const serviceCidr = report.attempt(at('spec.serviceCIDR'), () => parseCidr(serviceText, 'serviceCIDR'));
  const nodeNetwork = report.attempt(at('spec.nodeNetwork'), () => parseCidr(nodeNetText, 'nodeNetwork'));

  if (clusterCidr && serviceCidr && nodeNetwork) {
    report.attempt(at('spec'), () =>
      assertNoOverlap([
        { name: 'clusterCIDR (pod addresses)', cidr: clusterCidr },
        { name: 'serviceCIDR (ClusterIPs)', cidr: serviceCidr },
        { name: 'nodeNetwork (node addresses)', cidr: nodeNetwork },
      ]),
    );
  }

  const subnets =
    clusterCidr &&
    report.attempt(at('spec.nodeCIDRMaskSize'), () => new SubnetAllocator(clusterCidr, maskSize));

  let dnsServiceIP: string | undefined;
  if (serviceCidr) {
    if (draft.dnsServiceIP === undefined) {
      dnsServiceIP = report.attempt(at('spec.dnsServiceIP'), () =>
        nthAddress(serviceCidr, NETWORK_DEFAULTS.dnsServiceIndex),
      );
      if (dnsServiceIP) {
        report.note(
          `dnsServiceIP not set: using ${dnsServiceIP}, the 10th address of serviceCIDR ${serviceCidr.text} (as kubeadm does)`,
        );
      }
    } else {
      const given = draft.dnsServiceIP;
      dnsServiceIP = report.attempt(at('spec.dnsServiceIP'), () => {
        parseIPv4(given, 'dnsServiceIP');
        if (!cidrContains(serviceCidr, given)) {
          throw new NetvizError(
            'out-of-range',
            `dnsServiceIP ${given} is outside serviceCIDR ${serviceCidr.text}: kube-dns needs a ClusterIP from that range`,
          );
        }
        return given;
      });
    }
  }

  const portRange = orDefault(
    draft.nodePortRange,
    NETWORK_DEFAULTS.nodePortRange,
    'nodePortRange',
    '30000-32767 (kube-apiserver --service-node-port-range default)',
  );
  const nodePorts = report.attempt(at('spec.nodePortRange'), () => new PortPool(portRange));

  const routerName = draft.router?.name ?? NETWORK_DEFAULTS.routerName;
  let routerIP: string | undefined;
  if (nodeNetwork) {
    const given = draft.router?.ip;
    if (given === undefined) {
      routerIP = firstHostAddress(nodeNetwork);
      report.note(
        `router address not set: using ${routerIP}, the first host address of nodeNetwork ${nodeNetwork.text}`,
      );
    } else {
      routerIP = report.attempt(at('spec.gateway.ip'), () => {
        const pool = new AddressPool(nodeNetwork, 'nodeNetwork');
        return pool.reserve(given, `router ${routerName}`, 'router address');
      });
    }
  }

  const userspaceProxyPorts = draft.userspaceProxyPorts ?? [];
  userspaceProxyPorts.forEach((p, i) =>
    report.attempt(at(`spec.proxy.userspace.proxyPorts[${i}].port`), () =>
      validatePort(p.port, `userspace proxy port for ${p.servicePort} on ${p.node}`),
    ),
  );

  const proxyMode = orDefault(
    draft.proxyMode,
    NETWORK_DEFAULTS.proxyMode,
    'proxyMode',
    'iptables (kube-proxy default on Linux)',
  );
  const cniMode = orDefault(
    draft.cniMode,
    NETWORK_DEFAULTS.cniMode,
    'cniMode',
    'gateway-routes (kube-netviz default)',
  );
  const dockerBridge = cniMode === 'docker-bridge';
  const bridgeName = orDefault(
    draft.bridgeName,
    dockerBridge ? DOCKER_BRIDGE_NAME : NETWORK_DEFAULTS.bridgeName,
    'bridgeName',
    dockerBridge ? `${DOCKER_BRIDGE_NAME} (Docker's default bridge)` : 'cbr0 (kubenet)',
  );
  const clusterDomain = orDefault(
    draft.clusterDomain,
    NETWORK_DEFAULTS.clusterDomain,
    'clusterDomain',
    'cluster.local (kubeadm default)',
  );

  if (
    !clusterCidr ||
    !serviceCidr ||
    !nodeNetwork ||
    !subnets ||
    !nodePorts ||
    !dnsServiceIP ||
    !routerIP ||
    report.errors.length > 0
  ) {
    return undefined;
  }
  return {
    network: {
      clusterCIDR: clusterCidr.text,
      nodeCIDRMaskSize: maskSize,
      serviceCIDR: serviceCidr.text,
      nodeNetwork: nodeNetwork.text,
      clusterDomain,
      dnsServiceIP,
      nodePortRange: portRange,
      routerName,
      proxyMode,
      ipvsScheduler: draft.ipvsScheduler ?? NETWORK_DEFAULTS.ipvsScheduler,
      userspaceProxyPorts,
      cniMode,
      bridgeName,
    },
    routerIP,
    clusterCidr,
    serviceCidr,
    nodeNetwork,
    subnets,
    nodePorts,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Nodes

interface NodeState {
  readonly draft: NodeDraft;
  podCidr?: Cidr;
  internalIP?: string;
  pool?: AddressPool;
  bridgeIP?: string;
}

function whereOf(source: SourceRef | undefined, field: string): Where {
  return source ? { source, field } : { field };
}

function resolveNodes(
  drafts: readonly NodeDraft[],
  net: NetworkContext,
  podAddresses: AddressPool,
  report: Report,
): Map<string, NodeState> {
  const nodes = new Map<string, NodeState>();
  for (const draft of drafts) {
    if (nodes.has(draft.name)) {
      report.fail('duplicate-object', `Node ${draft.name} is defined more than once`, {
        ...whereOf(draft.source, 'metadata.name'),
      });
      continue;
    }
    nodes.set(draft.name, { draft });
  }
  const states = [...nodes.values()];

  const dockerBridge = net.network.cniMode === 'docker-bridge';
  // podCIDRs: explicit ones are occupied first, then the node IPAM controller fills the rest.
  for (const s of dockerBridge ? [] : states) {
    const given = s.draft.podCIDR;
    if (given === undefined) continue;
    s.podCidr = report.attempt(whereOf(s.draft.source, 'spec.podCIDR'), () =>
      net.subnets.reserve(given, `node ${s.draft.name}`),
    );
  }
  for (const s of dockerBridge ? [] : states) {
    if (s.draft.podCIDR !== undefined) continue;
    s.podCidr = report.attempt(whereOf(s.draft.source, 'spec.podCIDR'), () =>
      net.subnets.allocateNext(`node ${s.draft.name}`),
    );
    if (s.podCidr) {
      report.note(
        `allocated podCIDR ${s.podCidr.text} to node ${s.draft.name} (node IPAM controller: lowest free ` +
          `/${net.network.nodeCIDRMaskSize} of clusterCIDR ${net.clusterCidr.text})`,
      );
    }
  }

  // InternalIPs: the router's address first, then explicit node addresses, then the missing ones.
  const nodeAddresses = new AddressPool(net.nodeNetwork, 'nodeNetwork');
  nodeAddresses.reserve(net.routerIP, `router ${net.network.routerName}`);
  for (const s of states) {
    const given = s.draft.internalIP;
    if (given === undefined) continue;
    s.internalIP = report.attempt(whereOf(s.draft.source, 'status.addresses'), () =>
      nodeAddresses.reserve(given, `node ${s.draft.name}`, 'InternalIP'),
    );
  }
  for (const s of states) {
    if (s.draft.internalIP !== undefined) continue;
    s.internalIP = report.attempt(whereOf(s.draft.source, 'status.addresses'), () =>
      nodeAddresses.allocateNext(`node ${s.draft.name}`),
    );
    if (s.internalIP) {
      report.note(
        `assigned InternalIP ${s.internalIP} to node ${s.draft.name} (next free address of nodeNetwork ${net.nodeNetwork.text})`,
      );
    }
  }

  if (dockerBridge) {
    resolveDockerBridges(states, net, report);
    return nodes;
  }

  // Each node's bridge holds the first host address of its podCIDR (the CNI bridge plugin's gateway).
  for (const s of states) {
    if (!s.podCidr) continue;
    const pool = new AddressPool(s.podCidr, `podCIDR of node ${s.draft.name}`);
    const owner = `bridge ${net.network.bridgeName} of node ${s.draft.name}`;
    const bridgeIP = report.attempt(whereOf(s.draft.source, 'spec.podCIDR'), () => {
      const ip = pool.allocateNext(owner);
      podAddresses.reserve(ip, owner);
      return ip;
    });
    if (bridgeIP) {
      s.pool = pool;
      s.bridgeIP = bridgeIP;
    }
  }
  return nodes;
}

/**
 * cniMode `docker-bridge`: every node's docker0 serves the same subnet (clusterCIDR, 172.17.0.0/16 in Docker's
 * default) with the same gateway, and each node's Docker IPAM counts addresses on its own — so the same
 * address is held on several nodes. Only this mode allows that overlap; a given podCIDR must be that subnet.
 */
function resolveDockerBridges(states: readonly NodeState[], net: NetworkContext, report: Report): void {
  const subnet = net.clusterCidr;
  for (const s of states) {
    const given = s.draft.podCIDR;
    if (given !== undefined) {
      const ok = report.attempt(whereOf(s.draft.source, 'spec.podCIDR'), () => {
        const cidr = parseCidr(given, 'podCIDR');
        if (cidr.text !== subnet.text) {
          throw new NetvizError(
            'out-of-range',
            `podCIDR ${given} of node ${s.draft.name}: in docker-bridge mode every node's ${net.network.bridgeName} ` +
              `serves the same subnet, clusterCIDR ${subnet.text}`,
          );
        }
        return true;
      });
      if (!ok) continue;
    }
    s.podCidr = subnet;
    const pool = new AddressPool(subnet, `${net.network.bridgeName} subnet of node ${s.draft.name}`);
    // The bridge takes the subnet's first host address (Docker's default gateway 172.17.0.1).
    s.bridgeIP = pool.allocateNext(`bridge ${net.network.bridgeName} of node ${s.draft.name}`);
    s.pool = pool;
  }
  if (states.length > 1) {
    report.note(
      `docker-bridge mode: every node's ${net.network.bridgeName} is ${firstHostAddress(subnet)} on ` +
        `${subnet.text} and each node's Docker IPAM hands out addresses on its own, so the same address may ` +
        `be held on several nodes (allowed only in this mode) and no route leads from one node's containers ` +
        `to another's`,
    );
  }
}

function resolveRoutes(
  draft: NetworkDraft,
  net: NetworkContext,
  nodes: readonly Node[],
  report: Report,
): Route[] {
  const given = draft.router?.routes;
  if (given !== undefined) {
    given.forEach((r, i) => {
      const where = whereOf(draft.source, `spec.gateway.routes[${i}]`);
      if (r.destination !== 'default') {
        report.attempt({ ...where, field: `${where.field}.destination` }, () =>
          parseCidr(r.destination, 'route destination'),
        );
      }
      const via = r.via;
      if (via !== undefined) {
        report.attempt({ ...where, field: `${where.field}.via` }, () => parseIPv4(via, 'route next hop'));
      }
    });
    return [...given];
  }
  const connected: Route = { destination: net.nodeNetwork.text, dev: 'eth0' };
  if (net.network.cniMode === 'docker-bridge') {
    report.note(
      `router holds only its connected route to ${net.nodeNetwork.text}: with Docker's default bridge every ` +
        `node has the same container subnet, so no route can tell which node a container address is on`,
    );
    return [connected];
  }
  if (net.network.cniMode !== 'gateway-routes') {
    report.note(
      `router holds only its connected route to ${net.nodeNetwork.text}: in ${net.network.cniMode} mode pod ` +
        `traffic between nodes does not go through per-node routes on the router`,
    );
    return [connected];
  }
  const perNode = nodes.map((n) => ({ destination: n.podCIDR, via: n.internalIP, dev: 'eth0' }));
  if (perNode.length > 0) {
    report.note(
      `derived ${perNode.length} router route(s), one per node podCIDR via that node's eth0 (gateway-routes mode)`,
    );
  }
  return [...perNode, connected];
}

// ---------------------------------------------------------------------------------------------------------
// Pods

/** A pod being resolved: a draft from the input, or one created for a Deployment. */
interface PodState {
  readonly draft: PodDraft;
  readonly derived: boolean;
  /** Where errors about this pod point, and the prefix of its fields (`spec.template.` for derived pods). */
  readonly where: { readonly source?: SourceRef; readonly prefix: string };
  nodeName: string | null;
  podIP: string | null;
  phase: PodPhase;
  ready: boolean;
}

function podWhere(p: PodState, field: string): Where {
  return whereOf(p.where.source, `${p.where.prefix}${field}`);
}

/** The scheduler, reduced to what kube-netviz needs: fewest pods first, ties by node name. */
class Scheduler {
  private readonly counts = new Map<string, number>();

  constructor(names: readonly string[]) {
    for (const n of [...names].sort()) this.counts.set(n, 0);
  }

  count(nodeName: string): void {
    const c = this.counts.get(nodeName);
    if (c !== undefined) this.counts.set(nodeName, c + 1);
  }

  pick(): string | undefined {
    let best: string | undefined;
    let bestCount = Infinity;
    for (const [name, c] of this.counts) {
      if (c < bestCount) {
        best = name;
        bestCount = c;
      }
    }
    if (best !== undefined) this.count(best);
    return best;
  }
}

function createPodState(
  draft: PodDraft,
  derived: boolean,
  where: PodState['where'],
  nodes: Map<string, NodeState>,
  scheduler: Scheduler,
  report: Report,
): PodState {
  let nodeName: string | null = draft.nodeName ?? null;
  const state: PodState = {
    draft,
    derived,
    where,
    nodeName,
    podIP: null,
    phase: draft.phase ?? 'Running',
    ready: false,
  };
  if (nodeName !== null && !nodes.has(nodeName)) {
    report.fail(
      'unknown-reference',
      `pod ${keyOf(draft)} names node ${nodeName}, which is not in the input`,
      podWhere(state, 'spec.nodeName'),
    );
    nodeName = null;
  } else if (nodeName === null && draft.phase === undefined) {
    // A bare manifest without spec.nodeName is a pod about to be created: the scheduler would bind it.
    const picked = scheduler.pick();
    if (picked !== undefined) {
      nodeName = picked;
      report.note(`scheduled pod ${keyOf(draft)} on ${picked} (the node with the fewest pods)`);
    }
  } else if (nodeName !== null && !isFinished(draft.phase)) {
    scheduler.count(nodeName);
  }
  state.nodeName = nodeName;
  // A pod not bound to a node is Pending and not Ready; one bound and without a status is about to run.
  state.phase = draft.phase ?? (nodeName === null ? 'Pending' : 'Running');
  state.ready = draft.ready ?? state.phase === 'Running';
  return state;
}

function expandDeployment(
  dep: Deployment,
  inputPods: readonly PodDraft[],
  nodes: Map<string, NodeState>,
  scheduler: Scheduler,
  report: Report,
): PodState[] {
  // The ReplicaSet controller counts active pods (not finished, not being deleted) matching its selector.
  const active = inputPods.filter(
    (p) =>
      p.namespace === dep.namespace &&
      !isFinished(p.phase) &&
      !p.terminating &&
      matchesSelector(dep.selector, p.labels),
  ).length;
  const missing = dep.replicas - active;
  if (missing <= 0) return [];

  const templateNode = dep.template.nodeName;
  if (templateNode !== undefined && !nodes.has(templateNode)) {
    report.fail(
      'unknown-reference',
      `Deployment ${keyOf(dep)} pins its pods to node ${templateNode}, which is not in the input`,
      whereOf(dep.source, 'spec.template.spec.nodeName'),
    );
    return [];
  }

  const hash = podTemplateHash(dep.template);
  const taken = new Set(inputPods.filter((p) => p.namespace === dep.namespace).map((p) => p.name));
  const pods: PodState[] = [];
  for (let index = 0; pods.length < missing; index++) {
    // ReplicaSet pods use generateName `<deployment>-<pod-template-hash>-` and the API server appends
    // 5 random characters; here they come from a hash of the Deployment and the replica index.
    const name = `${dep.name}-${hash}-${safeSuffix(`${keyOf(dep)}/${hash}/${index}`)}`;
    if (taken.has(name)) continue;
    taken.add(name);
    const nodeName = templateNode ?? scheduler.pick();
    if (templateNode !== undefined) scheduler.count(templateNode);
    const draft: PodDraft = {
      name,
      namespace: dep.namespace,
      labels: { ...dep.template.labels, [LABEL_POD_TEMPLATE_HASH]: hash },
      ...(nodeName !== undefined ? { nodeName } : {}),
      hostNetwork: dep.template.hostNetwork,
      containers: dep.template.containers,
      hostAliases: dep.template.hostAliases,
      dnsPolicy: dep.template.dnsPolicy,
      ...(nodeName !== undefined ? {} : { phase: 'Pending' as const }),
      terminating: false,
      ownerDeployment: dep.name,
      ...(dep.source ? { source: dep.source } : {}),
    };
    pods.push({
      draft,
      derived: true,
      where: { ...(dep.source ? { source: dep.source } : {}), prefix: 'spec.template.' },
      nodeName: nodeName ?? null,
      podIP: null,
      phase: nodeName !== undefined ? 'Running' : 'Pending',
      ready: nodeName !== undefined,
    });
    report.note(
      nodeName !== undefined
        ? `created pod ${dep.namespace}/${name} for Deployment ${dep.name} (replica ${active + pods.length} of ` +
            `${dep.replicas}) on ${nodeName}${templateNode !== undefined ? ' (template nodeName)' : ' (fewest pods)'}`
        : `created pod ${dep.namespace}/${name} for Deployment ${dep.name}; no node to schedule it on, so it stays Pending`,
    );
  }
  return pods;
}

function validateContainerPorts(p: PodState, report: Report): void {
  p.draft.containers.forEach((c, i) =>
    c.ports.forEach((port, j) =>
      report.attempt(podWhere(p, `spec.containers[${i}].ports[${j}].containerPort`), () =>
        validatePort(port.containerPort, `containerPort of container ${c.name} in pod ${keyOf(p.draft)}`),
      ),
    ),
  );
}

/** Pod addresses: explicit ones first (across all nodes), then host-local IPAM for the rest. */
function assignPodIPs(
  pods: readonly PodState[],
  nodes: Map<string, NodeState>,
  podAddresses: AddressPool,
  dockerBridge: boolean,
  report: Report,
): void {
  const nodeStates = [...nodes.values()];
  const poolHolding = (ip: string): NodeState | undefined =>
    nodeStates.find((n) => n.podCidr && cidrContains(n.podCidr, ip));

  for (const p of pods) {
    const given = p.draft.podIP;
    const owner = `pod ${keyOf(p.draft)}`;
    const where = podWhere(p, 'status.podIP');
    if (given === undefined) continue;
    if (isFinished(p.phase)) {
      // A finished pod may still show its old address, which host-local IPAM has already handed to a new
      // pod: keep it for display, but it holds nothing.
      if (report.attempt(where, () => parseIPv4(given, 'podIP')) !== undefined) p.podIP = given;
      continue;
    }
    if (p.nodeName === null) {
      report.note(`pod ${keyOf(p.draft)} is not on a node, so its podIP ${given} was dropped`);
      continue;
    }
    const node = nodes.get(p.nodeName);
    if (p.draft.hostNetwork) {
      p.podIP = node?.internalIP ?? null;
      if (node?.internalIP !== undefined && given !== node.internalIP) {
        report.fail(
          'invalid-field',
          `pod ${keyOf(p.draft)} uses the host network, so its podIP must be its node's InternalIP ` +
            `${node.internalIP}, not ${given}`,
          where,
        );
      }
      continue;
    }
    if (dockerBridge) {
      // Docker's IPAM is per host: the address is held only on the pod's own node (and may repeat on others).
      const pool = node?.pool;
      if (pool && report.attempt(where, () => pool.reserve(given, owner, 'podIP')) !== undefined) {
        p.podIP = given;
      }
      continue;
    }
    const held = report.attempt(where, () => {
      podAddresses.reserve(given, owner, 'podIP');
      // Also hold it in the podCIDR it falls in (its own node's, or another's), so no pod there gets it.
      poolHolding(given)?.pool?.reserve(given, owner, 'podIP');
      return true;
    });
    if (!held) continue;
    p.podIP = given;
    if (node?.podCidr && !cidrContains(node.podCidr, given)) {
      report.note(
        `pod ${keyOf(p.draft)} has podIP ${given}, outside its node ${p.nodeName}'s podCIDR ` +
          `${node.podCidr.text}; kept as given (a CNI with its own IPAM, such as Calico, does this)`,
      );
    }
  }

  for (const p of pods) {
    if (p.draft.podIP !== undefined || p.nodeName === null || isFinished(p.phase)) continue;
    const node = nodes.get(p.nodeName);
    if (!node) continue;
    if (p.draft.hostNetwork) {
      if (node.internalIP !== undefined) p.podIP = node.internalIP;
      continue;
    }
    const pool = node.pool;
    if (!pool) continue;
    const owner = `pod ${keyOf(p.draft)}`;
    const ip = report.attempt(podWhere(p, 'status.podIP'), () => {
      const next = pool.allocateNext(owner);
      if (!dockerBridge) podAddresses.reserve(next, owner, 'podIP');
      return next;
    });
    if (ip !== undefined) {
      p.podIP = ip;
      report.note(
        dockerBridge
          ? `allocated ${ip} to ${keyOf(p.draft)} on ${p.nodeName} (Docker's IPAM on that node: next free ` +
              `address of ${pool.cidr.text}, whatever other nodes hold)`
          : `allocated podIP ${ip} to ${keyOf(p.draft)} on ${p.nodeName} (host-local IPAM: next free address of ` +
              `podCIDR ${pool.cidr.text})`,
      );
    }
  }
}

function finishPod(p: PodState): Pod {
  const d = p.draft;
  const hasVeth = !d.hostNetwork && p.nodeName !== null && p.podIP !== null && !isFinished(p.phase);
  return {
    kind: 'Pod',
    name: d.name,
    namespace: d.namespace,
    labels: d.labels,
    ...(d.source ? { source: d.source } : {}),
    nodeName: p.nodeName,
    podIP: p.podIP,
    hostNetwork: d.hostNetwork,
    ...(d.hostname !== undefined ? { hostname: d.hostname } : {}),
    ...(d.subdomain !== undefined ? { subdomain: d.subdomain } : {}),
    pauseImage: PAUSE_IMAGE,
    containers: d.containers,
    hostAliases: d.hostAliases,
    dnsPolicy: d.dnsPolicy,
    ...(d.dnsConfig !== undefined ? { dnsConfig: d.dnsConfig } : {}),
    phase: p.phase,
    ready: p.ready,
    terminating: d.terminating,
    // The CNI bridge plugin names the host end `veth` + 8 hex characters (random there, hashed here).
    ...(hasVeth ? { hostVeth: `veth${hex8(keyOf(d))}` } : {}),
    ...(d.ownerDeployment !== undefined ? { ownerDeployment: d.ownerDeployment } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Services

const usesNodePorts = (s: ServiceDraft): boolean => s.type === 'NodePort' || s.type === 'LoadBalancer';

interface ServiceState {
  readonly draft: ServiceDraft;
  clusterIP: string | null;
  headless: boolean;
  nodePorts: (number | undefined)[];
  healthCheckNodePort?: number;
}

function resolveServices(
  drafts: readonly ServiceDraft[],
  net: NetworkContext,
  report: Report,
): ServiceState[] {
  const seen = new Set<string>();
  const states: ServiceState[] = [];
  for (const d of drafts) {
    if (seen.has(keyOf(d))) {
      report.fail(
        'duplicate-object',
        `Service ${keyOf(d)} is defined more than once`,
        whereOf(d.source, 'metadata.name'),
      );
      continue;
    }
    seen.add(keyOf(d));
    states.push({
      draft: d,
      clusterIP: null,
      headless: d.type !== 'ExternalName' && d.clusterIP === 'None',
      nodePorts: d.ports.map((p) => p.nodePort),
    });
  }

  const at = (s: ServiceState, field: string): Where => whereOf(s.draft.source, field);
  const owner = (s: ServiceState): string => `Service ${keyOf(s.draft)}`;

  // Port numbers.
  for (const s of states) {
    s.draft.ports.forEach((p, i) => {
      report.attempt(at(s, `spec.ports[${i}].port`), () => validatePort(p.port, `port of ${owner(s)}`));
      if (typeof p.targetPort === 'number') {
        report.attempt(at(s, `spec.ports[${i}].targetPort`), () =>
          validatePort(p.targetPort as number, `targetPort of ${owner(s)}`),
        );
      }
    });
  }

  // ClusterIPs: explicit ones and the two well-known ones are held first; then the dynamic ones.
  const serviceIPs = new AddressPool(net.serviceCidr, 'serviceCIDR');
  const pending: ServiceState[] = [];
  for (const s of states) {
    const d = s.draft;
    if (d.type === 'ExternalName') {
      if (d.clusterIP !== undefined && d.clusterIP !== '') {
        report.note(`${owner(s)} is an ExternalName Service: its clusterIP ${d.clusterIP} was ignored`);
      }
      continue;
    }
    if (s.headless) continue;
    const where = at(s, 'spec.clusterIP');
    if (d.clusterIP !== undefined && d.clusterIP !== '') {
      const given = d.clusterIP;
      s.clusterIP = report.attempt(where, () => serviceIPs.reserve(given, owner(s), 'clusterIP')) ?? null;
      const dnsIP = net.network.dnsServiceIP;
      if (d.namespace === 'kube-system' && d.name === 'kube-dns' && s.clusterIP && s.clusterIP !== dnsIP) {
        report.note(
          `kube-system/kube-dns has ClusterIP ${s.clusterIP}, but pods are told to use ${dnsIP} ` +
            `(dnsServiceIP, kubelet --cluster-dns): their DNS queries will not reach it`,
        );
      }
    } else if (d.namespace === 'default' && d.name === 'kubernetes') {
      // The API server gives its own Service the first address of the range (controlplane ServiceIPRange:
      // GetIndexedIP(serviceClusterIPRange, 1)).
      s.clusterIP =
        report.attempt(where, () =>
          serviceIPs.reserve(nthAddress(net.serviceCidr, 1), owner(s), 'clusterIP'),
        ) ?? null;
      if (s.clusterIP) {
        report.note(
          `allocated ClusterIP ${s.clusterIP} to default/kubernetes (the API server takes the first address)`,
        );
      }
    } else if (d.namespace === 'kube-system' && d.name === 'kube-dns') {
      // kubeadm creates kube-dns with clusterIP = the cluster DNS address (kubelet --cluster-dns).
      const dnsIP = net.network.dnsServiceIP;
      s.clusterIP = report.attempt(where, () => serviceIPs.reserve(dnsIP, owner(s), 'clusterIP')) ?? null;
      if (s.clusterIP) {
        report.note(`allocated ClusterIP ${s.clusterIP} to kube-system/kube-dns (the cluster DNS address)`);
      }
    } else {
      pending.push(s);
    }
  }
  const band = serviceIPStaticBand(net.serviceCidr);
  for (const s of pending) {
    s.clusterIP =
      report.attempt(at(s, 'spec.clusterIP'), () =>
        serviceIPs.allocateHashed(keyOf(s.draft), owner(s), band),
      ) ?? null;
    if (s.clusterIP) {
      report.note(
        `allocated ClusterIP ${s.clusterIP} to ${keyOf(s.draft)} (serviceCIDR ${net.serviceCidr.text}, ` +
          `dynamic band above the first ${band} addresses kept for static assignment, KEP-3070)`,
      );
    }
  }

  resolveNodePorts(states, net, report);
  return states;
}

function resolveNodePorts(states: ServiceState[], net: NetworkContext, report: Report): void {
  const pool = net.nodePorts;
  const at = (s: ServiceState, field: string): Where => whereOf(s.draft.source, field);
  // Within one Service the same nodePort may serve two protocols (53/UDP and 53/TCP); across Services a
  // nodePort is held once, whatever the protocol (one allocator per range in the API server).
  const protocolsOf = new Map<number, Set<string>>();

  for (const s of states) {
    const owner = `Service ${keyOf(s.draft)}`;
    s.draft.ports.forEach((p, i) => {
      const np = p.nodePort;
      if (np === undefined) return;
      const where = at(s, `spec.ports[${i}].nodePort`);
      if (!usesNodePorts(s.draft)) {
        report.fail(
          'invalid-port',
          `nodePort ${np} of ${owner} may only be set when the Service type is NodePort or LoadBalancer, not ${s.draft.type}`,
          where,
        );
        s.nodePorts[i] = undefined;
        return;
      }
      const protocols = protocolsOf.get(np);
      if (pool.ownerOf(np) === owner && protocols) {
        if (protocols.has(p.protocol)) {
          report.fail('duplicate-address', `nodePort ${np}/${p.protocol} is used twice in ${owner}`, where);
        }
        protocols.add(p.protocol);
        return;
      }
      if (report.attempt(where, () => pool.reserve(np, owner)) !== undefined) {
        protocolsOf.set(np, new Set([p.protocol]));
      }
    });
  }

  for (const s of states) {
    if (!usesNodePorts(s.draft)) continue;
    const owner = `Service ${keyOf(s.draft)}`;
    s.draft.ports.forEach((p: ServicePortDraft, i) => {
      if (s.nodePorts[i] !== undefined) return;
      // Ports of one Service with the same port number share a nodePort (the API server's
      // svcPortToNodePort map in the Service REST storage).
      const sibling = s.draft.ports.findIndex(
        (q, j) => j !== i && q.port === p.port && s.nodePorts[j] !== undefined,
      );
      const shared = sibling >= 0 ? s.nodePorts[sibling] : undefined;
      if (shared !== undefined) {
        s.nodePorts[i] = shared;
        return;
      }
      const np = report.attempt(at(s, `spec.ports[${i}].nodePort`), () =>
        pool.allocateHashed(`${keyOf(s.draft)}:${p.port}`, owner),
      );
      s.nodePorts[i] = np;
      if (np !== undefined) {
        report.note(
          `allocated nodePort ${np} to ${keyOf(s.draft)} port ${p.name ?? p.port} (dynamic band of ` +
            `${pool.range.min}-${pool.range.max} above the first ${pool.staticBand} ports, KEP-3668)`,
        );
      }
    });

    const given = s.draft.healthCheckNodePort;
    const needsHealthCheck = s.draft.type === 'LoadBalancer' && s.draft.externalTrafficPolicy === 'Local';
    if (given !== undefined) {
      const where = at(s, 'spec.healthCheckNodePort');
      if (!needsHealthCheck) {
        report.fail(
          'invalid-port',
          `healthCheckNodePort ${given} of ${owner} may only be set on a LoadBalancer Service with externalTrafficPolicy Local`,
          where,
        );
      } else {
        s.healthCheckNodePort = report.attempt(where, () =>
          pool.reserve(given, owner, 'healthCheckNodePort'),
        );
      }
    } else if (needsHealthCheck) {
      // The API server gives LoadBalancer Services with externalTrafficPolicy Local a health-check port.
      s.healthCheckNodePort = report.attempt(at(s, 'spec.healthCheckNodePort'), () =>
        pool.allocateHashed(`${keyOf(s.draft)}:healthCheck`, owner),
      );
      if (s.healthCheckNodePort !== undefined) {
        report.note(`allocated healthCheckNodePort ${s.healthCheckNodePort} to ${keyOf(s.draft)}`);
      }
    }
  }
}

function finishService(s: ServiceState): Service {
  const d = s.draft;
  const ports: ServicePort[] = d.ports.map((p, i) => {
    const np = usesNodePorts(d) ? s.nodePorts[i] : undefined;
    return {
      ...(p.name !== undefined ? { name: p.name } : {}),
      protocol: p.protocol,
      port: p.port,
      targetPort: p.targetPort,
      ...(np !== undefined ? { nodePort: np } : {}),
    };
  });
  return {
    kind: 'Service',
    name: d.name,
    namespace: d.namespace,
    labels: d.labels,
    ...(d.source ? { source: d.source } : {}),
    type: d.type,
    clusterIP: s.clusterIP,
    headless: s.headless,
    ports,
    selector: d.selector,
    sessionAffinity: d.sessionAffinity,
    sessionAffinityTimeoutSeconds: d.sessionAffinityTimeoutSeconds,
    externalTrafficPolicy: d.externalTrafficPolicy,
    internalTrafficPolicy: d.internalTrafficPolicy,
    ...(d.externalName !== undefined ? { externalName: d.externalName } : {}),
    externalIPs: d.externalIPs,
    loadBalancerIPs: d.loadBalancerIPs,
    loadBalancerSourceRanges: d.loadBalancerSourceRanges,
    ...(s.healthCheckNodePort !== undefined ? { healthCheckNodePort: s.healthCheckNodePort } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// EndpointSlices

function validateInputSlice(slice: EndpointSlice, report: Report): void {
  slice.ports.forEach((p, i) =>
    report.attempt(whereOf(slice.source, `ports[${i}].port`), () =>
      validatePort(p.port, `port of EndpointSlice ${keyOf(slice)}`),
    ),
  );
  if (slice.addressType !== 'IPv4') return;
  slice.endpoints.forEach((e, i) =>
    e.addresses.forEach((a, j) =>
      report.attempt(whereOf(slice.source, `endpoints[${i}].addresses[${j}]`), () =>
        parseIPv4(a, `endpoint address of EndpointSlice ${keyOf(slice)}`),
      ),
    ),
  );
}

/** The container port a Service port's targetPort names on this pod (podutil.FindPort), if any. */
function resolveTargetPort(port: ServicePort, containers: readonly Container[]): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  for (const c of containers) {
    for (const cp of c.ports) {
      if (cp.name === port.targetPort && cp.protocol === port.protocol) return cp.containerPort;
    }
  }
  return undefined;
}

/**
 * What the EndpointSlice controller would create for a Service with a selector: its ready-or-not,
 * non-finished pods with an address, grouped into slices by their resolved port set, at most 100 per slice.
 */
/**
 * Pods by `namespace` and `label=value`, so a selector only looks at the pods that carry its rarest label
 * (the EndpointSlice controller's informer indexes do the same job in a real cluster).
 */
class PodIndex {
  private readonly byLabel = new Map<string, Pod[]>();

  constructor(pods: readonly Pod[]) {
    for (const pod of pods) {
      for (const [k, v] of Object.entries(pod.labels)) {
        const key = `${pod.namespace}\u0000${k}\u0000${v}`;
        const list = this.byLabel.get(key);
        if (list) list.push(pod);
        else this.byLabel.set(key, [pod]);
      }
    }
  }

  /** Pods in the namespace that may match a non-empty selector (a superset; callers still match). */
  candidates(namespace: string, selector: Labels): readonly Pod[] {
    let best: readonly Pod[] | undefined;
    for (const [k, v] of Object.entries(selector)) {
      const list = this.byLabel.get(`${namespace}\u0000${k}\u0000${v}`) ?? [];
      if (best === undefined || list.length < best.length) best = list;
    }
    return best ?? [];
  }
}

function deriveSlices(svc: Service, index: PodIndex, report: Report): EndpointSlice[] {
  const selector = svc.selector ?? {};
  const members = index
    .candidates(svc.namespace, selector)
    .filter(
      (p) =>
        p.namespace === svc.namespace &&
        p.podIP !== null &&
        !isFinished(p.phase) &&
        matchesSelector(selector, p.labels),
    )
    .sort((a, b) => compareIPv4(a.podIP ?? '', b.podIP ?? ''));

  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>();
  for (const pod of members) {
    const ports: EndpointPort[] = [];
    for (const sp of svc.ports) {
      const port = resolveTargetPort(sp, pod.containers);
      if (port === undefined) continue;
      ports.push({ ...(sp.name !== undefined ? { name: sp.name } : {}), protocol: sp.protocol, port });
    }
    const key = JSON.stringify(ports);
    const group = groups.get(key) ?? { ports, endpoints: [] };
    groups.set(key, group);
    group.endpoints.push({
      addresses: [pod.podIP ?? ''],
      // discovery.k8s.io/v1: ready = serving and not terminating (podEndpointChanged / podToEndpoint).
      conditions: {
        ready: pod.ready && !pod.terminating,
        serving: pod.ready,
        terminating: pod.terminating,
      },
      // The controller sets hostname when the pod's subdomain names the Service.
      ...(pod.hostname !== undefined && pod.subdomain === svc.name ? { hostname: pod.hostname } : {}),
      ...(pod.nodeName !== null ? { nodeName: pod.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.namespace, name: pod.name },
    });
  }

  const labels: Record<string, string> = {
    ...svc.labels,
    [LABEL_SERVICE_NAME]: svc.name,
    [LABEL_MANAGED_BY]: CONTROLLER_NAME,
  };
  if (svc.headless) labels[LABEL_HEADLESS] = '';
  // generateName is `<service>-`, cut so that the name with its 5-character suffix fits 63 characters.
  const prefix = `${svc.name}-`.slice(0, 58);

  const chunks: { ports: EndpointPort[]; endpoints: Endpoint[] }[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      chunks.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
  }
  // With no endpoints the controller still keeps one empty placeholder slice.
  if (chunks.length === 0) chunks.push({ ports: [], endpoints: [] });

  return chunks.map((c, i) => {
    const name = `${prefix}${safeSuffix(`${keyOf(svc)}/slice/${i}`)}`;
    const portText =
      c.ports.map((p) => `${p.name ?? 'unnamed'} ${p.port}/${p.protocol}`).join(', ') || 'no ports';
    report.note(
      `derived EndpointSlice ${svc.namespace}/${name} for Service ${svc.name}: ` +
        `${c.endpoints.length === 0 ? 'no endpoints' : c.endpoints.map((e) => e.addresses[0]).join(', ')} (${portText})`,
    );
    return {
      kind: 'EndpointSlice',
      name,
      namespace: svc.namespace,
      labels,
      ...(svc.source ? { source: svc.source } : {}),
      serviceName: svc.name,
      addressType: 'IPv4',
      ports: c.ports,
      endpoints: c.endpoints,
      derived: true,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Resolves a draft into a complete cluster, or reports every problem found. Errors in the network settings
 * (the ranges everything else is cut from) stop resolution there; all other errors are collected.
 * Network settings the draft leaves unset are first inferred from its objects (see inferNetwork.ts), then
 * defaulted; settings the draft gives are used as they are.
 */
export function resolveCluster(given: ClusterDraft): ResolveResult {
  const report = new Report();
  // What the settings leave out is read from the objects first (a kubectl export has no settings at all).
  const inferred = inferDraft(given, NETWORK_DEFAULTS);
  inferred.notes.forEach((n) => report.note(n));
  const draft = inferred.draft;
  const net = resolveNetwork(draft.network, report);
  if (!net) return { ok: false, errors: report.errors };

  const podAddresses = new AddressPool(net.clusterCidr, 'clusterCIDR');
  const nodeStates = resolveNodes(draft.nodes, net, podAddresses, report);

  // Pods from the input, then the replicas Deployments are missing, each placed by the scheduler.
  const scheduler = new Scheduler(
    [...nodeStates.values()].filter((n) => n.podCidr && n.internalIP).map((n) => n.draft.name),
  );
  const seenPods = new Set<string>();
  const podStates: PodState[] = [];
  const inputPods: PodDraft[] = [];
  for (const d of draft.pods) {
    if (seenPods.has(keyOf(d))) {
      report.fail(
        'duplicate-object',
        `Pod ${keyOf(d)} is defined more than once`,
        whereOf(d.source, 'metadata.name'),
      );
      continue;
    }
    seenPods.add(keyOf(d));
    inputPods.push(d);
  }
  // Bound pods count first, so that pods the scheduler places see every node's real load.
  const bound = inputPods.filter((d) => d.nodeName !== undefined || d.phase !== undefined);
  const unbound = new Set(inputPods.filter((d) => !bound.includes(d)));
  const byDraft = new Map<PodDraft, PodState>();
  for (const d of [...bound, ...unbound]) {
    const where = { ...(d.source ? { source: d.source } : {}), prefix: '' };
    byDraft.set(d, createPodState(d, false, where, nodeStates, scheduler, report));
  }
  for (const d of inputPods) {
    const s = byDraft.get(d);
    if (s) podStates.push(s);
  }
  for (const dep of draft.deployments) {
    podStates.push(...expandDeployment(dep, inputPods, nodeStates, scheduler, report));
  }
  for (const p of podStates) validateContainerPorts(p, report);
  assignPodIPs(podStates, nodeStates, podAddresses, net.network.cniMode === 'docker-bridge', report);

  const serviceStates = resolveServices(draft.services, net, report);

  const nodeNames = new Set(nodeStates.keys());
  net.network.userspaceProxyPorts.forEach((p, i) => {
    if (!nodeNames.has(p.node)) {
      report.fail(
        'unknown-reference',
        `userspace proxy port ${p.port} names node ${p.node}, which is not in the input`,
        whereOf(draft.network.source, `spec.proxy.userspace.proxyPorts[${i}].node`),
      );
    }
  });

  draft.endpointSlices.forEach((s) => validateInputSlice(s, report));

  const nodes: Node[] = [];
  for (const s of nodeStates.values()) {
    if (!s.podCidr || !s.internalIP || !s.bridgeIP) continue;
    nodes.push({
      kind: 'Node',
      name: s.draft.name,
      labels: s.draft.labels,
      internalIP: s.internalIP,
      podCIDR: s.podCidr.text,
      bridge: { name: net.network.bridgeName, ip: s.bridgeIP },
      ...(s.draft.source ? { source: s.draft.source } : {}),
    });
  }
  const routes = resolveRoutes(draft.network, net, nodes, report);

  if (report.errors.length > 0) return { ok: false, errors: report.errors };

  const pods = podStates.map(finishPod);
  const services = serviceStates.map(finishService);
  const sliced = new Set(draft.endpointSlices.map((s) => `${s.namespace}/${s.serviceName}`));
  const podIndex = new PodIndex(pods);
  const derivedSlices = services
    .filter(
      (s) =>
        s.type !== 'ExternalName' &&
        s.selector !== null &&
        Object.keys(s.selector).length > 0 &&
        !sliced.has(keyOf(s)),
    )
    .flatMap((s) => deriveSlices(s, podIndex, report));

  const { routerName, ...network } = net.network;
  return {
    ok: true,
    cluster: {
      name: draft.name,
      network: { ...network, router: { name: routerName, ip: net.routerIP, routes } },
      nodes,
      pods,
      services,
      endpointSlices: [...draft.endpointSlices.map((s) => ({ ...s, derived: false })), ...derivedSlices],
      deployments: draft.deployments,
      networkPolicies: draft.networkPolicies ?? [],
      // The API server does not check that an Ingress's Services exist; the controller answers 503 if not.
      ...(draft.ingresses && draft.ingresses.length > 0 ? { ingresses: draft.ingresses } : {}),
    },
    notes: report.notes,
  };
}
