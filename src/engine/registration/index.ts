/**
 * Service registration as data (the seed's "Service registration" and "Summary"): what happens between
 * `kubectl apply` of a Service and the moment every node traps its ClusterIP, and what happens when a pod
 * turns ready or not ready. The cluster after the change comes from `resolveCluster` — the same allocators
 * and EndpointSlice derivation the app uses everywhere — so the records, slices and rules shown are the ones
 * the DNS and packet traces use.
 *
 * The API server's order for a create (k8s.io/apiserver): the filter chain authenticates, then authorizes;
 * the create handler runs mutating admission; the generic Store.Create then calls the resource's BeginCreate
 * hook — for Services the REST storage allocates ClusterIPs and NodePorts there (pkg/registry/core/service/
 * storage: beginCreate → allocateCreate) — then BeforeCreate (strategy validation), then validating
 * admission, then writes to etcd. A failure after the allocation reverts it (the FinishFunc's txn.Revert).
 */
import type { ServiceDraft } from '../../model/draft';
import { kubeProxyId, nodeId, podId, serviceId } from '../../model/elementIds';
import { resolveCluster } from '../../model/resolve';
import type {
  Cluster,
  EndpointSlice,
  Labels,
  Protocol,
  ProxyMode,
  Service,
  ServiceType,
  TrafficPolicy,
} from '../../model/types';
import { buildDnsZone } from '../dns/records';
import { PROXY_MODES, isProxyModeLoaded, proxyModeModule } from '../proxy/index';
import { clusterToDraft, serviceDraft } from './clusterDraft';
import { diffNodeRules } from './ruleDiff';
import type {
  DnsChange,
  RegistrationError,
  RegistrationOptions,
  RegistrationStep,
  RegistrationTrace,
  RuleDiff,
  SliceChange,
} from './types';
import { invalidMessage, validateServiceDraft } from './validation';

export type * from './types';
export { diffNodeRules, diffRulesViews } from './ruleDiff';
export { clusterToDraft } from './clusterDraft';

/** Control-plane pieces have no topology element yet; these ids name what the view will draw. */
export const CONTROL_PLANE_IDS = {
  apiserver: 'control-plane:apiserver',
  etcd: 'control-plane:etcd',
  endpointSliceController: 'control-plane:endpointslice-controller',
} as const;

export interface ServicePortInput {
  readonly name?: string;
  /** Defaults to TCP (SetDefaults_ServicePort). */
  readonly protocol?: Protocol;
  readonly port: number;
  /** Defaults to `port` (SetDefaults_Service). */
  readonly targetPort?: number | string;
  readonly nodePort?: number;
}

/** A Service as a user writes it: a `ServiceDraft`, a stored `Service`, or just the fields that matter. */
export interface ServiceInput {
  readonly name: string;
  /** Defaults to `default`. */
  readonly namespace?: string;
  readonly labels?: Labels;
  /** Defaults to ClusterIP. */
  readonly type?: ServiceType;
  /** A requested address; `None` (or `headless: true`) for a headless Service; absent/null: allocate one. */
  readonly clusterIP?: string | null;
  readonly headless?: boolean;
  readonly ports: readonly ServicePortInput[];
  readonly selector?: Labels | null;
  readonly sessionAffinity?: 'None' | 'ClientIP';
  readonly sessionAffinityTimeoutSeconds?: number;
  readonly externalTrafficPolicy?: TrafficPolicy;
  readonly internalTrafficPolicy?: TrafficPolicy;
  readonly externalName?: string;
  readonly externalIPs?: readonly string[];
  readonly loadBalancerIPs?: readonly string[];
  readonly loadBalancerSourceRanges?: readonly string[];
  readonly healthCheckNodePort?: number;
}

/** The Service with the API server's defaults filled in (pkg/apis/core/v1 defaults.go). */
export function toServiceDraft(input: ServiceInput): ServiceDraft {
  const headless = input.headless === true || input.clusterIP === 'None';
  const requested = headless ? 'None' : (input.clusterIP ?? undefined);
  return {
    kind: 'Service',
    name: input.name,
    namespace: input.namespace ?? 'default',
    labels: input.labels ?? {},
    type: input.type ?? 'ClusterIP',
    ...(requested !== undefined && requested !== '' ? { clusterIP: requested } : {}),
    ports: input.ports.map((p) => ({
      ...(p.name !== undefined ? { name: p.name } : {}),
      protocol: p.protocol ?? 'TCP',
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
    })),
    selector: input.selector === undefined ? null : input.selector,
    sessionAffinity: input.sessionAffinity ?? 'None',
    // v1.DefaultClientIPServiceAffinitySeconds
    sessionAffinityTimeoutSeconds: input.sessionAffinityTimeoutSeconds ?? 10800,
    externalTrafficPolicy: input.externalTrafficPolicy ?? 'Cluster',
    internalTrafficPolicy: input.internalTrafficPolicy ?? 'Cluster',
    ...(input.externalName !== undefined ? { externalName: input.externalName } : {}),
    externalIPs: input.externalIPs ?? [],
    loadBalancerIPs: input.loadBalancerIPs ?? [],
    loadBalancerSourceRanges: input.loadBalancerSourceRanges ?? [],
    ...(input.healthCheckNodePort !== undefined ? { healthCheckNodePort: input.healthCheckNodePort } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

const keyOf = (o: { readonly namespace: string; readonly name: string }): string =>
  `${o.namespace}/${o.name}`;

type StepInput = Omit<RegistrationStep, 'index' | 'ok'> & { readonly ok?: boolean };

class Steps {
  readonly list: RegistrationStep[] = [];
  add(step: StepInput): RegistrationStep {
    const full: RegistrationStep = { ...step, index: this.list.length, ok: step.ok ?? true };
    this.list.push(full);
    return full;
  }
}

function slicesOf(cluster: Cluster, key: string): EndpointSlice[] {
  return cluster.endpointSlices.filter((s) => `${s.namespace}/${s.serviceName}` === key);
}

/** Ready endpoint addresses (kube-proxy and CoreDNS use ready endpoints; terminating fallback aside). */
function readyAddresses(slices: readonly EndpointSlice[]): string[] {
  return slices
    .flatMap((s) => s.endpoints)
    .filter((e) => e.conditions.ready)
    .flatMap((e) => e.addresses);
}

function sliceChange(before: Cluster, after: Cluster, key: string): SliceChange {
  const b = slicesOf(before, key);
  const a = slicesOf(after, key);
  return { service: key, before: b, after: a, readyBefore: readyAddresses(b), readyAfter: readyAddresses(a) };
}

function dnsChange(before: Cluster, after: Cluster): DnsChange {
  const b = buildDnsZone(before).records;
  const a = buildDnsZone(after).records;
  const bIds = new Set(b.map((r) => r.id));
  const aIds = new Set(a.map((r) => r.id));
  return { added: a.filter((r) => !bIds.has(r.id)), removed: b.filter((r) => !aIds.has(r.id)) };
}

/** The CoreDNS pods (kubeadm labels them k8s-app=kube-dns); the kube-dns Service when there are none. */
function coreDnsIds(cluster: Cluster): string[] {
  const pods = cluster.pods.filter(
    (p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns',
  );
  if (pods.length > 0) return pods.map((p) => podId(p));
  return [serviceId({ namespace: 'kube-system', name: 'kube-dns' })];
}

function describeDns(change: DnsChange): string {
  const parts = [
    ...change.added.map((r) => `+ ${r.type} ${r.name} ${r.data}`),
    ...change.removed.map((r) => `− ${r.type} ${r.name} ${r.data}`),
  ];
  return parts.join('\n');
}

function describeRules(diff: RuleDiff): string {
  return [
    ...diff.added.map((l) => `+ ${l.text.trim()}`),
    ...diff.removed.map((l) => `− ${l.text.trim()}`),
  ].join('\n');
}

function modesToDiff(mode: ProxyMode, allModes: boolean | undefined): ProxyMode[] {
  // Throws ProxyModeNotLoadedError for a chosen mode that is not loaded (see loadProxyMode).
  proxyModeModule(mode);
  if (!allModes) return [mode];
  return PROXY_MODES.filter((m) => isProxyModeLoaded(m));
}

/** One kube-proxy step per node, with the rule diff in the chosen mode (and every loaded mode if asked). */
function addRuleSteps(
  steps: Steps,
  before: Cluster,
  after: Cluster,
  mode: ProxyMode,
  modes: readonly ProxyMode[],
  explain: (diff: RuleDiff) => string,
): void {
  for (const node of after.nodes) {
    const rulesByMode: Partial<Record<ProxyMode, RuleDiff>> = {};
    for (const m of modes) rulesByMode[m] = diffNodeRules(before, after, node.name, m);
    const rules = rulesByMode[mode] ?? diffNodeRules(before, after, node.name, mode);
    const counts = `+${rules.added.length} / −${rules.removed.length} lines`;
    steps.add({
      actor: 'kube-proxy',
      node: node.name,
      kind: 'rules',
      at: [kubeProxyId(node.name), nodeId(node.name)],
      caption: `kube-proxy on ${node.name} (${mode} mode): ${explain(rules)} (${counts})`,
      ...(rules.added.length + rules.removed.length > 0 ? { detail: describeRules(rules) } : {}),
      rules,
      ...(modes.length > 1 ? { rulesByMode } : {}),
    });
  }
}

/** What a node's kube-proxy does for one Service, in words. */
function explainServiceRules(
  svc: Service,
  ready: readonly string[],
  mode: ProxyMode,
): (d: RuleDiff) => string {
  return (diff) => {
    if (svc.type === 'ExternalName') {
      return 'ExternalName Services are only DNS CNAMEs; kube-proxy programs nothing for them';
    }
    if (svc.clusterIP === null) {
      return 'headless Service: no ClusterIP to trap, so kube-proxy programs nothing (clients get pod IPs from DNS)';
    }
    const vip = `${svc.clusterIP}:${svc.ports.map((p) => p.port).join(',')}`;
    if (ready.length === 0) {
      // pkg/proxy/iptables/proxier.go: a Service with no usable endpoints gets a filter KUBE-SERVICES REJECT
      // ("… has no endpoints"); nftables puts it in the no-endpoint-services map; IPVS keeps a virtual
      // server with no real servers.
      const how =
        mode === 'iptables'
          ? 'a filter-table REJECT in KUBE-SERVICES ("has no endpoints")'
          : mode === 'nftables'
            ? 'an element of @no-endpoint-services that jumps to reject-chain'
            : mode === 'ipvs'
              ? 'a virtual server with no real servers'
              : 'a portal whose proxy has no backend to connect to';
      return `${vip} has no ready endpoints, so packets to it are refused: ${how}`;
    }
    const changed = diff.added.length + diff.removed.length > 0 ? 'traps' : 'already traps';
    return `${changed} ${vip} and sends it to ${ready.join(', ')}`;
  };
}

function rejected(
  before: Cluster,
  mode: ProxyMode,
  steps: Steps,
  failed: RegistrationStep,
  error: RegistrationError,
): RegistrationTrace {
  return {
    before,
    after: before,
    mode,
    steps: steps.list,
    outcome: {
      status: 'rejected',
      failedAt: failed.kind,
      reason: error.message,
      ...(error.code !== undefined ? { code: error.code } : {}),
    },
  };
}

const ALLOCATION_CODES = new Set(['duplicate-address', 'out-of-range', 'pool-exhausted', 'invalid-ip']);

// ---------------------------------------------------------------------------------------------------------
// registerService

/**
 * Creates a Service in `before` the way `kubectl apply` and the cluster's components would, step by step.
 * Rejections (a requested ClusterIP in use or out of range, an invalid name or ports, a Service that already
 * exists) end the trace at the failing step with the API server's reason; `after` is then `before`.
 * Throws ProxyModeNotLoadedError when the chosen kube-proxy mode is not loaded.
 */
export function registerService(
  before: Cluster,
  input: ServiceInput,
  options: RegistrationOptions = {},
): RegistrationTrace {
  const mode = options.mode ?? before.network.proxyMode;
  const modes = modesToDiff(mode, options.allModes);
  const draft = toServiceDraft(input);
  const key = keyOf(draft);
  const apiserver = CONTROL_PLANE_IDS.apiserver;
  const etcdId = CONTROL_PLANE_IDS.etcd;
  const steps = new Steps();

  steps.add({
    actor: 'kubectl',
    kind: 'request',
    at: [apiserver],
    caption: `You POST the new Service ${key} to the API server (POST /api/v1/namespaces/${draft.namespace}/services)`,
  });
  steps.add({
    actor: 'kube-apiserver',
    kind: 'authn',
    at: [apiserver],
    caption:
      'The request is authenticated: the API server establishes who sent it (e.g. the client certificate in your kubeconfig)',
  });
  steps.add({
    actor: 'kube-apiserver',
    kind: 'authz',
    at: [apiserver],
    caption: `The request is authorized: RBAC checks that this user may create services in namespace ${draft.namespace}`,
  });
  steps.add({
    actor: 'kube-apiserver',
    kind: 'admission',
    at: [apiserver],
    caption: 'Mutating admission: admission plugins and webhooks may amend the Service before it is stored',
  });

  // Allocation runs on a copy whose invalid parts are left out, so that it shows what BeginCreate hands out
  // even when validation (which runs after it) rejects the object.
  const validationErrors = validateServiceDraft(draft);
  const usesNodePorts = draft.type === 'NodePort' || draft.type === 'LoadBalancer';
  const allocatable: ServiceDraft = {
    ...draft,
    ports: draft.ports
      .filter((p) => Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535)
      .filter((p) => typeof p.targetPort !== 'number' || (p.targetPort >= 1 && p.targetPort <= 65535))
      .map(({ nodePort, ...p }) => (usesNodePorts && nodePort !== undefined ? { ...p, nodePort } : p)),
  };
  const exists = before.services.some((s) => keyOf(s) === key);
  const base = clusterToDraft(before);
  // A duplicate is only found at the etcd write; until then the allocator sees the stored Service (under a
  // marked name here, so both can be resolved) holding its addresses.
  const stored = exists
    ? before.services.map((s) =>
        keyOf(s) === key ? serviceDraft({ ...s, name: `${s.name} (stored)` }) : serviceDraft(s),
      )
    : base.services;
  const resolved = resolveCluster({ ...base, services: [...stored, allocatable] });

  if (!resolved.ok) {
    const first = resolved.errors.find((e) => ALLOCATION_CODES.has(e.code)) ?? resolved.errors[0];
    const error: RegistrationError = {
      message: first?.message ?? 'the allocator refused the Service',
      ...(first ? { code: first.code } : {}),
      ...(first?.field !== undefined ? { field: first.field } : {}),
    };
    const requested = draft.clusterIP;
    const failed = steps.add({
      actor: 'kube-apiserver',
      kind: 'allocate',
      ok: false,
      at: [apiserver],
      caption: `Allocation fails, so the API server rejects the POST: ${error.message}`,
      ...(first?.code === 'duplicate-address' && requested !== undefined
        ? {
            // pkg/registry/core/service/storage/alloc.go allocClusterIPs: ErrAllocated wrapped in a field error.
            detail:
              `The API server answers: Service "${draft.name}" is invalid: spec.clusterIPs: Invalid value: ` +
              `[]string{"${requested}"}: failed to allocate IP ${requested}: provided IP is already allocated`,
          }
        : {}),
      error,
    });
    return rejected(before, mode, steps, failed, error);
  }

  const candidate = resolved.cluster;
  const allocated = candidate.services.find((s) => keyOf(s) === key);
  if (!allocated) throw new Error(`registerService: ${key} is missing from the resolved cluster`);
  const nodePorts = allocated.ports.flatMap((p) =>
    p.nodePort !== undefined ? [{ port: p.port, nodePort: p.nodePort }] : [],
  );
  const allocationText =
    allocated.type === 'ExternalName'
      ? 'An ExternalName Service gets no ClusterIP: it is only a DNS alias'
      : allocated.headless
        ? 'clusterIP: None — a headless Service gets no ClusterIP'
        : `The Service storage allocates ClusterIP ${allocated.clusterIP ?? ''} from the Service range ${before.network.serviceCIDR}` +
          (draft.clusterIP !== undefined ? ' (the address you asked for)' : '');
  steps.add({
    actor: 'kube-apiserver',
    kind: 'allocate',
    at: [apiserver, serviceId(allocated)],
    caption:
      allocationText +
      (nodePorts.length > 0
        ? `; NodePorts ${nodePorts.map((p) => `${p.port}→${p.nodePort}`).join(', ')}`
        : ''),
    detail:
      'The Service REST storage allocates addresses and ports in its BeginCreate hook, before validation and ' +
      'the etcd write; if anything later fails, the allocation is released.',
    clusterIP: allocated.clusterIP,
    ...(nodePorts.length > 0 ? { nodePorts } : {}),
    service: allocated,
  });

  if (validationErrors.length > 0) {
    const error: RegistrationError = {
      message: invalidMessage(draft.name, validationErrors),
      code: 'Invalid',
      ...(validationErrors[0]?.field !== undefined ? { field: validationErrors[0].field } : {}),
    };
    const failed = steps.add({
      actor: 'kube-apiserver',
      kind: 'validation',
      ok: false,
      at: [apiserver],
      caption: `Validation fails, so the API server rejects the POST and releases what it allocated: ${error.message}`,
      error,
    });
    return rejected(before, mode, steps, failed, error);
  }
  steps.add({
    actor: 'kube-apiserver',
    kind: 'validation',
    at: [apiserver],
    caption: `The Service is valid: ${draft.name} is a DNS-1035 label and its ports are well formed`,
  });
  steps.add({
    actor: 'kube-apiserver',
    kind: 'admission',
    at: [apiserver],
    caption: 'Validating admission: policies and webhooks may still refuse the Service; none does',
  });

  const etcdKey = `/registry/services/specs/${draft.namespace}/${draft.name}`;
  if (exists) {
    // storeerr.InterpretCreateError turns etcd's "key exists" into AlreadyExists.
    const error: RegistrationError = {
      message: `services "${draft.name}" already exists`,
      code: 'AlreadyExists',
      field: 'metadata.name',
    };
    const failed = steps.add({
      actor: 'etcd',
      kind: 'persist',
      ok: false,
      at: [etcdId],
      caption: `The write to etcd fails — ${etcdKey} is taken: ${error.message}. The allocation is released.`,
      etcdKey,
      error,
    });
    return rejected(before, mode, steps, failed, error);
  }

  const after = candidate;
  steps.add({
    actor: 'etcd',
    kind: 'persist',
    at: [apiserver, etcdId],
    caption: `The Service is persisted to the cluster store (etcd key ${etcdKey}); kubectl prints "service/${draft.name} created"`,
    etcdKey,
    service: allocated,
  });

  const isHeadless = allocated.clusterIP === null;
  const watchers = [
    ...coreDnsIds(before),
    CONTROL_PLANE_IDS.endpointSliceController,
    ...before.nodes.map((n) => kubeProxyId(n.name)),
  ];
  steps.add({
    actor: 'kube-apiserver',
    kind: 'watch',
    at: [apiserver, ...watchers],
    caption:
      'The new Service is sent to everyone watching Services: CoreDNS, the EndpointSlice controller and the ' +
      'kube-proxy on every node (informers). They act independently, so the order below is one of several — ' +
      'as the seed notes say, "the ordering of some events might be slightly different"',
  });

  const dns = dnsChange(before, after);
  const dnsStep = (): void => {
    const aRecords = dns.added.filter((r) => r.type === 'A');
    const what =
      allocated.type === 'ExternalName'
        ? `a CNAME ${allocated.name}.${allocated.namespace}.svc.${after.network.clusterDomain} → ${allocated.externalName ?? ''}`
        : isHeadless
          ? aRecords.length > 0
            ? `A records for each ready endpoint: ${[...new Set(aRecords.map((r) => r.data))].join(', ')}`
            : 'no A record: a headless Service without ready endpoints does not resolve (NXDOMAIN)'
          : `an A record ${aRecords[0]?.name ?? ''} → ${allocated.clusterIP ?? ''}`;
    steps.add({
      actor: 'coredns',
      kind: 'dns-records',
      at: [...coreDnsIds(after), serviceId(allocated)],
      caption:
        `CoreDNS notices the new Service and serves ${what}` +
        (dns.added.some((r) => r.type === 'SRV') ? ', with SRV records for its named ports' : ''),
      ...(dns.added.length + dns.removed.length > 0 ? { detail: describeDns(dns) } : {}),
      dns,
    });
  };

  const slices = sliceChange(before, after, key);
  const sliceStep = (): void => {
    const hasSelector = allocated.selector !== null && Object.keys(allocated.selector).length > 0;
    if (allocated.type === 'ExternalName' || !hasSelector) {
      steps.add({
        actor: 'endpointslice-controller',
        kind: 'endpoints',
        at: [CONTROL_PLANE_IDS.endpointSliceController, serviceId(allocated)],
        caption:
          allocated.type === 'ExternalName'
            ? 'The EndpointSlice controller skips ExternalName Services: there are no endpoints to track'
            : 'The Service has no selector, so the EndpointSlice controller leaves its EndpointSlices to you',
        endpointSlices: slices,
      });
      return;
    }
    const podIds = after.pods
      .filter((p) =>
        slices.after.some((s) =>
          s.endpoints.some((e) => e.targetRef?.name === p.name && e.targetRef.namespace === p.namespace),
        ),
      )
      .map((p) => podId(p));
    const sliceNames = slices.after.map((s) => s.name).join(', ');
    // The controller lists every pod the selector matches that has an IP, ready or not (pkg/controller/
    // endpointslice reconciler → endpointsliceutil ShouldPodBeInEndpoints); readiness is a condition on each
    // endpoint (podToEndpoint: Ready, Serving, Terminating), not a filter.
    const notReady = [
      ...new Set(
        slices.after.flatMap((s) =>
          s.endpoints.filter((e) => !e.conditions.ready).flatMap((e) => e.addresses.slice(0, 1)),
        ),
      ),
    ];
    const alsoNotReady = notReady.length > 0 ? `; ${notReady.join(', ')} listed with ready: false` : '';
    steps.add({
      actor: 'endpointslice-controller',
      kind: 'endpoints',
      at: [CONTROL_PLANE_IDS.endpointSliceController, serviceId(allocated), ...podIds],
      caption:
        slices.readyAfter.length > 0
          ? `The EndpointSlice controller creates EndpointSlice ${sliceNames} with the pods matching the selector — ready: ${slices.readyAfter.join(', ')}${alsoNotReady}`
          : `The EndpointSlice controller creates EndpointSlice ${sliceNames}, but no ready pod matches the selector: it has no ready endpoints${alsoNotReady}`,
      endpointSlices: slices,
    });
    steps.add({
      actor: 'etcd',
      kind: 'persist',
      at: [apiserver, etcdId],
      caption:
        'The EndpointSlice is written through the API server to etcd, and sent on to its watchers (kube-proxy, CoreDNS)',
      etcdKey: slices.after.map((s) => `/registry/endpointslices/${s.namespace}/${s.name}`).join(', '),
    });
  };

  // CoreDNS answers a ClusterIP Service from the Service alone; a headless Service's records are its ready
  // endpoints, so there CoreDNS can only publish them once the EndpointSlice exists.
  if (isHeadless && allocated.type !== 'ExternalName') {
    sliceStep();
    dnsStep();
  } else {
    dnsStep();
    sliceStep();
  }

  addRuleSteps(steps, before, after, mode, modes, explainServiceRules(allocated, slices.readyAfter, mode));
  return { before, after, mode, steps: steps.list, outcome: { status: 'applied' } };
}

// ---------------------------------------------------------------------------------------------------------
// changeReadiness

/**
 * A pod's Ready condition changes (its readiness probe starts failing or passing): the kubelet reports it,
 * the EndpointSlice controller updates the slices of every Service that selects the pod, and CoreDNS and
 * each node's kube-proxy follow. Not-ready endpoints stay in the slice with `ready: false` (discovery.k8s.io/v1);
 * kube-proxy and CoreDNS only use ready ones.
 */
export function changeReadiness(
  before: Cluster,
  pod: { readonly namespace: string; readonly name: string },
  ready: boolean,
  options: RegistrationOptions = {},
): RegistrationTrace {
  const mode = options.mode ?? before.network.proxyMode;
  const modes = modesToDiff(mode, options.allModes);
  const key = keyOf(pod);
  const apiserver = CONTROL_PLANE_IDS.apiserver;
  const etcdId = CONTROL_PLANE_IDS.etcd;
  const steps = new Steps();
  const target = before.pods.find((p) => keyOf(p) === key);

  if (!target) {
    const error: RegistrationError = { message: `pods "${pod.name}" not found`, code: 'NotFound' };
    const failed = steps.add({
      actor: 'kube-apiserver',
      kind: 'request',
      ok: false,
      at: [apiserver],
      caption: `There is no pod ${key}: ${error.message}`,
      error,
    });
    return rejected(before, mode, steps, failed, error);
  }

  const node = target.nodeName ?? undefined;
  const kubeletAt = [podId(target), ...(node !== undefined ? [nodeId(node)] : [])];
  const probe = ready ? 'passes' : 'fails';
  if (target.ready === ready) {
    steps.add({
      actor: 'kubelet',
      ...(node !== undefined ? { node } : {}),
      kind: 'request',
      at: kubeletAt,
      caption: `${target.name} is already ${ready ? 'Ready' : 'not Ready'}: the kubelet has nothing to report`,
    });
    return { before, after: before, mode, steps: steps.list, outcome: { status: 'applied' } };
  }

  steps.add({
    actor: 'kubelet',
    ...(node !== undefined ? { node } : {}),
    kind: 'request',
    at: [...kubeletAt, apiserver],
    caption:
      `The readiness probe of ${target.name} ${probe}: the kubelet${node !== undefined ? ` on ${node}` : ''} patches ` +
      `the pod's status (Ready=${ready ? 'True' : 'False'}) through the API server`,
  });
  steps.add({
    actor: 'kube-apiserver',
    kind: 'authn',
    at: [apiserver],
    caption: `The kubelet authenticates with its client certificate (user system:node:${node ?? '<node>'})`,
  });
  steps.add({
    actor: 'kube-apiserver',
    kind: 'authz',
    at: [apiserver],
    caption: 'The Node authorizer lets a kubelet update the status of pods bound to its own node',
  });
  steps.add({
    actor: 'kube-apiserver',
    kind: 'admission',
    at: [apiserver],
    caption: "NodeRestriction admission keeps a kubelet to its own node's pods",
  });
  steps.add({
    actor: 'etcd',
    kind: 'persist',
    at: [apiserver, etcdId],
    caption: `The pod status is persisted (etcd key /registry/pods/${target.namespace}/${target.name})`,
    etcdKey: `/registry/pods/${target.namespace}/${target.name}`,
  });

  const draft = clusterToDraft(before);
  const resolved = resolveCluster({
    ...draft,
    pods: draft.pods.map((p) => (keyOf(p) === key ? { ...p, ready } : p)),
  });
  if (!resolved.ok) {
    throw new Error(`changeReadiness: the cluster no longer resolves: ${resolved.errors[0]?.message ?? ''}`);
  }
  const after = resolved.cluster;

  steps.add({
    actor: 'kube-apiserver',
    kind: 'watch',
    at: [apiserver, CONTROL_PLANE_IDS.endpointSliceController],
    caption: 'The EndpointSlice controller, watching pods, is told of the change',
  });

  const affected = after.services
    .map((s) => sliceChange(before, after, keyOf(s)))
    .filter((c) => JSON.stringify(c.before) !== JSON.stringify(c.after));
  if (affected.length === 0) {
    steps.add({
      actor: 'endpointslice-controller',
      kind: 'endpoints',
      at: [CONTROL_PLANE_IDS.endpointSliceController, podId(target)],
      caption: `No Service selects ${target.name} (or it has no address): no EndpointSlice changes`,
    });
  }
  for (const change of affected) {
    const [ns = '', name = ''] = change.service.split('/');
    const address = target.podIP ?? '';
    steps.add({
      actor: 'endpointslice-controller',
      kind: 'endpoints',
      at: [CONTROL_PLANE_IDS.endpointSliceController, serviceId({ namespace: ns, name }), podId(target)],
      caption: ready
        ? `The EndpointSlice controller marks ${address} ready in ${change.service}'s EndpointSlice`
        : `The EndpointSlice controller marks ${address} not ready in ${change.service}'s EndpointSlice ` +
          '(it stays listed with ready: false; only ready endpoints receive traffic)',
      endpointSlices: change,
    });
  }
  if (affected.length > 0) {
    steps.add({
      actor: 'etcd',
      kind: 'persist',
      at: [apiserver, etcdId, ...coreDnsIds(after), ...after.nodes.map((n) => kubeProxyId(n.name))],
      caption:
        'The updated EndpointSlice is written to etcd and sent to its watchers: CoreDNS and every kube-proxy ' +
        '(in no fixed order)',
      etcdKey: affected
        .flatMap((c) => c.after.map((s) => `/registry/endpointslices/${s.namespace}/${s.name}`))
        .join(', '),
    });
  }

  const dns = dnsChange(before, after);
  steps.add({
    actor: 'coredns',
    kind: 'dns-records',
    at: coreDnsIds(after),
    caption:
      dns.added.length + dns.removed.length > 0
        ? `CoreDNS updates the headless Services' records: +${dns.added.length} / −${dns.removed.length}`
        : "CoreDNS's records do not change: a ClusterIP Service's A record names the ClusterIP, not the pods",
    ...(dns.added.length + dns.removed.length > 0 ? { detail: describeDns(dns) } : {}),
    dns,
  });

  addRuleSteps(steps, before, after, mode, modes, (diff) => {
    if (diff.added.length + diff.removed.length === 0) return 'nothing to change on this node';
    return ready
      ? `adds ${target.podIP ?? target.name} back to the Services that select it`
      : `stops sending new connections to ${target.podIP ?? target.name} (its endpoint rules are removed)`;
  });
  return { before, after, mode, steps: steps.list, outcome: { status: 'applied' } };
}
