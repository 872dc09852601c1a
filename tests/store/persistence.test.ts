import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../src/engine/trace';
import {
  LEGACY_STORAGE_KEY,
  STORAGE_KEY,
  clearSaved,
  loadSaved,
  readSaved,
  serializeSaved,
  writeSaved,
  type SavedState,
  type StorageAdapter,
} from '../../src/store/persistence';

/** localStorage's behaviour over a Map; `failWrites` plays a full quota. */
class FakeStorage implements StorageAdapter {
  readonly items = new Map<string, string>();
  failWrites = false;

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    if (this.failWrites) throw new Error("Failed to execute 'setItem' on 'Storage': quota exceeded");
    this.items.set(key, value);
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const saved: SavedState = {
  schema: 2,
  savedAt: '2026-11-25T10:00:00.000Z',
  scenario: { builtin: 'default' },
  request: {
    from: { kind: 'pod', namespace: 'default', name: 'client' },
    to: 'web-svc',
    port: 80,
    protocol: 'TCP',
  },
  mode: 'ipvs',
  scheduler: 'wrr',
  seed: 7,
  cursor: 31,
};

describe('saving and loading', () => {
  it('restores what was saved, through a storage adapter', () => {
    const storage = new FakeStorage();
    expect(readSaved(storage)).toEqual({ kind: 'none' });
    expect(writeSaved(storage, saved)).toEqual({ ok: true });
    expect([...storage.items.keys()]).toEqual([STORAGE_KEY]);
    expect(readSaved(storage)).toStrictEqual({ kind: 'ok', saved });
  });

  it('serialises deterministically, with the schema first', () => {
    const text = serializeSaved(saved);
    expect(text.startsWith('{"schema":2,')).toBe(true);
    expect(serializeSaved({ ...saved })).toBe(text);
  });

  it('round-trips any valid saved state (property)', () => {
    const client = fc.oneof(
      fc.record({ kind: fc.constant('pod' as const), namespace: fc.string(), name: fc.string() }),
      fc.record({ kind: fc.constant('external' as const), ip: fc.string() }),
    );
    const arb = fc.record(
      {
        schema: fc.constant(2 as const),
        savedAt: fc.string(),
        scenario: fc.oneof(
          fc.record({ yaml: fc.string({ unit: 'binary' }) }),
          fc.record({ builtin: fc.stringMatching(/^[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}$/) }),
        ),
        request: fc.option(
          fc.record(
            {
              from: client,
              to: fc.string({ minLength: 1 }),
              port: fc.integer({ min: 1, max: 65535 }),
              protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const),
            },
            { requiredKeys: ['from', 'to'] },
          ),
          { nil: null },
        ),
        mode: fc.constantFrom(
          'userspace' as const,
          'iptables' as const,
          'ipvs' as const,
          'nftables' as const,
        ),
        scheduler: fc.constantFrom('rr' as const, 'sh' as const, 'mh' as const),
        seed: fc.integer({ min: 0, max: 0xffffffff }),
        cursor: fc.nat(),
      },
      { requiredKeys: ['schema', 'scenario', 'request', 'mode', 'scheduler', 'seed', 'cursor'] },
    );
    fc.assert(
      fc.property(arb, (state) => {
        const result = loadSaved(serializeSaved(state));
        expect(result).toEqual({ kind: 'ok', saved: state });
      }),
    );
  });

  it('reports a full quota instead of throwing', () => {
    const storage = new FakeStorage();
    storage.failWrites = true;
    const result = writeSaved(storage, saved);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^your work could not be saved in this browser \(.*quota/);
  });

  it('treats storage that cannot be read as nothing saved', () => {
    const broken: StorageAdapter = {
      getItem: () => {
        throw new Error('SecurityError: access denied');
      },
      setItem: () => undefined,
      removeItem: () => undefined,
    };
    expect(readSaved(broken)).toEqual({ kind: 'none' });
    expect(() => clearSaved(broken)).not.toThrow();
  });

  it('clears both the current and the legacy key', () => {
    const storage = new FakeStorage();
    storage.items.set(STORAGE_KEY, serializeSaved(saved));
    storage.items.set(LEGACY_STORAGE_KEY, '{}');
    storage.items.set('other-app', 'keep');
    clearSaved(storage);
    expect([...storage.items.keys()]).toEqual(['other-app']);
  });
});

describe('migration from schema 1', () => {
  const v1 = { version: 1, yaml: 'apiVersion: v1\nkind: Pod\n', mode: 'nftables', step: 12 };

  it('migrates a schema 1 save, filling what it did not keep with the defaults', () => {
    expect(loadSaved(JSON.stringify(v1))).toStrictEqual({
      kind: 'ok',
      migratedFrom: 1,
      saved: {
        schema: 2,
        scenario: { yaml: v1.yaml },
        request: null,
        mode: 'nftables',
        scheduler: 'rr',
        seed: DEFAULT_SEED,
        cursor: 12,
      },
    });
  });

  it('reads the legacy key when the current one is empty, and prefers the current one', () => {
    const storage = new FakeStorage();
    storage.items.set(LEGACY_STORAGE_KEY, JSON.stringify(v1));
    const migrated = readSaved(storage);
    expect(migrated.kind === 'ok' && migrated.migratedFrom).toBe(1);
    writeSaved(storage, saved);
    expect(readSaved(storage)).toStrictEqual({ kind: 'ok', saved });
  });

  it('reports a schema 1 save with a wrong field, keeping the raw text', () => {
    const raw = JSON.stringify({ ...v1, mode: 'ebpf' });
    expect(loadSaved(raw)).toEqual({
      kind: 'corrupt',
      error: 'the saved work\'s mode "ebpf" is not a kube-proxy mode',
      raw,
    });
  });
});

describe('corrupt saves are reported with their raw text', () => {
  const cases: [string, RegExp][] = [
    ['{"schema":2,', /^the saved work is not valid JSON/],
    ['', /^the saved work is not valid JSON/],
    ['null', /^the saved work is null, not an object$/],
    ['[1,2]', /^the saved work is a list, not an object$/],
    ['"text"', /^the saved work is "text", not an object$/],
    ['{}', /^the saved work has no schema number$/],
    [
      '{"schema":3}',
      /^the saved work has schema 3, from a newer kube-netviz; this one reads schemas 1 and 2$/,
    ],
    ['{"schema":"2"}', /^the saved work has an unknown schema "2"$/],
    ['{"version":0}', /^the saved work has no schema number$/],
  ];
  for (const [raw, error] of cases) {
    it(`reports ${JSON.stringify(raw)}`, () => {
      const result = loadSaved(raw);
      expect(result.kind).toBe('corrupt');
      if (result.kind !== 'corrupt') return;
      expect(result.error).toMatch(error);
      expect(result.raw).toBe(raw);
    });
  }

  const broken = (patch: Record<string, unknown>): string =>
    JSON.stringify({ ...JSON.parse(serializeSaved(saved)), ...patch });

  it('names the field that is wrong', () => {
    const expectations: [Record<string, unknown>, string][] = [
      [{ mode: 'ebpf' }, 'the saved work\'s mode "ebpf" is not a kube-proxy mode'],
      [{ scheduler: 7 }, "the saved work's scheduler 7 is not an IPVS scheduler"],
      [{ seed: -1 }, "the saved work's seed is -1, not a whole number from 0 to 4294967295"],
      [{ cursor: 1.5 }, "the saved work's cursor is 1.5, not a whole number from 0 to 9007199254740991"],
      [{ cursor: undefined }, 'the saved work has no cursor'],
      [{ savedAt: 5 }, "the saved work's savedAt is 5, not a time"],
      [
        { scenario: { yaml: 'a', builtin: 'b' } },
        "the saved work's scenario must have either yaml or builtin",
      ],
      [{ scenario: { builtin: '../x' } }, 'the saved work\'s scenario.builtin "../x" is not a scenario name'],
      [{ scenario: { yaml: 42 } }, "the saved work's scenario.yaml is 42, not text"],
      [
        { request: { from: { kind: 'node' }, to: 'x' } },
        'the saved work\'s request.from.kind "node" is neither pod nor external',
      ],
      [
        { request: { from: { kind: 'pod', namespace: 'a', name: 'b' }, to: '' } },
        "the saved work's request.to is empty",
      ],
      [
        { request: { from: { kind: 'external', ip: '1.2.3.4' }, to: 'x', port: 70000 } },
        "the saved work's request.port is 70000, not a whole number from 1 to 65535",
      ],
    ];
    for (const [patch, error] of expectations) {
      const raw = broken(patch);
      expect(loadSaved(raw), JSON.stringify(patch)).toEqual({ kind: 'corrupt', error, raw });
    }
  });

  it('never throws and never loses the raw text, whatever is stored (property)', () => {
    const anyJson = fc.jsonValue().map((v) => JSON.stringify(v));
    const nearlyValid = fc
      .record({
        key: fc.constantFrom(
          'schema',
          'scenario',
          'request',
          'mode',
          'scheduler',
          'seed',
          'cursor',
          'version',
          'yaml',
          'step',
        ),
        value: fc.jsonValue(),
      })
      .map(({ key, value }) => JSON.stringify({ ...JSON.parse(serializeSaved(saved)), [key]: value }));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), anyJson, nearlyValid), (raw) => {
        const result = loadSaved(raw);
        expect(['ok', 'corrupt']).toContain(result.kind);
        if (result.kind === 'corrupt') {
          expect(result.raw).toBe(raw);
          expect(result.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
