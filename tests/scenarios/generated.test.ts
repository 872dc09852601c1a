import { describe, expect, it } from 'vitest';
import { generateCluster, parseGenerateSpec } from '../../src/scenarios/generated';

describe('generated clusters', () => {
  it('builds N nodes × P pods with Services that have endpoints', () => {
    const c = generateCluster({ nodes: 10, podsPerNode: 10 });
    expect(c.nodes).toHaveLength(10);
    expect(c.pods).toHaveLength(101); // + CoreDNS
    expect(c.services).toHaveLength(35); // + kube-dns
    expect(c.endpointSlices.flatMap((s) => s.endpoints)).toHaveLength(101);
    expect(new Set(c.pods.map((p) => p.podIP)).size).toBe(101);
  });

  it('is deterministic and rejects sizes outside its limits', () => {
    expect(generateCluster({ nodes: 3, podsPerNode: 2 })).toEqual(
      generateCluster({ nodes: 3, podsPerNode: 2 }),
    );
    expect(() => generateCluster({ nodes: 0, podsPerNode: 2 })).toThrow(RangeError);
    expect(() => generateCluster({ nodes: 3, podsPerNode: 999 })).toThrow(RangeError);
  });

  it('parses NxP specs', () => {
    expect(parseGenerateSpec('50x20')).toEqual({ nodes: 50, podsPerNode: 20 });
    expect(parseGenerateSpec('50x')).toBeNull();
    expect(parseGenerateSpec('<script>')).toBeNull();
  });
});
