import { describe, expect, it } from 'vitest';
import { applyEdit, type ClusterEdit } from '../../../src/engine/edit';
import { trace } from '../../../src/engine/trace';
import type { Cluster } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';
import { loadScenario } from '../../../src/scenarios/load';
import defaultDocuments from '../../../src/scenarios/default.yaml';
import { readObjects } from '../../../src/manifests';
import { resolveCluster } from '../../../src/model/resolve';

function edited(cluster: Cluster, edit: ClusterEdit): Cluster {
  const r = applyEdit(cluster, edit);
  if (!r.ok) throw new Error(r.error);
  return r.cluster;
}

const seed = defaultCluster();
const readyIps = (c: Cluster, service: string) =>
  c.endpointSlices
    .filter((s) => s.serviceName === service)
    .flatMap((s) => s.endpoints.filter((e) => e.conditions.ready).flatMap((e) => e.addresses))
    .sort();

describe('applyEdit', () => {
  it('adds a node with the next podCIDR and the next node address, and a router route to it', () => {
    const c = edited(seed, { op: 'add-node', name: 'node-3' });
    const node = c.nodes.find((n) => n.name === 'node-3');
    // Node IPAM hands out the first free /24 of 10.0.0.0/16 (10.0.1 and 10.0.2 are taken).
    expect(node?.podCIDR).toBe('10.0.0.0/24');
    expect(node?.internalIP).toBe('10.100.0.4');
    expect(
      c.network.router.routes.some((r) => r.destination === '10.0.0.0/24' && r.via === '10.100.0.4'),
    ).toBe(true);
    // Everything already assigned stays where it was.
    for (const p of seed.pods) expect(c.pods.find((q) => q.name === p.name)?.podIP).toBe(p.podIP);
  });

  it('adds a pod on a chosen node with the next free address; a matching Service gains the endpoint', () => {
    const c = edited(seed, {
      op: 'add-pod',
      namespace: 'default',
      name: 'server-3',
      node: 'node-2',
      labels: { app: 'web' },
      port: 8080,
    });
    const pod = c.pods.find((p) => p.name === 'server-3');
    expect(pod?.nodeName).toBe('node-2');
    // The next free address of node-2's /24 (.1 is cbr0; the others are held by its pods).
    const taken = seed.pods.filter((p) => p.nodeName === 'node-2').map((p) => p.podIP);
    expect(pod?.podIP).toMatch(/^10\.0\.2\./);
    expect(taken).not.toContain(pod?.podIP);
    const last = Number(pod?.podIP?.split('.')[3]);
    for (let i = 2; i < last; i++) expect(taken).toContain(`10.0.2.${i}`);
    const web = seed.services.find((s) => s.name === 'web-svc');
    const selectsWeb = Object.entries(web?.selector ?? {}).every(([k, v]) => pod?.labels[k] === v);
    expect(selectsWeb).toBe(true);
    expect(readyIps(c, 'web-svc')).toContain(pod?.podIP);
  });

  it('marks a pod not ready: it leaves the ready endpoints, and the trace never picks it', () => {
    const server = seed.pods.find((p) => p.name === 'server-1');
    expect(readyIps(seed, 'web-svc')).toContain(server?.podIP);
    const c = edited(seed, { op: 'set-pod-ready', namespace: 'default', name: 'server-1', ready: false });
    expect(readyIps(c, 'web-svc')).not.toContain(server?.podIP);
    for (const seedValue of [1, 2, 3, 4, 5]) {
      const t = trace(
        c,
        { from: { kind: 'pod', namespace: 'default', name: 'client' }, to: 'web-svc' },
        { seed: seedValue },
      );
      expect(t.resolved?.backend?.ip).not.toBe(server?.podIP);
    }
  });

  it('adds a Service with a hashed ClusterIP in the service range, and removes it again', () => {
    const c = edited(seed, {
      op: 'add-service',
      namespace: 'default',
      name: 'web-np',
      type: 'NodePort',
      selector: { app: 'web' },
      port: 80,
      targetPort: 9376,
      protocol: 'TCP',
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Cluster',
    });
    const svc = c.services.find((s) => s.name === 'web-np');
    expect(svc?.clusterIP).toMatch(/^10\.3\./);
    expect(svc?.ports[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(svc?.externalTrafficPolicy).toBe('Local');
    const back = edited(c, { op: 'remove-service', namespace: 'default', name: 'web-np' });
    expect(back.services.map((s) => s.name)).toEqual(seed.services.map((s) => s.name));
  });

  it('refuses bad names, duplicates and unknown objects with a sentence', () => {
    const bad = (edit: ClusterEdit) => {
      const r = applyEdit(seed, edit);
      return r.ok ? '' : r.error;
    };
    expect(bad({ op: 'add-node', name: 'node-1' })).toMatch(/already exists/);
    expect(bad({ op: 'add-node', name: 'Node_1' })).toMatch(/node name "Node_1"/);
    expect(bad({ op: 'remove-pod', namespace: 'default', name: 'nope' })).toMatch(/no pod default\/nope/);
    expect(
      bad({
        op: 'add-service',
        namespace: 'default',
        name: '1web',
        type: 'ClusterIP',
        selector: { app: 'web' },
        port: 80,
        targetPort: 80,
        protocol: 'TCP',
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
      }),
    ).toMatch(/Service name "1web"/);
    expect(bad({ op: 'scale-deployment', namespace: 'default', name: 'nope', replicas: 2 })).toMatch(
      /no Deployment/,
    );
  });

  it('removing a node removes its pods and keeps the other node reachable', () => {
    const c = edited(seed, { op: 'remove-node', name: 'node-2' });
    expect(c.nodes.map((n) => n.name)).toEqual(['node-1']);
    expect(c.pods.some((p) => p.nodeName === 'node-2')).toBe(false);
    expect(c.network.router.routes.some((r) => r.destination === '10.0.2.0/24')).toBe(false);
    expect(applyEdit(c, { op: 'remove-node', name: 'node-1' })).toEqual({
      ok: false,
      error: 'a cluster needs at least one node',
    });
  });

  it('keeps NetworkPolicies through an edit', () => {
    const policy = loadScenario('network-policy');
    expect(policy.networkPolicies.length).toBeGreaterThan(0);
    const c = edited(policy, { op: 'add-node', name: 'node-9' });
    expect(c.networkPolicies).toEqual(policy.networkPolicies);
  });

  it('keeps Ingresses through an edit', () => {
    const ingress = loadScenario('ingress');
    expect(ingress.ingresses?.length).toBeGreaterThan(0);
    const c = edited(ingress, { op: 'add-node', name: 'node-9' });
    expect(c.ingresses).toEqual(ingress.ingresses);
  });
});

function withDeployment(): Cluster {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
  const read = readObjects([...defaultDocuments, deployment]);
  const resolved = resolveCluster(read.draft);
  if (!resolved.ok) throw new Error('seed + Deployment does not resolve');
  return resolved.cluster;
}

describe('scale-deployment', () => {
  const base = withDeployment();
  const dep = base.deployments[0];
  it('creates the missing replicas and deletes the excess, as the ReplicaSet controller does', () => {
    expect(dep).toBeDefined();
    if (!dep) return;
    const owned = (c: Cluster) =>
      c.pods.filter((p) => p.namespace === dep.namespace && p.ownerDeployment === dep.name);
    expect(owned(base)).toHaveLength(2);
    const up = edited(base, {
      op: 'scale-deployment',
      namespace: dep.namespace,
      name: dep.name,
      replicas: 3,
    });
    expect(owned(up)).toHaveLength(3);
    expect(new Set(owned(up).map((p) => p.podIP)).size).toBe(3);
    const down = edited(up, {
      op: 'scale-deployment',
      namespace: dep.namespace,
      name: dep.name,
      replicas: 1,
    });
    expect(owned(down)).toHaveLength(1);
    // The survivor is one of the pods that existed before (the newest go first).
    expect(owned(up).map((p) => p.name)).toContain(owned(down)[0]?.name);
    expect(
      applyEdit(up, { op: 'scale-deployment', namespace: dep.namespace, name: dep.name, replicas: -1 }).ok,
    ).toBe(false);
  });

  it('deletes a not-ready replica before ready ones, even the oldest (ActivePodsWithRanks rule 3)', () => {
    if (!dep) return;
    const up = edited(base, {
      op: 'scale-deployment',
      namespace: dep.namespace,
      name: dep.name,
      replicas: 3,
    });
    const owned = up.pods.filter((p) => p.namespace === dep.namespace && p.ownerDeployment === dep.name);
    const oldest = owned[0];
    if (!oldest) throw new Error('no replica');
    const sick = edited(up, {
      op: 'set-pod-ready',
      namespace: oldest.namespace,
      name: oldest.name,
      ready: false,
    });
    const down = edited(sick, {
      op: 'scale-deployment',
      namespace: dep.namespace,
      name: dep.name,
      replicas: 2,
    });
    const left = down.pods.filter((p) => p.ownerDeployment === dep.name).map((p) => p.name);
    expect(left).toHaveLength(2);
    expect(left).not.toContain(oldest.name);
  });
});
