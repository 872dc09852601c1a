/**
 * `kubectl patch svc <name> -p '{"spec":{…}}'` on a kube-netviz cluster: the cluster is written out as its
 * manifests, the Service's spec fields are merged in (a JSON merge patch of scalar fields: the value given
 * replaces the old one), and the result goes back through the same reader and resolveCluster an import uses —
 * as the API server validates and defaults an update (e.g. a LoadBalancer switched to externalTrafficPolicy
 * Local gets a healthCheckNodePort allocated). Loaded on demand: it needs the reader and IPAM.
 */
import { clusterManifests, readObjects } from '../manifests';
import { resolveCluster } from '../model/resolve';
import type { Cluster } from '../model/types';
import type { ServiceSpecPatch } from './catalog';

export type PatchResult =
  { readonly ok: true; readonly cluster: Cluster } | { readonly ok: false; readonly error: string };

/** Applies `spec` to the Service `namespace/name` of `cluster`; a missing Service or an invalid result is an error. */
export function patchService(cluster: Cluster, service: string, spec: ServiceSpecPatch): PatchResult {
  const slash = service.indexOf('/');
  const namespace = slash < 0 ? 'default' : service.slice(0, slash);
  const name = slash < 0 ? service : service.slice(slash + 1);
  let found = false;
  const manifests = clusterManifests(cluster).map((m) => {
    const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
    if (m.kind !== 'Service' || meta.name !== name || (meta.namespace ?? 'default') !== namespace) return m;
    found = true;
    const old = (m.spec ?? {}) as Record<string, unknown>;
    return { ...m, spec: { ...old, ...spec } };
  });
  if (!found) return { ok: false, error: `services "${name}" not found in namespace ${namespace}` };
  const read = readObjects(manifests);
  if (read.errors.length > 0) return { ok: false, error: read.errors.map((e) => e.describe()).join('; ') };
  const resolved = resolveCluster(read.draft);
  if (!resolved.ok) return { ok: false, error: resolved.errors.map((e) => e.describe()).join('; ') };
  return { ok: true, cluster: resolved.cluster };
}
