/** Test helpers shared by the scenario tests: a scenario's trace as opening it shows it, and its golden text. */
import { trace } from '../../src/engine/trace';
import type { Trace } from '../../src/engine/trace';
import { defaultRequest } from '../../src/store/simulationSlice';
import { scenarioMeta } from '../../src/scenarios/catalog';
import { loadScenario } from '../../src/scenarios/load';

/** The text of a trace as a reviewer reads it: one line per step, the rule that decided under it. */
export function renderTrace(t: Trace): string {
  return (
    t.steps
      .map((s) => {
        const p = s.packet;
        const rw = s.rewrite
          ? ` {${s.rewrite.field} ${s.rewrite.from} → ${s.rewrite.to} by ${s.rewrite.by}}`
          : '';
        const rule = s.rule ? `\n      rule: ${s.rule.text}` : '';
        return `${String(s.index).padStart(2)} ${s.phase.padEnd(7)} ${s.kind.padEnd(11)} ${p.protocol} ${p.src}:${p.sport} → ${p.dst}:${p.dport} ttl=${p.ttl}${rw}\n      ${s.caption}${rule}`;
      })
      .join('\n') + `\noutcome: ${JSON.stringify(t.outcome)}\n`
  );
}

/** The scenario's trace as opening it shows it: its request (or the app's default), mode, dead endpoints. */
export function openScenarioTrace(id: string): Trace {
  const meta = scenarioMeta(id);
  if (!meta) throw new Error(`no scenario ${id}`);
  const cluster = loadScenario(id);
  return trace(cluster, meta.request ?? defaultRequest(cluster), {
    mode: meta.mode ?? cluster.network.proxyMode,
    ...(meta.deadEndpoints ? { deadEndpoints: meta.deadEndpoints } : {}),
  });
}

/** The Services, pod-networking, DNS and failure scenarios (the svc family; goldens `<id>-scenario.txt`). */
export const SVC_SCENARIOS = [
  'localhost',
  'nodeport',
  'loadbalancer',
  'etp-cluster',
  'etp-local',
  'itp-local',
  'no-endpoints',
  'affinity',
  'headless',
  'externalname',
  'hostaliases',
  'dead-userspace',
  'dead-iptables',
  'no-route',
  'nxdomain',
  'policy-dns',
] as const;
