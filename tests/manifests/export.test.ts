import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterManifests, exportClusterYaml, importManifests } from '../../src/manifests';
import type { ClusterDraft, PodDraft, ServiceDraft } from '../../src/model/draft';
import { resolveCluster } from '../../src/model/resolve';
import type { Cluster, Deployment, EndpointSlice, PodPhase, ServiceType } from '../../src/model/types';
import { defaultCluster } from '../../src/scenarios';
import { generateDraft } from '../../src/scenarios/generated';

/** `source` says where an object was read from, so it differs between two texts; nothing else may. */
function withoutSources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSources);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'source')
      .map(([k, v]) => [k, withoutSources(v)]),
  );
}

async function reimport(text: string): Promise<Cluster> {
  const read = await importManifests(text);
  expect(read.errors.map((e) => e.describe())).toEqual([]);
  const resolved = resolveCluster(read.draft);
  if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
  return resolved.cluster;
}

async function loadYamlScenario(file: string): Promise<Cluster> {
  const text = readFileSync(new URL(`../../src/scenarios/${file}`, import.meta.url), 'utf8');
  return reimport(text);
}

async function expectRoundTrip(cluster: Cluster): Promise<string> {
  const yaml = await exportClusterYaml(cluster);
  const back = await reimport(yaml);
  expect(withoutSources(back)).toStrictEqual(withoutSources(cluster));
  return yaml;
}

describe('exportClusterYaml', () => {
  it('round-trips the default cluster', async () => {
    const yaml = await expectRoundTrip(defaultCluster());
    expect(yaml.startsWith('# kube-netviz export of cluster "seed".\n')).toBe(true);
    // Derived EndpointSlices are left for the reader to derive again; ClusterIPs are pinned.
    expect(yaml).not.toContain('kind: EndpointSlice');
    expect(yaml).toContain('clusterIP: 10.3.241.152');
  });

  it('round-trips the network-policy scenario', async () => {
    const cluster = await loadYamlScenario('network-policy.yaml');
    expect(cluster.networkPolicies.length).toBeGreaterThan(0);
    const yaml = await expectRoundTrip(cluster);
    expect(yaml.match(/^kind: NetworkPolicy$/gm)?.length).toBe(cluster.networkPolicies.length);
  });

  it('round-trips the ingress scenario (Ingress rules, port by name and number, service-upstream)', async () => {
    const loaded = await loadYamlScenario('ingress.yaml');
    const cluster = {
      ...loaded,
      ingresses: (loaded.ingresses ?? []).map((i) => ({
        ...i,
        serviceUpstream: true,
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        defaultBackend: { name: 'web-svc', port: { number: 80 } },
      })),
    };
    expect(cluster.ingresses.length).toBe(1);
    const yaml = await expectRoundTrip(cluster);
    expect(yaml).toContain('nginx.ingress.kubernetes.io/service-upstream: "true"');
    expect(yaml.match(/^kind: Ingress$/gm)?.length).toBe(1);
  });

  it.each(['shop.yaml', 'kubectl-get-list.json'])(
    'round-trips the fixture %s (Deployments, input EndpointSlices, a kubectl export)',
    async (file) => {
      const text = readFileSync(new URL(`../fixtures/manifests/${file}`, import.meta.url), 'utf8');
      const cluster = await reimport(text);
      expect(cluster.deployments.length).toBeGreaterThan(0);
      await expectRoundTrip(cluster);
    },
  );

  it('is deterministic and separates documents with ---', async () => {
    const cluster = defaultCluster();
    const a = await exportClusterYaml(cluster);
    expect(await exportClusterYaml(cluster)).toBe(a);
    const documents = clusterManifests(cluster).length;
    expect(a.match(/^---$/gm)?.length).toBe(documents - 1);
    // kubectl's key order in every document.
    for (const doc of a.split(/^---$/m)) {
      const keys = doc.match(/^[a-zA-Z]+(?=:)/gm) ?? [];
      expect(keys.slice(0, 3)).toEqual(['apiVersion', 'kind', 'metadata']);
    }
  });

  it('keeps input EndpointSlices, Deployments, terminating and unready pods, pinned NodePorts', async () => {
    const base = defaultCluster();
    const web = base.services.find((s) => s.name === 'web-svc');
    if (!web) throw new Error('web-svc missing');
    const handSlice: EndpointSlice = {
      kind: 'EndpointSlice',
      name: 'legacy-1',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'legacy' },
      serviceName: 'legacy',
      addressType: 'IPv4',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      endpoints: [
        {
          addresses: ['10.0.9.9'],
          conditions: { ready: false, serving: true, terminating: true },
          nodeName: 'node-2',
          targetRef: { kind: 'Pod', namespace: 'default', name: 'gone' },
        },
      ],
      derived: false,
    };
    const deployment: Deployment = {
      kind: 'Deployment',
      name: 'api',
      namespace: 'default',
      labels: { app: 'api' },
      replicas: 2,
      selector: { app: 'api' },
      template: {
        labels: { app: 'api', tier: 'yes' },
        containers: [{ name: 'api', image: 'api:1', ports: [{ containerPort: 9000, protocol: 'TCP' }] }],
        hostNetwork: false,
        dnsPolicy: 'ClusterFirst',
        hostAliases: [{ ip: '10.1.2.3', hostnames: ['db', 'db.local'] }],
      },
    };
    const read = await importManifests(await exportClusterYaml(base));
    const draft: ClusterDraft = {
      ...read.draft,
      pods: read.draft.pods.map((p, i) =>
        i === 0
          ? { ...p, terminating: true, ready: false }
          : i === 1
            ? { ...p, labels: { ...p.labels, flag: 'on' } }
            : p,
      ),
      services: [
        ...read.draft.services.map((s) => (s.name === 'web-svc' ? { ...s, type: 'NodePort' as const } : s)),
        { ...serviceDraft('legacy', 'ClusterIP'), selector: null },
        {
          ...serviceDraft('lb', 'LoadBalancer'),
          externalTrafficPolicy: 'Local',
          loadBalancerIPs: ['203.0.113.7'],
        },
        {
          ...serviceDraft('sticky', 'ClusterIP'),
          clusterIP: 'None',
          sessionAffinity: 'ClientIP',
          sessionAffinityTimeoutSeconds: 600,
        },
        { ...serviceDraft('ext', 'ExternalName'), ports: [], selector: null, externalName: 'example.com' },
      ],
      endpointSlices: [handSlice],
      deployments: [deployment],
    };
    const resolved = resolveCluster(draft);
    if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
    const cluster = resolved.cluster;
    expect(cluster.pods.filter((p) => p.ownerDeployment === 'api')).toHaveLength(2);
    const yaml = await expectRoundTrip(cluster);
    expect(yaml).toContain('kind: EndpointSlice');
    expect(yaml).toContain('deletionTimestamp:');
    expect(yaml).toContain('flag: "on"');
    expect(yaml).toContain('tier: "yes"');
    expect(yaml).toMatch(/nodePort: \d+/);
  }, 20_000);

  it('writes a ReplicaSet when a Deployment’s pod has no pod-template-hash label', async () => {
    const base = defaultCluster();
    const client = base.pods[0];
    if (!client) throw new Error('no pod');
    const deployment: Deployment = {
      kind: 'Deployment',
      name: 'client',
      namespace: client.namespace,
      labels: {},
      replicas: 1,
      selector: { ...client.labels },
      template: {
        labels: { ...client.labels },
        containers: client.containers,
        hostNetwork: false,
        dnsPolicy: 'ClusterFirst',
        hostAliases: [],
      },
    };
    const cluster: Cluster = {
      ...base,
      pods: base.pods.map((p, i) => (i === 0 ? { ...p, ownerDeployment: 'client' } : p)),
      deployments: [deployment],
    };
    const yaml = await expectRoundTrip(cluster);
    expect(yaml).toContain('kind: ReplicaSet');
  });

  it('round-trips small generated clusters with varied pods and Services (property)', async () => {
    await fc.assert(
      fc.asyncProperty(variedClusterArb, async (cluster) => {
        await expectRoundTrip(cluster);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});

function serviceDraft(name: string, type: ServiceType): ServiceDraft {
  return {
    kind: 'Service',
    name,
    namespace: 'default',
    labels: {},
    type,
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }],
    selector: { app: name },
    sessionAffinity: 'None',
    sessionAffinityTimeoutSeconds: 10800,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
  };
}

const podVariation = fc.record({
  phase: fc.option(fc.constantFrom<PodPhase>('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'), {
    nil: undefined,
  }),
  ready: fc.option(fc.boolean(), { nil: undefined }),
  terminating: fc.boolean(),
  unscheduled: fc.boolean(),
  hostNetwork: fc.boolean(),
});

const serviceVariation = fc.record({
  type: fc.constantFrom<ServiceType>('ClusterIP', 'NodePort', 'LoadBalancer'),
  headless: fc.boolean(),
  affinity: fc.boolean(),
  local: fc.boolean(),
});

/** A generated cluster (generateCluster's draft) with each pod and Service varied, plus a Deployment. */
const variedClusterArb = fc
  .record({
    nodes: fc.integer({ min: 1, max: 3 }),
    podsPerNode: fc.integer({ min: 0, max: 3 }),
    services: fc.integer({ min: 1, max: 3 }),
    replicas: fc.integer({ min: 0, max: 3 }),
  })
  .chain((size) =>
    fc.record({
      size: fc.constant(size),
      pods: fc.array(podVariation, {
        minLength: size.nodes * size.podsPerNode,
        maxLength: size.nodes * size.podsPerNode,
      }),
      services: fc.array(serviceVariation, { minLength: size.services, maxLength: size.services }),
    }),
  )
  .map(({ size, pods, services }) => {
    const draft = generateDraft(size);
    const variedPods: PodDraft[] = draft.pods.map((p, i) => {
      const v = pods[i];
      if (!v) return p;
      const { nodeName, ...rest } = p;
      return {
        ...rest,
        ...(v.unscheduled ? {} : { nodeName }),
        ...(v.phase !== undefined ? { phase: v.phase } : {}),
        ...(v.ready !== undefined ? { ready: v.ready } : {}),
        terminating: v.terminating,
        hostNetwork: v.hostNetwork,
      };
    });
    const variedServices: ServiceDraft[] = draft.services.map((s, i) => {
      const v = services[i];
      if (!v) return s;
      const headless = v.headless && v.type === 'ClusterIP';
      return {
        ...s,
        type: v.type,
        ...(headless ? { clusterIP: 'None' } : {}),
        ...(v.affinity ? { sessionAffinity: 'ClientIP' as const, sessionAffinityTimeoutSeconds: 300 } : {}),
        ...(v.local && v.type !== 'ClusterIP' ? { externalTrafficPolicy: 'Local' as const } : {}),
      };
    });
    const deployment: Deployment = {
      kind: 'Deployment',
      name: 'worker',
      namespace: 'default',
      labels: {},
      replicas: size.replicas,
      selector: { app: 'worker' },
      template: {
        labels: { app: 'worker' },
        containers: [{ name: 'w', image: 'worker:2', ports: [] }],
        hostNetwork: false,
        dnsPolicy: 'Default',
        hostAliases: [],
      },
    };
    const resolved = resolveCluster({
      ...draft,
      pods: variedPods,
      services: variedServices,
      deployments: [deployment],
    });
    if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
    return resolved.cluster;
  });
