import { describe, expect, it } from 'vitest';
import { readSaved, writeSaved, type SavedState, type StorageAdapter } from '../../src/store/persistence';

class MapStorage implements StorageAdapter {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const saved: SavedState = {
  schema: 2,
  savedAt: '2026-11-25T10:00:00.000Z',
  scenario: { builtin: 'ingress' },
  request: {
    from: { kind: 'external', ip: '203.0.113.7' },
    to: '10.100.0.2',
    port: 30080,
    http: { host: 'shop.example.com', path: '/api/orders' },
  },
  mode: 'iptables',
  scheduler: 'rr',
  seed: 1,
  cursor: 8,
};

describe('saved work keeps the HTTP request an ingress routes on', () => {
  it('restores request.http', () => {
    const storage = new MapStorage();
    expect(writeSaved(storage, saved)).toEqual({ ok: true });
    expect(readSaved(storage)).toStrictEqual({ kind: 'ok', saved });
  });
});
