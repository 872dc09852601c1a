import { deploymentReader } from './deployment';
import { endpointSliceReader } from './endpointSlice';
import { ingressReader } from './ingress';
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
    ingressReader,
    netvizClusterReader,
  ].map((r) => [r.kind, r]),
);

/** Why some common kinds are passed over, for the import report. Anything else: "kind not modelled". */
export const IGNORED_REASONS: ReadonlyMap<string, string> = new Map([
  ['ReplicaSet', 'kind not modelled: kube-netviz reads the Pods (and Deployments) directly'],
  ['Endpoints', 'kind not modelled: kube-proxy reads EndpointSlices, which kube-netviz reads or derives'],
  [
    'IngressClass',
    'kind not modelled: kube-netviz takes the ingress controller to be ingress-nginx, whose class is "nginx"',
  ],
  ['Namespace', 'kind not modelled: namespaces are taken from the objects that live in them'],
]);
