import { describe, expect, it } from 'vitest';
import { buildUserspaceDataplane, userspaceMode } from '../../../../src/engine/proxy/userspace';
import type { UserspaceDataplane } from '../../../../src/engine/proxy/userspace';
import type { HookContext, NfPacket } from '../../../../src/engine/proxy/types';
import { createRng } from '../../../../src/engine/rng';
import { trace } from '../../../../src/engine/trace';
import type { Cluster } from '../../../../src/model/types';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';

function ctx(now: number, seed = 3): HookContext {
  return { rng: createRng(seed), conntrack: { state: 'NEW' }, now };
}

function fourBackends(extra: Parameters<typeof makeService>[3] = {}): Cluster {
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
        ['10.180.1.1', '10.180.1.2', '10.180.1.3', '10.180.1.4'].map((ip) => ({ ip })),
        [{ name: 'p', protocol: 'TCP', port: 8080 }],
      ),
    ],
  });
}

/** Four connections from `client` to the service's proxy port: the backends kube-proxy connects to. */
function connect(dp: UserspaceDataplane, client = '10.180.0.9'): string[] {
  const port = dp.proxier.servicePorts[0]?.proxyPort ?? 0;
  return [0, 1, 2, 3].map((i) => {
    const packet: NfPacket = {
      protocol: 'TCP',
      src: client,
      sport: 40000 + i,
      dst: '10.180.0.1',
      dport: port,
    };
    const accepted = dp.acceptProxied(packet, ctx(i));
    return accepted?.connected ? `${accepted.connected.ip}:${accepted.connected.port}` : 'closed';
  });
}

describe('userspace dataplanes built from one cluster object', () => {
  it('share the static portals, sockets and listing', () => {
    const cluster = defaultCluster();
    const a = buildUserspaceDataplane(cluster, 'node-1');
    const b = userspaceMode.build(cluster, 'node-1') as UserspaceDataplane;
    expect(b.proxier).toBe(a.proxier);
    expect(b.proxier.ruleset).toBe(a.proxier.ruleset);
    expect(b.rules().sections).toBe(a.rules().sections);
    // Another node, or an equal but distinct cluster object, gets its own.
    expect(buildUserspaceDataplane(cluster, 'node-2').proxier).not.toBe(a.proxier);
    const other = buildUserspaceDataplane({ ...cluster }, 'node-1');
    expect(other.proxier).not.toBe(a.proxier);
    expect(other.rules().sections).toEqual(a.rules().sections);
  });

  it('each start the round-robin afresh', () => {
    const cluster = fourBackends();
    const a = buildUserspaceDataplane(cluster, TEST_NODE);
    const firstRound = connect(a);
    expect(new Set(firstRound).size).toBe(4);
    // One more connection moves `a` one turn on…
    const port = a.proxier.servicePorts[0]?.proxyPort ?? 0;
    a.acceptProxied(
      { protocol: 'TCP', src: '10.180.0.9', sport: 50000, dst: '10.180.0.1', dport: port },
      ctx(9),
    );
    expect(connect(a)).toEqual([...firstRound.slice(1), ...firstRound.slice(0, 1)]);
    // …and a second build does not inherit that: it starts at the first turn.
    const b = userspaceMode.build(cluster, TEST_NODE) as UserspaceDataplane;
    expect(connect(b)).toEqual(firstRound);
  });

  it('do not share ClientIP affinity entries', () => {
    const cluster = fourBackends({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 });
    const a = buildUserspaceDataplane(cluster, TEST_NODE);
    const pinned = connect(a, '10.180.0.9');
    expect(new Set(pinned).size).toBe(1);
    // A second client on `a` takes the next turn of the rotation…
    const next = connect(a, '10.180.0.10');
    expect(next[0]).not.toBe(pinned[0]);
    // …but on a fresh dataplane it takes the first turn, like the first client did on `a`.
    const b = buildUserspaceDataplane(cluster, TEST_NODE);
    expect(connect(b, '10.180.0.10')).toEqual(pinned);
  });

  it('take their dead endpoints from their own build options', () => {
    const cluster = fourBackends();
    const healthy = connect(buildUserspaceDataplane(cluster, TEST_NODE));
    const dead = healthy[0] ?? '';
    const failing = buildUserspaceDataplane(cluster, TEST_NODE, { deadEndpoints: [dead] });
    expect(connect(failing)).not.toContain(dead);
    expect(connect(buildUserspaceDataplane(cluster, TEST_NODE))).toEqual(healthy);
  });

  it('make two traces with one seed identical', () => {
    const cluster = defaultCluster();
    const request = { from: { kind: 'pod' as const, namespace: 'default', name: 'client' }, to: 'web-svc' };
    const first = trace(cluster, request, { mode: 'userspace', seed: 7 });
    const second = trace(cluster, request, { mode: 'userspace', seed: 7 });
    expect(second).toEqual(first);
  });
});
