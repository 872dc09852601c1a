import { describe, expect, it } from 'vitest';
import { trace } from '../../src/engine/trace';
import { scenarioMeta } from '../../src/scenarios/catalog';
import { findKeyStep } from '../../src/scenarios/keyStep';
import { loadScenario } from '../../src/scenarios/load';

const keyStepOf = (id: string) => {
  const meta = scenarioMeta(id);
  if (!meta?.keyStep) throw new Error(`${id} has no key step`);
  const t = trace(
    loadScenario(id),
    meta.request ?? {
      from: { kind: 'pod', namespace: 'default', name: 'client' },
      to: 'web-svc',
    },
  );
  const i = findKeyStep(t.steps, meta.keyStep);
  return i === null ? undefined : t.steps[i];
};

describe('the CNI scenarios open on their key step', () => {
  it('vxlan: the request wrapped by flannel.1 on node-1 (outer UDP to node-2, inner to the pod)', () => {
    const step = keyStepOf('vxlan');
    expect(step?.kind).toBe('encapsulate');
    expect(step?.phase).toBe('request');
    expect(step?.packet).toMatchObject({ protocol: 'UDP', dst: '10.100.0.3', dport: 8472 });
    expect(step?.inner?.dst).toBe('10.0.2.2');
  });

  it("bgp: node-1's BGP-learned route to node-2's pod subnet", () => {
    const step = keyStepOf('bgp');
    expect(step?.kind).toBe('route');
    expect(step?.route).toBe('10.0.2.0/24 via 10.100.0.3 dev eth0 proto bird');
  });

  it('cni-add opens the CNI panel on the seed cluster', () => {
    expect(scenarioMeta('cni-add')).toMatchObject({ group: 'CNI', panel: 'cni', clusterName: 'seed' });
    expect(loadScenario('cni-add').name).toBe('seed');
  });
});
