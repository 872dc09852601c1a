import { describe, expect, it } from 'vitest';
import { buildNftablesDataplane, nftablesMode, nftablesStatic } from '../../../../src/engine/proxy/nftables';
import type { NftablesDataplane } from '../../../../src/engine/proxy/nftables';
import type { HookContext, NfPacket } from '../../../../src/engine/proxy/types';
import { trace } from '../../../../src/engine/trace';
import type { Cluster } from '../../../../src/model/types';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';

const p80 = { name: 'p80', protocol: 'TCP' as const, port: 80 };

function ctx(draw: number, now = 0): HookContext {
  return { rng: () => draw, conntrack: { state: 'NEW' }, now, inDevice: 'cbr0' };
}

function tcp(src: string, sport = 40000): NfPacket {
  return { protocol: 'TCP', src, sport, dst: '172.30.0.70', dport: 80 };
}

function sticky(): Cluster {
  return makeCluster({
    services: [
      makeService('ns1', 'sticky', [tcpPort('p80', 80)], {
        clusterIP: '172.30.0.70',
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 60,
      }),
    ],
    endpointSlices: [
      makeSlice('ns1', 'sticky', [{ ip: '10.180.0.2' }, { ip: '10.180.1.2' }, { ip: '10.180.2.2' }], [p80]),
    ],
  });
}

describe('nftables dataplanes built from one cluster object', () => {
  it('share the table, its index and its listing', () => {
    const cluster = defaultCluster();
    const a = buildNftablesDataplane(cluster, 'node-1');
    const b = nftablesMode.build(cluster, 'node-1') as NftablesDataplane;
    expect(b.ruleset).toBe(a.ruleset);
    expect(nftablesStatic(cluster, 'node-1').index).toBe(nftablesStatic(cluster, 'node-1').index);
    expect(b.rules().sections).toBe(a.rules().sections);
    expect(buildNftablesDataplane(cluster, 'node-2').ruleset).not.toBe(a.ruleset);
    const copy = buildNftablesDataplane({ ...cluster }, 'node-1');
    expect(copy.ruleset).not.toBe(a.ruleset);
    expect(copy.rules().sections).toEqual(a.rules().sections);
  });

  it('keep a table per set of kube-proxy flags', () => {
    const cluster = defaultCluster();
    const plain = buildNftablesDataplane(cluster, 'node-1');
    const all = buildNftablesDataplane(cluster, 'node-1', { masqueradeAll: true });
    expect(all.ruleset).not.toBe(plain.ruleset);
    expect(buildNftablesDataplane(cluster, 'node-1', { masqueradeAll: true }).ruleset).toBe(all.ruleset);
    expect(buildNftablesDataplane(cluster, 'node-1', { masqueradeAll: false }).ruleset).not.toBe(all.ruleset);
    const text = (dp: NftablesDataplane) => dp.rules().sections.flatMap((s) => s.lines.map((l) => l.text));
    expect(text(all).some((t) => t.includes('jump mark-for-masquerade') && !t.includes('saddr'))).toBe(true);
    expect(text(plain).some((t) => t.includes('ip saddr != 10.0.0.0/16 jump mark-for-masquerade'))).toBe(
      true,
    );
  });

  it('do not share affinity set entries', () => {
    const cluster = sticky();
    const a = buildNftablesDataplane(cluster, TEST_NODE);
    // numgen picks the last endpoint; the client's affinity entry then pins it there.
    const first = a.hook('PREROUTING', tcp('10.180.5.5'), ctx(0.9));
    expect(first.dnat?.ip).toBe('10.180.2.2');
    const pinned = a.hook('PREROUTING', tcp('10.180.5.5', 40001), ctx(0, 1));
    expect(pinned.dnat?.ip).toBe('10.180.2.2');
    expect(pinned.walked.some((w) => w.matched && w.text.startsWith('ip saddr @affinity-'))).toBe(true);
    // A fresh dataplane has empty affinity sets: numgen decides.
    const b = nftablesMode.build(cluster, TEST_NODE);
    const fresh = b.hook('PREROUTING', tcp('10.180.5.5', 40002), ctx(0, 1));
    expect(fresh.dnat?.ip).toBe('10.180.0.2');
    expect(fresh.walked.some((w) => w.matched && w.text.startsWith('ip saddr @affinity-'))).toBe(false);
    // And `a` still remembers its client.
    expect(a.hook('PREROUTING', tcp('10.180.5.5', 40003), ctx(0, 2)).dnat?.ip).toBe('10.180.2.2');
  });

  it('make two traces with one seed identical', () => {
    const cluster = defaultCluster();
    const request = { from: { kind: 'pod' as const, namespace: 'default', name: 'client' }, to: 'web-svc' };
    const first = trace(cluster, request, { mode: 'nftables', seed: 7 });
    const second = trace(cluster, request, { mode: 'nftables', seed: 7 });
    expect(second).toEqual(first);
  });
});
