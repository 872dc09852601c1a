import { describe, expect, it } from 'vitest';
import { startupFromSearch } from '../../src/embed/startup';
import { scenarioMeta } from '../../src/scenarios/catalog';

describe('start-up from a link that names only a built-in scenario', () => {
  it('opens it as the picker does: its request, mode, dead endpoints and key step', async () => {
    const s = await startupFromSearch('?v=1&scenario=dead-userspace');
    const meta = scenarioMeta('dead-userspace');
    expect(s.builtin).toBe('dead-userspace');
    expect(s.cluster.name).toBe('svc-dns');
    expect(s.settings).toEqual({
      request: meta?.request,
      mode: 'userspace',
      deadEndpoints: ['10.0.1.2:8080'],
      keyStep: meta?.keyStep,
    });
  });

  it("what the link carries wins over the scenario's own settings", async () => {
    const s = await startupFromSearch('?v=1&scenario=nodeport&mode=ipvs&step=3');
    expect(s.settings).toEqual({
      request: scenarioMeta('nodeport')?.request,
      mode: 'ipvs',
      step: 3,
    });
    const withRequest = await startupFromSearch('?v=1&scenario=nodeport&from=default/client&to=web');
    expect(withRequest.settings).toEqual({
      request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web' },
    });
  });
});

describe('a scenario link opens its explorer panel', () => {
  it('?scenario=registration opens the registration story; with a request it still does', async () => {
    const s = await startupFromSearch('?v=1&scenario=registration');
    expect(s.settings?.panel).toBe('registration');
    const copied = await startupFromSearch('?v=1&scenario=cni-add&from=default/client&to=web-svc&step=2');
    expect(copied.settings).toEqual({
      request: { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc' },
      step: 2,
      panel: 'cni',
    });
  });
});
