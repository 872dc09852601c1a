/**
 * A registration trace: what the cluster's components do when a Service is created or a pod's readiness
 * changes — the seed's "Service registration" as data. A sibling of the packet trace (`../trace/types.ts`):
 * steps with captions and element ids, played by a cursor; nothing is undone. Each step carries what it
 * produced (the allocated ClusterIP, DNS records, the EndpointSlice before/after, each node's rule diff).
 */
import type { NetvizErrorCode } from '../../model/errors';
import type { Cluster, EndpointSlice, ProxyMode, Service } from '../../model/types';
import type { DnsRecord } from '../dns/records';

export type RegistrationActor =
  | 'kubectl'
  /** A readiness change is reported by the node's kubelet (it runs the readiness probes). */
  | 'kubelet'
  | 'kube-apiserver'
  | 'etcd'
  | 'coredns'
  | 'endpointslice-controller'
  | 'kube-proxy';

export type RegistrationStepKind =
  | 'request'
  | 'authn'
  | 'authz'
  | 'admission'
  | 'allocate'
  /** The Service strategy's validation (BeforeCreate → ValidateService): DNS-1035 name, ports. */
  | 'validation'
  | 'persist'
  | 'watch'
  | 'dns-records'
  | 'endpoints'
  | 'rules';

/** One line of a node's rendered ruleset (`rules()`), with the section (command) it is printed under. */
export interface RuleLine {
  readonly text: string;
  /**
   * The line's id in the ruleset it comes from: the AFTER ruleset for added lines, the BEFORE ruleset for
   * removed ones (some modes number rules by position, so an id is only meaningful in its own ruleset).
   */
  readonly id?: string;
  /** The command the line is printed under, e.g. `iptables-save`, `ipvsadm -Ln`, `nft list table ip kube-proxy`. */
  readonly section: string;
}

/** What changed in one node's kube-proxy rules for one mode. */
export interface RuleDiff {
  readonly mode: ProxyMode;
  readonly node: string;
  readonly added: readonly RuleLine[];
  readonly removed: readonly RuleLine[];
}

export interface DnsChange {
  readonly added: readonly DnsRecord[];
  readonly removed: readonly DnsRecord[];
}

export interface SliceChange {
  /** `namespace/name` of the Service the slices belong to. */
  readonly service: string;
  readonly before: readonly EndpointSlice[];
  readonly after: readonly EndpointSlice[];
  /** Ready endpoint addresses before and after (the ones kube-proxy programs and CoreDNS publishes). */
  readonly readyBefore: readonly string[];
  readonly readyAfter: readonly string[];
}

export interface RegistrationError {
  readonly message: string;
  /** The kube-netviz IPAM / validation code when the error came from there. */
  readonly code?: NetvizErrorCode | 'AlreadyExists' | 'Invalid' | 'NotFound';
  /** The field the API server would name, e.g. `spec.clusterIPs`, `metadata.name`. */
  readonly field?: string;
}

export interface RegistrationStep {
  readonly index: number;
  readonly actor: RegistrationActor;
  /** The node a kube-proxy (or kubelet) step runs on. */
  readonly node?: string;
  readonly kind: RegistrationStepKind;
  /** False for the step that failed (always the last one). */
  readonly ok: boolean;
  /**
   * Topology element ids the step concerns (see `src/model/elementIds.ts`). The control plane has no element
   * in the topology yet: `control-plane:apiserver`, `control-plane:etcd` and
   * `control-plane:endpointslice-controller` name the pieces the view will draw.
   */
  readonly at: readonly string[];
  readonly caption: string;
  /** Longer explanation for the inspector. */
  readonly detail?: string;
  /** `allocate`: the ClusterIP handed out (null for headless / ExternalName Services). */
  readonly clusterIP?: string | null;
  /** `allocate`: NodePorts handed out, by Service port. */
  readonly nodePorts?: readonly { readonly port: number; readonly nodePort: number }[];
  /** `persist` / `allocate`: the Service as stored. */
  readonly service?: Service;
  /** `persist`: the etcd key written. */
  readonly etcdKey?: string;
  readonly dns?: DnsChange;
  readonly endpointSlices?: SliceChange;
  /** `rules`: the diff for the chosen kube-proxy mode on this step's node. */
  readonly rules?: RuleDiff;
  /** `rules`, when asked for (`allModes`): the diff in every loaded mode on this step's node. */
  readonly rulesByMode?: Partial<Record<ProxyMode, RuleDiff>>;
  readonly error?: RegistrationError;
}

export type RegistrationOutcome =
  | { readonly status: 'applied' }
  | {
      readonly status: 'rejected';
      /** The kind of step that failed. */
      readonly failedAt: RegistrationStepKind;
      readonly reason: string;
      readonly code?: RegistrationError['code'];
    };

export interface RegistrationTrace {
  readonly before: Cluster;
  /** The cluster once every component has caught up; equal to `before` when the request was rejected. */
  readonly after: Cluster;
  /** The kube-proxy mode whose rule diffs `rules` holds. */
  readonly mode: ProxyMode;
  readonly steps: readonly RegistrationStep[];
  readonly outcome: RegistrationOutcome;
}

export interface RegistrationOptions {
  /** kube-proxy mode for the `rules` diffs; defaults to the cluster's `network.proxyMode`. It must be loaded. */
  readonly mode?: ProxyMode;
  /** Also diff every loaded kube-proxy mode (`rulesByMode`). */
  readonly allModes?: boolean;
}
