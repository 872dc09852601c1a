import { describe, expect, it } from 'vitest';
import {
  evaluateNetworkPolicies,
  ipv4CidrBounds,
  selectorMatches,
  type PolicyConnection,
} from '../../src/model/networkPolicy';
import type { LabelSelector, NetworkPolicy, NetworkPolicyRule, Pod } from '../../src/model/types';

function pod(
  namespace: string,
  name: string,
  ip: string,
  labels: Record<string, string>,
  extra: Partial<Pod> = {},
): Pod {
  return {
    kind: 'Pod',
    name,
    namespace,
    labels,
    nodeName: 'node-1',
    podIP: ip,
    hostNetwork: false,
    pauseImage: 'registry.k8s.io/pause:3.10',
    containers: [
      {
        name: 'main',
        image: 'example',
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
        ],
      },
    ],
    hostAliases: [],
    dnsPolicy: 'ClusterFirst',
    phase: 'Running',
    ready: true,
    terminating: false,
    ...extra,
  };
}

const sel = (
  matchLabels: Record<string, string> = {},
  matchExpressions: LabelSelector['matchExpressions'] = [],
) => ({
  matchLabels,
  matchExpressions,
});

function policy(
  name: string,
  spec: {
    namespace?: string;
    podSelector?: LabelSelector;
    policyTypes?: NetworkPolicy['policyTypes'];
    ingress?: NetworkPolicyRule[];
    egress?: NetworkPolicyRule[];
  },
): NetworkPolicy {
  return {
    kind: 'NetworkPolicy',
    name,
    namespace: spec.namespace ?? 'default',
    labels: {},
    podSelector: spec.podSelector ?? sel(),
    policyTypes: spec.policyTypes ?? [
      'Ingress',
      ...(spec.egress && spec.egress.length > 0 ? (['Egress'] as const) : []),
    ],
    ingress: spec.ingress ?? [],
    egress: spec.egress ?? [],
  };
}

const web = pod('default', 'web', '10.0.1.2', { app: 'web' });
const client = pod('default', 'client', '10.0.1.3', { app: 'client', tier: 'front' });
const other = pod('other', 'client', '10.0.2.9', { app: 'client' });
const dns = pod('kube-system', 'coredns', '10.0.2.3', { 'k8s-app': 'kube-dns' });

const from = (p: Pod, port = 8080, protocol: PolicyConnection['protocol'] = 'TCP'): PolicyConnection => ({
  protocol,
  peerIP: p.podIP ?? '',
  peerPod: p,
  port,
});
const fromIP = (ip: string, port = 8080): PolicyConnection => ({
  protocol: 'TCP',
  peerIP: ip,
  peerPod: null,
  port,
});

describe('label selectors', () => {
  it('ANDs matchLabels and matchExpressions; the empty selector selects everything', () => {
    expect(selectorMatches(sel(), {})).toBe(true);
    expect(selectorMatches(sel({ app: 'web' }), { app: 'web', x: 'y' })).toBe(true);
    expect(selectorMatches(sel({ app: 'web' }), { app: 'db' })).toBe(false);
    const expr = sel({ app: 'client' }, [{ key: 'tier', operator: 'In', values: ['front'] }]);
    expect(selectorMatches(expr, client.labels)).toBe(true);
    expect(selectorMatches(expr, other.labels)).toBe(false);
    expect(selectorMatches(sel({}, [{ key: 'tier', operator: 'NotIn', values: ['front'] }]), {})).toBe(true);
    expect(selectorMatches(sel({}, [{ key: 'tier', operator: 'Exists', values: [] }]), {})).toBe(false);
    expect(selectorMatches(sel({}, [{ key: 'tier', operator: 'DoesNotExist', values: [] }]), {})).toBe(true);
  });
});

describe('isolation', () => {
  it('a pod no policy selects allows everything, in both directions', () => {
    const d = evaluateNetworkPolicies([], 'ingress', web, from(client));
    expect(d).toMatchObject({ allowed: true, isolated: false, decidedBy: null });
  });

  it('an ingress-only policy isolates for ingress, not egress', () => {
    const deny = policy('deny', { podSelector: sel({ app: 'web' }) });
    expect(evaluateNetworkPolicies([deny], 'ingress', web, from(client))).toMatchObject({
      allowed: false,
      isolated: true,
      decidedBy: { policy: 'default/deny' },
    });
    expect(evaluateNetworkPolicies([deny], 'egress', web, from(client))).toMatchObject({
      allowed: true,
      isolated: false,
    });
    // The client is not selected by it.
    expect(evaluateNetworkPolicies([deny], 'ingress', client, from(web)).isolated).toBe(false);
  });

  it('the deny reason names the pod, the peer and the isolating policies', () => {
    const deny = policy('deny', { podSelector: sel({ app: 'web' }) });
    expect(evaluateNetworkPolicies([deny], 'ingress', web, from(client)).reason).toBe(
      'no policy selecting default/web allows ingress from default/client (10.0.1.3) on TCP/8080 (isolated by default/deny)',
    );
  });

  it('a policy in another namespace does not apply', () => {
    const elsewhere = policy('deny', { namespace: 'other', podSelector: sel() });
    expect(evaluateNetworkPolicies([elsewhere], 'ingress', web, from(client)).isolated).toBe(false);
    expect(evaluateNetworkPolicies([elsewhere], 'ingress', other, from(client)).allowed).toBe(false);
  });

  it('egress default deny: Egress in policyTypes with no rules', () => {
    const denyEgress = policy('deny-egress', { policyTypes: ['Egress'] });
    expect(evaluateNetworkPolicies([denyEgress], 'egress', client, from(dns, 53, 'UDP'))).toMatchObject({
      allowed: false,
      isolated: true,
    });
    expect(evaluateNetworkPolicies([denyEgress], 'ingress', client, from(web)).isolated).toBe(false);
  });

  it('hostNetwork pods are never selected', () => {
    const host = pod('default', 'host', '10.100.0.2', { app: 'web' }, { hostNetwork: true });
    const deny = policy('deny', { podSelector: sel({ app: 'web' }) });
    expect(evaluateNetworkPolicies([deny], 'ingress', host, from(client))).toMatchObject({
      allowed: true,
      isolated: false,
    });
  });
});

describe('rules', () => {
  const deny = policy('a-deny', { podSelector: sel({ app: 'web' }) });

  it('the union of every selecting policy, whatever the order', () => {
    const allowClient = policy('allow-client', {
      podSelector: sel({ app: 'web' }),
      ingress: [{ peers: [{ podSelector: sel({ app: 'client' }) }], ports: [] }],
    });
    for (const list of [
      [deny, allowClient],
      [allowClient, deny],
    ]) {
      const d = evaluateNetworkPolicies(list, 'ingress', web, from(client));
      expect(d).toMatchObject({
        allowed: true,
        isolated: true,
        decidedBy: { policy: 'default/allow-client', rule: 'spec.ingress[0].from[0]' },
      });
    }
    // A podSelector alone means the policy's own namespace.
    expect(evaluateNetworkPolicies([deny, allowClient], 'ingress', web, from(other)).allowed).toBe(false);
  });

  it('the empty rule {} allows everything', () => {
    const all = policy('all', { podSelector: sel({ app: 'web' }), ingress: [{ peers: [], ports: [] }] });
    const d = evaluateNetworkPolicies([deny, all], 'ingress', web, fromIP('203.0.113.9', 1234));
    expect(d).toMatchObject({ allowed: true, decidedBy: { policy: 'default/all', rule: 'spec.ingress[0]' } });
  });

  it('namespaceSelector and podSelector in one peer are ANDed; in two peers ORed', () => {
    const and = policy('and', {
      podSelector: sel({ app: 'web' }),
      ingress: [
        {
          peers: [
            {
              namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'other' }),
              podSelector: sel({ app: 'client' }),
            },
          ],
          ports: [],
        },
      ],
    });
    expect(evaluateNetworkPolicies([and], 'ingress', web, from(other)).allowed).toBe(true);
    expect(evaluateNetworkPolicies([and], 'ingress', web, from(client)).allowed).toBe(false); // wrong namespace
    expect(
      evaluateNetworkPolicies([and], 'ingress', web, from(pod('other', 'x', '10.0.2.8', {}))).allowed,
    ).toBe(false); // right namespace, wrong labels
    const or = policy('or', {
      podSelector: sel({ app: 'web' }),
      ingress: [
        {
          peers: [
            { namespaceSelector: sel({ 'kubernetes.io/metadata.name': 'other' }) },
            { podSelector: sel({ app: 'client' }) },
          ],
          ports: [],
        },
      ],
    });
    expect(
      evaluateNetworkPolicies([or], 'ingress', web, from(pod('other', 'x', '10.0.2.8', {}))).allowed,
    ).toBe(true);
    expect(evaluateNetworkPolicies([or], 'ingress', web, from(client))).toMatchObject({
      allowed: true,
      decidedBy: { rule: 'spec.ingress[0].from[1]' },
    });
  });

  it('an empty namespaceSelector selects pods in every namespace', () => {
    const any = policy('any-ns', {
      podSelector: sel({ app: 'web' }),
      ingress: [{ peers: [{ namespaceSelector: sel() }], ports: [] }],
    });
    expect(evaluateNetworkPolicies([any], 'ingress', web, from(dns)).allowed).toBe(true);
    expect(evaluateNetworkPolicies([any], 'ingress', web, fromIP('10.100.0.2')).allowed).toBe(false); // not a pod
  });

  it('ipBlock with except', () => {
    const block = policy('block', {
      podSelector: sel({ app: 'web' }),
      ingress: [{ peers: [{ ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } }], ports: [] }],
    });
    expect(evaluateNetworkPolicies([block], 'ingress', web, fromIP('172.17.0.5')).allowed).toBe(true);
    expect(evaluateNetworkPolicies([block], 'ingress', web, fromIP('172.17.2.200')).allowed).toBe(true);
    expect(evaluateNetworkPolicies([block], 'ingress', web, fromIP('172.17.1.7')).allowed).toBe(false);
    expect(evaluateNetworkPolicies([block], 'ingress', web, fromIP('172.18.0.1')).allowed).toBe(false);
  });

  it('ports: protocol, numbers, endPort ranges and named ports of the destination pod', () => {
    const ports = (p: NetworkPolicyRule['ports']) =>
      policy('ports', { podSelector: sel({ app: 'web' }), ingress: [{ peers: [], ports: p }] });
    expect(
      evaluateNetworkPolicies([ports([{ protocol: 'TCP', port: 8080 }])], 'ingress', web, from(client))
        .allowed,
    ).toBe(true);
    expect(
      evaluateNetworkPolicies([ports([{ protocol: 'UDP', port: 8080 }])], 'ingress', web, from(client))
        .allowed,
    ).toBe(false);
    expect(
      evaluateNetworkPolicies([ports([{ protocol: 'TCP' }])], 'ingress', web, from(client, 9999)).allowed,
    ).toBe(true);
    const range = ports([{ protocol: 'TCP', port: 8000, endPort: 8080 }]);
    expect(evaluateNetworkPolicies([range], 'ingress', web, from(client, 8080)).allowed).toBe(true);
    expect(evaluateNetworkPolicies([range], 'ingress', web, from(client, 8000)).allowed).toBe(true);
    expect(evaluateNetworkPolicies([range], 'ingress', web, from(client, 8081)).allowed).toBe(false);
    const named = ports([{ protocol: 'TCP', port: 'http' }]);
    expect(evaluateNetworkPolicies([named], 'ingress', web, from(client, 8080)).allowed).toBe(true);
    expect(evaluateNetworkPolicies([named], 'ingress', web, from(client, 80)).allowed).toBe(false);
    // The name must belong to a port of the rule's protocol: `dns` is UDP on this pod.
    const namedWrongProtocol = ports([{ protocol: 'TCP', port: 'dns' }]);
    expect(evaluateNetworkPolicies([namedWrongProtocol], 'ingress', web, from(client, 53)).allowed).toBe(
      false,
    );
  });

  it('egress named ports resolve against the destination pod; a non-pod destination has none', () => {
    const egress = policy('egress', {
      podSelector: sel({ app: 'client' }),
      egress: [{ peers: [], ports: [{ protocol: 'UDP', port: 'dns' }] }],
    });
    expect(egress.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(evaluateNetworkPolicies([egress], 'egress', client, from(dns, 53, 'UDP')).allowed).toBe(true);
    expect(
      evaluateNetworkPolicies([egress], 'egress', client, {
        protocol: 'UDP',
        peerIP: '8.8.8.8',
        peerPod: null,
        port: 53,
      }).allowed,
    ).toBe(false);
  });
});

describe('ipv4CidrBounds', () => {
  it('reads ranges and refuses what is not a CIDR', () => {
    expect(ipv4CidrBounds('10.0.0.0/24')).toEqual({ first: 167772160, last: 167772415 });
    expect(ipv4CidrBounds('0.0.0.0/0')).toEqual({ first: 0, last: 2 ** 32 - 1 });
    expect(ipv4CidrBounds('10.0.0.0')).toBeNull();
    expect(ipv4CidrBounds('10.0.0.0/33')).toBeNull();
    expect(ipv4CidrBounds('10.0.0.256/8')).toBeNull();
  });
});
