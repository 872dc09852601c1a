/**
 * The scale argument as numbers: for clusters of 10 … 10,000 Services (one endpoint each, two nodes), how
 * many rules each kube-proxy mode writes on a node, and how many of them a packet to the LAST Service walks.
 * Both come from the real builders and a real trace — the same data the rules panel prints and the trace
 * walks: iptables grows linearly (KUBE-SERVICES is a list, tested top to bottom), ipvs looks the virtual
 * server up in a hash table and nftables in a verdict map, so their walk stays flat.
 */
import { resolveCluster } from '../model/resolve';
import type { Cluster, ProxyMode } from '../model/types';
import { generateDraft } from '../scenarios/generated';
import { PROXY_MODES, proxyModeModule } from './proxy';
import { trace } from './trace';

export const DEFAULT_SCALE_COUNTS: readonly number[] = [10, 100, 1000, 10000];

export interface ScaleFigure {
  readonly services: number;
  readonly mode: ProxyMode;
  /** Lines of the node's ruleset as the rules panel prints it (every section: iptables-save, ipvsadm, nft…). */
  readonly rulesetLines: number;
  /** Rules walked at the hook that trapped the packet to the last Service (null: it was never trapped). */
  readonly walkedAtTrap: number | null;
  /** Rules walked at every hook of the request and its reply. */
  readonly walkedTotal: number;
}

/** Pods per node in the scale clusters: Services share them, each Service still has exactly one endpoint. */
const PODS_PER_NODE = 50;

/**
 * Two nodes, `services` Services each selecting exactly one pod. A node's /24 holds at most 254 pods, so the
 * Services share a pool of pods (Service s selects pod s mod pods) — for the rules, what counts is one
 * endpoint per Service.
 */
export function scaleCluster(services: number): Cluster {
  const draft = generateDraft({ nodes: 2, podsPerNode: PODS_PER_NODE, services, clusterDns: false });
  const pods = draft.pods.length;
  const relabelled = {
    ...draft,
    pods: draft.pods.map((p, i) => ({ ...p, labels: { app: `app-${i}` } })),
    services: draft.services.map((s, i) => ({ ...s, selector: { app: `app-${i % pods}` } })),
  };
  const resolved = resolveCluster(relabelled);
  if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
  return resolved.cluster;
}

/**
 * Per Service count and per mode, the ruleset size and the rules walked to reach the last Service.
 * Every mode must be registered (import `./proxy/all` first, or `loadProxyMode` in the app).
 */
export function scaleFigures(
  counts: readonly number[] = DEFAULT_SCALE_COUNTS,
  modes: readonly ProxyMode[] = PROXY_MODES,
): readonly ScaleFigure[] {
  return [...scaleFigureSteps(counts, modes)];
}

/**
 * The same figures one at a time, so that a caller can yield between them (the 10,000-Service cluster takes
 * a fraction of a second per mode to build and trace): each count's cluster is built once, on its first mode.
 */
export function* scaleFigureSteps(
  counts: readonly number[] = DEFAULT_SCALE_COUNTS,
  modes: readonly ProxyMode[] = PROXY_MODES,
): Generator<ScaleFigure, void, void> {
  for (const services of counts) {
    const cluster = scaleCluster(services);
    const client = cluster.pods[0];
    const last = cluster.services.at(-1);
    if (!client?.nodeName || !last?.clusterIP) throw new Error('scale cluster without pods or Services');
    for (const mode of modes) {
      const view = proxyModeModule(mode).build(cluster, client.nodeName).rules();
      const rulesetLines = view.sections.reduce((n, s) => n + s.lines.length, 0);
      const t = trace(
        cluster,
        { from: { kind: 'pod', namespace: client.namespace, name: client.name }, to: last.clusterIP },
        { mode },
      );
      const walkedOf = t.steps.map((s) => s.walked?.length ?? 0);
      const trapAt = t.steps.findIndex(
        (s) => s.phase === 'request' && s.rewrite !== undefined && s.rewrite.field === 'dst',
      );
      yield {
        services,
        mode,
        rulesetLines,
        walkedAtTrap: trapAt >= 0 ? (walkedOf[trapAt] ?? 0) : null,
        walkedTotal: walkedOf.reduce((a, b) => a + b, 0),
      };
    }
  }
}
