import { describe, expect, it } from 'vitest';
import { startupFromSearch } from '../../src/embed/startup';
import { encodeState } from '../../src/embed/urlState';
import { exportClusterYaml } from '../../src/manifests';
import { defaultCluster } from '../../src/scenarios';
import { STORAGE_KEY, writeSaved, type StorageAdapter } from '../../src/store/persistence';

function memoryStorage(): StorageAdapter & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

describe('start-up from a link', () => {
  it('a built-in link gives its cluster and the settings to apply', async () => {
    const s = await startupFromSearch(
      '?v=1&scenario=default&from=default/client&to=web-svc&port=80&mode=ipvs&sched=sh&seed=7&step=12',
    );
    expect(s.cluster).toBe(defaultCluster());
    expect(s.builtin).toBe('default');
    expect(s.notice).toBeNull();
    expect(s.settings).toEqual({
      request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc', port: 80 },
      mode: 'ipvs',
      scheduler: 'sh',
      seed: 7,
      step: 12,
    });
  });

  it('loads another built-in scenario on demand, and refuses an unknown one with a notice', async () => {
    const vxlan = await startupFromSearch('?v=1&scenario=vxlan');
    expect(vxlan.builtin).toBe('vxlan');
    expect(vxlan.cluster).not.toBe(defaultCluster());
    const unknown = await startupFromSearch('?v=1&scenario=no-such-thing');
    expect(unknown.cluster).toBe(defaultCluster());
    expect(unknown.notice).toMatch(/no built-in scenario "no-such-thing".*showing the default cluster/);
  });

  it('a custom cluster travels as YAML and comes back the same', async () => {
    const yaml = (await exportClusterYaml(defaultCluster())).replace('  name: seed\n', '  name: linked\n');
    const s = await startupFromSearch(encodeState({ v: 1, scenario: { kind: 'yaml', text: yaml }, step: 3 }));
    expect(s.notice).toBeNull();
    expect(s.cluster.name).toBe('linked');
    expect(s.cluster.pods).toHaveLength(defaultCluster().pods.length);
    expect(s.settings?.step).toBe(3);
  });

  it('a damaged or truncated link shows the default cluster with a notice', async () => {
    const yaml = await exportClusterYaml(defaultCluster());
    const link = encodeState({ v: 1, scenario: { kind: 'yaml', text: yaml } });
    const s = await startupFromSearch(link.slice(0, link.length - 20));
    expect(s.cluster).toBe(defaultCluster());
    expect(s.notice).toMatch(/^This link is damaged \(.*\); showing the default cluster$/);
    expect(s.settings).toBeUndefined();
    expect((await startupFromSearch('?v=1&mode=bogus')).notice).toMatch(/This link is damaged/);
  });

  it('a link wins over the saved work', async () => {
    const storage = memoryStorage();
    writeSaved(storage, {
      schema: 2,
      scenario: { builtin: 'default' },
      request: null,
      mode: 'nftables',
      scheduler: 'rr',
      seed: 1,
      cursor: 5,
    });
    const s = await startupFromSearch('?v=1&mode=ipvs', storage);
    expect(s.settings?.mode).toBe('ipvs');
  });
});

describe('start-up from the saved work', () => {
  it('with no link, restores the saved cluster and settings', async () => {
    const storage = memoryStorage();
    writeSaved(storage, {
      schema: 2,
      scenario: { builtin: 'vxlan' },
      request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc' },
      mode: 'nftables',
      scheduler: 'wrr',
      seed: 9,
      cursor: 5,
    });
    const s = await startupFromSearch('', storage);
    expect(s.notice).toBeNull();
    expect(s.builtin).toBe('vxlan');
    expect(s.cluster).not.toBe(defaultCluster());
    expect(s.settings).toEqual({
      request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc' },
      mode: 'nftables',
      scheduler: 'wrr',
      seed: 9,
      step: 5,
    });
  });

  it('restores an imported cluster from its YAML', async () => {
    const storage = memoryStorage();
    const yaml = (await exportClusterYaml(defaultCluster())).replace('  name: seed\n', '  name: mine\n');
    writeSaved(storage, {
      schema: 2,
      scenario: { yaml },
      request: null,
      mode: 'ipvs',
      scheduler: 'rr',
      seed: 1,
      cursor: 0,
    });
    const s = await startupFromSearch('', storage);
    expect(s.cluster.name).toBe('mine');
    expect(s.builtin).toBeUndefined();
    expect(s.settings?.mode).toBe('ipvs');
    expect(s.settings?.request).toBeUndefined();
  });

  it('the default demo starts afresh even when a save of it exists', async () => {
    const storage = memoryStorage();
    writeSaved(storage, {
      schema: 2,
      scenario: { builtin: 'default' },
      request: null,
      mode: 'nftables',
      scheduler: 'rr',
      seed: 1,
      cursor: 5,
    });
    const s = await startupFromSearch('', storage);
    expect(s.cluster).toBe(defaultCluster());
    expect(s.settings).toBeUndefined();
    expect(s.notice).toBeNull();
  });

  it('a corrupt save is reported with its raw text, not dropped', async () => {
    const storage = memoryStorage();
    storage.setItem(STORAGE_KEY, '{"schema":2,"scen');
    const s = await startupFromSearch('', storage);
    expect(s.cluster).toBe(defaultCluster());
    expect(s.notice).toMatch(/saved work could not be read/);
    expect(s.damagedSave).toBe('{"schema":2,"scen');
    expect(storage.map.get(STORAGE_KEY)).toBe('{"schema":2,"scen');
  });
});

describe('start-up from a tour link', () => {
  it("opens the tour at the stop: the stop's scenario is the first picture, the tour starts there", async () => {
    const s = await startupFromSearch('?tour=seed&stop=1');
    expect(s.notice).toBeNull();
    expect(s.settings).toEqual({ tour: { id: 'seed', stop: 0 } });
    expect(s.builtin).toBeDefined();
  });

  it('an unknown tour, or a stop past the end, is said plainly', async () => {
    const unknown = await startupFromSearch('?tour=no-such-tour');
    expect(unknown.cluster).toBe(defaultCluster());
    expect(unknown.notice).toMatch(/no tour "no-such-tour"/);
    const past = await startupFromSearch('?tour=seed&stop=999');
    expect(past.notice).toMatch(/The tour "seed" has \d+ stops, not 999; showing the last one/);
    expect(past.settings?.tour?.stop).toBeGreaterThan(0);
  });
});
