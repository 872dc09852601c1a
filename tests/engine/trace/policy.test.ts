import { describe, expect, it } from 'vitest';
import { trace } from '../../../src/engine/trace';
import { evaluatePolicy } from '../../../src/engine/trace/policy';
import type { Trace } from '../../../src/engine/trace';
import { readObjects } from '../../../src/manifests';
import { resolveCluster } from '../../../src/model/resolve';
import type { Cluster, NetworkPolicy, ProxyMode } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';
import scenarioDocs from '../../../src/scenarios/network-policy.yaml';

const base = defaultCluster();
const fromClient = { kind: 'pod', namespace: 'default', name: 'client' } as const;

/** NetworkPolicies read from manifest objects, the way a user's import reads them. */
function policies(...docs: object[]): NetworkPolicy[] {
  const { draft, errors } = readObjects(
    docs.map((spec, i) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: (spec as { name?: string }).name ?? `p${i}`, namespace: 'default' },
      spec: { ...spec, name: undefined },
    })),
  );
  expect(errors).toEqual([]);
  return [...(draft.networkPolicies ?? [])];
}

const withPolicies = (list: NetworkPolicy[]): Cluster => ({ ...base, networkPolicies: list });
const webSvc = (c: Cluster, mode?: ProxyMode, seed = 1): Trace =>
  trace(c, { from: fromClient, to: 'web-svc' }, { seed, ...(mode ? { mode } : {}) });

const denyWeb = { name: 'deny-web', podSelector: { matchLabels: { app: 'web' } } };
const allowClient = {
  name: 'allow-client',
  podSelector: { matchLabels: { app: 'web' } },
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 'http' }] }],
};
const denyClientEgress = {
  name: 'deny-client-egress',
  podSelector: { matchLabels: { app: 'client' } },
  policyTypes: ['Egress'],
};
const allowDns = {
  name: 'allow-dns',
  podSelector: { matchLabels: { app: 'client' } },
  policyTypes: ['Egress'],
  egress: [
    {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
  ],
};

describe('no policies: nothing changes', () => {
  it('a cluster without policies has no policy step', () => {
    expect(webSvc(base).steps.some((s) => s.kind === 'policy')).toBe(false);
  });

  it('a policy that isolates nobody on the path adds no step and keeps the trace identical', () => {
    const unrelated = withPolicies(
      policies({ name: 'other', podSelector: { matchLabels: { app: 'nothing-has-this' } } }),
    );
    expect(webSvc(unrelated)).toEqual(webSvc(base));
  });
});

describe('ingress', () => {
  it('default deny on app=web: client → web-svc is dropped at the server veth, naming the policy', () => {
    const t = webSvc(withPolicies(policies(denyWeb)));
    expect(t.outcome.status).toBe('dropped');
    const last = t.steps.at(-1);
    expect(last?.kind).toBe('drop');
    expect(last?.phase).toBe('request');
    // The backend chosen by the DNAT, at its host-side veth, judged on the client's own address.
    expect(last?.at).toMatch(/^veth:default\/server-[12]$/);
    expect(last?.packet.src).toBe('10.0.1.3');
    expect(last?.packet.dport).toBe(8080);
    expect(t.outcome).toEqual({
      status: 'dropped',
      reason: expect.stringContaining(
        'NetworkPolicy: nothing allows ingress from client on TCP/8080 at server-', // either backend
      ) as unknown,
    });
    expect(last?.caption).toContain('no policy allows ingress from client on TCP/8080');
    expect(last?.caption).toContain('(default deny: deny-web selects server-');
    expect(last?.detail).toContain('isolated by default/deny-web');
    // The request never entered the server pod.
    expect(t.steps.filter((s) => s.phase === 'request' && s.kind === 'veth').at(-1)?.at).not.toMatch(
      /^eth0:default\/server/,
    );
  });

  it('adding an allow from app=client delivers it; the policy step names the policy and rule', () => {
    for (const mode of ['iptables', 'ipvs', 'nftables'] as const) {
      const t = webSvc(withPolicies(policies(denyWeb, allowClient)), mode);
      expect(t.outcome).toEqual({ status: 'delivered' });
      const policySteps = t.steps.filter((s) => s.kind === 'policy');
      expect(policySteps).toHaveLength(1); // the reply is not judged: policies are stateful
      expect(policySteps[0]?.phase).toBe('request');
      expect(policySteps[0]?.caption).toContain('default/allow-client spec.ingress[0].from[0]');
      expect(policySteps[0]?.rule?.text).toBe('NetworkPolicy default/allow-client spec.ingress[0].from[0]');
      // Judged before the packet enters the pod.
      const i = t.steps.findIndex((s) => s.kind === 'policy');
      expect(t.steps[i + 1]?.kind).toBe('veth');
      expect(t.steps[i + 1]?.at).toMatch(/^eth0:default\/server-/);
    }
  });

  it('with the same seed, allowing changes nothing but the added step', () => {
    const open = webSvc(base);
    const allowed = webSvc(withPolicies(policies(denyWeb, allowClient)));
    const strip = (t: Trace) => t.steps.filter((s) => s.kind !== 'policy').map((s) => [s.kind, s.caption]);
    expect(strip(allowed)).toEqual(strip(open));
  });
});

describe('egress', () => {
  it('egress deny on the client drops the DNS query first, and says why', () => {
    const t = webSvc(withPolicies(policies(denyClientEgress)));
    expect(t.outcome.status).toBe('dropped');
    const drop = t.steps.at(-1);
    expect(drop?.kind).toBe('drop');
    expect(drop?.phase).toBe('dns');
    expect(drop?.packet.protocol).toBe('UDP');
    // Judged after kube-proxy's DNAT: the CoreDNS pod's address, not the kube-dns ClusterIP.
    expect(drop?.packet.dst).toBe('10.0.2.3');
    expect(drop?.packet.dport).toBe(53);
    expect(drop?.caption).toContain('no policy allows egress to coredns-7c65d6cfc9-x2kbq on UDP/53');
    expect(drop?.caption).toContain('(default deny: deny-client-egress selects client)');
    expect(drop?.detail).toContain('DNS query never reaches CoreDNS');
    expect(t.steps.some((s) => s.kind === 'dns-answer')).toBe(false);
  });

  it('allowing UDP 53 to the kube-dns pods fixes DNS; the request then needs its own rule', () => {
    const t = webSvc(withPolicies(policies(denyClientEgress, allowDns)));
    const dnsPolicy = t.steps.find((s) => s.kind === 'policy' && s.phase === 'dns');
    expect(dnsPolicy?.caption).toContain('default/allow-dns spec.egress[0].to[0]');
    expect(t.steps.some((s) => s.kind === 'dns-answer')).toBe(true);
    expect(t.resolved?.address).toBe('10.3.241.152');
    // The HTTP connection to a web pod is not allowed by any egress rule.
    expect(t.outcome.status).toBe('dropped');
    const drop = t.steps.at(-1);
    expect(drop?.phase).toBe('request');
    expect(drop?.caption).toMatch(/no policy allows egress to server-[12] on TCP\/8080/);
    expect(drop?.detail).toMatch(/allows egress to default\/server-[12] \(10\.0\.[12]\.2\) on TCP\/8080/);
  });

  it('a pod-to-pod connection (no Service) is judged as it enters the veth', () => {
    const t = trace(withPolicies(policies(denyClientEgress)), {
      from: fromClient,
      to: '10.0.1.2',
      port: 8080,
    });
    const drop = t.steps.at(-1);
    expect(drop?.kind).toBe('drop');
    expect(drop?.at).toBe('eth0:default/client');
    expect(t.steps.filter((s) => s.kind === 'veth')).toHaveLength(0);
  });
});

describe('evaluatePolicy', () => {
  it('takes the packet as the plugin sees it: peer pod by address, destination port', () => {
    const cluster = withPolicies(policies(denyWeb, allowClient));
    const server = cluster.pods.find((p) => p.name === 'server-1');
    if (!server) throw new Error('no server-1');
    const packet = {
      protocol: 'TCP' as const,
      src: '10.0.1.3',
      sport: 40000,
      dst: '10.0.1.2',
      dport: 8080,
      ttl: 64,
      mark: 0,
      payload: 'SYN',
    };
    expect(evaluatePolicy(cluster, 'ingress', server, packet)).toEqual({
      allowed: true,
      isolated: true,
      decidedBy: { policy: 'default/allow-client', rule: 'spec.ingress[0].from[0]' },
      reason:
        'default/allow-client spec.ingress[0].from[0] allows ingress from default/client (10.0.1.3) on TCP/8080',
    });
    // Masqueraded to the node's address: no pod peer, so the podSelector rule does not match.
    expect(evaluatePolicy(cluster, 'ingress', server, { ...packet, src: '10.100.0.2' }).allowed).toBe(false);
  });
});

describe('the network-policy scenario', () => {
  it('loads, and the default request passes every policy on its way', () => {
    const read = readObjects(scenarioDocs);
    expect(read.errors).toEqual([]);
    const resolved = resolveCluster(read.draft);
    if (!resolved.ok) throw new Error(resolved.errors.map((e) => e.describe()).join('; '));
    const cluster = resolved.cluster;
    expect(cluster.networkPolicies.map((p) => p.name)).toEqual([
      'default-deny-web',
      'allow-client-to-web',
      'client-egress',
    ]);
    const t = webSvc(cluster);
    expect(t.outcome).toEqual({ status: 'delivered' });
    expect(t.steps.filter((s) => s.kind === 'policy').map((s) => [s.phase, s.rule?.text])).toEqual([
      ['dns', 'NetworkPolicy default/client-egress spec.egress[0].to[0]'],
      ['request', 'NetworkPolicy default/client-egress spec.egress[1].to[0]'],
      ['request', 'NetworkPolicy default/allow-client-to-web spec.ingress[0].from[0]'],
    ]);
  });
});

describe('what the policy steps carry', () => {
  it('a drop names the pod, the direction and every policy that selects it; an allow names the policy', () => {
    const docs = policies(denyWeb, allowClient);
    const denied = trace(withPolicies(docs), {
      from: { kind: 'pod', namespace: 'default', name: 'server-1' },
      to: '10.0.2.2',
      port: 8080,
    });
    const drop = denied.steps.at(-1);
    expect(drop?.kind).toBe('drop');
    expect(drop?.policy).toEqual({
      pod: 'default/server-2',
      direction: 'ingress',
      allowed: false,
      selectedBy: ['default/allow-client', 'default/deny-web'],
      allowedBy: null,
    });
    expect(drop?.caption).toBe(
      "Dropped at server-2's veth: no policy allows ingress from server-1 on TCP/8080 (default deny: allow-client, deny-web select server-2)",
    );
    const allowed = webSvc(withPolicies(docs)).steps.find((s) => s.kind === 'policy');
    expect(allowed?.policy).toMatchObject({
      direction: 'ingress',
      allowed: true,
      allowedBy: 'default/allow-client',
    });
  });

  it('a pod cannot block access to itself: a hairpin through its own Service passes', () => {
    const docs = policies(denyWeb);
    const server1 = base.pods.find((p) => p.name === 'server-1');
    if (!server1) throw new Error('server-1 missing');
    const decision = evaluatePolicy(withPolicies(docs), 'ingress', server1, {
      protocol: 'TCP',
      src: '10.0.1.2',
      sport: 40000,
      dst: '10.0.1.2',
      dport: 8080,
      ttl: 64,
      mark: 0,
      payload: '',
    });
    expect(decision.allowed).toBe(true);
    expect(decision.reason).toContain('cannot block access to itself');
  });
});
