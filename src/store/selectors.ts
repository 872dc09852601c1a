/** Narrow, named selectors. Derived values live here, not in state. */
import { parseElementId } from '../model/elementIds';
import type { RulesView } from '../engine/proxy/types';
import type { Step } from '../engine/trace/types';
import type { NetworkPolicy, Node, Pod, ProxyMode, Route, Service } from '../model/types';
import type { NetvizState } from './createNetvizStore';
import { currentEngine } from './engine';
import { clusterForMode } from './simulationSlice';

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
  | { readonly kind: 'route'; readonly route: Route }
  | { readonly kind: 'network-policy'; readonly policy: NetworkPolicy };

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
    case 'network-policy': {
      const policy = cluster.networkPolicies.find(
        (p) => p.namespace === ref.namespace && p.name === ref.name,
      );
      return policy ? { kind: 'network-policy', policy } : null;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Simulation

export const selectTrace = (s: NetvizState) => s.trace;
export const selectTraceError = (s: NetvizState) => s.traceError;
export const selectCursor = (s: NetvizState) => s.cursor;
export const selectPlaying = (s: NetvizState) => s.playing;
export const selectSpeed = (s: NetvizState) => s.speed;
export const selectMode = (s: NetvizState) => s.mode;
export const selectIpvsScheduler = (s: NetvizState) => s.ipvsScheduler;
export const selectRequest = (s: NetvizState) => s.request;
export const selectSeed = (s: NetvizState) => s.seed;
export const selectDeadEndpoints = (s: NetvizState) => s.deadEndpoints;
export const selectLoadingMode = (s: NetvizState) => s.loadingMode;
export const selectEngineReady = (s: NetvizState) => s.engineReady;

/** The step under the cursor, or null when there is no trace. */
export const selectCurrentStep = (s: NetvizState): Step | null => s.trace?.steps[s.cursor] ?? null;

/** The step before the cursor (for "before → after" in the packet inspector). */
export const selectPreviousStep = (s: NetvizState): Step | null =>
  s.cursor > 0 ? (s.trace?.steps[s.cursor - 1] ?? null) : null;

/** The node whose rules matter at the cursor: the step's node, else the last node the packet was on. */
export function selectRulesNode(s: NetvizState): string | null {
  const steps = s.trace?.steps ?? [];
  for (let i = Math.min(s.cursor, steps.length - 1); i >= 0; i -= 1) {
    const node = steps[i]?.location.node;
    if (node !== undefined) return node;
  }
  return s.cluster.nodes[0]?.name ?? null;
}

const rulesCache = new WeakMap<NetvizState['cluster'], Map<string, RulesView>>();

/**
 * The ruleset of a node in a mode, as its real tools print it (built once per cluster, mode and node); null
 * while the engine or the mode is still loading.
 */
export function rulesViewFor(
  cluster: NetvizState['cluster'],
  mode: ProxyMode,
  node: string,
): RulesView | null {
  const engine = currentEngine();
  if (!engine?.isProxyModeLoaded(mode)) return null;
  let byKey = rulesCache.get(cluster);
  if (!byKey) {
    byKey = new Map();
    rulesCache.set(cluster, byKey);
  }
  const key = `${mode}/${node}`;
  let view = byKey.get(key);
  if (!view) {
    view = engine.proxyModeModule(mode).build(cluster, node).rules();
    byKey.set(key, view);
  }
  return view;
}

/** The rules view for the node at the cursor in the current mode (and IPVS scheduler). */
export function selectCurrentRules(s: NetvizState): RulesView | null {
  const node = selectRulesNode(s);
  return node === null
    ? null
    : rulesViewFor(clusterForMode(s.cluster, s.mode, s.ipvsScheduler), s.mode, node);
}
