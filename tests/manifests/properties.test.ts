import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseManifestText, readObjects } from '../../src/manifests';
import { checkDns1035Label, checkDns1123Label, checkDns1123Subdomain } from '../../src/manifests/names';
import { NetvizError } from '../../src/model/errors';

/** Objects shaped like Kubernetes objects, with arbitrary values where the fields go. */
const kubernetesish = fc.record(
  {
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'discovery.k8s.io/v1', 'kube-netviz.dev/v1alpha1', 'x/v9'),
    kind: fc.constantFrom(
      'Pod',
      'Service',
      'Node',
      'EndpointSlice',
      'Deployment',
      'NetvizCluster',
      'List',
      'PodList',
    ),
    metadata: fc.oneof(
      fc.record({ name: fc.string(), labels: fc.jsonValue() }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
    spec: fc.jsonValue(),
    status: fc.jsonValue(),
    items: fc.array(fc.jsonValue(), { maxLength: 3 }),
  },
  { requiredKeys: ['kind'] },
);

describe('never throws', () => {
  test('readObjects on arbitrary JSON values reports, and every error is located', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.jsonValue(), kubernetesish), { maxLength: 5 }), (docs) => {
        const result = readObjects(docs);
        for (const error of result.errors) {
          expect(error).toBeInstanceOf(NetvizError);
          expect(error.source?.document).toBeGreaterThanOrEqual(1);
          expect(error.source?.document).toBeLessThanOrEqual(docs.length);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('readObjects on JSON with __proto__ and constructor keys', () => {
    const docs = JSON.parse(
      '[{"__proto__": {"kind": "Pod"}, "kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "labels": {"__proto__": "x", "constructor": "y"}}}]',
    ) as unknown[];
    const { errors } = readObjects(docs);
    expect(errors.map((e) => e.field)).toEqual(['metadata.labels[__proto__]', 'spec.containers']);
  });

  test('everything in a draft went through the name rules', () => {
    fc.assert(
      fc.property(fc.array(kubernetesish, { maxLength: 5 }), (docs) => {
        const { draft } = readObjects(docs);
        for (const p of draft.pods) expect(checkDns1123Subdomain(p.name)).toBeUndefined();
        for (const n of draft.nodes) expect(checkDns1123Subdomain(n.name)).toBeUndefined();
        for (const s of draft.services) {
          expect(checkDns1035Label(s.name)).toBeUndefined();
          expect(checkDns1123Label(s.namespace)).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  test('parseManifestText never rejects on arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          // JSON with one character cut out: mostly broken JSON.
          fc.tuple(fc.jsonValue(), fc.nat()).map(([v, n]) => {
            const s = JSON.stringify(v);
            const i = s.length === 0 ? 0 : n % s.length;
            return s.slice(0, i) + s.slice(i + 1);
          }),
          fc
            .array(
              fc.constantFrom('a: 1', '- x', '---', '  b: [', '{', '"', ':', '&a', '*a', '\t', '#c', 'k: |'),
              {
                maxLength: 12,
              },
            )
            .map((parts) => parts.join('\n')),
        ),
        async (text) => {
          const parsed = await parseManifestText(text);
          for (const e of parsed.errors) {
            expect(e.code).toBe('malformed-document');
            expect(e.message).toMatch(/line \d+, column \d+|cannot be read|could not be parsed/);
          }
          expect(() => readObjects(parsed.docs)).not.toThrow();
        },
      ),
      { numRuns: 400 },
    );
  });

  test('valid JSON always parses to exactly itself as one document', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue())),
        async (v) => {
          const parsed = await parseManifestText(JSON.stringify(v, null, 2));
          expect(parsed.errors).toEqual([]);
          expect(parsed.docs).toEqual([JSON.parse(JSON.stringify(v)) as unknown]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
