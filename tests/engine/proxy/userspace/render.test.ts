import { describe, expect, it } from 'vitest';
import { buildUserspaceDataplane, buildUserspaceProxier } from '../../../../src/engine/proxy/userspace';
import {
  kubeProxyPid,
  renderKubeProxySockets,
  renderUserspaceSections,
} from '../../../../src/engine/render/userspacePortals';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';

describe('ss -ltunp | grep kube-proxy', () => {
  const proxier = buildUserspaceProxier(defaultCluster(), 'node-1');
  const pid = kubeProxyPid('node-1');

  it('lists the proxy sockets and kube-proxy’s own listeners, UDP first, by port (golden)', () => {
    const lines = renderKubeProxySockets('node-1', proxier.sockets);
    expect(lines.map((l) => l.text)).toEqual([
      `udp   UNCONN 0      0                    *:60837               *:*     users:(("kube-proxy",pid=${pid},fd=10))`,
      `tcp   LISTEN 0      4096         127.0.0.1:10249               *:*     users:(("kube-proxy",pid=${pid},fd=8))`,
      `tcp   LISTEN 0      4096                 *:10256               *:*     users:(("kube-proxy",pid=${pid},fd=7))`,
      `tcp   LISTEN 0      4096                 *:10400               *:*     users:(("kube-proxy",pid=${pid},fd=9))`,
      `tcp   LISTEN 0      4096                 *:36695               *:*     users:(("kube-proxy",pid=${pid},fd=12))`,
      `tcp   LISTEN 0      4096                 *:46495               *:*     users:(("kube-proxy",pid=${pid},fd=11))`,
    ]);
    expect(lines.map((l) => l.id)).toEqual([
      'ss/udp/*:60837',
      'ss/tcp/127.0.0.1:10249',
      'ss/tcp/*:10256',
      'ss/tcp/*:10400',
      'ss/tcp/*:36695',
      'ss/tcp/*:46495',
    ]);
  });

  it('uses a stable pid per node', () => {
    expect(kubeProxyPid('node-1')).toBe(kubeProxyPid('node-1'));
    expect(pid).toBeGreaterThanOrEqual(1000);
    expect(pid).toBeLessThan(10000);
  });

  it('shows claimed node ports and local external IPs', () => {
    const c = makeCluster({
      services: [
        makeService('ns', 'np', [tcpPort('p', 80, { nodePort: 30080 })], {
          type: 'NodePort',
          clusterIP: '172.30.0.41',
          externalIPs: ['192.168.0.2'],
        }),
      ],
      endpointSlices: [
        makeSlice('ns', 'np', [{ ip: '10.180.1.5' }], [{ name: 'p', protocol: 'TCP', port: 80 }]),
      ],
    });
    const p = buildUserspaceProxier(c, TEST_NODE);
    const texts = renderKubeProxySockets(TEST_NODE, p.sockets).map((l) => l.id);
    expect(texts).toContain('ss/tcp/*:30080');
    expect(texts).toContain('ss/tcp/192.168.0.2:80');
  });
});

describe('rules()', () => {
  it('gives every rule and socket line a unique id, and every iptables rule line has one', () => {
    const dp = buildUserspaceDataplane(defaultCluster(), 'node-1');
    const view = dp.rules();
    expect(view.mode).toBe('userspace');
    expect(view.node).toBe('node-1');
    const ids = view.sections.flatMap((s) => s.lines.flatMap((l) => (l.id ? [l.id] : [])));
    expect(new Set(ids).size).toBe(ids.length);
    for (const line of view.sections[0]?.lines ?? []) {
      expect(line.text.startsWith('-A ') === (line.id !== undefined)).toBe(true);
    }
    expect(renderUserspaceSections('node-1', dp.proxier.ruleset, dp.proxier.sockets)).toEqual(view.sections);
  });
});
