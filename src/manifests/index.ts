/**
 * Manifests in: Kubernetes YAML / kubectl JSON → ClusterDraft, with precise errors. Addresses the input
 * leaves out are filled later by resolveCluster (src/model/resolve.ts), not here.
 */
export { readObjects, DEFAULT_CLUSTER_NAME } from './readObjects';
export { parseManifestText, importManifests } from './parse';
export type { IgnoredObject, ParseResult, ReadResult } from './types';
export { exportClusterYaml, clusterManifests } from './export';
