import { describe, expect, it } from 'vitest';
import { serviceEnvVars } from '../../src/engine/dns/serviceEnv';
import { trace } from '../../src/engine/trace';
import { scenarioMeta } from '../../src/scenarios/catalog';
import { findKeyStep } from '../../src/scenarios/keyStep';
import { loadScenario } from '../../src/scenarios/load';

const cluster = loadScenario('connect-apps');
const meta = scenarioMeta('connect-apps');

describe('the connect-apps scenario (Connecting Applications with Services)', () => {
  it('runs the Deployment as two ReplicaSet pods behind my-nginx', () => {
    const pods = cluster.pods.filter((p) => p.ownerDeployment === 'my-nginx');
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.name).toMatch(/^my-nginx-[a-z0-9]+-[a-z0-9]{5}$/);
    const ready = cluster.endpointSlices
      .filter((s) => s.serviceName === 'my-nginx')
      .flatMap((s) => s.endpoints.flatMap((e) => e.addresses))
      .sort();
    expect(ready).toEqual(pods.map((p) => p.podIP).sort());
  });

  it('the curl pod finds my-nginx by DNS and reaches one of its pods on port 80', () => {
    if (!meta?.request) throw new Error('connect-apps has no request');
    const t = trace(cluster, meta.request);
    expect(t.outcome.status).toBe('delivered');
    const svc = cluster.services.find((s) => s.name === 'my-nginx');
    expect(t.resolved?.address).toBe(svc?.clusterIP);
    expect(t.resolved?.backend?.port).toBe(80);
    const key = findKeyStep(t.steps, meta.keyStep ?? {});
    expect(key === null ? '' : t.steps[key]?.caption).toContain(svc?.clusterIP ?? '?');
  });

  it("and by the variables kubelet put in the curl pod's environment", () => {
    const curl = cluster.pods.find((p) => p.name === 'curl');
    if (!curl) throw new Error('no curl pod');
    const env = Object.fromEntries(serviceEnvVars(cluster, curl).map((v) => [v.name, v.value]));
    expect(env.MY_NGINX_SERVICE_HOST).toBe(cluster.services.find((s) => s.name === 'my-nginx')?.clusterIP);
    expect(env.MY_NGINX_SERVICE_PORT).toBe('80');
  });
});
