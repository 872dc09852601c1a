import { describe, expect, it } from 'vitest';
import type { ClusterDraft, NetworkDraft, NodeDraft, PodDraft, ServiceDraft } from '../../src/model/draft';
import type { NetvizErrorCode } from '../../src/model/errors';
import { cidrContains, parseCidr, parseIPv4 } from '../../src/model/ipam';
import { resolveCluster } from '../../src/model/resolve';
import type { ResolveResult } from '../../src/model/resolve';
import type { Cluster, Container, Deployment, EndpointSlice } from '../../src/model/types';

// --- builders: the seed's cluster (src/scenarios/default.yaml), written by hand ------------------------

const src = (document: number) => ({ document, path: '' });

const webContainers: Container[] = [
  {
    name: 'web',
    image: 'nginxinc/nginx-unprivileged:1.27',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
  },
  { name: 'log-tailer', image: 'busybox:1.36', ports: [] },
];

const seedNetwork: NetworkDraft = {
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
  cniMode: 'gateway-routes',
  bridgeName: 'cbr0',
  source: src(1),
};

function node(name: string, extra: Partial<NodeDraft> = {}): NodeDraft {
  return { name, labels: { 'kubernetes.io/hostname': name }, ...extra };
}

function pod(name: string, extra: Partial<PodDraft> = {}): PodDraft {
  return {
    name,
    namespace: 'default',
    labels: {},
    hostNetwork: false,
    containers: [{ name: 'main', image: 'busybox:1.36', ports: [] }],
    hostAliases: [],
    dnsPolicy: 'ClusterFirst',
    terminating: false,
    ...extra,
  };
}

function service(name: string, extra: Partial<ServiceDraft> = {}): ServiceDraft {
  return {
    kind: 'Service',
    name,
    namespace: 'default',
    labels: {},
    type: 'ClusterIP',
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
    selector: { app: name },
    sessionAffinity: 'None',
    sessionAffinityTimeoutSeconds: 10800,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    ...extra,
  };
}

function seedDraft(): ClusterDraft {
  return {
    name: 'seed',
    network: seedNetwork,
    nodes: [
      node('node-1', { podCIDR: '10.0.1.0/24', internalIP: '10.100.0.2', source: src(2) }),
      node('node-2', { podCIDR: '10.0.2.0/24', internalIP: '10.100.0.3', source: src(3) }),
    ],
    pods: [
      pod('server-1', {
        labels: { app: 'web' },
        nodeName: 'node-1',
        podIP: '10.0.1.2',
        containers: webContainers,
        phase: 'Running',
        ready: true,
        source: src(4),
      }),
      pod('client', {
        labels: { app: 'client' },
        nodeName: 'node-1',
        podIP: '10.0.1.3',
        phase: 'Running',
        ready: true,
        source: src(5),
      }),
      pod('server-2', {
        labels: { app: 'web' },
        nodeName: 'node-2',
        podIP: '10.0.2.2',
        containers: webContainers,
        phase: 'Running',
        ready: true,
        source: src(6),
      }),
      pod('coredns-7c65d6cfc9-x2kbq', {
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns' },
        nodeName: 'node-2',
        podIP: '10.0.2.3',
        dnsPolicy: 'Default',
        containers: [
          {
            name: 'coredns',
            image: 'registry.k8s.io/coredns/coredns:v1.11.3',
            ports: [
              { name: 'dns', containerPort: 53, protocol: 'UDP' },
              { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
              { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
            ],
          },
        ],
        phase: 'Running',
        ready: true,
        source: src(7),
      }),
    ],
    services: [
      service('web-svc', {
        clusterIP: '10.3.241.152',
        selector: { app: 'web' },
        source: src(8),
      }),
      service('kube-dns', {
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
        clusterIP: '10.3.240.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
          { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
          { name: 'metrics', protocol: 'TCP', port: 9153, targetPort: 9153 },
        ],
        source: src(9),
      }),
    ],
    endpointSlices: [],
    deployments: [],
  };
}

/** The seed draft with some parts replaced. */
function withDraft(change: (d: ClusterDraft) => Partial<ClusterDraft>): ClusterDraft {
  const d = seedDraft();
  return { ...d, ...change(d) };
}

function resolved(draft: ClusterDraft): { cluster: Cluster; notes: readonly string[] } {
  const result = resolveCluster(draft);
  if (!result.ok) {
    throw new Error(`expected ok, got: ${result.errors.map((e) => e.describe()).join('; ')}`);
  }
  return result;
}

function failed(result: ResolveResult) {
  if (result.ok) throw new Error('expected errors, got a cluster');
  return result.errors;
}

/** Asserts exactly one error with this code, and returns it. */
function theError(draft: ClusterDraft, code: NetvizErrorCode) {
  const errors = failed(resolveCluster(draft));
  const matching = errors.filter((e) => e.code === code);
  expect(matching.map((e) => e.describe())).toHaveLength(1);
  return matching[0] as NonNullable<(typeof matching)[0]>;
}

const podNamed = (c: Cluster, name: string) => c.pods.find((p) => p.name === name);
const svcNamed = (c: Cluster, name: string) => c.services.find((s) => s.name === name);
const slicesOf = (c: Cluster, svc: string) => c.endpointSlices.filter((s) => s.serviceName === svc);

// --- the seed cluster ----------------------------------------------------------------------------------

describe('resolveCluster: the seed cluster', () => {
  it('keeps the explicit addresses and derives bridges and router routes', () => {
    const { cluster } = resolved(seedDraft());
    expect(cluster.nodes.map((n) => [n.name, n.internalIP, n.podCIDR, n.bridge])).toEqual([
      ['node-1', '10.100.0.2', '10.0.1.0/24', { name: 'cbr0', ip: '10.0.1.1' }],
      ['node-2', '10.100.0.3', '10.0.2.0/24', { name: 'cbr0', ip: '10.0.2.1' }],
    ]);
    expect(cluster.network.router).toEqual({
      name: 'router',
      ip: '10.100.0.1',
      routes: [
        { destination: '10.0.1.0/24', via: '10.100.0.2', dev: 'eth0' },
        { destination: '10.0.2.0/24', via: '10.100.0.3', dev: 'eth0' },
        { destination: '10.100.0.0/24', dev: 'eth0' },
      ],
    });
    expect(cluster.pods.map((p) => p.podIP)).toEqual(['10.0.1.2', '10.0.1.3', '10.0.2.2', '10.0.2.3']);
    expect(cluster.pods.every((p) => p.pauseImage === 'registry.k8s.io/pause:3.10')).toBe(true);
    expect(cluster.pods.every((p) => /^veth[0-9a-f]{8}$/.test(p.hostVeth ?? ''))).toBe(true);
    expect(new Set(cluster.pods.map((p) => p.hostVeth)).size).toBe(4);
    expect(svcNamed(cluster, 'web-svc')?.clusterIP).toBe('10.3.241.152');
    expect(svcNamed(cluster, 'kube-dns')?.clusterIP).toBe('10.3.240.10');
  });

  it('derives the web-svc EndpointSlice with both server pods on port 8080 named http', () => {
    const { cluster, notes } = resolved(seedDraft());
    const slices = slicesOf(cluster, 'web-svc');
    expect(slices).toHaveLength(1);
    const slice = slices[0] as EndpointSlice;
    expect(slice.derived).toBe(true);
    expect(slice.name).toMatch(/^web-svc-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice.addressType).toBe('IPv4');
    expect(slice.labels['kubernetes.io/service-name']).toBe('web-svc');
    expect(slice.labels['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slice.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
    expect(slice.endpoints).toEqual([
      {
        addresses: ['10.0.1.2'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-1',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'server-1' },
      },
      {
        addresses: ['10.0.2.2'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-2',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'server-2' },
      },
    ]);
    expect(notes.some((n) => n.includes(`derived EndpointSlice default/${slice.name}`))).toBe(true);
  });

  it('derives the kube-dns slice with its three ports', () => {
    const { cluster } = resolved(seedDraft());
    const [slice] = slicesOf(cluster, 'kube-dns');
    expect(slice?.namespace).toBe('kube-system');
    expect(slice?.ports).toEqual([
      { name: 'dns', protocol: 'UDP', port: 53 },
      { name: 'dns-tcp', protocol: 'TCP', port: 53 },
      { name: 'metrics', protocol: 'TCP', port: 9153 },
    ]);
    expect(slice?.endpoints.map((e) => e.addresses)).toEqual([['10.0.2.3']]);
    expect(slice?.labels['kubernetes.io/name']).toBe('CoreDNS');
  });

  it('gives the same output for the same input', () => {
    expect(resolveCluster(seedDraft())).toEqual(resolveCluster(seedDraft()));
  });
});

// --- filling in -----------------------------------------------------------------------------------------

describe('resolveCluster: filling in what Kubernetes would', () => {
  it('gives a pod without podIP on node-1 the next address after .2 and .3', () => {
    const { cluster, notes } = resolved(
      withDraft((d) => ({ pods: [...d.pods, pod('new', { nodeName: 'node-1' })] })),
    );
    const p = podNamed(cluster, 'new');
    expect(p?.podIP).toBe('10.0.1.4');
    expect(p?.phase).toBe('Running');
    expect(p?.ready).toBe(true);
    expect(notes.some((n) => n.includes('allocated podIP 10.0.1.4 to default/new on node-1'))).toBe(true);
  });

  it('skips addresses held by pods listed later (explicit addresses are held first)', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        pods: [
          ...d.pods,
          pod('a', { nodeName: 'node-1' }),
          pod('b', { nodeName: 'node-1', podIP: '10.0.1.4' }),
        ],
      })),
    );
    expect(podNamed(cluster, 'a')?.podIP).toBe('10.0.1.5');
    expect(podNamed(cluster, 'b')?.podIP).toBe('10.0.1.4');
  });

  it('uses the defaults for an empty network and says so', () => {
    const { cluster, notes } = resolved({
      name: 'bare',
      network: {},
      nodes: [node('a'), node('b')],
      pods: [pod('p', { nodeName: 'b' })],
      services: [
        service('kubernetes', { selector: null }),
        service('kube-dns', { namespace: 'kube-system' }),
      ],
      endpointSlices: [],
      deployments: [],
    });
    expect(cluster.network).toMatchObject({
      clusterCIDR: '10.0.0.0/16',
      nodeCIDRMaskSize: 24,
      serviceCIDR: '10.96.0.0/12',
      nodeNetwork: '192.168.49.0/24',
      clusterDomain: 'cluster.local',
      dnsServiceIP: '10.96.0.10',
      nodePortRange: { min: 30000, max: 32767 },
      proxyMode: 'iptables',
      ipvsScheduler: 'rr',
      cniMode: 'gateway-routes',
      bridgeName: 'cbr0',
      userspaceProxyPorts: [],
    });
    expect(cluster.network.router.ip).toBe('192.168.49.1');
    expect(cluster.nodes.map((n) => [n.podCIDR, n.internalIP, n.bridge.ip])).toEqual([
      ['10.0.0.0/24', '192.168.49.2', '10.0.0.1'],
      ['10.0.1.0/24', '192.168.49.3', '10.0.1.1'],
    ]);
    expect(podNamed(cluster, 'p')?.podIP).toBe('10.0.1.2');
    expect(svcNamed(cluster, 'kubernetes')?.clusterIP).toBe('10.96.0.1');
    expect(svcNamed(cluster, 'kube-dns')?.clusterIP).toBe('10.96.0.10');
    for (const text of ['clusterCIDR not set', 'serviceCIDR not set', 'dnsServiceIP not set']) {
      expect(notes.some((n) => n.startsWith(text))).toBe(true);
    }
    expect(notes.some((n) => n.includes('allocated podCIDR 10.0.0.0/24 to node a'))).toBe(true);
  });

  it('honours explicit router routes, and routes only the node network outside gateway-routes mode', () => {
    const routes = [{ destination: 'default', via: '10.100.0.254', dev: 'eth1' }];
    const explicit = resolved(
      withDraft((d) => ({ network: { ...d.network, router: { ...d.network.router, routes } } })),
    );
    expect(explicit.cluster.network.router.routes).toEqual(routes);
    const vxlan = resolved(withDraft((d) => ({ network: { ...d.network, cniMode: 'vxlan' } })));
    expect(vxlan.cluster.network.router.routes).toEqual([{ destination: '10.100.0.0/24', dev: 'eth0' }]);
    const bad = theError(
      withDraft((d) => ({
        network: {
          ...d.network,
          router: { ...d.network.router, routes: [{ destination: '10.0.1.0/16', dev: 'eth0' }] },
        },
      })),
      'host-bits-set',
    );
    expect(bad.field).toBe('spec.gateway.routes[0].destination');
  });

  it('gives kube-dns the 10th address of a custom serviceCIDR', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        network: { ...d.network, dnsServiceIP: undefined },
        services: [service('kube-dns', { namespace: 'kube-system', selector: null })],
      })),
    );
    expect(cluster.network.dnsServiceIP).toBe('10.3.240.10');
    expect(svcNamed(cluster, 'kube-dns')?.clusterIP).toBe('10.3.240.10');
  });

  it('allocates a ClusterIP in the upper band of serviceCIDR, deterministically', () => {
    const draft = withDraft((d) => ({ services: [...d.services, service('api')] }));
    const { cluster, notes } = resolved(draft);
    const ip = svcNamed(cluster, 'api')?.clusterIP ?? '';
    expect(cidrContains(parseCidr('10.3.240.0/20'), ip)).toBe(true);
    // The static band is the first 256 usable addresses: 10.3.240.1 – 10.3.241.0.
    expect(parseIPv4(ip)).toBeGreaterThan(parseIPv4('10.3.241.0'));
    expect(ip).not.toBe('10.3.241.152');
    expect(notes.some((n) => n.includes(`allocated ClusterIP ${ip} to default/api`))).toBe(true);
    expect(svcNamed(resolved(draft).cluster, 'api')?.clusterIP).toBe(ip);
  });

  it('keeps ExternalName and headless Services without a ClusterIP', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        services: [
          ...d.services,
          service('ext', { type: 'ExternalName', externalName: 'db.example.com', selector: null }),
          service('web-headless', { clusterIP: 'None', selector: { app: 'web' } }),
        ],
      })),
    );
    expect(svcNamed(cluster, 'ext')).toMatchObject({
      clusterIP: null,
      headless: false,
      externalName: 'db.example.com',
    });
    expect(svcNamed(cluster, 'web-headless')).toMatchObject({ clusterIP: null, headless: true });
    expect(slicesOf(cluster, 'ext')).toHaveLength(0);
    const [slice] = slicesOf(cluster, 'web-headless');
    expect(slice?.labels['service.kubernetes.io/headless']).toBe('');
    expect(slice?.endpoints).toHaveLength(2);
  });

  it('allocates NodePorts above the static band; ports with one number share one', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        services: [
          ...d.services,
          service('np', {
            type: 'NodePort',
            ports: [
              { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
              { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
              { name: 'web', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
            ],
          }),
          service('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
        ],
      })),
    );
    const [dns, dnsTcp, web] = svcNamed(cluster, 'np')?.ports ?? [];
    expect(web?.nodePort).toBe(30080);
    expect(dns?.nodePort).toBe(dnsTcp?.nodePort);
    expect(dns?.nodePort).toBeGreaterThanOrEqual(30086);
    expect(dns?.nodePort).toBeLessThanOrEqual(32767);
    const lb = svcNamed(cluster, 'lb');
    expect(lb?.ports[0]?.nodePort).toBeGreaterThanOrEqual(30086);
    expect(lb?.healthCheckNodePort).toBeGreaterThanOrEqual(30086);
    expect(lb?.healthCheckNodePort).not.toBe(lb?.ports[0]?.nodePort);
    expect(svcNamed(cluster, 'web-svc')?.ports[0]?.nodePort).toBeUndefined();
  });

  it('resolves a named targetPort per pod and splits pods by their resolved ports', () => {
    const alt: Container[] = [
      { name: 'web', image: 'x', ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }] },
    ];
    const { cluster } = resolved(
      withDraft((d) => ({
        pods: [
          ...d.pods,
          pod('server-3', { labels: { app: 'web' }, nodeName: 'node-2', containers: alt }),
          pod('server-4', { labels: { app: 'web' }, nodeName: 'node-1' }),
        ],
        services: [
          service('named', {
            selector: { app: 'web' },
            ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }],
          }),
        ],
      })),
    );
    const slices = slicesOf(cluster, 'named');
    const byPorts = slices.map((s) => [s.ports.map((p) => p.port), s.endpoints.map((e) => e.addresses[0])]);
    expect(byPorts).toEqual([
      [[8080], ['10.0.1.2', '10.0.2.2']],
      [[], ['10.0.1.4']],
      [[9090], ['10.0.2.4']],
    ]);
    expect(new Set(slices.map((s) => s.name)).size).toBe(3);
  });

  it('sets endpoint conditions from readiness and termination, and leaves finished pods out', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        pods: [
          ...d.pods,
          pod('not-ready', { labels: { app: 'web' }, nodeName: 'node-1', phase: 'Running', ready: false }),
          pod('going', { labels: { app: 'web' }, nodeName: 'node-2', terminating: true }),
          pod('done', { labels: { app: 'web' }, nodeName: 'node-2', phase: 'Succeeded' }),
        ],
      })),
    );
    const [slice] = slicesOf(cluster, 'web-svc');
    const conditions = Object.fromEntries(
      slice?.endpoints.map((e) => [e.targetRef?.name, e.conditions]) ?? [],
    );
    expect(conditions['not-ready']).toEqual({ ready: false, serving: false, terminating: false });
    expect(conditions['going']).toEqual({ ready: false, serving: true, terminating: true });
    expect(conditions['done']).toBeUndefined();
    expect(podNamed(cluster, 'done')?.podIP).toBeNull();
  });

  it('keeps input EndpointSlices as given and derives none for their Service', () => {
    const given: EndpointSlice = {
      kind: 'EndpointSlice',
      name: 'web-svc-manual',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'web-svc' },
      serviceName: 'web-svc',
      addressType: 'IPv4',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      endpoints: [
        { addresses: ['192.168.7.7'], conditions: { ready: true, serving: true, terminating: false } },
      ],
      derived: false,
    };
    const { cluster } = resolved(withDraft(() => ({ endpointSlices: [given] })));
    expect(slicesOf(cluster, 'web-svc')).toEqual([given]);
    expect(cluster.endpointSlices[0]).toEqual(given);
    expect(slicesOf(cluster, 'kube-dns')[0]?.derived).toBe(true);
  });

  it('gives a selector-less Service no slice, and an unmatched selector an empty placeholder', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        services: [...d.services, service('manual', { selector: null }), service('nobody')],
      })),
    );
    expect(slicesOf(cluster, 'manual')).toHaveLength(0);
    expect(slicesOf(cluster, 'nobody').map((s) => [s.ports, s.endpoints])).toEqual([[[], []]]);
  });

  it('keeps a finished pod whose IP a running pod reuses, without an error', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        pods: [
          pod('old-job', { nodeName: 'node-1', podIP: '10.0.1.2', phase: 'Succeeded', ready: false }),
          ...d.pods,
          pod('failed', { nodeName: 'node-1', podIP: '10.0.1.3', phase: 'Failed' }),
        ],
      })),
    );
    expect(podNamed(cluster, 'old-job')).toMatchObject({ podIP: '10.0.1.2', phase: 'Succeeded' });
    expect(podNamed(cluster, 'old-job')?.hostVeth).toBeUndefined();
    expect(podNamed(cluster, 'server-1')?.podIP).toBe('10.0.1.2');
    expect(podNamed(cluster, 'failed')?.podIP).toBe('10.0.1.3');
  });

  it('accepts a podIP outside its node podCIDR but inside clusterCIDR, with a note', () => {
    const { cluster, notes } = resolved(
      withDraft((d) => ({
        pods: [
          ...d.pods,
          pod('calico', { nodeName: 'node-1', podIP: '10.0.9.9' }),
          pod('other', { nodeName: 'node-2', podIP: '10.0.1.7' }),
          pod('next', { nodeName: 'node-1' }),
        ],
      })),
    );
    expect(podNamed(cluster, 'calico')?.podIP).toBe('10.0.9.9');
    expect(notes.some((n) => n.includes('10.0.9.9') && n.includes('Calico'))).toBe(true);
    // node-2's pod holds 10.0.1.7 in node-1's range; node-1's next pod still gets 10.0.1.4.
    expect(podNamed(cluster, 'next')?.podIP).toBe('10.0.1.4');
  });

  it('gives hostNetwork pods their node address and no veth', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        pods: [
          ...d.pods,
          pod('agent', { nodeName: 'node-2', hostNetwork: true }),
          pod('exported', { nodeName: 'node-1', hostNetwork: true, podIP: '10.100.0.2' }),
        ],
      })),
    );
    const agent = podNamed(cluster, 'agent');
    expect(agent?.podIP).toBe('10.100.0.3');
    expect(agent?.hostVeth).toBeUndefined();
    expect(podNamed(cluster, 'exported')?.podIP).toBe('10.100.0.2');
    const wrong = theError(
      withDraft((d) => ({
        pods: [...d.pods, pod('x', { nodeName: 'node-1', hostNetwork: true, podIP: '10.0.1.9' })],
      })),
      'invalid-field',
    );
    expect(wrong.field).toBe('status.podIP');
    expect(wrong.message).toContain('10.100.0.2');
  });

  it('leaves a pending pod with no node unscheduled, and schedules a bare one', () => {
    const { cluster } = resolved(
      withDraft((d) => ({
        pods: [...d.pods, pod('waiting', { phase: 'Pending' }), pod('bare', {})],
      })),
    );
    expect(podNamed(cluster, 'waiting')).toMatchObject({ nodeName: null, podIP: null, ready: false });
    expect(podNamed(cluster, 'waiting')?.hostVeth).toBeUndefined();
    // Both nodes hold two pods; ties go by node name.
    expect(podNamed(cluster, 'bare')).toMatchObject({ nodeName: 'node-1', podIP: '10.0.1.4' });
  });

  it('creates the missing Deployment replicas and spreads them over the nodes', () => {
    const deployment: Deployment = {
      kind: 'Deployment',
      name: 'web',
      namespace: 'default',
      labels: {},
      replicas: 4,
      selector: { app: 'web' },
      template: {
        labels: { app: 'web' },
        containers: webContainers,
        hostNetwork: false,
        dnsPolicy: 'ClusterFirst',
        hostAliases: [],
      },
      source: src(10),
    };
    const draft = withDraft((d) => ({
      pods: [...d.pods, pod('extra', { nodeName: 'node-2' })],
      deployments: [deployment],
    }));
    const { cluster, notes } = resolved(draft);
    const created = cluster.pods.filter((p) => p.ownerDeployment === 'web');
    // server-1 and server-2 match the selector: two replicas are missing.
    expect(created).toHaveLength(2);
    const hash = created[0]?.labels['pod-template-hash'] ?? '';
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    for (const p of created) {
      expect(p.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p).toMatchObject({ phase: 'Running', ready: true, namespace: 'default' });
      expect(p.labels['app']).toBe('web');
    }
    // node-1 has 2 pods, node-2 has 3: the first goes to node-1, then node-1 and node-2 tie at 3.
    expect(created.map((p) => [p.nodeName, p.podIP])).toEqual([
      ['node-1', '10.0.1.4'],
      ['node-1', '10.0.1.5'],
    ]);
    expect(notes.filter((n) => n.startsWith('created pod default/web-'))).toHaveLength(2);
    expect(cluster.pods.slice(-2)).toEqual(created);
    expect(slicesOf(cluster, 'web-svc')[0]?.endpoints).toHaveLength(4);
    expect(resolved(draft).cluster.pods.map((p) => p.name)).toEqual(cluster.pods.map((p) => p.name));
  });
});

// --- errors ---------------------------------------------------------------------------------------------

describe('resolveCluster: errors', () => {
  it('reports a bad CIDR in the network settings', () => {
    const e = theError(
      withDraft((d) => ({ network: { ...d.network, clusterCIDR: '10.0.0.5/16' } })),
      'host-bits-set',
    );
    expect(e.source).toEqual(src(1));
    expect(e.field).toBe('spec.clusterCIDR');
    expect(e.message).toContain('10.0.0.0/16');
  });

  it('reports overlapping network ranges', () => {
    const e = theError(
      withDraft((d) => ({
        network: { ...d.network, serviceCIDR: '10.0.128.0/20', dnsServiceIP: undefined },
      })),
      'overlapping-ranges',
    );
    expect(e.message).toContain('clusterCIDR');
    expect(e.message).toContain('serviceCIDR');
  });

  it('reports a dnsServiceIP outside serviceCIDR', () => {
    const e = theError(
      withDraft((d) => ({ network: { ...d.network, dnsServiceIP: '10.96.0.10' } })),
      'out-of-range',
    );
    expect(e.field).toBe('spec.dnsServiceIP');
  });

  it('reports a podCIDR outside clusterCIDR', () => {
    const e = theError(
      withDraft((d) => ({
        nodes: [d.nodes[0] as NodeDraft, { ...(d.nodes[1] as NodeDraft), podCIDR: '10.1.2.0/24' }],
      })),
      'out-of-range',
    );
    expect(e.source).toEqual(src(3));
    expect(e.field).toBe('spec.podCIDR');
  });

  it('reports two nodes with overlapping podCIDRs', () => {
    const e = theError(
      withDraft((d) => ({
        nodes: [d.nodes[0] as NodeDraft, { ...(d.nodes[1] as NodeDraft), podCIDR: '10.0.1.0/24' }],
      })),
      'overlapping-ranges',
    );
    expect(e.source).toEqual(src(3));
    expect(e.message).toContain('node node-1');
  });

  it('reports a podCIDR with the wrong mask', () => {
    const e = theError(
      withDraft((d) => ({
        nodes: [d.nodes[0] as NodeDraft, { ...(d.nodes[1] as NodeDraft), podCIDR: '10.0.2.0/25' }],
      })),
      'invalid-cidr',
    );
    expect(e.field).toBe('spec.podCIDR');
  });

  it('reports a node address that is the router’s or outside the node network', () => {
    const router = theError(
      withDraft((d) => ({
        nodes: [{ ...(d.nodes[0] as NodeDraft), internalIP: '10.100.0.1' }, d.nodes[1] as NodeDraft],
      })),
      'duplicate-address',
    );
    expect(router.message).toContain('router router');
    expect(router.field).toBe('status.addresses');
    expect(router.source).toEqual(src(2));
    const outside = theError(
      withDraft((d) => ({
        nodes: [{ ...(d.nodes[0] as NodeDraft), internalIP: '192.168.1.2' }, d.nodes[1] as NodeDraft],
      })),
      'out-of-range',
    );
    expect(outside.message).toContain('nodeNetwork 10.100.0.0/24');
  });

  it('reports two pods with one address, naming both', () => {
    const e = theError(
      withDraft((d) => ({
        pods: [...d.pods, pod('copy', { nodeName: 'node-1', podIP: '10.0.1.2', source: src(20) })],
      })),
      'duplicate-address',
    );
    expect(e.source).toEqual(src(20));
    expect(e.field).toBe('status.podIP');
    expect(e.message).toContain('default/copy');
    expect(e.message).toContain('default/server-1');
  });

  it('reports a podIP on the bridge address, or outside clusterCIDR', () => {
    const bridge = theError(
      withDraft((d) => ({ pods: [...d.pods, pod('x', { nodeName: 'node-1', podIP: '10.0.1.1' })] })),
      'duplicate-address',
    );
    expect(bridge.message).toContain('bridge cbr0 of node node-1');
    const outside = theError(
      withDraft((d) => ({ pods: [...d.pods, pod('x', { nodeName: 'node-1', podIP: '172.16.0.5' })] })),
      'out-of-range',
    );
    expect(outside.message).toContain('clusterCIDR 10.0.0.0/16');
    const invalid = theError(
      withDraft((d) => ({ pods: [...d.pods, pod('x', { nodeName: 'node-1', podIP: '10.0.1' })] })),
      'invalid-ip',
    );
    expect(invalid.field).toBe('status.podIP');
  });

  it('reports a podIP on its podCIDR network address', () => {
    const e = theError(
      withDraft((d) => ({ pods: [...d.pods, pod('x', { nodeName: 'node-2', podIP: '10.0.2.0' })] })),
      'out-of-range',
    );
    expect(e.message).toContain('network address of podCIDR of node node-2 10.0.2.0/24');
  });

  it('reports objects defined twice', () => {
    const errors = failed(
      resolveCluster(
        withDraft((d) => ({
          nodes: [...d.nodes, node('node-1', { source: src(50) })],
          services: [...d.services, service('web-svc', { source: src(51) })],
        })),
      ),
    );
    expect(errors.map((e) => [e.code, e.source?.document, e.field])).toEqual([
      ['duplicate-object', 50, 'metadata.name'],
      ['duplicate-object', 51, 'metadata.name'],
    ]);
  });

  it('reports a pod on an unknown node', () => {
    const e = theError(
      withDraft((d) => ({ pods: [...d.pods, pod('lost', { nodeName: 'node-9', source: src(21) })] })),
      'unknown-reference',
    );
    expect(e.source).toEqual(src(21));
    expect(e.field).toBe('spec.nodeName');
    expect(e.message).toContain('node-9');
  });

  it('reports a ClusterIP outside serviceCIDR or already taken', () => {
    const outside = theError(
      withDraft((d) => ({
        services: [...d.services, service('x', { clusterIP: '10.96.0.20', source: src(30) })],
      })),
      'out-of-range',
    );
    expect(outside.source).toEqual(src(30));
    expect(outside.field).toBe('spec.clusterIP');
    expect(outside.message).toContain('serviceCIDR 10.3.240.0/20');
    const taken = theError(
      withDraft((d) => ({ services: [...d.services, service('x', { clusterIP: '10.3.241.152' })] })),
      'duplicate-address',
    );
    expect(taken.message).toContain('default/web-svc');
  });

  it('reports bad ports with their field paths', () => {
    const e = theError(
      withDraft((d) => ({
        services: [
          ...d.services,
          service('np', {
            type: 'NodePort',
            source: src(31),
            ports: [
              { name: 'a', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
              { name: 'b', protocol: 'TCP', port: 81, targetPort: 8081, nodePort: 8081 },
            ],
          }),
        ],
      })),
      'out-of-range',
    );
    expect(e.field).toBe('spec.ports[1].nodePort');
    expect(e.message).toContain('30000-32767');
    const port = theError(
      withDraft((d) => ({
        services: [...d.services, service('p', { ports: [{ protocol: 'TCP', port: 0, targetPort: 80 }] })],
      })),
      'invalid-port',
    );
    expect(port.field).toBe('spec.ports[0].port');
  });

  it('reports a nodePort held by two Services', () => {
    const np = (name: string) =>
      service(name, {
        type: 'NodePort',
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }],
      });
    const e = theError(
      withDraft((d) => ({ services: [...d.services, np('one'), np('two')] })),
      'duplicate-address',
    );
    expect(e.message).toContain('default/one');
    expect(e.message).toContain('default/two');
  });

  it('reports a Deployment pinned to an unknown node', () => {
    const e = theError(
      withDraft(() => ({
        deployments: [
          {
            kind: 'Deployment',
            name: 'pinned',
            namespace: 'default',
            labels: {},
            replicas: 1,
            selector: { app: 'pinned' },
            template: {
              labels: { app: 'pinned' },
              containers: [],
              hostNetwork: false,
              dnsPolicy: 'ClusterFirst',
              hostAliases: [],
              nodeName: 'ghost',
            },
            source: src(40),
          },
        ],
      })),
      'unknown-reference',
    );
    expect(e.field).toBe('spec.template.spec.nodeName');
    expect(e.source).toEqual(src(40));
  });

  it('collects every error instead of stopping at the first', () => {
    const errors = failed(
      resolveCluster(
        withDraft((d) => ({
          pods: [
            ...d.pods,
            pod('a', { nodeName: 'node-1', podIP: '10.0.1.2' }),
            pod('b', { nodeName: 'nowhere' }),
          ],
          services: [...d.services, service('c', { clusterIP: '1.2.3.4' })],
        })),
      ),
    );
    expect(errors.map((e) => e.code).sort()).toEqual([
      'duplicate-address',
      'out-of-range',
      'unknown-reference',
    ]);
  });
});

describe('resolveCluster: settings inferred from the objects', () => {
  it('infers nothing when the settings are all given', () => {
    const { notes } = resolved(seedDraft());
    expect(notes.filter((n) => n.includes('inferred'))).toEqual([]);
  });

  it('reads a missing clusterCIDR from the podCIDRs and pod IPs, preferring the well-known 10.0.0.0/16', () => {
    const network: NetworkDraft = { ...seedNetwork, clusterCIDR: undefined };
    const { cluster, notes } = resolved(withDraft(() => ({ network })));
    expect(cluster.network.clusterCIDR).toBe('10.0.0.0/16');
    expect(notes).toContain(
      "clusterCIDR 10.0.0.0/16 inferred from the nodes' podCIDRs and pod IPs (kube-netviz's default)",
    );
  });

  it('reads a GKE-style Service range and the DNS address from the ClusterIPs instead of assuming kubeadm’s', () => {
    const network: NetworkDraft = { ...seedNetwork, serviceCIDR: undefined, dnsServiceIP: undefined };
    const { cluster, notes } = resolved(withDraft(() => ({ network })));
    // 10.3.240.10 and 10.3.241.152 need a /22; widened towards a /16, clear of 10.0.0.0/16 and 10.100.0.0/24.
    expect(cluster.network.serviceCIDR).toBe('10.3.0.0/16');
    expect(cluster.network.dnsServiceIP).toBe('10.3.240.10');
    expect(svcNamed(cluster, 'kube-dns')?.clusterIP).toBe('10.3.240.10');
    expect(notes).toContain('dnsServiceIP 10.3.240.10 inferred from the ClusterIP of kube-system/kube-dns');
  });

  it('gives precise errors, not a crash, for addresses no set of ranges can serve', () => {
    const result = resolveCluster({
      name: 'mixed',
      network: {},
      nodes: [
        node('a', { internalIP: '192.168.49.2', source: src(1) }),
        node('b', { internalIP: '192.168.49.3', podCIDR: '10.244.1.5/24', source: src(2) }),
      ],
      pods: [
        pod('in-range', { nodeName: 'a', podIP: '10.244.0.5', source: src(3) }),
        // a pod address inside the Service range: the pod range cannot be inferred around it
        pod('in-services', { nodeName: 'a', podIP: '10.96.0.50', source: src(4) }),
        pod('garbage', { nodeName: 'a', podIP: 'not-an-ip', source: src(5) }),
      ],
      services: [service('kubernetes', { clusterIP: '10.96.0.1', selector: null, source: src(6) })],
      endpointSlices: [],
      deployments: [],
    });
    const errors = failed(result);
    expect(errors.map((e) => [e.code, e.source?.document, e.field])).toEqual([
      ['host-bits-set', 2, 'spec.podCIDR'],
      ['out-of-range', 3, 'status.podIP'],
      ['out-of-range', 4, 'status.podIP'],
      ['invalid-ip', 5, 'status.podIP'],
    ]);
    // the defaults apply, and the errors name them
    expect(errors[1]?.message).toContain('clusterCIDR 10.0.0.0/16');
  });
});
