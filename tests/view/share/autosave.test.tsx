import { act, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { loadSaved, STORAGE_KEY } from '../../../src/store/persistence';
import { useAutosave } from '../../../src/view/autosave';
import { renderWithStore } from '../request/renderWithStore';

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

function Autosave({ storage, enabled }: { storage: Storage; enabled: boolean }) {
  useAutosave(enabled, storage);
  return null;
}

describe('autosave', () => {
  it('saves the mode, scheduler, seed and the cluster (as YAML when it is not a built-in) after a change', async () => {
    const storage = memoryStorage();
    const { store } = renderWithStore(<Autosave storage={storage} enabled />);
    expect(storage.getItem(STORAGE_KEY)).toBeNull();
    act(() => {
      store.getState().setIpvsScheduler('sh');
      store.getState().setSeed(77);
    });
    await waitFor(() => expect(storage.getItem(STORAGE_KEY)).not.toBeNull(), { timeout: 5000 });
    const loaded = loadSaved(storage.getItem(STORAGE_KEY));
    expect(loaded.kind).toBe('ok');
    if (loaded.kind !== 'ok') return;
    expect(loaded.saved.scheduler).toBe('sh');
    expect(loaded.saved.seed).toBe(77);
    expect(loaded.saved.request).toEqual(store.getState().request);
    expect('yaml' in loaded.saved.scenario && loaded.saved.scenario.yaml).toContain('kind: NetvizCluster');
  });

  it('writes nothing while disabled (a damaged save is waiting for the user)', async () => {
    const storage = memoryStorage();
    storage.setItem(STORAGE_KEY, 'damaged');
    const { store } = renderWithStore(<Autosave storage={storage} enabled={false} />);
    act(() => store.getState().setSeed(5));
    await new Promise((r) => setTimeout(r, 700));
    expect(storage.getItem(STORAGE_KEY)).toBe('damaged');
  });
});
