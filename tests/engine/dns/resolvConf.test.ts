import { describe, expect, it } from 'vitest';
import { podResolvConf, renderResolvConf } from '../../../src/engine/dns/resolvConf';
import type { Pod } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';

const cluster = defaultCluster();
const pod = (namespace: string, name: string): Pod => {
  const found = cluster.pods.find((p) => p.namespace === namespace && p.name === name);
  if (!found) throw new Error(`no pod ${namespace}/${name}`);
  return found;
};

describe("kubelet's resolv.conf for a pod", () => {
  it('points a ClusterFirst pod at the kube-dns ClusterIP with the namespace search list and ndots:5', () => {
    expect(renderResolvConf(podResolvConf(cluster, pod('default', 'client')))).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local\n' +
        'nameserver 10.3.240.10\n' +
        'options ndots:5\n',
    );
  });

  it('uses the pod namespace first in the search list', () => {
    const coredns = { ...pod('kube-system', 'coredns-7c65d6cfc9-x2kbq'), dnsPolicy: 'ClusterFirst' as const };
    expect(podResolvConf(cluster, coredns).searches[0]).toBe('kube-system.svc.cluster.local');
  });

  it("gives dnsPolicy Default (CoreDNS itself) the node's resolver", () => {
    const rc = podResolvConf(cluster, pod('kube-system', 'coredns-7c65d6cfc9-x2kbq'));
    expect(rc.basedOn).toBe('node');
    expect(rc.nameservers).toEqual(['10.100.0.1']);
    expect(rc.options).toEqual([]);
  });

  it('falls back to the node resolver for ClusterFirst on hostNetwork, but not for ClusterFirstWithHostNet', () => {
    const hostNet = { ...pod('default', 'client'), hostNetwork: true };
    expect(podResolvConf(cluster, hostNet).basedOn).toBe('node');
    expect(podResolvConf(cluster, { ...hostNet, dnsPolicy: 'ClusterFirstWithHostNet' }).nameservers).toEqual([
      '10.3.240.10',
    ]);
  });

  it('appends dnsConfig without duplicates and lets its options override by name', () => {
    const rc = podResolvConf(cluster, {
      ...pod('default', 'client'),
      dnsConfig: {
        nameservers: ['10.3.240.10', '1.1.1.1'],
        searches: ['svc.cluster.local', 'corp.example'],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
    });
    expect(rc.nameservers).toEqual(['10.3.240.10', '1.1.1.1']);
    expect(rc.searches).toEqual([
      'default.svc.cluster.local',
      'svc.cluster.local',
      'cluster.local',
      'corp.example',
    ]);
    expect(rc.options).toEqual(['ndots:2', 'edns0']);
  });

  it('builds dnsPolicy None from dnsConfig alone and keeps at most 3 nameservers', () => {
    const rc = podResolvConf(cluster, {
      ...pod('default', 'client'),
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9', '8.8.4.4'], searches: [], options: [] },
    });
    expect(rc.nameservers).toEqual(['1.1.1.1', '8.8.8.8', '9.9.9.9']);
    expect(renderResolvConf(rc)).not.toContain('search');
  });
});
