/**
 * Which scenario a cluster is, for links and autosave: a built-in id when it is one, else its exported YAML.
 * Export is async and not free, so each cluster's YAML is computed once and kept (weakly, by identity).
 */
import type { LinkScenario } from '../../embed/urlState';
import type { Cluster } from '../../model/types';
import { defaultCluster } from '../../scenarios';

const known = new WeakMap<Cluster, LinkScenario | Promise<LinkScenario>>();

/** Remembers that `cluster` is the built-in scenario `id` (start-up knows; the store does not). */
export function rememberBuiltin(cluster: Cluster, id: string): void {
  known.set(cluster, { kind: 'builtin', id });
}

/** The scenario, when it is known without exporting (the default, a built-in, or YAML already written). */
export function knownScenario(cluster: Cluster): LinkScenario | undefined {
  if (cluster === defaultCluster()) return { kind: 'builtin', id: 'default' };
  const hit = known.get(cluster);
  return hit instanceof Promise ? undefined : hit;
}

/** The scenario as a link or a save carries it. */
export function scenarioOf(cluster: Cluster): Promise<LinkScenario> {
  if (cluster === defaultCluster()) return Promise.resolve({ kind: 'builtin', id: 'default' });
  const hit = known.get(cluster);
  if (hit) return Promise.resolve(hit);
  const pending = import('../../manifests/export')
    .then((m) => m.exportClusterYaml(cluster))
    .then((text): LinkScenario => {
      const scenario: LinkScenario = { kind: 'yaml', text };
      known.set(cluster, scenario);
      return scenario;
    });
  known.set(cluster, pending);
  pending.catch(() => known.delete(cluster));
  return pending;
}
