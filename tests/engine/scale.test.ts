import { describe, expect, it } from 'vitest';
import '../../src/engine/proxy/all';
import { scaleCluster, scaleFigures } from '../../src/engine/scale';

describe('scaleFigures', () => {
  const figures = scaleFigures([10, 100, 1000]);
  const of = (mode: string, services: number) => {
    const f = figures.find((x) => x.mode === mode && x.services === services);
    if (!f) throw new Error(`${mode} ${services}`);
    return f;
  };

  it('gives one figure per count and mode', () => {
    expect(figures).toHaveLength(3 * 4);
  });

  it('iptables: the ruleset and the walk to the last Service grow with the Services', () => {
    // Linear: each 90 Services more add a tenth of what each 900 more add.
    const lines = (n: number) => of('iptables', n).rulesetLines;
    expect(lines(1000) - lines(100)).toBe(10 * (lines(100) - lines(10)));
    expect(of('iptables', 1000).walkedAtTrap).toBeGreaterThan(1000);
    expect(of('iptables', 1000).walkedAtTrap).toBeGreaterThan(9 * (of('iptables', 100).walkedAtTrap ?? 0));
  });

  it('ipvs and nftables: the ruleset grows, the walk stays flat', () => {
    for (const mode of ['ipvs', 'nftables']) {
      expect(of(mode, 1000).rulesetLines).toBeGreaterThan(of(mode, 10).rulesetLines);
      // From 100 Services on the last one's endpoint is on the other node, as at 1,000.
      expect(of(mode, 1000).walkedTotal).toBe(of(mode, 100).walkedTotal);
      expect(of(mode, 1000).walkedAtTrap).toBe(of(mode, 10).walkedAtTrap);
      expect(of(mode, 1000).walkedAtTrap).not.toBeNull();
    }
  });

  it('every Service of a scale cluster has exactly one endpoint', () => {
    const cluster = scaleCluster(300);
    expect(cluster.services).toHaveLength(300);
    const endpoints = (name: string) =>
      cluster.endpointSlices.filter((s) => s.serviceName === name).flatMap((s) => s.endpoints).length;
    expect(endpoints('svc-0')).toBe(1);
    expect(endpoints('svc-299')).toBe(1);
    expect(cluster.nodes).toHaveLength(2);
  });
});
