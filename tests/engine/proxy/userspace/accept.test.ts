import { describe, expect, it } from 'vitest';
import { buildUserspaceDataplane } from '../../../../src/engine/proxy/userspace';
import { shuffleLikeKubeProxy } from '../../../../src/engine/proxy/userspace/loadBalancer';
import type { HookContext, NfPacket } from '../../../../src/engine/proxy/types';
import { createRng } from '../../../../src/engine/rng';
import type { Cluster } from '../../../../src/model/types';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';

function ctx(now = 0, seed = 11): HookContext {
  return { rng: createRng(seed), conntrack: { state: 'NEW' }, now };
}

/** A connection that KUBE-PORTALS-CONTAINER redirected: the destination is cbr0's address and the proxy port. */
function redirected(src: string, sport: number, dst = '10.0.1.1', dport = 10400): NfPacket {
  return { protocol: 'TCP', src, sport, dst, dport };
}

const p = { name: 'p', protocol: 'TCP' as const, port: 8080 };

function fiveBackends(extra: Parameters<typeof makeService>[3] = {}): Cluster {
  return makeCluster({
    services: [
      makeService('ns', 'svc', [tcpPort('p', 80, { targetPort: 8080 })], {
        clusterIP: '172.30.0.41',
        ...extra,
      }),
    ],
    endpointSlices: [
      makeSlice(
        'ns',
        'svc',
        ['10.180.1.1', '10.180.1.2', '10.180.1.3', '10.180.1.4', '10.180.1.5'].map((ip) => ({ ip })),
        [p],
      ),
    ],
  });
}

describe('round-robin after a seeded shuffle', () => {
  it('alternates between the two web-svc backends on node-1', () => {
    const dp = buildUserspaceDataplane(defaultCluster(), 'node-1');
    const picks = [0, 1, 2, 3].map((i) => dp.acceptProxied(redirected('10.0.1.3', 40000 + i), ctx(i)));
    const backends = picks.map((a) => (a?.connected ? `${a.connected.ip}:${a.connected.port}` : null));
    expect(new Set(backends)).toEqual(new Set(['10.0.1.2:8080', '10.0.2.2:8080']));
    expect(backends[0]).not.toBe(backends[1]);
    expect(backends[2]).toBe(backends[0]);
    expect(backends[3]).toBe(backends[1]);
    expect(picks[0]?.servicePort).toBe('default/web-svc:http');
    expect(picks[0]?.listen).toEqual({ ip: '10.0.1.1', port: 10400 });
    expect(picks[0]?.attempts).toHaveLength(1);
    expect(picks[0]?.summary).toContain('round-robin');
  });

  it('cycles through every backend in the shuffled order, then repeats it', () => {
    const dp = buildUserspaceDataplane(fiveBackends(), TEST_NODE);
    const proxyPort = dp.proxier.servicePorts[0]?.proxyPort ?? 0;
    const picks = Array.from({ length: 10 }, (_, i) => {
      const a = dp.acceptProxied(redirected('10.180.0.9', 40000 + i, '10.180.0.1', proxyPort), ctx(i));
      return a?.connected?.ip ?? '';
    });
    const firstRound = picks.slice(0, 5);
    expect(new Set(firstRound).size).toBe(5);
    expect(picks.slice(5)).toEqual(firstRound);
    const accept = dp.acceptProxied(redirected('10.180.0.9', 50000, '10.180.0.1', proxyPort), ctx(10));
    expect(accept?.rotation.map((e) => e.split(':')[0])).toEqual(firstRound);
  });

  it('shuffles with the seed: the order is a permutation that depends on the rng', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const orders = new Set<string>();
    for (let seed = 1; seed <= 30; seed++) {
      const shuffled = shuffleLikeKubeProxy(items, createRng(seed));
      expect([...shuffled].sort()).toEqual(items);
      orders.add(shuffled.join(''));
    }
    expect(orders.size).toBeGreaterThan(5);
    expect(shuffleLikeKubeProxy(items, createRng(3))).toEqual(shuffleLikeKubeProxy(items, createRng(3)));
  });

  it('keeps its state per dataplane: a new dataplane starts the rotation again', () => {
    const cluster = fiveBackends();
    const a = buildUserspaceDataplane(cluster, TEST_NODE);
    const b = buildUserspaceDataplane(cluster, TEST_NODE);
    const port = a.proxier.servicePorts[0]?.proxyPort ?? 0;
    const first = a.acceptProxied(redirected('10.180.0.9', 1, '10.180.0.1', port), ctx(0, 5))?.connected;
    const second = a.acceptProxied(redirected('10.180.0.9', 2, '10.180.0.1', port), ctx(1, 5))?.connected;
    const fresh = b.acceptProxied(redirected('10.180.0.9', 3, '10.180.0.1', port), ctx(0, 5))?.connected;
    expect(second).not.toEqual(first);
    expect(fresh).toEqual(first);
  });
});

describe('ClientIP session affinity', () => {
  const cluster = fiveBackends({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 });

  it('sends the same client to the same backend while the entry is fresh', () => {
    const dp = buildUserspaceDataplane(cluster, TEST_NODE);
    const port = dp.proxier.servicePorts[0]?.proxyPort ?? 0;
    const accept = (src: string, sport: number, now: number) =>
      dp.acceptProxied(redirected(src, sport, '10.180.0.1', port), ctx(now));
    const first = accept('10.180.0.9', 1, 0);
    const again = [accept('10.180.0.9', 2, 100), accept('10.180.0.9', 3, 650)];
    for (const a of again) {
      expect(a?.connected).toEqual(first?.connected);
      expect(a?.attempts[0]?.by).toBe('affinity');
    }
    expect(again[0]?.summary).toContain('session affinity for 10.180.0.9');
    // Another client takes the next round-robin endpoint.
    const other = accept('10.180.0.10', 1, 700);
    expect(other?.connected).not.toEqual(first?.connected);
    expect(other?.attempts[0]?.by).toBe('round-robin');
  });

  it('lets the entry expire after timeoutSeconds without use', () => {
    const dp = buildUserspaceDataplane(cluster, TEST_NODE);
    const port = dp.proxier.servicePorts[0]?.proxyPort ?? 0;
    const first = dp.acceptProxied(redirected('10.180.0.9', 1, '10.180.0.1', port), ctx(0));
    const late = dp.acceptProxied(redirected('10.180.0.9', 2, '10.180.0.1', port), ctx(600));
    expect(late?.attempts[0]?.by).toBe('round-robin');
    expect(late?.connected).not.toEqual(first?.connected);
  });
});

describe('tryConnect retries', () => {
  it('retries a dead backend with the next one (250 ms, then 500 ms)', () => {
    const dp = buildUserspaceDataplane(defaultCluster(), 'node-1', { deadEndpoints: ['10.0.1.2:8080'] });
    const accepts = [0, 1, 2, 3].map((i) => dp.acceptProxied(redirected('10.0.1.3', 40000 + i), ctx(i)));
    for (const a of accepts) {
      expect(a?.connected).toEqual({ ip: '10.0.2.2', port: 8080 });
      const last = a?.attempts[a.attempts.length - 1];
      expect(last).toMatchObject({ ip: '10.0.2.2', port: 8080, ok: true });
      if (a && a.attempts.length === 2) {
        expect(a.attempts[0]).toMatchObject({ ip: '10.0.1.2', port: 8080, ok: false, dialTimeoutMs: 250 });
        expect(a.attempts[1]?.dialTimeoutMs).toBe(500);
        expect(a.summary).toContain('10.0.1.2:8080 did not answer within 250 ms');
      }
    }
    // Strict round-robin over two endpoints: once a dial has failed on the dead one and moved on to the
    // live one, the index points at the dead one again, so every later connection meets it first.
    expect(accepts.slice(1).every((a) => a?.attempts.length === 2)).toBe(true);
  });

  it('resets affinity after a failure, and the client sticks to the backend that answered', () => {
    const cluster = fiveBackends({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 10800 });
    const probe = buildUserspaceDataplane(cluster, TEST_NODE);
    const port = probe.proxier.servicePorts[0]?.proxyPort ?? 0;
    const firstPick = probe.acceptProxied(redirected('10.180.0.9', 1, '10.180.0.1', port), ctx(0))?.connected;
    const dead = `${firstPick?.ip ?? ''}:8080`;
    const dp = buildUserspaceDataplane(cluster, TEST_NODE, { deadEndpoints: [dead] });
    const a = dp.acceptProxied(redirected('10.180.0.9', 1, '10.180.0.1', port), ctx(0));
    expect(a?.attempts.map((t) => [`${t.ip}:${t.port}`, t.ok, t.by])).toEqual([
      [dead, false, 'round-robin'],
      [`${a?.connected?.ip ?? ''}:8080`, true, 'round-robin'],
    ]);
    const b = dp.acceptProxied(redirected('10.180.0.9', 2, '10.180.0.1', port), ctx(5));
    expect(b?.attempts).toHaveLength(1);
    expect(b?.attempts[0]?.by).toBe('affinity');
    expect(b?.connected).toEqual(a?.connected);
  });

  it('gives up after 4 failed attempts when every backend is dead', () => {
    const dp = buildUserspaceDataplane(defaultCluster(), 'node-1', {
      deadEndpoints: ['10.0.1.2:8080', '10.0.2.2:8080'],
    });
    const a = dp.acceptProxied(redirected('10.0.1.3', 40000), ctx());
    expect(a?.connected).toBeNull();
    expect(a?.attempts.map((t) => [t.ok, t.dialTimeoutMs])).toEqual([
      [false, 250],
      [false, 500],
      [false, 1000],
      [false, 2000],
    ]);
    // Round-robin keeps turning: the two endpoints alternate over the attempts.
    const ips = a?.attempts.map((t) => t.ip) ?? [];
    expect(ips[0]).toBe(ips[2]);
    expect(ips[1]).toBe(ips[3]);
    expect(ips[0]).not.toBe(ips[1]);
    expect(a?.summary).toContain('failed to connect to an endpoint.');
  });

  it('closes the connection at once when the service has no ready endpoints', () => {
    const cluster = makeCluster({
      services: [makeService('ns', 'empty', [tcpPort('p', 80)], { clusterIP: '172.30.0.50' })],
      endpointSlices: [makeSlice('ns', 'empty', [{ ip: '10.180.1.1', ready: false }], [{ ...p, port: 80 }])],
    });
    const dp = buildUserspaceDataplane(cluster, TEST_NODE);
    const port = dp.proxier.servicePorts[0]?.proxyPort ?? 0;
    const a = dp.acceptProxied(redirected('10.180.0.9', 1, '10.180.0.1', port), ctx());
    expect(a?.attempts).toEqual([]);
    expect(a?.connected).toBeNull();
    expect(a?.summary).toContain('no ready endpoints');
  });
});

describe('UDP proxy sockets', () => {
  const cluster = defaultCluster();
  const dnsPort = (dp: ReturnType<typeof buildUserspaceDataplane>) =>
    dp.proxier.servicePorts.find((s) => s.name === 'kube-system/kube-dns:dns')?.proxyPort ?? 0;
  const query = (port: number, sport: number): NfPacket => ({
    protocol: 'UDP',
    src: '10.0.1.3',
    sport,
    dst: '10.0.1.1',
    dport: port,
  });

  it('reuses the backend of a known client until it has been idle for --udp-timeout (250 ms)', () => {
    const dp = buildUserspaceDataplane(cluster, 'node-1');
    const port = dnsPort(dp);
    const first = dp.acceptProxied(query(port, 5353), ctx(0));
    expect(first?.connected).toEqual({ ip: '10.0.2.3', port: 53 });
    expect(first?.reusedUdpBackend).toBeUndefined();
    const reused = dp.acceptProxied(query(port, 5353), ctx(0.1));
    expect(reused?.reusedUdpBackend).toBe(true);
    expect(reused?.attempts[0]?.by).toBe('udp-client-cache');
    const idle = dp.acceptProxied(query(port, 5353), ctx(0.5));
    expect(idle?.reusedUdpBackend).toBeUndefined();
    expect(idle?.attempts[0]?.by).toBe('round-robin');
  });

  it('"connects" to a dead UDP backend: dialing UDP sends nothing, so there is no retry', () => {
    const dp = buildUserspaceDataplane(cluster, 'node-1', { deadEndpoints: ['10.0.2.3:53'] });
    const a = dp.acceptProxied(query(dnsPort(dp), 5353), ctx());
    expect(a?.attempts).toEqual([
      { ip: '10.0.2.3', port: 53, ok: true, dialTimeoutMs: 250, by: 'round-robin' },
    ]);
  });
});

describe('acceptProxied finds the proxy socket', () => {
  const dp = buildUserspaceDataplane(defaultCluster(), 'node-1');

  it('accepts on any address of the node (the sockets listen on 0.0.0.0)', () => {
    expect(dp.acceptProxied(redirected('10.100.0.2', 40000, '10.100.0.2', 10400), ctx())?.servicePort).toBe(
      'default/web-svc:http',
    );
  });

  it('returns null for a port no proxy socket has, or an address that is not the node', () => {
    expect(dp.acceptProxied(redirected('10.0.1.3', 40000, '10.0.1.1', 10401), ctx())).toBeNull();
    expect(dp.acceptProxied(redirected('10.0.1.3', 40000, '10.0.2.1', 10400), ctx())).toBeNull();
    expect(dp.acceptProxied({ ...redirected('10.0.1.3', 40000), protocol: 'UDP' }, ctx())).toBeNull();
  });
});
