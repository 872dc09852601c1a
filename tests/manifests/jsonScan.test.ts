import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { lineColumn, scanJsonStream } from '../../src/manifests/jsonScan';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Valid JSON, and JSON with one character removed, inserted or duplicated. */
const jsonish = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v, null, 1)),
  fc
    .tuple(
      fc.jsonValue(),
      fc.nat(),
      fc.constantFrom('', ',', '}', ']', '"', ':', '\\', '\n', 'x', '0', '-', '.'),
    )
    .map(([v, n, c]) => {
      const s = JSON.stringify(v);
      const i = s.length === 0 ? 0 : n % s.length;
      return s.slice(0, i) + c + s.slice(i + 1);
    }),
);

describe('scanJsonStream', () => {
  test('agrees with JSON.parse on single values', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        const scan = scanJsonStream(text);
        const single = scan.ok && scan.spans.length === 1;
        if (text.trim() !== '') expect(single).toBe(parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  test('splits a stream into its values', () => {
    const container = fc.oneof(fc.array(fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()));
    fc.assert(
      fc.property(
        fc.array(container, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '\n', ' \r\n\t'),
        (values, gap) => {
          const text = values.map((v) => JSON.stringify(v)).join(gap);
          const scan = scanJsonStream(text);
          expect(scan.ok && scan.spans.map(([a, b]) => JSON.parse(text.slice(a, b)) as unknown)).toEqual(
            values.map((v) => JSON.parse(JSON.stringify(v)) as unknown),
          );
        },
      ),
    );
    const scan = scanJsonStream('{"a":1} [2]\n\n{"b":[{}]}');
    expect(scan).toEqual({
      ok: true,
      spans: [
        [0, 7],
        [8, 11],
        [13, 23],
      ],
    });
  });

  test('does not overflow the stack on deep nesting', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(scanJsonStream(deep)).toEqual({ ok: true, spans: [[0, 200_000]] });
  });

  test('lineColumn is 1-based', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\n', 3)).toEqual({ line: 2, column: 1 });
  });
});
