import { describe, expect, it } from 'vitest';
import { findChain, getTable } from '../../../../src/engine/netfilter/types';
import { buildIptablesRuleset } from '../../../../src/engine/proxy/iptables/ruleset';
import { linesToText, renderIptablesRestore } from '../../../../src/engine/render/iptablesSave';
import type { EndpointSpec } from '../fixtures';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../fixtures';
import type { Service } from '../../../../src/model/types';

const p80 = { name: 'p80', protocol: 'TCP' as const, port: 80 };

function restoreOf(
  services: readonly Service[],
  slices: Parameters<typeof makeCluster>[0]['endpointSlices'],
  options = {},
) {
  const cluster = makeCluster({ services, endpointSlices: slices });
  return linesToText(renderIptablesRestore(buildIptablesRuleset(cluster, TEST_NODE, options)));
}

function svc1(overrides: Partial<Service> = {}, port = tcpPort('p80', 80)): Service {
  return makeService('ns1', 'svc1', [port], { clusterIP: '172.30.0.41', ...overrides });
}

function slice1(endpoints: readonly EndpointSpec[]) {
  return makeSlice('ns1', 'svc1', endpoints, [p80]);
}

describe('buildIptablesRuleset', () => {
  it('writes the exact restore data for a 2-endpoint ClusterIP service', () => {
    // Rule text and per-service order as in proxier.go syncProxyRules; the SVC/SEP lines are those of
    // proxier_test.go TestOverallIPTablesRules' two-endpoint ns4/svc4 with this service's name and IPs.
    const text = restoreOf([svc1()], [slice1([{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }])]);
    expect(text).toBe(`*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
:KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
:KUBE-SEP-LXVODXWDISEETFEF - [0:0]
-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-SXIVWICOYRO3J4NJ
-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -j KUBE-SEP-LXVODXWDISEETFEF
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
-A KUBE-SEP-LXVODXWDISEETFEF -m comment --comment ns1/svc1:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-LXVODXWDISEETFEF -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT
`);
  });

  it('rejects in filter KUBE-SERVICES / KUBE-EXTERNAL-SERVICES when a service has no endpoints (TestNoEndpointsReject)', () => {
    const text = restoreOf(
      [
        svc1(
          { type: 'LoadBalancer', externalIPs: ['192.168.99.11'], loadBalancerIPs: ['1.2.3.4'] },
          tcpPort('p80', 80, { nodePort: 3001 }),
        ),
      ],
      [],
    );
    expect(text).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT\n',
    );
    expect(text).toContain(
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j REJECT\n',
    );
    expect(text).toContain(
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j REJECT\n',
    );
    expect(text).toContain(
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns1/svc1:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT\n',
    );
    expect(text).not.toMatch(/KUBE-(SVC|SEP|EXT)-/);
  });

  it('externalTrafficPolicy Local with a local endpoint: KUBE-EXT short-circuits and ends in KUBE-SVL', () => {
    const text = restoreOf(
      [svc1({ type: 'NodePort', externalTrafficPolicy: 'Local' }, tcpPort('p80', 80, { nodePort: 30080 }))],
      [
        slice1([
          { ip: '10.180.0.1', nodeName: TEST_NODE },
          { ip: '10.180.1.1', nodeName: 'other-node' },
        ]),
      ],
    );
    const ext = 'KUBE-EXT-XPGD46QRK7WJZT7O';
    expect(text).toContain(
      `-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O\n`,
    );
    expect(text).toContain(
      `-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 30080 -j ${ext}\n`,
    );
    const extRules = text.split('\n').filter((l) => l.startsWith(`-A ${ext} `));
    expect(extRules).toEqual([
      `-A ${ext} -m comment --comment "pod traffic for ns1/svc1:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-XPGD46QRK7WJZT7O`,
      `-A ${ext} -m comment --comment "masquerade LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
      `-A ${ext} -m comment --comment "route LOCAL traffic for ns1/svc1:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-XPGD46QRK7WJZT7O`,
      `-A ${ext} -j KUBE-SVL-XPGD46QRK7WJZT7O`,
    ]);
    const svl = text.split('\n').filter((l) => l.startsWith('-A KUBE-SVL-'));
    expect(svl).toHaveLength(1);
    expect(svl[0]).toContain('-> 10.180.0.1:80');
    expect(text).not.toContain('KUBE-EXTERNAL-SERVICES -m');
  });

  it('internalTrafficPolicy Local without local endpoints: filter DROP "has no local endpoints"', () => {
    const text = restoreOf(
      [svc1({ internalTrafficPolicy: 'Local' })],
      [slice1([{ ip: '10.180.1.1', nodeName: 'other-node' }])],
    );
    expect(text).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 has no local endpoints" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j DROP\n',
    );
    expect(text).not.toMatch(/KUBE-(SVC|SVL|SEP)-/);
  });

  it('internalTrafficPolicy Local with a local endpoint: KUBE-SERVICES jumps to KUBE-SVL with only local endpoints', () => {
    const text = restoreOf(
      [svc1({ internalTrafficPolicy: 'Local' })],
      [
        slice1([
          { ip: '10.180.0.1', nodeName: TEST_NODE },
          { ip: '10.180.1.1', nodeName: 'other-node' },
        ]),
      ],
    );
    expect(text).toContain('--dport 80 -j KUBE-SVL-XPGD46QRK7WJZT7O\n');
    expect(text).toContain(
      '-A KUBE-SVL-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ\n',
    );
    expect(text).not.toContain('10.180.1.1');
    expect(text).not.toContain('KUBE-SVC-');
  });

  it('ClientIP affinity: recent --rcheck rules first in KUBE-SVC, recent --set before DNAT', () => {
    const text = restoreOf(
      [svc1({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 10800 })],
      [slice1([{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }])],
    );
    const svc = text.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-XPGD46QRK7WJZT7O '));
    expect(svc.slice(1)).toEqual([
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --name KUBE-SEP-SXIVWICOYRO3J4NJ --rcheck --seconds 10800 --reap -j KUBE-SEP-SXIVWICOYRO3J4NJ',
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -m recent --name KUBE-SEP-LXVODXWDISEETFEF --rcheck --seconds 10800 --reap -j KUBE-SEP-LXVODXWDISEETFEF',
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-SXIVWICOYRO3J4NJ',
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -j KUBE-SEP-LXVODXWDISEETFEF',
    ]);
    expect(text).toContain(
      '-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m recent --name KUBE-SEP-SXIVWICOYRO3J4NJ --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80\n',
    );
  });

  it('uses 1/(n-i) probabilities for n endpoints', () => {
    const endpoints = [1, 2, 3, 4].map((i) => ({ ip: `10.180.0.${i}` }));
    const text = restoreOf([svc1()], [slice1(endpoints)]);
    const probabilities = [...text.matchAll(/--probability (\S+)/g)].map((m) => m[1]);
    expect(probabilities).toEqual(['0.2500000000', '0.3333333333', '0.5000000000']);
  });

  it('masqueradeAll drops the "! -s" and no detector drops the masquerade rule', () => {
    const eps = [slice1([{ ip: '10.180.0.1' }])];
    expect(restoreOf([svc1()], eps, { masqueradeAll: true })).toContain(
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-MARK-MASQ\n',
    );
    expect(restoreOf([svc1()], eps, { clusterCIDR: null })).not.toContain(
      'cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s',
    );
  });

  it('a masqueradeBit of 15 gives mark 0x8000; localhostNodePorts=false excludes 127.0.0.0/8', () => {
    const text = restoreOf([svc1()], [slice1([{ ip: '10.180.0.1' }])], {
      masqueradeBit: 15,
      localhostNodePorts: false,
    });
    expect(text).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00008000\n');
    expect(text).toContain('-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS\n');
    expect(text).not.toContain('KUBE-FIREWALL');
  });

  it('drops per-endpoint comments in large cluster mode (> 1000 endpoints)', () => {
    const endpoints = Array.from({ length: 1001 }, (_, i) => ({
      ip: `10.${180 + Math.floor(i / 250)}.0.${(i % 250) + 1}`,
    }));
    const text = restoreOf([svc1()], [slice1(endpoints)]);
    expect(text).toContain('-m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80\n');
    expect(text).not.toMatch(/-A KUBE-SEP-\S+ -m comment/);
  });

  it('ensures the jump rules in the builtin chains, outside the restore data', () => {
    const ruleset = buildIptablesRuleset(makeCluster({ services: [], endpointSlices: [] }), TEST_NODE);
    const input = findChain(getTable(ruleset, 'filter'), 'INPUT');
    // EnsureRule(Prepend) in iptablesJumpChains order leaves the last-ensured jump on top.
    expect(input?.rules.map((r) => (r.target?.kind === 'jump' ? r.target.chain : ''))).toEqual([
      'KUBE-FIREWALL',
      'KUBE-PROXY-FIREWALL',
      'KUBE-NODEPORTS',
      'KUBE-EXTERNAL-SERVICES',
    ]);
    expect(input?.rules.every((r) => r.origin === 'ensured')).toBe(true);
    const prerouting = findChain(getTable(ruleset, 'nat'), 'PREROUTING');
    expect(prerouting?.rules[0]?.id).toBe('nat/PREROUTING/1');
    for (const table of ['mangle', 'nat', 'filter'] as const) {
      expect(findChain(getTable(ruleset, table), 'KUBE-PROXY-CANARY')?.origin).toBe('ensured');
    }
    const restore = linesToText(renderIptablesRestore(ruleset));
    expect(restore).not.toContain('PREROUTING');
    expect(restore).not.toContain('CANARY');
  });

  it('gives rules stable ids by table, chain and 1-based position', () => {
    const ruleset = buildIptablesRuleset(
      makeCluster({
        services: [svc1()],
        endpointSlices: [slice1([{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }])],
      }),
      TEST_NODE,
    );
    const svc = findChain(getTable(ruleset, 'nat'), 'KUBE-SVC-XPGD46QRK7WJZT7O');
    expect(svc?.rules.map((r) => r.id)).toEqual([
      'nat/KUBE-SVC-XPGD46QRK7WJZT7O/1',
      'nat/KUBE-SVC-XPGD46QRK7WJZT7O/2',
      'nat/KUBE-SVC-XPGD46QRK7WJZT7O/3',
    ]);
    expect(svc?.rules[1]?.servicePort).toBe('ns1/svc1:p80');
  });
});
