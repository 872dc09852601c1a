import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importManifests } from '../../src/manifests';
import { resolveCluster } from '../../src/model/resolve';
import type { Cluster } from '../../src/model/types';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8');

/** Imports a fixture and resolves it; fails the test with every error if either step fails. */
async function resolveFixture(name: string): Promise<{ cluster: Cluster; notes: readonly string[] }> {
  const read = await importManifests(fixture(name));
  expect(read.errors.map((e) => e.describe())).toEqual([]);
  const result = resolveCluster(read.draft);
  if (!result.ok) throw new Error(result.errors.map((e) => e.describe()).join('\n'));
  return result;
}

const nodeRows = (c: Cluster) => c.nodes.map((n) => [n.name, n.internalIP, n.podCIDR, n.bridge.ip]);
const podRows = (c: Cluster) => c.pods.map((p) => [`${p.namespace}/${p.name}`, p.nodeName, p.podIP]);

describe('real kubectl exports resolve without NetvizCluster settings', () => {
  it('kubectl get nodes,pods,svc,endpointslices -o json (kind/minikube: 10.244 pods, 10.96 Services)', async () => {
    const { cluster, notes } = await resolveFixture('kubectl-get-list.json');
    const { router, ...network } = cluster.network;
    expect(network).toMatchObject({
      clusterCIDR: '10.244.0.0/16',
      nodeCIDRMaskSize: 24,
      serviceCIDR: '10.96.0.0/12',
      nodeNetwork: '192.168.49.0/24',
      dnsServiceIP: '10.96.0.10',
    });
    expect(router.ip).toBe('192.168.49.1');
    expect(nodeRows(cluster)).toEqual([
      ['cp-1', '192.168.49.2', '10.244.0.0/24', '10.244.0.1'],
      // worker-1 exports no podCIDR: node IPAM gives it the next /24.
      ['worker-1', '192.168.49.3', '10.244.1.0/24', '10.244.1.1'],
    ]);
    expect(podRows(cluster)).toEqual([
      ['default/web-5d8f7b6c9d-k7x2q', 'cp-1', '10.244.0.12'],
      ['kube-system/coredns-674b8bbfcf-9qz4m', 'cp-1', '10.244.0.2'],
    ]);
    expect(cluster.services.map((s) => [s.name, s.clusterIP])).toEqual([
      ['kubernetes', '10.96.0.1'],
      ['web', '10.96.120.15'],
      ['kube-dns', '10.96.0.10'],
    ]);
    expect(notes).toEqual(
      expect.arrayContaining([
        "clusterCIDR 10.244.0.0/16 inferred from the nodes' podCIDRs and pod IPs (flannel's, kind's and minikube's default)",
        "serviceCIDR 10.96.0.0/12 inferred from the Services' ClusterIPs (kubeadm's default)",
        "nodeNetwork 192.168.49.0/24 inferred from the nodes' InternalIPs (minikube's first node network)",
        "nodeCIDRMaskSize 24 inferred from the nodes' podCIDRs",
        'dnsServiceIP 10.96.0.10 inferred from the ClusterIP of kube-system/kube-dns',
      ]),
    );
  });

  it('kubectl get pods -o json (a PodList alone): the nodes it names are added', async () => {
    const { cluster, notes } = await resolveFixture('api-podlist.json');
    expect(cluster.network).toMatchObject({
      clusterCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      nodeNetwork: '192.168.49.0/24',
      dnsServiceIP: '10.96.0.10',
    });
    expect(nodeRows(cluster)).toEqual([
      // cp-1 runs no host-network pod, so its address is the next free one; its pods show its block.
      ['cp-1', '192.168.49.2', '10.244.0.0/24', '10.244.0.1'],
      // kube-proxy runs in the host network of worker-1: its podIP is the node's InternalIP.
      ['worker-1', '192.168.49.3', '10.244.1.0/24', '10.244.1.1'],
    ]);
    expect(podRows(cluster)).toEqual([
      ['kube-system/kube-proxy-x7k2p', 'worker-1', '192.168.49.3'],
      ['default/migrate-db-29101140-8xq2v', 'cp-1', '10.244.0.15'],
      ['default/web-5d8f7b6c9d-gone1', 'cp-1', '10.244.0.9'],
    ]);
    expect(notes).toEqual(
      expect.arrayContaining([
        'node cp-1 is not in the input but its pods name it: added it',
        'node worker-1 is not in the input but its pods name it: added it with InternalIP 192.168.49.3, ' +
          'the address of its host-network pods',
        "clusterCIDR 10.244.0.0/16 inferred from pod IPs (flannel's, kind's and minikube's default)",
        'podCIDR 10.244.0.0/24 of node cp-1 inferred from the addresses of its pods',
      ]),
    );
  });

  it('a hand-written manifest set with partial settings: the given ones win, the node network is inferred', async () => {
    const { cluster, notes } = await resolveFixture('shop.yaml');
    expect(cluster.network).toMatchObject({
      // given in its NetvizCluster object
      serviceCIDR: '10.96.0.0/12',
      proxyMode: 'ipvs',
      ipvsScheduler: 'wrr',
      cniMode: 'vxlan',
      // nothing shows a pod range: the default
      clusterCIDR: '10.0.0.0/16',
      nodeCIDRMaskSize: 24,
      // node-a is at 192.168.10.11, outside the default 192.168.49.0/24
      nodeNetwork: '192.168.10.0/24',
      dnsServiceIP: '10.96.0.10',
    });
    expect(cluster.network.router.ip).toBe('192.168.10.1');
    expect(nodeRows(cluster)).toEqual([['node-a', '192.168.10.11', '10.0.0.0/24', '10.0.0.1']]);
    const cart = cluster.pods.filter((p) => p.ownerDeployment === 'cart');
    expect(cart.map((p) => [p.nodeName, p.podIP])).toEqual([
      ['node-a', '10.0.0.2'],
      ['node-a', '10.0.0.3'],
      ['node-a', '10.0.0.4'],
    ]);
    expect(notes.some((n) => n.startsWith('serviceCIDR'))).toBe(false);
    expect(notes).toContain('clusterCIDR not set: using 10.0.0.0/16 (kube-netviz default)');
    expect(
      notes.some((n) => n.startsWith("nodeNetwork 192.168.10.0/24 inferred from the nodes' InternalIPs")),
    ).toBe(true);
  });

  it('resolves each export the same way twice', async () => {
    for (const name of ['kubectl-get-list.json', 'api-podlist.json', 'shop.yaml']) {
      const read = await importManifests(fixture(name));
      expect(resolveCluster(read.draft)).toEqual(resolveCluster(read.draft));
    }
  });
});
