/**
 * A registration trace as a sequence diagram: one lane per component, one row per step — an arrow from the
 * component that sends to the ones that receive, or a box on the lane of the component that works alone —
 * and the seed's eight stages the steps fall into. Pure: no React.
 */
import { CONTROL_PLANE_IDS, type RegistrationStep, type RegistrationTrace } from '../../engine/registration';

export type LaneTone = 'client' | 'apiserver' | 'etcd' | 'controller' | 'coredns' | 'proxy';

export interface Lane {
  readonly id: string;
  readonly title: string;
  readonly subtitle: string;
  readonly tone: LaneTone;
}

export type Message =
  | {
      readonly kind: 'arrow';
      readonly from: string;
      readonly to: readonly string[];
      readonly label: string;
      readonly failed: boolean;
    }
  | { readonly kind: 'self'; readonly lane: string; readonly label: string; readonly failed: boolean };

export type Story = 'register' | 'readiness';

/** What a story is about: the Service created, or the pod whose readiness changes. */
export interface Subject {
  readonly story: Story;
  readonly namespace: string;
  readonly name: string;
}

const CLIENT = 'client';
const APISERVER = 'apiserver';
const ETCD = 'etcd';
const CONTROLLER = 'controller';
const COREDNS = 'coredns';
const proxyLane = (node: string): string => `proxy:${node}`;

/** The lanes, left to right: who starts it, the API server and its store, then everyone who watches. */
export function lanesOf(trace: RegistrationTrace, subject: Subject): Lane[] {
  const first = trace.steps[0];
  const client: Lane =
    subject.story === 'register'
      ? { id: CLIENT, title: 'kubectl', subtitle: 'your terminal', tone: 'client' }
      : { id: CLIENT, title: 'kubelet', subtitle: first?.node ?? 'on the pod’s node', tone: 'client' };
  return [
    client,
    { id: APISERVER, title: 'API server', subtitle: 'kube-apiserver', tone: 'apiserver' },
    { id: ETCD, title: 'etcd', subtitle: 'cluster store', tone: 'etcd' },
    // The EndpointSlice controller runs in kube-controller-manager.
    { id: CONTROLLER, title: 'EndpointSlice', subtitle: 'controller', tone: 'controller' },
    { id: COREDNS, title: 'CoreDNS', subtitle: 'cluster DNS', tone: 'coredns' },
    ...trace.before.nodes.map((n): Lane => ({
      id: proxyLane(n.name),
      title: 'kube-proxy',
      subtitle: n.name,
      tone: 'proxy',
    })),
  ];
}

/** The watchers an element-id list names (CoreDNS pods, the controller, kube-proxies), as lanes. */
function watcherLanes(at: readonly string[]): string[] {
  const lanes: string[] = [];
  const add = (lane: string) => {
    if (!lanes.includes(lane)) lanes.push(lane);
  };
  for (const id of at) {
    if (id === CONTROL_PLANE_IDS.endpointSliceController) add(CONTROLLER);
    else if (id.startsWith('kube-proxy:')) add(proxyLane(id.slice('kube-proxy:'.length)));
    // In watch and persist steps the only pods named are CoreDNS's (or its kube-dns Service).
    else if (id.startsWith('pod:kube-system/') || id === 'svc:kube-system/kube-dns') add(COREDNS);
  }
  return lanes;
}

const ORDER = [CLIENT, APISERVER, ETCD, CONTROLLER, COREDNS];
function laneOrder(lane: string): number {
  const i = ORDER.indexOf(lane);
  return i >= 0 ? i : ORDER.length;
}

/** The message a step draws. */
export function messageOf(step: RegistrationStep, trace: RegistrationTrace, subject: Subject): Message {
  const failed = !step.ok;
  const self = (lane: string, label: string): Message => ({ kind: 'self', lane, label, failed });
  const arrow = (from: string, to: readonly string[], label: string): Message => ({
    kind: 'arrow',
    from,
    to,
    label,
    failed,
  });
  const register = subject.story === 'register';
  switch (step.kind) {
    case 'request':
      if (step.actor === 'kubectl') {
        return arrow(CLIENT, [APISERVER], `POST /api/v1/namespaces/${subject.namespace}/services`);
      }
      if (step.actor === 'kubelet' && step.at.includes(CONTROL_PLANE_IDS.apiserver)) {
        // The kubelet's status manager patches the pod's status subresource (pkg/kubelet/status/status_manager.go:
        // syncPod → statusutil.PatchPodStatus).
        return arrow(CLIENT, [APISERVER], `PATCH pods/${subject.name}/status`);
      }
      return step.actor === 'kubelet' ? self(CLIENT, 'nothing to report') : self(APISERVER, 'not found');
    case 'authn':
      return self(APISERVER, 'authenticate');
    case 'authz':
      return self(APISERVER, register ? 'authorize (RBAC)' : 'authorize (Node)');
    case 'admission': {
      if (!register) return self(APISERVER, 'admission (NodeRestriction)');
      const allocatedBefore = trace.steps.some((s) => s.kind === 'allocate' && s.index < step.index);
      return self(APISERVER, allocatedBefore ? 'validating admission' : 'mutating admission');
    }
    case 'allocate':
      if (failed) return self(APISERVER, 'allocation fails');
      return self(
        APISERVER,
        step.clusterIP ? `allocate ClusterIP ${step.clusterIP}` : 'no ClusterIP (headless)',
      );
    case 'validation':
      return self(APISERVER, failed ? 'validation fails' : 'validate');
    case 'persist': {
      const key = step.etcdKey?.split(', ')[0] ?? '';
      if (failed) return arrow(APISERVER, [ETCD], `create ${key} — key exists`);
      const isSlice = key.startsWith('/registry/endpointslices/');
      // The EndpointSlice goes on to its watchers (the engine names them for a readiness change).
      const watchers = isSlice
        ? watcherLanes(step.at).length > 0
          ? watcherLanes(step.at)
          : [COREDNS, ...trace.after.nodes.map((n) => proxyLane(n.name))]
        : [];
      const more = step.etcdKey?.includes(', ') ? ' …' : '';
      return arrow(
        APISERVER,
        [ETCD, ...watchers],
        `${register && !isSlice ? 'create' : 'write'} ${key}${more}`,
      );
    }
    case 'watch': {
      const to = watcherLanes(step.at).sort((a, b) => laneOrder(a) - laneOrder(b));
      return arrow(APISERVER, to, register ? 'watch event: Service ADDED' : 'watch event: Pod MODIFIED');
    }
    case 'dns-records': {
      const added = step.dns?.added ?? [];
      const removed = step.dns?.removed ?? [];
      if (added.length + removed.length === 0) return self(COREDNS, 'no record changes');
      const types = [...new Set([...added, ...removed].map((r) => r.type))].join(', ');
      return self(COREDNS, `+${added.length} −${removed.length} records (${types})`);
    }
    case 'endpoints': {
      const change = step.endpointSlices;
      if (!change || change.after.length === 0) return self(CONTROLLER, 'no EndpointSlice to write');
      const verb = change.before.length === 0 ? 'create' : 'update';
      const names = change.after.map((s) => s.name).join(', ');
      return arrow(CONTROLLER, [APISERVER], `${verb} EndpointSlice ${names}`);
    }
    case 'rules': {
      const d = step.rules;
      const lane = proxyLane(step.node ?? '');
      if (!d) return self(lane, 'rules');
      return self(
        lane,
        d.added.length + d.removed.length === 0
          ? 'no change'
          : `+${d.added.length} −${d.removed.length} lines`,
      );
    }
  }
}

/** Every lane a message touches. */
export function lanesIn(message: Message): string[] {
  return message.kind === 'self' ? [message.lane] : [message.from, ...message.to];
}

// ---------------------------------------------------------------------------------------------------------
// The seed's eight stages

export interface Stage {
  readonly n: number;
  readonly label: string;
}

/**
 * The seed's Service registration ("You POST a new Service … authenticated, authorized, and subjected to
 * admission … allocated a ClusterIP and persisted … CoreDNS … creates the necessary DNS A records"), with the
 * EndpointSlice controller and kube-proxy after it; and the same path for a pod's readiness.
 */
export const STAGES: Readonly<Record<Story, readonly Stage[]>> = {
  register: [
    { n: 1, label: 'POST' },
    { n: 2, label: 'Authenticate' },
    { n: 3, label: 'Authorize' },
    { n: 4, label: 'Admission' },
    { n: 5, label: 'ClusterIP → etcd' },
    { n: 6, label: 'DNS records' },
    { n: 7, label: 'EndpointSlice' },
    { n: 8, label: 'kube-proxy' },
  ],
  readiness: [
    { n: 1, label: 'Probe → kubelet' },
    { n: 2, label: 'Authenticate' },
    { n: 3, label: 'Authorize' },
    { n: 4, label: 'Admission' },
    { n: 5, label: 'Status → etcd' },
    { n: 6, label: 'EndpointSlice' },
    { n: 7, label: 'DNS records' },
    { n: 8, label: 'kube-proxy' },
  ],
};

/** The stage (1–8) a step belongs to. */
export function stageOf(step: RegistrationStep, story: Story): number {
  switch (step.kind) {
    case 'request':
      return 1;
    case 'authn':
      return 2;
    case 'authz':
      return 3;
    case 'admission':
      return 4;
    case 'allocate':
    case 'validation':
    case 'watch':
      return 5;
    case 'persist':
      return step.etcdKey?.startsWith('/registry/endpointslices/') ? (story === 'register' ? 7 : 6) : 5;
    case 'dns-records':
      return story === 'register' ? 6 : 7;
    case 'endpoints':
      return story === 'register' ? 7 : 6;
    case 'rules':
      return 8;
  }
}
