import { describe, expect, it } from 'vitest';
import '../../../src/engine/proxy/all';
import { changeReadiness, registerService } from '../../../src/engine/registration';
import type { RegistrationTrace, RuleDiff } from '../../../src/engine/registration';
import { cidrContains, parseCidr } from '../../../src/model/ipam';
import { defaultCluster } from '../../../src/scenarios';

const cluster = defaultCluster();
const api = {
  name: 'api',
  namespace: 'default',
  selector: { app: 'web' },
  ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
} as const;

const rulesOf = (t: RegistrationTrace, node: string): RuleDiff => {
  const step = t.steps.find((s) => s.kind === 'rules' && s.node === node);
  if (!step?.rules) throw new Error(`no rules step for ${node}`);
  return step.rules;
};
const texts = (lines: readonly { readonly text: string }[]): string[] => lines.map((l) => l.text.trim());

describe('registerService: default/api on the default cluster', () => {
  const t = registerService(cluster, api, { allModes: true });
  const allocated = t.steps.find((s) => s.kind === 'allocate')?.clusterIP ?? '';

  it('goes through the API server, etcd and the watchers in order', () => {
    expect(t.outcome).toEqual({ status: 'applied' });
    expect(t.steps.map((s) => `${s.actor}:${s.kind}`)).toEqual([
      'kubectl:request',
      'kube-apiserver:authn',
      'kube-apiserver:authz',
      'kube-apiserver:admission',
      'kube-apiserver:allocate',
      'kube-apiserver:validation',
      'kube-apiserver:admission',
      'etcd:persist',
      'kube-apiserver:watch',
      'coredns:dns-records',
      'endpointslice-controller:endpoints',
      'etcd:persist',
      'kube-proxy:rules',
      'kube-proxy:rules',
    ]);
    expect(t.steps.map((s) => s.index)).toEqual(t.steps.map((_, i) => i));
    expect(t.steps.filter((s) => s.kind === 'rules').map((s) => s.node)).toEqual(['node-1', 'node-2']);
    expect(t.steps.find((s) => s.kind === 'watch')?.caption).toMatch(/ordering of some events/);
    expect(t.steps[0]?.at).toEqual(['control-plane:apiserver']);
    expect(t.steps.find((s) => s.kind === 'rules')?.at).toContain('kube-proxy:node-1');
    expect(t.steps.find((s) => s.kind === 'dns-records')?.at).toContain(
      'pod:kube-system/coredns-7c65d6cfc9-x2kbq',
    );
  });

  it('allocates a ClusterIP inside the Service range and stores the Service', () => {
    expect(cidrContains(parseCidr('10.3.240.0/20'), allocated)).toBe(true);
    expect(cluster.services.map((s) => s.clusterIP)).not.toContain(allocated);
    const svc = t.after.services.find((s) => s.name === 'api');
    expect(svc?.clusterIP).toBe(allocated);
    expect(t.before).toBe(cluster);
    expect(t.before.services.some((s) => s.name === 'api')).toBe(false);
    // Nothing already stored moves.
    expect(t.after.services.filter((s) => s.name !== 'api')).toEqual(cluster.services);
    expect(t.after.pods).toEqual(cluster.pods);
  });

  it('makes CoreDNS serve an A record and an SRV record for the named port', () => {
    const dns = t.steps.find((s) => s.kind === 'dns-records')?.dns;
    const added = dns?.added.map((r) => `${r.type} ${r.name} ${r.data}`) ?? [];
    expect(added).toContain(`A api.default.svc.cluster.local. ${allocated}`);
    expect(added).toContain(
      'SRV _http._tcp.api.default.svc.cluster.local. 0 100 8080 api.default.svc.cluster.local.',
    );
    expect(dns?.removed).toEqual([]);
  });

  it('fills an EndpointSlice with the ready pods', () => {
    const slices = t.steps.find((s) => s.kind === 'endpoints')?.endpointSlices;
    expect(slices?.before).toEqual([]);
    expect(slices?.after.flatMap((s) => s.endpoints.flatMap((e) => e.addresses))).toEqual([
      '10.0.1.2',
      '10.0.2.2',
    ]);
    expect(slices?.readyAfter).toEqual(['10.0.1.2', '10.0.2.2']);
    expect(slices?.after[0]?.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
  });

  it('adds the KUBE-SERVICES jump on both nodes in iptables mode, and removes nothing', () => {
    const jump = new RegExp(
      `^-A KUBE-SERVICES -d ${allocated.replaceAll('.', '\\.')}/32 .*--dport 8080 -j KUBE-SVC-[A-Z2-7]{16}$`,
    );
    for (const node of ['node-1', 'node-2']) {
      const diff = rulesOf(t, node);
      expect(diff.mode).toBe('iptables');
      expect(texts(diff.added).filter((l) => jump.test(l))).toHaveLength(1);
      expect(texts(diff.added).filter((l) => l.includes('-j DNAT --to-destination'))).toEqual([
        expect.stringContaining('10.0.1.2:8080'),
        expect.stringContaining('10.0.2.2:8080'),
      ]);
      expect(diff.removed).toEqual([]);
      // Added lines carry their id in the after ruleset.
      expect(diff.added.find((l) => jump.test(l.text))?.id).toMatch(/^nat\/KUBE-SERVICES\/\d+$/);
    }
  });

  it('adds a virtual server in ipvs mode and a service-ips element in nftables mode', () => {
    for (const node of ['node-1', 'node-2']) {
      const step = t.steps.find((s) => s.kind === 'rules' && s.node === node);
      const ipvs = step?.rulesByMode?.ipvs;
      expect(ipvs?.added.map((l) => l.id)).toContain(`ipvs/TCP/${allocated}:8080`);
      expect(ipvs?.removed.filter((l) => l.id?.startsWith('ipvs/'))).toEqual([]);
      const nft = step?.rulesByMode?.nftables;
      const element = nft?.added.find((l) => l.id === `@service-ips/${allocated} . tcp . 8080`);
      expect(element?.text).toContain(`${allocated} . tcp . 8080 : goto service-`);
      // Neighbouring elements re-wrapped by the printer are not reported as changed.
      expect(nft?.removed.filter((l) => l.id?.startsWith('@service-ips/'))).toEqual([]);
    }
  });

  it('is deterministic', () => {
    expect(registerService(cluster, api, { allModes: true })).toEqual(t);
  });
});

describe('registerService: special Services', () => {
  it('a Service with no ready endpoints still gets a ClusterIP and an A record, and kube-proxy REJECTs', () => {
    const t = registerService(cluster, {
      name: 'lonely',
      selector: { app: 'nobody' },
      ports: [{ port: 80 }],
    });
    expect(t.outcome.status).toBe('applied');
    const ip = t.steps.find((s) => s.kind === 'allocate')?.clusterIP;
    expect(ip).toMatch(/^10\.3\./);
    expect(t.steps.find((s) => s.kind === 'dns-records')?.dns?.added.map((r) => r.id)).toContain(
      `A lonely.default.svc.cluster.local. ${ip ?? ''}`,
    );
    const added = texts(rulesOf(t, 'node-1').added);
    expect(added).toEqual([
      `-A KUBE-SERVICES -d ${ip ?? ''}/32 -p tcp -m comment --comment "default/lonely has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable`,
    ]);
    expect(t.steps.find((s) => s.kind === 'rules')?.caption).toMatch(/no ready endpoints/);
  });

  it('a headless Service gets no ClusterIP, one A record per ready endpoint and no rules', () => {
    const t = registerService(cluster, {
      name: 'web-headless',
      clusterIP: 'None',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    });
    expect(t.steps.find((s) => s.kind === 'allocate')?.clusterIP).toBeNull();
    const kinds = t.steps.map((s) => s.kind);
    // Its records are its endpoints, so CoreDNS follows the EndpointSlice.
    expect(kinds.indexOf('endpoints')).toBeLessThan(kinds.indexOf('dns-records'));
    const a = t.steps
      .find((s) => s.kind === 'dns-records')
      ?.dns?.added.filter((r) => r.type === 'A' && r.name === 'web-headless.default.svc.cluster.local.')
      .map((r) => r.data);
    expect(a).toEqual(['10.0.1.2', '10.0.2.2']);
    for (const s of t.steps.filter((x) => x.kind === 'rules')) {
      expect(s.rules?.added).toEqual([]);
      expect(s.rules?.removed).toEqual([]);
    }
  });
});

describe('registerService: rejections', () => {
  it('a requested clusterIP already in use fails at allocate with the IPAM message', () => {
    const t = registerService(cluster, { ...api, clusterIP: '10.3.241.152' });
    expect(t.outcome).toEqual({
      status: 'rejected',
      failedAt: 'allocate',
      code: 'duplicate-address',
      reason:
        'clusterIP 10.3.241.152 of Service default/api is already held by Service default/web-svc (serviceCIDR 10.3.240.0/20)',
    });
    const last = t.steps.at(-1);
    expect(last?.kind).toBe('allocate');
    expect(last?.ok).toBe(false);
    expect(last?.detail).toContain('provided IP is already allocated');
    expect(t.steps.slice(0, -1).every((s) => s.ok)).toBe(true);
    expect(t.after).toBe(cluster);
  });

  it('a requested clusterIP outside the range fails at allocate', () => {
    const t = registerService(cluster, { ...api, clusterIP: '10.9.0.1' });
    expect(t.outcome).toMatchObject({ failedAt: 'allocate', code: 'out-of-range' });
    expect(t.outcome.status === 'rejected' && t.outcome.reason).toBe(
      'clusterIP 10.9.0.1 of Service default/api is outside serviceCIDR 10.3.240.0/20',
    );
  });

  it('a name that is not a DNS-1035 label fails validation after the allocation', () => {
    const t = registerService(cluster, { ...api, name: '1api' });
    expect(t.outcome).toMatchObject({ status: 'rejected', failedAt: 'validation', code: 'Invalid' });
    expect(t.outcome.status === 'rejected' && t.outcome.reason).toContain(
      'Service "1api" is invalid: metadata.name: Invalid value: "1api": a DNS-1035 label must consist of',
    );
    expect(t.steps.map((s) => s.kind).slice(-2)).toEqual(['allocate', 'validation']);
    expect(t.after).toBe(cluster);
  });

  it('a Service that already exists fails at the etcd write', () => {
    const t = registerService(cluster, { name: 'web-svc', selector: { app: 'web' }, ports: [{ port: 80 }] });
    expect(t.outcome).toMatchObject({
      status: 'rejected',
      failedAt: 'persist',
      code: 'AlreadyExists',
      reason: 'services "web-svc" already exists',
    });
    expect(t.steps.at(-1)?.actor).toBe('etcd');
    // The allocator handed out an address other than the stored Service's before the write failed.
    expect(t.steps.find((s) => s.kind === 'allocate')?.clusterIP).not.toBe('10.3.241.152');
  });
});

describe('registerService: a matching pod that is not ready', () => {
  it('is listed in the new EndpointSlice with ready: false, and the caption says so', () => {
    const notReady = changeReadiness(cluster, { namespace: 'default', name: 'server-2' }, false).after;
    const t = registerService(notReady, api);
    const step = t.steps.find((s) => s.kind === 'endpoints');
    expect(step?.endpointSlices?.readyAfter).toEqual(['10.0.1.2']);
    const listed = step?.endpointSlices?.after.flatMap((s) => s.endpoints.map((e) => e.addresses[0]));
    expect(listed).toContain('10.0.2.2');
    expect(step?.caption).toContain('ready: 10.0.1.2; 10.0.2.2 listed with ready: false');
  });
});

describe('changeReadiness: server-2 turns not ready', () => {
  const t = changeReadiness(cluster, { namespace: 'default', name: 'server-2' }, false, { allModes: true });

  it('starts at the kubelet and updates the slice: the endpoint stays, not ready', () => {
    expect(t.outcome).toEqual({ status: 'applied' });
    expect(t.steps[0]).toMatchObject({ actor: 'kubelet', node: 'node-2', kind: 'request' });
    const slices = t.steps.find((s) => s.kind === 'endpoints')?.endpointSlices;
    expect(slices?.service).toBe('default/web-svc');
    expect(slices?.readyBefore).toEqual(['10.0.1.2', '10.0.2.2']);
    expect(slices?.readyAfter).toEqual(['10.0.1.2']);
    const endpoint = slices?.after.flatMap((s) => s.endpoints).find((e) => e.addresses[0] === '10.0.2.2');
    expect(endpoint?.conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(t.after.pods.find((p) => p.name === 'server-2')?.ready).toBe(false);
  });

  it("removes server-2's KUBE-SEP lines on every node", () => {
    for (const node of ['node-1', 'node-2']) {
      const diff = rulesOf(t, node);
      const removed = texts(diff.removed);
      expect(removed.filter((l) => l.startsWith('-A KUBE-SEP-'))).toEqual([
        expect.stringMatching(/-s 10\.0\.2\.2\/32 .*KUBE-MARK-MASQ$/),
        expect.stringMatching(/DNAT --to-destination 10\.0\.2\.2:8080$/),
      ]);
      expect(texts(diff.added).some((l) => l.includes('10.0.2.2'))).toBe(false);
      // The remaining endpoint takes all the traffic: its rule loses the statistic match.
      expect(texts(diff.added)).toEqual([
        '-A KUBE-SVC-PTLCMKNPGPYGWWY5 -m comment --comment "default/web-svc:http -> 10.0.1.2:8080" -j KUBE-SEP-Y6XDWJ53RIIYIGWP',
      ]);
      const ipvs = t.steps.find((s) => s.kind === 'rules' && s.node === node)?.rulesByMode?.ipvs;
      expect(ipvs?.removed.map((l) => l.id)).toContain('ipvs/TCP/10.3.241.152:80/10.0.2.2:8080');
    }
  });

  it('turning it ready again restores the rules', () => {
    const back = changeReadiness(t.after, { namespace: 'default', name: 'server-2' }, true);
    expect(back.after.endpointSlices).toEqual(cluster.endpointSlices);
    expect(texts(rulesOf(back, 'node-1').added)).toEqual(texts(rulesOf(t, 'node-1').removed));
  });

  it('reports an unknown pod and an unchanged one', () => {
    expect(changeReadiness(cluster, { namespace: 'default', name: 'nope' }, false).outcome).toMatchObject({
      status: 'rejected',
      code: 'NotFound',
      reason: 'pods "nope" not found',
    });
    const same = changeReadiness(cluster, { namespace: 'default', name: 'server-1' }, true);
    expect(same.steps).toHaveLength(1);
    expect(same.after).toBe(cluster);
  });

  it('is deterministic', () => {
    expect(
      changeReadiness(cluster, { namespace: 'default', name: 'server-2' }, false, { allModes: true }),
    ).toEqual(t);
  });
});
