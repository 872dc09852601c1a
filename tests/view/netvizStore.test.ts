import { describe, expect, it } from 'vitest';
import { createNetvizStore, selectSelectedElement, selectSelectedId } from '../../src/store';
import { seedCluster } from '../fixtures/seedCluster';

describe('createNetvizStore', () => {
  it('gives each caller its own store', () => {
    const a = createNetvizStore(seedCluster);
    const b = createNetvizStore(seedCluster);
    a.getState().select('router');
    expect(selectSelectedId(a.getState())).toBe('router');
    expect(selectSelectedId(b.getState())).toBeNull();
  });

  it('resolves the selection against the cluster', () => {
    const store = createNetvizStore(seedCluster);
    store.getState().select('pod:default/client');
    const element = selectSelectedElement(store.getState());
    expect(element?.kind).toBe('pod');
    expect(element?.kind === 'pod' && element.pod.podIP).toBe('10.0.1.3');
    expect(selectSelectedElement(store.getState())).toBe(element);
    store.getState().select('svc:kube-system/kube-dns');
    const svc = selectSelectedElement(store.getState());
    expect(svc?.kind === 'service' && svc.service.clusterIP).toBe('10.3.240.10');
    store.getState().select('pod:default/nope');
    expect(selectSelectedElement(store.getState())).toBeNull();
  });

  it('clears the selection when the cluster is replaced', () => {
    const store = createNetvizStore(seedCluster);
    store.getState().select('node:node-1');
    store.getState().setCluster({ ...seedCluster, name: 'other' });
    expect(store.getState().selectedId).toBeNull();
    expect(store.getState().cluster.name).toBe('other');
  });
});
