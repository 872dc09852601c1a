import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readObjects } from '../../src/manifests';
import type { NetvizError } from '../../src/model/errors';
import docs from '../../src/scenarios/default.yaml';

function fixture(name: string): unknown {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8'),
  ) as unknown;
}

/** The parts of an error a test pins down: code, document, object path, field. */
function where(e: NetvizError): [string, number | undefined, string | undefined, string | undefined] {
  return [e.code, e.source?.document, e.source?.path, e.field];
}

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
  ...extra,
});

const service = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec,
});

describe('the default scenario', () => {
  const result = readObjects(docs);

  test('reads without errors or ignored objects', () => {
    expect(result.errors.map((e) => e.describe())).toEqual([]);
    expect(result.ignored).toEqual([]);
    expect(result.draft.name).toBe('seed');
  });

  test('has the two nodes with their InternalIPs and podCIDRs', () => {
    expect(result.draft.nodes).toEqual([
      {
        name: 'node-1',
        labels: { 'kubernetes.io/hostname': 'node-1' },
        internalIP: '10.100.0.2',
        podCIDR: '10.0.1.0/24',
        source: { document: 2, path: '' },
      },
      {
        name: 'node-2',
        labels: { 'kubernetes.io/hostname': 'node-2' },
        internalIP: '10.100.0.3',
        podCIDR: '10.0.2.0/24',
        source: { document: 3, path: '' },
      },
    ]);
  });

  test('has the four pods with their IPs, nodes, labels and containers', () => {
    const pods = result.draft.pods;
    expect(pods.map((p) => [p.namespace, p.name, p.nodeName, p.podIP, p.labels])).toEqual([
      ['default', 'server-1', 'node-1', '10.0.1.2', { app: 'web' }],
      ['default', 'client', 'node-1', '10.0.1.3', { app: 'client' }],
      ['default', 'server-2', 'node-2', '10.0.2.2', { app: 'web' }],
      ['kube-system', 'coredns-7c65d6cfc9-x2kbq', 'node-2', '10.0.2.3', { 'k8s-app': 'kube-dns' }],
    ]);
    expect(pods[0]?.containers).toEqual([
      {
        name: 'web',
        image: 'nginxinc/nginx-unprivileged:1.27',
        ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      },
      { name: 'log-tailer', image: 'busybox:1.36', ports: [] },
    ]);
    expect(pods[3]?.containers[0]?.ports).toEqual([
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
    ]);
    expect(pods.map((p) => [p.phase, p.ready, p.terminating, p.hostNetwork, p.dnsPolicy])).toEqual([
      ['Running', true, false, false, 'ClusterFirst'],
      ['Running', true, false, false, 'ClusterFirst'],
      ['Running', true, false, false, 'ClusterFirst'],
      ['Running', true, false, false, 'Default'],
    ]);
  });

  test('has the two services with their ports and defaults', () => {
    const [web, dns] = result.draft.services;
    expect(web).toMatchObject({
      name: 'web-svc',
      namespace: 'default',
      type: 'ClusterIP',
      clusterIP: '10.3.241.152',
      selector: { app: 'web' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      sessionAffinity: 'None',
      sessionAffinityTimeoutSeconds: 10800,
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    });
    expect(dns?.clusterIP).toBe('10.3.240.10');
    expect(dns?.ports.map((p) => `${p.name}:${p.port}/${p.protocol}->${p.targetPort}`)).toEqual([
      'dns:53/UDP->53',
      'dns-tcp:53/TCP->53',
      'metrics:9153/TCP->9153',
    ]);
    expect(result.draft.endpointSlices).toEqual([]);
  });

  test('carries the network settings, including the userspace proxy port 10400', () => {
    expect(result.draft.network).toEqual({
      clusterCIDR: '10.0.0.0/16',
      nodeCIDRMaskSize: 24,
      serviceCIDR: '10.3.240.0/20',
      nodeNetwork: '10.100.0.0/24',
      clusterDomain: 'cluster.local',
      dnsServiceIP: '10.3.240.10',
      nodePortRange: { min: 30000, max: 32767 },
      router: { name: 'router', ip: '10.100.0.1' },
      proxyMode: 'iptables',
      ipvsScheduler: 'rr',
      userspaceProxyPorts: [{ node: 'node-1', servicePort: 'default/web-svc:http', port: 10400 }],
      cniMode: 'gateway-routes',
      bridgeName: 'cbr0',
      source: { document: 1, path: '' },
    });
  });
});

describe('kubectl get -o json output', () => {
  const list = readObjects([fixture('kubectl-get-list.json')]);
  const podList = readObjects([fixture('api-podlist.json')]);

  test('imports cleanly: managedFields, status and annotations are read past', () => {
    expect(list.errors.map((e) => e.describe())).toEqual([]);
    expect(podList.errors.map((e) => e.describe())).toEqual([]);
  });

  test('ReplicaSets and ConfigMaps are ignored with a reason, by document and list path', () => {
    expect(list.ignored).toEqual([
      {
        document: 1,
        path: 'items[10]',
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-5d8f7b6c9d',
        reason: expect.stringContaining('kind not modelled') as unknown,
      },
      {
        document: 1,
        path: 'items[11]',
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'kube-root-ca.crt',
        reason: 'kind not modelled',
      },
    ]);
  });

  test('a node without spec.podCIDR leaves it for IPAM; InternalIP comes from status.addresses', () => {
    expect(list.draft.nodes).toEqual([
      expect.objectContaining({ name: 'cp-1', internalIP: '192.168.49.2', podCIDR: '10.244.0.0/24' }),
      expect.objectContaining({ name: 'worker-1', internalIP: '192.168.49.3' }),
    ]);
    expect(list.draft.nodes[1]).not.toHaveProperty('podCIDR');
    expect(list.draft.nodes[0]?.source).toEqual({ document: 1, path: 'items[0]' });
  });

  test('a pod owned by a ReplicaSet is a pod, tied to its Deployment', () => {
    const [web, coredns] = list.draft.pods;
    expect(web).toMatchObject({
      name: 'web-5d8f7b6c9d-k7x2q',
      namespace: 'default',
      nodeName: 'cp-1',
      podIP: '10.244.0.12',
      phase: 'Running',
      ready: true,
      terminating: false,
      ownerDeployment: 'web',
    });
    // coredns' Deployment is not in the input, so it is not named.
    expect(coredns).not.toHaveProperty('ownerDeployment');
    expect(list.draft.deployments).toEqual([
      expect.objectContaining({
        name: 'web',
        replicas: 1,
        selector: { app: 'web' },
        template: {
          labels: { app: 'web' },
          containers: [
            {
              name: 'web',
              image: 'nginxinc/nginx-unprivileged:1.27',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            },
          ],
          hostNetwork: false,
          dnsPolicy: 'ClusterFirst',
          hostAliases: [],
        },
      }),
    ]);
  });

  test('a named targetPort stays a name', () => {
    const web = list.draft.services.find((s) => s.name === 'web');
    expect(web?.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }]);
  });

  test('EndpointSlices keep their conditions, and targetRefs to pods not in the input', () => {
    expect(list.draft.endpointSlices.map((s) => [s.name, s.serviceName, s.derived])).toEqual([
      ['kubernetes', 'kubernetes', false],
      ['web-8fj2k', 'web', false],
    ]);
    const web = list.draft.endpointSlices[1];
    expect(web?.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
    expect(web?.endpoints).toEqual([
      {
        addresses: ['10.244.0.12'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'cp-1',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'web-5d8f7b6c9d-k7x2q' },
      },
      {
        addresses: ['10.244.0.9'],
        conditions: { ready: false, serving: true, terminating: true },
        nodeName: 'cp-1',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'web-5d8f7b6c9d-gone1' },
      },
    ]);
    // `conditions: {ready: true}` alone: serving follows ready, terminating is false.
    expect(list.draft.endpointSlices[0]?.endpoints[0]?.conditions).toEqual({
      ready: true,
      serving: true,
      terminating: false,
    });
  });

  test('PodList items without kind/apiVersion are Pods: hostNetwork, Succeeded with an IP, terminating', () => {
    expect(podList.ignored).toEqual([]);
    expect(
      podList.draft.pods.map((p) => [
        p.namespace,
        p.name,
        p.hostNetwork,
        p.podIP,
        p.phase,
        p.ready,
        p.terminating,
      ]),
    ).toEqual([
      ['kube-system', 'kube-proxy-x7k2p', true, '192.168.49.3', 'Running', true, false],
      ['default', 'migrate-db-29101140-8xq2v', false, '10.244.0.15', 'Succeeded', false, false],
      ['default', 'web-5d8f7b6c9d-gone1', false, '10.244.0.9', 'Running', false, true],
    ]);
    expect(podList.draft.pods[1]?.source).toEqual({ document: 1, path: 'items[1]' });
  });
});

describe('defaults and real-world shapes', () => {
  test('a bare pod: namespace default, dnsPolicy ClusterFirst, phase and readiness unknown', () => {
    const { draft, errors } = readObjects([pod('bare')]);
    expect(errors).toEqual([]);
    expect(draft.pods[0]).toEqual({
      name: 'bare',
      namespace: 'default',
      labels: {},
      hostNetwork: false,
      containers: [{ name: 'app', image: 'busybox:1.36', ports: [] }],
      hostAliases: [],
      dnsPolicy: 'ClusterFirst',
      terminating: false,
      source: { document: 1, path: '' },
    });
    expect(draft.name).toBe('cluster');
    expect(draft.network).toEqual({});
  });

  test('pod spec fields: hostAliases, dnsConfig, hostname, subdomain, protocol default TCP', () => {
    const { draft, errors } = readObjects([
      pod('dns-tester', {
        spec: {
          hostname: 'tester',
          subdomain: 'probes',
          dnsPolicy: 'None',
          dnsConfig: {
            nameservers: ['1.1.1.1'],
            searches: ['corp.example'],
            options: [{ name: 'ndots', value: '2' }],
          },
          hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }],
          containers: [{ name: 'c', image: 'alpine', ports: [{ containerPort: 5353 }] }],
        },
      }),
    ]);
    expect(errors).toEqual([]);
    expect(draft.pods[0]).toMatchObject({
      hostname: 'tester',
      subdomain: 'probes',
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: ['1.1.1.1'],
        searches: ['corp.example'],
        options: [{ name: 'ndots', value: '2' }],
      },
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }],
      containers: [{ name: 'c', image: 'alpine', ports: [{ containerPort: 5353, protocol: 'TCP' }] }],
    });
  });

  test('status without conditions leaves readiness unknown; conditions without Ready mean not ready', () => {
    const { draft } = readObjects([
      pod('a', { status: { phase: 'Running', podIP: '10.0.0.5' } }),
      pod('b', { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } }),
    ]);
    expect(draft.pods.map((p) => [p.phase, p.ready, p.podIP])).toEqual([
      ['Running', undefined, '10.0.0.5'],
      ['Pending', false, undefined],
    ]);
  });

  test('dual-stack: the IPv4 entries of podIPs, clusterIPs and podCIDRs are used', () => {
    const { draft, errors } = readObjects([
      pod('ds', { status: { podIPs: [{ ip: 'fd00::5' }, { ip: '10.1.0.5' }] } }),
      service('ds', { clusterIPs: ['fd00::10', '10.96.0.20'], ports: [{ port: 80 }] }),
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n' },
        spec: { podCIDRs: ['fd00:1::/64', '10.1.0.0/24'] },
        status: {
          addresses: [
            { type: 'InternalIP', address: 'fd00::2' },
            { type: 'InternalIP', address: '192.168.0.2' },
          ],
        },
      },
    ]);
    expect(errors).toEqual([]);
    expect(draft.pods[0]?.podIP).toBe('10.1.0.5');
    expect(draft.services[0]?.clusterIP).toBe('10.96.0.20');
    expect(draft.nodes[0]).toMatchObject({ podCIDR: '10.1.0.0/24', internalIP: '192.168.0.2' });
  });

  test('services: headless, ExternalName, numeric-string targetPort, targetPort defaults to port', () => {
    const { draft, errors } = readObjects([
      service('headless', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] }),
      service('external', { type: 'ExternalName', externalName: 'db.example.com.' }),
      service('numeric', { ports: [{ port: 80, targetPort: '8080' }] }),
      service('affinity', {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
        selector: {},
        ports: [{ port: 80, protocol: 'UDP' }],
      }),
    ]);
    expect(errors).toEqual([]);
    const [headless, external, numeric, affinity] = draft.services;
    expect(headless).toMatchObject({
      clusterIP: 'None',
      ports: [{ port: 5432, targetPort: 5432, protocol: 'TCP' }],
    });
    expect(external).toMatchObject({ type: 'ExternalName', externalName: 'db.example.com.', ports: [] });
    expect(external).not.toHaveProperty('clusterIP');
    expect(numeric?.ports).toEqual([{ protocol: 'TCP', port: 80, targetPort: 8080 }]);
    // An empty selector is no selector.
    expect(affinity).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 600,
      selector: null,
    });
  });

  test('LoadBalancer: status ingress IPs (hostnames skipped), nodePorts, traffic policies', () => {
    const { draft, errors } = readObjects([
      {
        ...service('lb', {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          healthCheckNodePort: 32100,
          externalIPs: ['198.51.100.7'],
          loadBalancerSourceRanges: ['203.0.113.0/24'],
          ports: [{ name: 'https', port: 443, targetPort: 8443, nodePort: 31443 }],
        }),
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }, { hostname: 'lb.example.com' }] } },
      },
    ]);
    expect(errors).toEqual([]);
    expect(draft.services[0]).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      internalTrafficPolicy: 'Cluster',
      healthCheckNodePort: 32100,
      externalIPs: ['198.51.100.7'],
      loadBalancerSourceRanges: ['203.0.113.0/24'],
      loadBalancerIPs: ['203.0.113.10'],
      ports: [{ name: 'https', port: 443, targetPort: 8443, nodePort: 31443, protocol: 'TCP' }],
    });
  });

  test('EndpointSlice conditions: unset ready is ready, serving follows ready, terminating false', () => {
    const { draft, errors } = readObjects([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'manual-1', labels: { 'kubernetes.io/service-name': 'manual' } },
        addressType: 'IPv4',
        ports: [{ port: 80 }],
        endpoints: [
          { addresses: ['10.9.0.1'] },
          { addresses: ['10.9.0.2'], conditions: { ready: false } },
          { addresses: ['10.9.0.3'], conditions: { ready: false, serving: true, terminating: true } },
        ],
      },
    ]);
    expect(errors).toEqual([]);
    expect(draft.endpointSlices[0]?.endpoints.map((e) => e.conditions)).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: false, serving: false, terminating: false },
      { ready: false, serving: true, terminating: true },
    ]);
    expect(draft.endpointSlices[0]?.ports).toEqual([{ protocol: 'TCP', port: 80 }]);
  });

  test('Deployment replicas default to 1; the template is kept', () => {
    const { draft, errors } = readObjects([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'prod' },
        spec: {
          selector: { matchLabels: { app: 'api' } },
          template: {
            metadata: { labels: { app: 'api', track: 'stable' } },
            spec: { hostNetwork: true, nodeName: 'node-1', containers: [{ name: 'api', image: 'api:1' }] },
          },
        },
      },
    ]);
    expect(errors).toEqual([]);
    expect(draft.deployments[0]).toMatchObject({
      kind: 'Deployment',
      namespace: 'prod',
      replicas: 1,
      selector: { app: 'api' },
      template: { labels: { app: 'api', track: 'stable' }, hostNetwork: true, nodeName: 'node-1' },
    });
  });

  test('null documents are empty documents; null fields read as absent', () => {
    const { draft, errors } = readObjects([
      null,
      pod('p', { status: null, metadata: { name: 'p', labels: null } }),
    ]);
    expect(errors).toEqual([]);
    expect(draft.pods[0]).toMatchObject({ name: 'p', labels: {}, source: { document: 2, path: '' } });
  });

  test('unknown kinds and versions are ignored, never fatal', () => {
    const { draft, errors, ignored } = readObjects([
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'old' } },
      { apiVersion: 'v1', kind: 'Secret' },
      pod('kept'),
    ]);
    expect(errors).toEqual([]);
    expect(ignored.map((i) => [i.document, i.kind, i.name, i.reason])).toEqual([
      [1, 'IngressClass', 'nginx', expect.stringContaining('not modelled') as unknown],
      [2, 'Widget', 'w', 'kind not modelled'],
      [
        3,
        'Deployment',
        'old',
        'Deployment in extensions/v1beta1 is not modelled: kube-netviz reads Deployment in apps/v1',
      ],
      [4, 'Secret', undefined, 'kind not modelled'],
    ]);
    expect(draft.pods.map((p) => p.name)).toEqual(['kept']);
  });

  test('a top-level array reads like a List', () => {
    const { draft, errors } = readObjects([[pod('a'), pod('b')]]);
    expect(errors).toEqual([]);
    expect(draft.pods.map((p) => p.source)).toEqual([
      { document: 1, path: '[0]' },
      { document: 1, path: '[1]' },
    ]);
  });
});

describe('errors name the document and the field', () => {
  test('documents that are not objects', () => {
    const { errors } = readObjects([pod('ok'), 'just a string', 42, { kind: 'List', items: [true] }]);
    expect(errors.map(where)).toEqual([
      ['malformed-document', 2, '', undefined],
      ['malformed-document', 3, '', undefined],
      ['malformed-document', 4, 'items[0]', undefined],
    ]);
    expect(errors[0]?.describe()).toBe(
      'document 2: expected a Kubernetes object (a map with apiVersion, kind and metadata), got the string "just a string"',
    );
  });

  test('missing kind, apiVersion and metadata.name', () => {
    const { errors, draft } = readObjects([
      { apiVersion: 'v1', metadata: { name: 'x' } },
      { kind: 'Pod', metadata: { name: 'y' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { generateName: 'svc-' },
        spec: { ports: [{ port: 80 }] },
      },
      { apiVersion: 'v1', kind: 'Node' },
    ]);
    expect(errors.map(where)).toEqual([
      ['missing-field', 1, '', 'kind'],
      ['missing-field', 2, '', 'apiVersion'],
      ['missing-field', 3, '', 'metadata.name'],
      ['missing-field', 4, '', 'metadata'],
    ]);
    expect(errors[2]?.message).toContain('generateName is not supported');
    expect(draft.pods).toEqual([]);
    expect(draft.services).toEqual([]);
  });

  test('wrong types and values: port "eighty", containerPort 70000, protocol ICMP, replicas -1', () => {
    const { errors } = readObjects([
      service('web', { ports: [{ port: 'eighty' }] }),
      pod('p', { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }] }] } }),
      service('icmp', { ports: [{ port: 7, protocol: 'ICMP' }] }),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd' },
        spec: {
          replicas: -1,
          selector: { matchLabels: { app: 'd' } },
          template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
        },
      },
    ]);
    expect(errors.map(where)).toEqual([
      ['invalid-field', 1, '', 'spec.ports[0].port'],
      ['invalid-field', 2, '', 'spec.containers[0].ports[0].containerPort'],
      ['invalid-field', 3, '', 'spec.ports[0].protocol'],
      ['invalid-field', 4, '', 'spec.replicas'],
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      'expected an integer between 1 and 65535, got the string "eighty"',
      'must be between 1 and 65535, got 70000',
      'unsupported value "ICMP": expected one of TCP, UDP, SCTP',
      'must be between 0 and 2147483647, got -1',
    ]);
    expect(errors[0]?.describe()).toBe(
      'document 1, spec.ports[0].port: expected an integer between 1 and 65535, got the string "eighty"',
    );
  });

  test('labels that are not string maps', () => {
    const { errors } = readObjects([
      pod('a', { metadata: { name: 'a', labels: ['app=web'] } }),
      pod('b', { metadata: { name: 'b', labels: { version: 2, 'bad key!': 'x', ok: 'fine' } } }),
      service('c', { selector: { app: { nested: true } }, ports: [{ port: 80 }] }),
    ]);
    expect(errors.map(where)).toEqual([
      ['invalid-field', 1, '', 'metadata.labels'],
      ['invalid-field', 2, '', 'metadata.labels[version]'],
      ['invalid-field', 2, '', 'metadata.labels[bad key!]'],
      ['invalid-field', 3, '', 'spec.selector[app]'],
    ]);
    expect(errors[1]?.message).toBe('expected a string label value, got the number 2 (quote it in YAML)');
  });

  test('errors inside List items carry the item path', () => {
    const { errors, draft } = readObjects([
      { apiVersion: 'v1', kind: 'List', items: [pod('fine'), pod('bad', { spec: { containers: [] } })] },
      {
        apiVersion: 'v1',
        kind: 'ServiceList',
        items: [{ metadata: { name: 's' }, spec: { ports: [{ port: 0 }] } }],
      },
    ]);
    expect(errors.map(where)).toEqual([
      ['missing-field', 1, 'items[1]', 'spec.containers'],
      ['invalid-field', 2, 'items[0]', 'spec.ports[0].port'],
    ]);
    expect(errors[1]?.describe()).toBe(
      'document 2, items[0].spec.ports[0].port: must be between 1 and 65535, got 0',
    );
    expect(draft.pods.map((p) => p.name)).toEqual(['fine']);
  });

  test('the same kind, namespace and name twice is a duplicate naming both documents', () => {
    const { errors, draft } = readObjects([
      pod('web'),
      pod('web', { metadata: { name: 'web', namespace: 'other' } }),
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [pod('web', { metadata: { name: 'web', namespace: 'default' } })],
      },
      service('web', { ports: [{ port: 80 }] }),
    ]);
    expect(errors.map(where)).toEqual([['duplicate-object', 3, 'items[0]', 'metadata.name']]);
    expect(errors[0]?.message).toBe(
      'Pod "default/web" is already defined in document 1; this second definition in document 3 (items[0]) is not read',
    );
    expect(draft.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['default/web', 'other/web']);
    expect(draft.services).toHaveLength(1);
  });

  test('hostile and over-long names never reach the draft', () => {
    const long = 'a'.repeat(300);
    const { errors, draft } = readObjects([
      pod('<script>alert(1)</script>'),
      pod(long),
      service('1web', { ports: [{ port: 80 }] }),
      service('Web', { ports: [{ port: 80 }] }),
      pod('1web'),
      pod('web.v2'),
      pod('p', { metadata: { name: 'p', namespace: 'Not_OK' } }),
    ]);
    expect(errors.map(where)).toEqual([
      ['invalid-field', 1, '', 'metadata.name'],
      ['invalid-field', 2, '', 'metadata.name'],
      ['invalid-field', 3, '', 'metadata.name'],
      ['invalid-field', 4, '', 'metadata.name'],
      ['invalid-field', 7, '', 'metadata.namespace'],
    ]);
    expect(errors[1]?.message).toBe(
      `invalid Pod name "${'a'.repeat(48)}…": must be no more than 253 characters`,
    );
    // Service names are RFC 1035 labels (they must start with a letter); pod names are RFC 1123 subdomains.
    expect(errors[2]?.message).toContain('RFC 1035 label');
    expect(draft.pods.map((p) => p.name)).toEqual(['1web', 'web.v2']);
    expect(draft.services).toEqual([]);
  });

  test('Deployment selectors: matchExpressions are not modelled; the selector must match the template', () => {
    const deployment = (name: string, selector: unknown, labels: unknown) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        selector,
        template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    });
    const { errors, draft } = readObjects([
      deployment('d1', { matchExpressions: [{ key: 'app', operator: 'In', values: ['d'] }] }, { app: 'd' }),
      deployment('d2', { matchLabels: { app: 'd' } }, { app: 'other' }),
      deployment('d3', {}, { app: 'd' }),
    ]);
    expect(errors.map(where)).toEqual([
      ['invalid-field', 1, '', 'spec.selector.matchExpressions'],
      ['invalid-field', 2, '', 'spec.template.metadata.labels'],
      ['invalid-field', 3, '', 'spec.selector'],
    ]);
    expect(errors[0]?.message).toContain('not modelled');
    expect(draft.deployments).toEqual([]);
  });

  test('an EndpointSlice without the kubernetes.io/service-name label', () => {
    const { errors } = readObjects([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'orphan' },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: 'yes' } }, { addresses: [] }],
      },
    ]);
    expect(errors.map(where)).toEqual([
      ['missing-field', 1, '', 'metadata.labels[kubernetes.io/service-name]'],
      ['invalid-field', 1, '', 'endpoints[0].conditions.ready'],
      ['missing-field', 1, '', 'endpoints[1].addresses'],
    ]);
  });

  test('Service rules: names on multiple ports, bad targetPort names, nodePort on ClusterIP, None on NodePort', () => {
    const { errors } = readObjects([
      service('a', { ports: [{ port: 80 }, { port: 443 }] }),
      service('b', { ports: [{ port: 80, targetPort: 'HTTP_PORT' }] }),
      service('c', { ports: [{ port: 80, nodePort: 30080 }] }),
      service('d', { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }),
      service('e', { type: 'ExternalName' }),
      service('f', {}),
      service('g', { ports: [{ port: 80, targetPort: 70000 }] }),
    ]);
    expect(errors.map(where)).toEqual([
      ['missing-field', 1, '', 'spec.ports[0].name'],
      ['missing-field', 1, '', 'spec.ports[1].name'],
      ['invalid-field', 2, '', 'spec.ports[0].targetPort'],
      ['invalid-field', 3, '', 'spec.ports[0].nodePort'],
      ['invalid-field', 4, '', 'spec.clusterIP'],
      ['missing-field', 5, '', 'spec.externalName'],
      ['missing-field', 6, '', 'spec.ports'],
      ['invalid-field', 7, '', 'spec.ports[0].targetPort'],
    ]);
  });

  test('an object reports all its problems at once and is left out', () => {
    const { errors, draft } = readObjects([
      pod('p', {
        spec: {
          nodeName: 'Node_1',
          dnsPolicy: 'Sometimes',
          containers: [
            { name: 'c', image: 'i', ports: [{ containerPort: 80, name: 'HTTP' }] },
            { name: 'c', image: 'i' },
            { image: 'no-name' },
          ],
        },
      }),
    ]);
    expect(errors.map((e) => e.field)).toEqual([
      'spec.containers[0].ports[0].name',
      'spec.containers[1].name',
      'spec.containers[2].name',
      'spec.dnsPolicy',
      'spec.nodeName',
    ]);
    expect(draft.pods).toEqual([]);
  });
});

describe('NetvizCluster', () => {
  const settings = (spec: unknown, name = 'lab') => ({
    apiVersion: 'kube-netviz.dev/v1alpha1',
    kind: 'NetvizCluster',
    metadata: { name },
    spec,
  });

  test('routes, proxy and cni settings; a route without dev leaves through eth0', () => {
    const { draft, errors } = readObjects([
      settings({
        nodePortRange: '30000+99',
        gateway: { name: 'gw', ip: '10.1.0.1', routes: [{ destination: '10.2.0.0/24', via: '10.1.0.2' }] },
        proxy: { mode: 'nftables' },
        cni: { mode: 'bgp', bridge: 'cni0' },
      }),
    ]);
    expect(errors).toEqual([]);
    expect(draft.name).toBe('lab');
    expect(draft.network).toEqual({
      nodePortRange: { min: 30000, max: 30099 },
      router: {
        name: 'gw',
        ip: '10.1.0.1',
        routes: [{ destination: '10.2.0.0/24', via: '10.1.0.2', dev: 'eth0' }],
      },
      proxyMode: 'nftables',
      cniMode: 'bgp',
      bridgeName: 'cni0',
      source: { document: 1, path: '' },
    });
  });

  test('unknown fields, bad modes and bad ranges are reported; a second NetvizCluster is a duplicate', () => {
    const { errors } = readObjects([
      settings({ serviceCidr: '10.96.0.0/12', nodePortRange: '32767-30000', proxy: { mode: 'ebpf' } }),
      settings({}, 'other'),
    ]);
    expect(errors.map(where)).toEqual([
      ['invalid-field', 1, '', 'spec.serviceCidr'],
      ['invalid-field', 1, '', 'spec.nodePortRange'],
      ['invalid-field', 1, '', 'spec.proxy.mode'],
      ['duplicate-object', 2, '', 'metadata.name'],
    ]);
    expect(errors[3]?.message).toContain('only one NetvizCluster is allowed');
  });
});
