/**
 * Every scenario of the catalog has a reviewed golden trace and a key step that exists. Most goldens live
 * beside the tests of their family (tests/engine/trace); the scenarios no family covers get theirs here.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_CATALOG, scenarioMeta } from '../../src/scenarios/catalog';
import { findKeyStep } from '../../src/scenarios/keyStep';
import { openScenarioTrace, renderTrace, SVC_SCENARIOS } from '../helpers/scenarioTrace';

const GOLDEN_DIR = resolve(__dirname, '../engine/trace/golden');

/** Scenarios whose golden is written here. */
const HERE = ['connect-apps', 'cbr0', 'dns', 'policy-deny', 'network-policy'] as const;

/** The golden file that covers each scenario's trace. */
const GOLDEN_OF: Readonly<Record<string, string>> = {
  default: 'iptables-client-web-svc.txt',
  vxlan: 'vxlan-client-web-svc.txt',
  bgp: 'bgp-client-web-svc.txt',
  docker0: 'docker0-client-172.17.0.2.txt',
  ingress: 'ingress-external-shop-api.txt',
  // Explorer-panel scenarios on the seed cluster trace the default request: the default golden covers them.
  plugins: 'iptables-client-web-svc.txt',
  scale: 'iptables-client-web-svc.txt',
  registration: 'iptables-client-web-svc.txt',
  readiness: 'iptables-client-web-svc.txt',
  'cni-add': 'iptables-client-web-svc.txt',
  ...Object.fromEntries([...SVC_SCENARIOS, ...HERE].map((id) => [id, `${id}-scenario.txt`])),
};

describe('the scenario catalog and its goldens', () => {
  it('names a golden trace for every scenario, and the file exists', () => {
    for (const s of SCENARIO_CATALOG) {
      const golden = GOLDEN_OF[s.id];
      expect(golden, `scenario ${s.id} has no golden trace`).toBeDefined();
      expect(existsSync(resolve(GOLDEN_DIR, golden ?? '?')), `${golden ?? '?'} for ${s.id}`).toBe(true);
    }
  });

  it.each(SCENARIO_CATALOG.map((s) => s.id))('%s: its key step is in its trace', (id) => {
    const t = openScenarioTrace(id);
    const matcher = scenarioMeta(id)?.keyStep;
    if (matcher) expect(findKeyStep(t.steps, matcher), `key step of ${id}`).not.toBeNull();
    expect(t.steps.length).toBeGreaterThan(0);
  });

  it.each(HERE)('%s: matches its reviewed golden trace', async (id) => {
    await expect(renderTrace(openScenarioTrace(id))).toMatchFileSnapshot(`${GOLDEN_DIR}/${id}-scenario.txt`);
  });
});
