/** Narrow, named selectors. Derived values live here, not in state. */
import { parseElementId } from '../model/elementIds';
import type { Node, Pod, Route, Service } from '../model/types';
import type { NetvizState } from './createNetvizStore';

export const selectCluster = (s: NetvizState) => s.cluster;
export const selectSelectedId = (s: NetvizState) => s.selectedId;
export const selectSelect = (s: NetvizState) => s.select;
export const selectSetCluster = (s: NetvizState) => s.setCluster;
export const selectProxyMode = (s: NetvizState) => s.cluster.network.proxyMode;

/** What the selection names, resolved against the cluster. */
export type SelectedElement =
  | { readonly kind: 'router' }
  | { readonly kind: 'node-network' }
  | { readonly kind: 'service-network' }
  | { readonly kind: 'node' | 'bridge' | 'kube-proxy' | 'pod-group'; readonly node: Node }
  | { readonly kind: 'pod' | 'veth'; readonly pod: Pod }
  | { readonly kind: 'service'; readonly service: Service }
  | { readonly kind: 'route'; readonly route: Route };

const cache = new WeakMap<NetvizState['cluster'], Map<string, SelectedElement | null>>();

/**
 * The selected element, or null (nothing selected, or the id names nothing in this cluster). Memoized per
 * cluster and id, so components re-render only when the selection really changes.
 */
export function selectSelectedElement(s: NetvizState): SelectedElement | null {
  if (s.selectedId === null) return null;
  let byId = cache.get(s.cluster);
  if (!byId) {
    byId = new Map();
    cache.set(s.cluster, byId);
  }
  if (!byId.has(s.selectedId)) byId.set(s.selectedId, resolveElement(s, s.selectedId));
  return byId.get(s.selectedId) ?? null;
}

function resolveElement({ cluster }: NetvizState, id: string): SelectedElement | null {
  const ref = parseElementId(id);
  if (!ref) return null;
  switch (ref.kind) {
    case 'router':
    case 'node-network':
    case 'service-network':
      return { kind: ref.kind };
    case 'node':
    case 'bridge':
    case 'kube-proxy':
    case 'pod-group': {
      const node = cluster.nodes.find((n) => n.name === ref.node);
      return node ? { kind: ref.kind, node } : null;
    }
    case 'pod':
    case 'veth': {
      const pod = cluster.pods.find((p) => p.namespace === ref.namespace && p.name === ref.name);
      return pod ? { kind: ref.kind, pod } : null;
    }
    case 'service': {
      const service = cluster.services.find((v) => v.namespace === ref.namespace && v.name === ref.name);
      return service ? { kind: 'service', service } : null;
    }
    case 'route': {
      const route = cluster.network.router.routes.find((r) => r.destination === ref.destination);
      return route ? { kind: 'route', route } : null;
    }
  }
}
