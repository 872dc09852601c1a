/** A generated cluster for benchmarks: N nodes, P pods per node, S Services each selecting its pods. */
import { generateCluster as generate } from '../../src/scenarios/generated';
import type { Cluster } from '../../src/model/types';

export function generateCluster(nodes: number, podsPerNode: number, services: number): Cluster {
  return generate({ nodes, podsPerNode, services });
}
