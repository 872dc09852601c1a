import { describe, expect, it } from 'vitest';
import {
  IP_LOCAL_PORT_RANGE,
  KernelPortPicker,
  assignProxyPorts,
  kernelPickedPort,
} from '../../../../src/engine/proxy/userspace/proxyPorts';
import type { SocketProtocol } from '../../../../src/engine/proxy/userspace/proxyPorts';
import { createRng } from '../../../../src/engine/rng';
import { buildUserspaceProxier } from '../../../../src/engine/proxy/userspace';
import { linesToText, renderIptablesSave } from '../../../../src/engine/render/iptablesSave';
import type { Cluster } from '../../../../src/model/types';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';

const cluster = defaultCluster();

function portOf(c: Cluster, node: string, servicePort: string): number {
  const sp = buildUserspaceProxier(c, node).servicePorts.find((p) => p.name === servicePort);
  if (!sp) throw new Error(`no ${servicePort}`);
  return sp.proxyPort;
}

describe('userspace portals for the default cluster on node-1', () => {
  const proxier = buildUserspaceProxier(cluster, 'node-1');
  const dnsUdp = portOf(cluster, 'node-1', 'kube-system/kube-dns:dns');
  const dnsTcp = portOf(cluster, 'node-1', 'kube-system/kube-dns:dns-tcp');
  const metrics = portOf(cluster, 'node-1', 'kube-system/kube-dns:metrics');

  it('keeps the seed proxy port 10400 for web-svc and gives kube-dns kernel-style ports', () => {
    expect(proxier.servicePorts.map((p) => [p.name, p.protocol, p.proxyPortChosenBy])).toEqual([
      ['default/web-svc:http', 'TCP', 'configured'],
      ['kube-system/kube-dns:dns', 'UDP', 'kernel'],
      ['kube-system/kube-dns:dns-tcp', 'TCP', 'kernel'],
      ['kube-system/kube-dns:metrics', 'TCP', 'kernel'],
    ]);
    expect(portOf(cluster, 'node-1', 'default/web-svc:http')).toBe(10400);
    for (const port of [dnsUdp, dnsTcp, metrics]) {
      expect(port).toBeGreaterThanOrEqual(IP_LOCAL_PORT_RANGE.low);
      expect(port).toBeLessThanOrEqual(IP_LOCAL_PORT_RANGE.high);
    }
    // TCP listeners (SO_REUSEADDR): odd offset from 32768, lower half of the range first.
    for (const port of [dnsTcp, metrics]) {
      expect(port % 2).toBe(1);
      expect(port).toBeLessThan(46884);
    }
    expect(new Set([dnsTcp, metrics]).size).toBe(2);
  });

  it('writes the portal rules as iptables-save prints them (golden)', () => {
    // kube-dns's ports are the kernel-style picks for node-1 (a stable hash of node and port name).
    expect([dnsUdp, dnsTcp, metrics]).toEqual([60837, 46495, 36695]);
    const text = linesToText(renderIptablesSave(proxier.ruleset));
    expect(text).toBe(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-NODEPORT-NON-LOCAL - [0:0]
-A INPUT -m comment --comment "Ensure that non-local NodePort traffic can flow" -j KUBE-NODEPORT-NON-LOCAL
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-NODEPORT-CONTAINER - [0:0]
:KUBE-NODEPORT-HOST - [0:0]
:KUBE-PORTALS-CONTAINER - [0:0]
:KUBE-PORTALS-HOST - [0:0]
-A PREROUTING -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j KUBE-PORTALS-CONTAINER
-A PREROUTING -m addrtype --dst-type LOCAL -m comment --comment "handle service NodePorts; NOTE: this must be the last rule in the chain" -j KUBE-NODEPORT-CONTAINER
-A OUTPUT -m comment --comment "handle ClusterIPs; NOTE: this must be before the NodePort rules" -j KUBE-PORTALS-HOST
-A OUTPUT -m addrtype --dst-type LOCAL -m comment --comment "handle service NodePorts; NOTE: this must be the last rule in the chain" -j KUBE-NODEPORT-HOST
-A KUBE-PORTALS-CONTAINER -d 10.3.241.152/32 -p tcp -m comment --comment "default/web-svc:http" -m tcp --dport 80 -j REDIRECT --to-ports 10400
-A KUBE-PORTALS-CONTAINER -d 10.3.240.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp --dport 53 -j REDIRECT --to-ports 60837
-A KUBE-PORTALS-CONTAINER -d 10.3.240.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp" -m tcp --dport 53 -j REDIRECT --to-ports 46495
-A KUBE-PORTALS-CONTAINER -d 10.3.240.10/32 -p tcp -m comment --comment "kube-system/kube-dns:metrics" -m tcp --dport 9153 -j REDIRECT --to-ports 36695
-A KUBE-PORTALS-HOST -d 10.3.241.152/32 -p tcp -m comment --comment "default/web-svc:http" -m tcp --dport 80 -j DNAT --to-destination 10.100.0.2:10400
-A KUBE-PORTALS-HOST -d 10.3.240.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp --dport 53 -j DNAT --to-destination 10.100.0.2:60837
-A KUBE-PORTALS-HOST -d 10.3.240.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp" -m tcp --dport 53 -j DNAT --to-destination 10.100.0.2:46495
-A KUBE-PORTALS-HOST -d 10.3.240.10/32 -p tcp -m comment --comment "kube-system/kube-dns:metrics" -m tcp --dport 9153 -j DNAT --to-destination 10.100.0.2:36695
COMMIT
`);
  });

  it('keeps the matches in the proxier argument order (comment, protocol, dport, destination)', () => {
    const nat = proxier.ruleset.tables.find((t) => t.name === 'nat');
    const rule = nat?.chains.find((c) => c.name === 'KUBE-PORTALS-CONTAINER')?.rules[0];
    expect(rule?.matches).toEqual([
      { kind: 'comment', text: 'default/web-svc:http' },
      { kind: 'protocol', protocol: 'tcp' },
      { kind: 'dport', port: 80 },
      { kind: 'destination', cidr: '10.3.241.152/32' },
    ]);
    expect(rule?.target).toEqual({ kind: 'redirect', toPort: 10400 });
    expect(rule?.origin).toBe('ensured');
  });

  it('gives web-svc a kernel-picked port on node-2, where no port is configured', () => {
    const port = portOf(cluster, 'node-2', 'default/web-svc:http');
    expect(port).not.toBe(10400);
    expect(port % 2).toBe(1);
    expect(port).toBeGreaterThanOrEqual(IP_LOCAL_PORT_RANGE.low);
  });

  it('is deterministic: the same cluster gives the same ports and rules', () => {
    const again = buildUserspaceProxier(defaultCluster(), 'node-1');
    expect(linesToText(renderIptablesSave(again.ruleset))).toBe(
      linesToText(renderIptablesSave(proxier.ruleset)),
    );
  });

  it('hands the load balancer only ready endpoints', () => {
    const web = proxier.servicePorts.find((p) => p.name === 'default/web-svc:http');
    expect(web?.endpoints.map((e) => e.endpoint)).toEqual(['10.0.1.2:8080', '10.0.2.2:8080']);
  });
});

describe('proxy port choice', () => {
  it('steps past ports in use the way the kernel scans (same parity, by 2)', () => {
    const first = kernelPickedPort('TCP', 12345, new Set());
    expect(first).not.toBeNull();
    const taken = new Set([first ?? 0]);
    const second = kernelPickedPort('TCP', 12345, taken);
    expect(second).toBe((first ?? 0) + 2);
    const udp = kernelPickedPort('UDP', 12345, new Set());
    expect(kernelPickedPort('UDP', 12345, new Set([udp ?? 0]))).toBe((udp ?? 0) + 1);
  });

  it('KernelPortPicker gives the ports kernelPickedPort gives, pick after pick', () => {
    const { low, high } = IP_LOCAL_PORT_RANGE;
    for (const protocol of ['TCP', 'UDP'] as const satisfies readonly SocketProtocol[]) {
      const rng = createRng(protocol === 'TCP' ? 7 : 8);
      const picker = new KernelPortPicker(protocol);
      const used = new Set<number>();
      const take = (port: number) => {
        used.add(port);
        picker.markUsed(port);
      };
      // Crowd the start of the range (TCP: nearly all of the lower half) so probes run long, wrap
      // around, change parity and move on to the upper half.
      for (let port = low + 1; port < low + 14100; port++) {
        if (rng() < 0.98) take(port);
      }
      take(10256); // outside the range: ignored by both
      const picks: (number | null)[] = [];
      for (let i = 0; i < 1500; i++) {
        // Seeds in a narrow band collide on purpose.
        const seed = i % 3 === 0 ? Math.floor(rng() * 4_294_967_296) : 1000 + Math.floor(rng() * 50);
        const expected = kernelPickedPort(protocol, seed, used);
        const got = picker.pick(seed);
        expect(got).toBe(expected);
        picks.push(got);
        if (got !== null) take(got);
      }
      expect(picks.every((p) => p !== null && p >= low && p <= high)).toBe(true);
      if (protocol === 'TCP') expect(picks.some((p) => p !== null && p >= low + 14116)).toBe(true);
    }
  });

  it('KernelPortPicker returns null once every port of the range is taken', () => {
    const { low, high } = IP_LOCAL_PORT_RANGE;
    for (const protocol of ['TCP', 'UDP'] as const) {
      const picker = new KernelPortPicker(protocol);
      const used = new Set<number>();
      for (let port = low; port <= high; port++) {
        if (port === low + 5 || port === high) continue;
        used.add(port);
        picker.markUsed(port);
      }
      const got: (number | null)[] = [];
      for (let i = 0; i < 3; i++) {
        const port = picker.pick(99);
        expect(port).toBe(kernelPickedPort(protocol, 99, used));
        got.push(port);
        if (port !== null) {
          used.add(port);
          picker.markUsed(port);
        }
      }
      expect(got.slice(0, 2).sort()).toEqual([low + 5, high].sort());
      expect(got[2]).toBeNull();
    }
  });

  it('never hands out the same port twice on a node, nor a configured one', () => {
    const services = Array.from({ length: 60 }, (_, i) =>
      makeService('ns', `svc${i}`, [tcpPort('p', 80)], { clusterIP: `172.30.1.${i + 1}` }),
    );
    const c = makeCluster({ services, endpointSlices: [] });
    const requests = services.map((s) => ({ servicePort: `ns/${s.name}:p`, protocol: 'TCP' as const }));
    const withPinned: Cluster = {
      ...c,
      network: {
        ...c.network,
        userspaceProxyPorts: [{ node: TEST_NODE, servicePort: 'ns/svc0:p', port: 33001 }],
      },
    };
    const ports = assignProxyPorts(withPinned, TEST_NODE, requests).map((a) => a.port);
    expect(ports[0]).toBe(33001);
    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe('NodePort, externalIP, LoadBalancer and unsupported ports', () => {
  const p80 = { name: 'p80', protocol: 'TCP' as const, port: 8080 };
  const c = makeCluster({
    services: [
      makeService('ns', 'np', [tcpPort('p80', 80, { nodePort: 30080, targetPort: 8080 })], {
        type: 'NodePort',
        clusterIP: '172.30.0.41',
      }),
      makeService('ns', 'ext', [tcpPort('p80', 80, { targetPort: 8080 })], {
        clusterIP: '172.30.0.42',
        externalIPs: ['192.168.0.2', '203.0.113.7'],
      }),
      makeService('ns', 'lb', [tcpPort('p80', 80, { nodePort: 30081, targetPort: 8080 })], {
        type: 'LoadBalancer',
        clusterIP: '172.30.0.43',
        loadBalancerIPs: ['198.51.100.9'],
      }),
      makeService('ns', 'sctp', [{ name: 's', protocol: 'SCTP', port: 9999, targetPort: 9999 }], {
        clusterIP: '172.30.0.44',
      }),
    ],
    endpointSlices: [
      makeSlice(
        'ns',
        'np',
        [
          { ip: '10.180.0.5', nodeName: TEST_NODE },
          { ip: '10.180.1.5', ready: false },
        ],
        [p80],
      ),
      makeSlice('ns', 'ext', [{ ip: '10.180.1.6' }], [p80]),
      makeSlice('ns', 'lb', [{ ip: '10.180.1.7' }], [p80]),
    ],
  });
  const proxier = buildUserspaceProxier(c, TEST_NODE);
  const port = (name: string): number => proxier.servicePorts.find((p) => p.name === name)?.proxyPort ?? 0;
  const text = linesToText(renderIptablesSave(proxier.ruleset));
  const np = port('ns/np:p80');
  const ext = port('ns/ext:p80');
  const lb = port('ns/lb:p80');

  it('skips SCTP (newProxySocket knows only TCP and UDP)', () => {
    expect(proxier.servicePorts.map((p) => p.name)).toEqual(['ns/ext:p80', 'ns/lb:p80', 'ns/np:p80']);
    expect(text).not.toContain('sctp');
  });

  it('writes NodePort rules in both nodeport chains and accepts the proxy port in KUBE-NODEPORT-NON-LOCAL', () => {
    expect(text).toContain(
      `-A KUBE-NODEPORT-CONTAINER -p tcp -m comment --comment "ns/np:p80" -m tcp --dport 30080 -j REDIRECT --to-ports ${np}\n`,
    );
    expect(text).toContain(
      `-A KUBE-NODEPORT-HOST -p tcp -m comment --comment "ns/np:p80" -m tcp --dport 30080 -j DNAT --to-destination 192.168.0.2:${np}\n`,
    );
    expect(text).toContain(
      `-A KUBE-NODEPORT-NON-LOCAL -p tcp -m comment --comment "ns/np:p80" -m tcp --dport ${np} -m conntrack --ctstate NEW -j ACCEPT\n`,
    );
  });

  it('writes external IP portals with the dst-LOCAL variants', () => {
    const lines = text.split('\n').filter((l) => l.includes('"ns/ext:p80"'));
    expect(lines).toEqual([
      `-A KUBE-PORTALS-CONTAINER -d 172.30.0.42/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -j REDIRECT --to-ports ${ext}`,
      `-A KUBE-PORTALS-CONTAINER -d 192.168.0.2/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -j REDIRECT --to-ports ${ext}`,
      `-A KUBE-PORTALS-CONTAINER -d 192.168.0.2/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -m addrtype --dst-type LOCAL -j REDIRECT --to-ports ${ext}`,
      `-A KUBE-PORTALS-CONTAINER -d 203.0.113.7/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -j REDIRECT --to-ports ${ext}`,
      `-A KUBE-PORTALS-CONTAINER -d 203.0.113.7/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -m addrtype --dst-type LOCAL -j REDIRECT --to-ports ${ext}`,
      `-A KUBE-PORTALS-HOST -d 172.30.0.42/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -j DNAT --to-destination 192.168.0.2:${ext}`,
      `-A KUBE-PORTALS-HOST -d 192.168.0.2/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -m addrtype --dst-type LOCAL -j DNAT --to-destination 192.168.0.2:${ext}`,
      `-A KUBE-PORTALS-HOST -d 203.0.113.7/32 -p tcp -m comment --comment "ns/ext:p80" -m tcp --dport 80 -m addrtype --dst-type LOCAL -j DNAT --to-destination 192.168.0.2:${ext}`,
    ]);
  });

  it('treats a load-balancer ingress IP like the cluster IP', () => {
    expect(text).toContain(
      `-A KUBE-PORTALS-CONTAINER -d 198.51.100.9/32 -p tcp -m comment --comment "ns/lb:p80" -m tcp --dport 80 -j REDIRECT --to-ports ${lb}\n`,
    );
    expect(text).toContain(
      `-A KUBE-PORTALS-HOST -d 198.51.100.9/32 -p tcp -m comment --comment "ns/lb:p80" -m tcp --dport 80 -j DNAT --to-destination 192.168.0.2:${lb}\n`,
    );
  });

  it('claims node ports and local external IPs with real sockets', () => {
    const claims = proxier.sockets
      .filter((s) => s.purpose === 'claim')
      .map((s) => `${s.protocol} ${s.address}:${s.port} ${s.servicePort ?? ''}`);
    expect(claims).toEqual([
      'TCP 192.168.0.2:80 ns/ext:p80',
      'TCP *:30081 ns/lb:p80',
      'TCP *:30080 ns/np:p80',
    ]);
  });

  it('passes only ready endpoints to the load balancer', () => {
    expect(
      proxier.servicePorts.find((p) => p.name === 'ns/np:p80')?.endpoints.map((e) => e.endpoint),
    ).toEqual(['10.180.0.5:8080']);
  });
});
