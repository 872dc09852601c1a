import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterDraft, NetworkDraft, NodeDraft, PodDraft, ServiceDraft } from '../../src/model/draft';
import { coveringCidr, inferDraft } from '../../src/model/inferNetwork';
import { cidrContains, cidrsOverlap, parseCidr, parseIPv4 } from '../../src/model/ipam';
import { NETWORK_DEFAULTS, resolveCluster } from '../../src/model/resolve';

const node = (name: string, internalIP?: string, podCIDR?: string): NodeDraft => ({
  name,
  labels: {},
  ...(internalIP !== undefined ? { internalIP } : {}),
  ...(podCIDR !== undefined ? { podCIDR } : {}),
});

function pod(name: string, nodeName: string, podIP: string, extra: Partial<PodDraft> = {}): PodDraft {
  return {
    name,
    namespace: 'default',
    labels: {},
    nodeName,
    podIP,
    hostNetwork: false,
    containers: [],
    hostAliases: [],
    dnsPolicy: 'ClusterFirst',
    phase: 'Running',
    ready: true,
    terminating: false,
    ...extra,
  };
}

function service(namespace: string, name: string, clusterIP: string): ServiceDraft {
  return {
    kind: 'Service',
    name,
    namespace,
    labels: {},
    type: 'ClusterIP',
    clusterIP,
    ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }],
    selector: null,
    sessionAffinity: 'None',
    sessionAffinityTimeoutSeconds: 10800,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
  };
}

function draftOf(parts: Partial<ClusterDraft>): ClusterDraft {
  return {
    name: 'export',
    network: {},
    nodes: [],
    pods: [],
    services: [],
    endpointSlices: [],
    deployments: [],
    ...parts,
  };
}

const infer = (d: ClusterDraft) => inferDraft(d, NETWORK_DEFAULTS);

describe('coveringCidr', () => {
  it('gives the smallest range holding both ends', () => {
    expect(coveringCidr(parseIPv4('10.244.0.2'), parseIPv4('10.244.0.2')).text).toBe('10.244.0.2/32');
    expect(coveringCidr(parseIPv4('10.244.0.2'), parseIPv4('10.244.1.9')).text).toBe('10.244.0.0/23');
    expect(coveringCidr(parseIPv4('10.0.0.1'), parseIPv4('192.168.0.1')).text).toBe('0.0.0.0/0');
  });
});

describe('inferDraft: ranges from the objects', () => {
  it('recognises a k3s cluster (10.42.0.0/16 pods, 10.43.0.0/16 Services, DNS at 10.43.0.10)', () => {
    const { draft, notes } = infer(
      draftOf({
        nodes: [node('server', '172.31.5.20', '10.42.0.0/24'), node('agent', '172.31.9.4', '10.42.1.0/24')],
        pods: [pod('a', 'server', '10.42.0.7'), pod('b', 'agent', '10.42.1.3')],
        services: [
          service('default', 'kubernetes', '10.43.0.1'),
          service('kube-system', 'kube-dns', '10.43.0.10'),
          service('default', 'web', '10.43.211.5'),
        ],
      }),
    );
    expect(draft.network).toEqual({
      clusterCIDR: '10.42.0.0/16',
      serviceCIDR: '10.43.0.0/16',
      // 172.31.5.20 and 172.31.9.4 need a /20; nothing else is near, so it widens no further than /24 asks.
      nodeNetwork: '172.31.0.0/20',
      nodeCIDRMaskSize: 24,
      dnsServiceIP: '10.43.0.10',
    });
    expect(notes).toContain(
      "clusterCIDR 10.42.0.0/16 inferred from the nodes' podCIDRs and pod IPs (k3s's default --cluster-cidr)",
    );
    expect(notes).toContain(
      "serviceCIDR 10.43.0.0/16 inferred from the Services' ClusterIPs (k3s's default --service-cidr)",
    );
    expect(notes).toContain('dnsServiceIP 10.43.0.10 inferred from the ClusterIP of kube-system/kube-dns');
  });

  it('recognises Calico pods and nodes on a 10.0.0.x LAN without mistaking them for kube-netviz defaults', () => {
    const { draft } = infer(
      draftOf({
        nodes: [node('n1', '10.0.0.4'), node('n2', '10.0.0.5')],
        pods: [pod('a', 'n1', '192.168.33.66'), pod('b', 'n2', '192.168.101.2')],
        services: [service('default', 'kubernetes', '10.96.0.1')],
      }),
    );
    expect(draft.network.clusterCIDR).toBe('192.168.0.0/16');
    expect(draft.network.serviceCIDR).toBe('10.96.0.0/12');
    expect(draft.network.nodeNetwork).toBe('10.0.0.0/24');
    // No node shows a podCIDR: the mask stays unset (the default applies), and the kube-dns address too.
    expect(draft.network.nodeCIDRMaskSize).toBeUndefined();
    expect(draft.network.dnsServiceIP).toBeUndefined();
  });

  it('passes over a well-known range that would overlap another, and widens only while clear', () => {
    // Pods in 10.0.5.x and nodes in 10.0.0.x: 10.0.0.0/16 would swallow the node network.
    const { draft, notes } = infer(
      draftOf({
        nodes: [node('n1', '10.0.0.4'), node('n2', '10.0.0.5')],
        pods: [pod('a', 'n1', '10.0.5.10'), pod('b', 'n2', '10.0.5.20')],
      }),
    );
    expect(draft.network.clusterCIDR).toBe('10.0.4.0/22');
    expect(draft.network.nodeNetwork).toBe('10.0.0.0/24');
    expect(notes).toContain(
      'clusterCIDR 10.0.4.0/22 inferred from pod IPs (the smallest range holding them (10.0.5.0/27), ' +
        'widened to a /22 clear of the other ranges)',
    );
  });

  it('widens a GKE-style Service range towards a /16', () => {
    const { draft } = infer(
      draftOf({
        nodes: [node('n1', '10.128.0.2', '10.4.0.0/24')],
        services: [
          service('default', 'kubernetes', '10.3.240.1'),
          service('kube-system', 'kube-dns', '10.3.240.10'),
          service('default', 'web', '10.3.241.152'),
        ],
      }),
    );
    expect(draft.network.serviceCIDR).toBe('10.3.0.0/16');
    expect(draft.network.clusterCIDR).toBe('10.4.0.0/16');
    expect(draft.network.nodeNetwork).toBe('10.128.0.0/24');
    expect(draft.network.dnsServiceIP).toBe('10.3.240.10');
  });

  it('infers the node CIDR mask size only when every node agrees', () => {
    const agree = infer(
      draftOf({ nodes: [node('a', undefined, '10.244.0.0/26'), node('b', undefined, '10.244.0.64/26')] }),
    );
    expect(agree.draft.network.nodeCIDRMaskSize).toBe(26);
    const differ = infer(
      draftOf({ nodes: [node('a', undefined, '10.244.0.0/24'), node('b', undefined, '10.244.1.0/25')] }),
    );
    expect(differ.draft.network.nodeCIDRMaskSize).toBeUndefined();
  });

  it('puts the router on the first host address no node holds', () => {
    const { draft, notes } = infer(draftOf({ nodes: [node('a', '172.18.0.1'), node('b', '172.18.0.3')] }));
    expect(draft.network.nodeNetwork).toBe('172.18.0.0/24');
    expect(draft.network.router).toEqual({ ip: '172.18.0.2' });
    expect(notes.some((n) => n.includes('using 172.18.0.2, the first host address'))).toBe(true);
  });

  it('leaves the router to its default when .1 is free', () => {
    const { draft } = infer(draftOf({ nodes: [node('a', '192.168.49.2')] }));
    expect(draft.network.router).toBeUndefined();
  });

  it('moves an unseen node network off the default when the pods already use it', () => {
    const { draft, notes } = infer(
      draftOf({ nodes: [node('a')], pods: [pod('p', 'a', '192.168.49.7'), pod('q', 'a', '192.168.50.7')] }),
    );
    expect(draft.network.clusterCIDR).toBe('192.168.0.0/16');
    expect(draft.network.nodeNetwork).toBe('172.18.0.0/24');
    expect(
      notes.some((n) => n.startsWith('nodeNetwork not set and nothing shows it: using 172.18.0.0/24')),
    ).toBe(true);
  });

  it('never touches fields the draft sets, and infers around them', () => {
    const given: NetworkDraft = {
      clusterCIDR: '10.0.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      nodeCIDRMaskSize: 24,
      dnsServiceIP: '10.96.0.53',
      router: { ip: '192.168.49.254' },
    };
    const { draft, notes } = infer(
      draftOf({
        network: given,
        nodes: [node('a', '192.168.49.1', '10.244.0.0/26')],
        services: [service('kube-system', 'kube-dns', '10.96.0.10')],
      }),
    );
    expect(draft.network).toEqual({ ...given, nodeNetwork: '192.168.49.0/24' });
    expect(notes).toEqual([
      "nodeNetwork 192.168.49.0/24 inferred from the nodes' InternalIPs (minikube's first node network)",
    ]);
  });

  it('leaves straddling evidence to the defaults, with a note saying why', () => {
    // A "pod" in the Service range: no pod CIDR can hold 10.244.0.5 and 10.96.0.50 without the Services.
    const { draft, notes } = infer(
      draftOf({
        nodes: [node('a', '192.168.49.2')],
        pods: [pod('p', 'a', '10.244.0.5'), pod('q', 'a', '10.96.0.50')],
        services: [service('default', 'kubernetes', '10.96.0.1')],
      }),
    );
    expect(draft.network.clusterCIDR).toBeUndefined();
    expect(draft.network.serviceCIDR).toBeUndefined();
    expect(draft.network.nodeNetwork).toBe('192.168.49.0/24');
    expect(notes).toContain(
      'clusterCIDR not inferred: the pod addresses span 10.0.0.0/8, which overlaps the ClusterIPs ' +
        '(10.96.0.1/32); using the default 10.0.0.0/16',
    );
  });
});

describe('inferDraft: a pod-only export', () => {
  it('adds the nodes the pods name, with the address of their host-network pods and their pods’ block', () => {
    const { draft, notes } = infer(
      draftOf({
        pods: [
          pod('proxy', 'w1', '192.168.49.3', { hostNetwork: true }),
          pod('web', 'w1', '10.244.1.4'),
          pod('db', 'cp', '10.244.0.9'),
          pod('job', 'cp', '10.244.7.1', { phase: 'Succeeded' }),
        ],
      }),
    );
    expect(draft.nodes).toEqual([
      { name: 'cp', labels: { 'kubernetes.io/hostname': 'cp' }, podCIDR: '10.244.0.0/24' },
      {
        name: 'w1',
        labels: { 'kubernetes.io/hostname': 'w1' },
        internalIP: '192.168.49.3',
        podCIDR: '10.244.1.0/24',
      },
    ]);
    expect(notes).toContain('podCIDR 10.244.0.0/24 of node cp inferred from the addresses of its pods');
  });

  it('adds no node when the input has nodes (an unknown one stays an error)', () => {
    const d = draftOf({ nodes: [node('a')], pods: [pod('p', 'ghost', '10.244.0.5')] });
    expect(infer(d).draft.nodes).toEqual(d.nodes);
    const result = resolveCluster(d);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.code)).toEqual(['unknown-reference']);
  });
});

describe('inferDraft: properties', () => {
  const octet = fc.integer({ min: 0, max: 255 });
  const ip = fc
    .tuple(fc.constantFrom(10, 172, 192, 100), octet, octet, fc.integer({ min: 1, max: 254 }))
    .map((parts) => parts.join('.'));

  it('is deterministic, keeps the evidence inside what it infers, and never overlaps its own ranges', () => {
    fc.assert(
      fc.property(
        fc.array(ip, { maxLength: 6 }),
        fc.array(ip, { maxLength: 4 }),
        fc.array(ip, { maxLength: 4 }),
        (podIPs, clusterIPs, nodeIPs) => {
          const d = draftOf({
            nodes: nodeIPs.map((a, i) => node(`n${i}`, a)),
            pods: podIPs.map((a, i) => pod(`p${i}`, 'n0', a)),
            services: clusterIPs.map((a, i) => service('default', `s${i}`, a)),
          });
          const first = infer(d);
          expect(infer(d)).toEqual(first);
          const net = first.draft.network;
          const ranges = (['clusterCIDR', 'serviceCIDR', 'nodeNetwork'] as const).flatMap((f) => {
            const text = net[f];
            return text !== undefined ? [parseCidr(text)] : [];
          });
          ranges.forEach((a, i) =>
            ranges.slice(i + 1).forEach((b) => expect(cidrsOverlap(a, b)).toBe(false)),
          );
          const inside = (text: string | undefined, addresses: string[]) =>
            text === undefined || addresses.every((a) => cidrContains(parseCidr(text), a));
          expect(inside(net.clusterCIDR, podIPs)).toBe(true);
          expect(inside(net.serviceCIDR, clusterIPs)).toBe(true);
          expect(inside(net.nodeNetwork, nodeIPs)).toBe(true);
          // resolveCluster never throws on the result: it resolves or lists precise errors.
          const result = resolveCluster(d);
          if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
        },
      ),
      { seed: 20250502, numRuns: 200 },
    );
  });
});
