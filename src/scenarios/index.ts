/**
 * The default cluster, resolved at build time: `./default.yaml?cluster` runs the manifest reader and
 * resolveCluster over the YAML when Vite builds (see the plugin in vite.config.ts), so the app draws its first
 * picture without loading the YAML reader or IPAM. `tests/scenarios/default.test.ts` checks it equals
 * `loadScenario('default')` computed at run time.
 */
import type { Cluster } from '../model/types';
import resolvedDefault from './default.yaml?cluster';

export function defaultCluster(): Cluster {
  return resolvedDefault;
}
