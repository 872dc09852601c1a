/**
 * Engine benchmark: traces per second and ruleset generation per kube-proxy mode.
 * Run with `npm run bench`. Figures vary with the machine and its load; nothing here is asserted.
 */
import { performance } from 'node:perf_hooks';
import { PROXY_MODES, proxyModeModule } from '../../src/engine/proxy';
import '../../src/engine/proxy/all';
import { trace } from '../../src/engine/trace';
import type { Cluster } from '../../src/model/types';
import { loadScenario } from '../../src/scenarios/load';
import { generateCluster } from './generate';

const rows: [string, string][] = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  console.log(`${name.padEnd(58)} ${value}`);
};
const ms = (t: number) => `${t.toFixed(t < 10 ? 3 : 1)} ms`;
const heapMB = () => `${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB heap`;

function available(mode: (typeof PROXY_MODES)[number]): boolean {
  try {
    proxyModeModule(mode);
    return true;
  } catch {
    return false;
  }
}

function tracesPerSecond(
  cluster: Cluster,
  from: { namespace: string; name: string },
  to: string,
  mode: (typeof PROXY_MODES)[number],
  count: number,
): number {
  // Warm up (builds the nodes' rulesets once, as a session would).
  for (let i = 0; i < 20; i += 1) trace(cluster, { from: { kind: 'pod', ...from }, to }, { mode, seed: i });
  const start = performance.now();
  for (let i = 0; i < count; i += 1)
    trace(cluster, { from: { kind: 'pod', ...from }, to }, { mode, seed: i });
  return (count * 1000) / (performance.now() - start);
}

console.log(`kube-netviz engine benchmark — node ${process.version}, ${new Date().toISOString()}\n`);
const seed = loadScenario('default');
for (const mode of PROXY_MODES.filter(available)) {
  const rate = tracesPerSecond(seed, { namespace: 'default', name: 'client' }, 'web-svc', mode, 500);
  row(
    `default cluster: trace client → web-svc (${mode})`,
    `${rate.toFixed(0)} traces/s (${ms(1000 / rate)} each)`,
  );
}

let start = performance.now();
const large = generateCluster(100, 30, 1000);
row('generate + resolve 100 nodes / 3,000 pods / 1,000 services', ms(performance.now() - start));
for (const mode of PROXY_MODES.filter(available)) {
  const rate = tracesPerSecond(
    large,
    { namespace: 'default', name: 'pod-0' },
    'svc-500.default.svc.cluster.local.',
    mode,
    200,
  );
  row(
    `large cluster: trace pod-0 → svc-500 (${mode})`,
    `${rate.toFixed(0)} traces/s (${ms(1000 / rate)} each)`,
  );
}

start = performance.now();
const huge = generateCluster(120, 250, 10000);
row('generate + resolve 120 nodes / 30,000 pods / 10,000 services', ms(performance.now() - start));
for (const mode of PROXY_MODES.filter(available)) {
  const module = proxyModeModule(mode);
  module.build(huge, 'node-0').rules(); // warm-up: hashing caches, JIT
  start = performance.now();
  const dp = module.build(huge, 'node-1');
  const built = performance.now() - start;
  start = performance.now();
  const lines = dp.rules().sections.reduce((n, s) => n + s.lines.length, 0);
  const rendered = performance.now() - start;
  row(
    `10,000 services: build ${mode} ruleset for one node`,
    `${ms(built)} (render ${ms(rendered)}, ${lines} lines)`,
  );
}
row('memory after the runs', heapMB());
