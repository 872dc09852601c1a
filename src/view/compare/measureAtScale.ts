/** The rules-walked gap at scale: one request to the last of 1,000 Services, in every mode. */
import { PROXY_MODES } from '../../engine/proxy';
import { summarizeTrace, trace } from '../../engine/trace';
import type { ProxyMode } from '../../model/types';
import { trapStep } from './compareModes';

export const SCALE_SERVICES = 1000;

export interface ScaleRow {
  readonly mode: ProxyMode;
  /** Rules walked at the trap's hook (null when the request never reached a trap). */
  readonly atTrap: number | null;
  readonly rulesEvaluated: number;
}

export interface ScaleMeasurement {
  readonly services: number;
  readonly target: string;
  readonly rows: readonly ScaleRow[];
}

let cached: ScaleMeasurement | undefined;

/** ~0.5 s the first time (the cluster and each mode's rules are built once), then cached. */
export async function measureAtScale(): Promise<ScaleMeasurement> {
  if (cached) return cached;
  // The generator (and IPAM behind it) is loaded only when asked for.
  const { generateCluster } = await import('../../scenarios/generated');
  // 4 nodes × 250 pods and 1,000 Services: every Service has one endpoint, so each gets its KUBE-SERVICES line.
  const cluster = generateCluster({ nodes: 4, podsPerNode: 250, services: SCALE_SERVICES });
  const client = cluster.pods[0];
  const service = cluster.services[cluster.services.length - 1];
  if (!client || !service?.clusterIP) throw new Error('generated cluster without pods or Services');
  const request = {
    from: { kind: 'pod' as const, namespace: client.namespace, name: client.name },
    // The generated cluster has no CoreDNS: dial the ClusterIP.
    to: service.clusterIP,
  };
  const rows = PROXY_MODES.map((mode) => {
    const t = trace(cluster, request, { mode });
    return {
      mode,
      atTrap: trapStep(t)?.walked?.length ?? null,
      rulesEvaluated: summarizeTrace(t).rulesEvaluated,
    };
  });
  cached = { services: SCALE_SERVICES, target: `${service.namespace}/${service.name}`, rows };
  return cached;
}
