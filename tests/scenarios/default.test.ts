import { describe, expect, it } from 'vitest';
import { defaultCluster } from '../../src/scenarios';
import { loadScenario } from '../../src/scenarios/load';

describe('the default cluster', () => {
  it('resolved at build time equals the one read and resolved at run time', () => {
    expect(defaultCluster()).toEqual(loadScenario('default'));
  });

  it('is the seed’s cluster', () => {
    const c = defaultCluster();
    expect(c.nodes.map((n) => [n.name, n.internalIP, n.podCIDR, n.bridge.ip])).toEqual([
      ['node-1', '10.100.0.2', '10.0.1.0/24', '10.0.1.1'],
      ['node-2', '10.100.0.3', '10.0.2.0/24', '10.0.2.1'],
    ]);
    expect(c.services.find((s) => s.name === 'web-svc')?.clusterIP).toBe('10.3.241.152');
    expect(c.network.router.routes.map((r) => `${r.destination} ${r.via ?? ''}`)).toContain(
      '10.0.2.0/24 10.100.0.3',
    );
  });
});

describe('every built-in scenario', () => {
  it('reads and resolves without errors', async () => {
    const { scenarios } = await import('../../src/scenarios/load');
    for (const s of scenarios) expect(() => loadScenario(s.id), s.id).not.toThrow();
  });
});
