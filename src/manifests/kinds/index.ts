import { deploymentReader } from './deployment';
import { endpointSliceReader } from './endpointSlice';
import type { KindReader } from './kind';
import { netvizClusterReader } from './netvizCluster';
import { networkPolicyReader } from './networkPolicy';
import { nodeReader } from './node';
import { podReader } from './pod';
import { serviceReader } from './service';

/** The kinds kube-netviz models, by `kind`. */
export const KIND_READERS: ReadonlyMap<string, KindReader> = new Map(
  [
    nodeReader,
    podReader,
    serviceReader,
    endpointSliceReader,
    deploymentReader,
    networkPolicyReader,
    netvizClusterReader,
  ].map((r) => [r.kind, r]),
);

/** Why some common kinds are passed over, for the import report. Anything else: "kind not modelled". */
export const IGNORED_REASONS: ReadonlyMap<string, string> = new Map([
  ['ReplicaSet', 'kind not modelled: kube-netviz reads the Pods (and Deployments) directly'],
  ['Endpoints', 'kind not modelled: kube-proxy reads EndpointSlices, which kube-netviz reads or derives'],
  ['Ingress', 'kind not modelled (yet): kube-netviz shows Services, not Ingress controllers'],
  ['Namespace', 'kind not modelled: namespaces are taken from the objects that live in them'],
]);
