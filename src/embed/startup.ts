/**
 * What the page's URL asks for at start-up. For now: `?generate=NxP` replaces the default cluster with a
 * generated one (N nodes × P pods), for trying the view at scale and for the browser benchmark.
 */
import type { Cluster } from '../model/types';
import { defaultCluster } from '../scenarios';

export interface Startup {
  readonly cluster: Cluster;
  /** A problem with the URL, said plainly; the default cluster is shown instead. */
  readonly notice: string | null;
}

/** Reads the URL; what only some users ask for (a generated cluster needs IPAM) loads on demand. */
export async function startupFromSearch(search: string): Promise<Startup> {
  const params = new URLSearchParams(search);
  const spec = params.get('generate');
  if (spec === null) return { cluster: defaultCluster(), notice: null };
  const { generateCluster, parseGenerateSpec } = await import('../scenarios/generated');
  const options = parseGenerateSpec(spec);
  if (!options) {
    return {
      cluster: defaultCluster(),
      notice: `?generate=${spec.slice(0, 40)} is not NODESxPODS (e.g. 50x20); showing the default cluster`,
    };
  }
  try {
    return { cluster: generateCluster(options), notice: null };
  } catch (e) {
    return { cluster: defaultCluster(), notice: `${(e as Error).message}; showing the default cluster` };
  }
}
