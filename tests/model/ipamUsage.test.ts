import { describe, expect, it } from 'vitest';
import { ipamUsage } from '../../src/model/ipamUsage';
import { loadScenario } from '../../src/scenarios/load';

describe('ipamUsage', () => {
  it("lists each node's podCIDR, its bridge first, the pods' addresses and what is free", () => {
    const usage = ipamUsage(loadScenario('default'));
    const node1 = usage.nodes.find((n) => n.node === 'node-1');
    expect(node1).toMatchObject({
      podCIDR: '10.0.1.0/24',
      bridge: { name: 'cbr0', ip: '10.0.1.1' },
      capacity: 254,
    });
    expect(node1?.used.map((u) => `${u.ip} ${u.kind} ${u.owner}`)).toEqual([
      '10.0.1.1 bridge cbr0',
      '10.0.1.2 pod default/server-1',
      '10.0.1.3 pod default/client',
    ]);
    expect(node1?.free).toBe(254 - 3);
    expect(usage.repeated).toEqual([]);
  });

  it('splits the Service CIDR into the KEP-3070 bands: 256 static addresses of a /20, the rest dynamic', () => {
    const { services } = ipamUsage(loadScenario('default'));
    expect(services.serviceCIDR).toBe('10.3.240.0/20');
    expect(services.capacity).toBe(4094);
    expect(services.static).toMatchObject({ first: '10.3.240.1', last: '10.3.241.0', size: 256 });
    expect(services.dynamic).toMatchObject({ first: '10.3.241.1', last: '10.3.255.254', size: 4094 - 256 });
    // kube-dns (10.3.240.10, chosen by kubeadm) sits in the static band; web-svc in the dynamic one.
    expect(services.static.used.map((u) => u.owner)).toContain('kube-system/kube-dns');
    expect(services.dynamic.used.map((u) => `${u.ip} ${u.owner}`)).toEqual(['10.3.241.152 default/web-svc']);
    expect(services.free).toBe(4094 - services.static.used.length - services.dynamic.used.length);
  });

  it("with Docker's default bridge, names the addresses held on more than one node", () => {
    const usage = ipamUsage(loadScenario('docker0'));
    expect(usage.nodes.map((n) => [n.node, n.podCIDR, n.bridge.ip])).toEqual([
      ['node-1', '172.17.0.0/16', '172.17.0.1'],
      ['node-2', '172.17.0.0/16', '172.17.0.1'],
    ]);
    expect(usage.repeated).toEqual(['172.17.0.2', '172.17.0.3']);
    expect(usage.nodes[1]?.capacity).toBe(65534);
  });
});
