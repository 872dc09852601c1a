import type { NetworkDraft, NodeDraft, PodDraft, ServiceDraft } from '../../model/draft';
import type { Deployment, EndpointSlice, Ingress, Labels, NetworkPolicy, SourceRef } from '../../model/types';
import type { Fields } from '../fields';
import type { NameFormat } from '../names';

/** metadata every kind shares, read (and checked) before the kind's own reader runs. */
export interface MetaRead {
  readonly name: string;
  /** The object's namespace (`default` when absent); empty for cluster-scoped kinds. */
  readonly namespace: string;
  readonly labels: Labels;
  readonly source: SourceRef;
}

/** A Pod's controller, from metadata.ownerReferences (the entry with `controller: true`). */
export interface ControllerRef {
  readonly kind: string;
  readonly name: string;
}

export type ReadObject =
  | { readonly kind: 'Node'; readonly value: NodeDraft }
  | { readonly kind: 'Pod'; readonly value: PodDraft; readonly controller?: ControllerRef }
  | { readonly kind: 'Service'; readonly value: ServiceDraft }
  | { readonly kind: 'EndpointSlice'; readonly value: EndpointSlice }
  | { readonly kind: 'Deployment'; readonly value: Deployment }
  | { readonly kind: 'NetworkPolicy'; readonly value: NetworkPolicy }
  | { readonly kind: 'Ingress'; readonly value: Ingress }
  | { readonly kind: 'NetvizCluster'; readonly name: string; readonly value: NetworkDraft };

/** How one kind is read. One module per kind, all registered in `kinds/index.ts`. */
export interface KindReader {
  readonly kind: ReadObject['kind'];
  /** The group/version kube-netviz reads this kind in (the one Kubernetes v1.33 serves). */
  readonly apiVersion: string;
  readonly namespaced: boolean;
  /** The rule metadata.name must follow (the kind's name validation function in Kubernetes). */
  readonly nameFormat: NameFormat;
  /** Reads the object; problems go to `object.ctx`, and an object with problems is left out of the draft. */
  read(object: Fields, meta: MetaRead): ReadObject;
}
