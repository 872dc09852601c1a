import { describe, expect, it } from 'vitest';
import { buildIptablesRuleset } from '../../../src/engine/proxy/iptables/ruleset';
import {
  kernelProbability,
  linesToText,
  renderIptablesRestore,
  renderIptablesSave,
} from '../../../src/engine/render/iptablesSave';
import { makeCluster, makeService, makeSlice, tcpPort, TEST_NODE } from '../proxy/fixtures';

const p80 = { name: 'p80', protocol: 'TCP' as const, port: 80 };
const cluster = makeCluster({
  services: [
    makeService('ns1', 'svc1', [tcpPort('p80', 80)], {
      clusterIP: '172.30.0.41',
      sessionAffinity: 'ClientIP',
      sessionAffinityTimeoutSeconds: 10800,
    }),
    makeService('ns2', 'svc2', [tcpPort(undefined, 80)], { clusterIP: '172.30.0.42' }),
  ],
  endpointSlices: [
    makeSlice('ns1', 'svc1', [{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }], [p80]),
    makeSlice(
      'ns2',
      'svc2',
      [{ ip: '10.180.0.3' }, { ip: '10.180.0.4' }, { ip: '10.180.0.5' }],
      [{ protocol: 'TCP', port: 80 }],
    ),
  ],
});
const ruleset = buildIptablesRuleset(cluster, TEST_NODE);
const save = renderIptablesSave(ruleset);
const saveText = linesToText(save);

describe('renderIptablesSave', () => {
  it('lists builtin chains with policies, then user chains sorted, per table', () => {
    const nat = saveText.slice(saveText.indexOf('*nat'));
    const chainLines = nat.split('\n').filter((l) => l.startsWith(':'));
    expect(chainLines.slice(0, 4)).toEqual([
      ':PREROUTING ACCEPT [0:0]',
      ':INPUT ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':POSTROUTING ACCEPT [0:0]',
    ]);
    const users = chainLines.slice(4).map((l) => l.split(' ')[0]);
    expect(users).toEqual([...users].sort());
    expect(users).toContain(':KUBE-PROXY-CANARY');
    expect(saveText.startsWith('*mangle\n:PREROUTING ACCEPT [0:0]\n')).toBe(true);
  });

  it('prints options the way iptables-save does (real dumps: PR #114470, issues #47533, #26292)', () => {
    for (const line of [
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
      '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
      '-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
      '-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -j KUBE-SEP-SXIVWICOYRO3J4NJ',
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-SXIVWICOYRO3J4NJ',
      '-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m recent --set --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.1:80',
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
      '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
      '-A OUTPUT -j KUBE-FIREWALL',
    ]) {
      expect(saveText).toContain(`${line}\n`);
    }
    expect(saveText).toMatch(
      /ns2\/svc2 -> 10\.180\.0\.3:80" -m statistic --mode random --probability 0\.33333333349 /,
    );
  });

  it('stores probabilities with 1/2^31 granularity and 11 decimals, as the kernel does', () => {
    expect(kernelProbability('0.5000000000')).toBe('0.50000000000');
    expect(kernelProbability('0.3333333333')).toBe('0.33333333349');
    expect(kernelProbability('0.25000')).toBe('0.25000000000');
    // Real dumps from kube-proxy's old 5-decimal era (issue #26292).
    expect(kernelProbability('0.33333')).toBe('0.33332999982');
    expect(kernelProbability('0.20000')).toBe('0.20000000019');
  });

  it('rejects with the default icmp-port-unreachable', () => {
    const empty = buildIptablesRuleset(
      makeCluster({
        services: [makeService('ns', 'none', [tcpPort('p', 80)], { clusterIP: '172.30.0.9' })],
        endpointSlices: [],
      }),
      TEST_NODE,
    );
    expect(linesToText(renderIptablesSave(empty))).toContain(
      '-A KUBE-SERVICES -d 172.30.0.9/32 -p tcp -m comment --comment "ns/none:p has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable\n',
    );
  });

  it('traces every rule line to its rule id, in both renderings', () => {
    const ids = new Set(ruleset.tables.flatMap((t) => t.chains.flatMap((c) => c.rules.map((r) => r.id))));
    const saveRuleLines = save.filter((l) => l.text.startsWith('-A '));
    expect(saveRuleLines.every((l) => l.ruleId !== undefined && ids.has(l.ruleId))).toBe(true);
    expect(saveRuleLines).toHaveLength(ids.size);
    const restore = renderIptablesRestore(ruleset);
    const restoreRuleLines = restore.filter((l) => l.text.startsWith('-A '));
    expect(restoreRuleLines.every((l) => l.ruleId !== undefined && ids.has(l.ruleId))).toBe(true);
    const line = restore.find((l) => l.ruleId === 'nat/KUBE-SVC-XPGD46QRK7WJZT7O/4');
    expect(line?.text).toBe(
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    );
  });

  it('can add the iptables-save header comments', () => {
    const lines = renderIptablesSave(ruleset, {
      header: { version: 'v1.8.9 (nf_tables)', date: 'Fri May 24 16:10:55 2024' },
    });
    expect(lines[0]?.text).toBe(
      '# Generated by iptables-save v1.8.9 (nf_tables) on Fri May 24 16:10:55 2024',
    );
    expect(lines.at(-1)?.text).toBe('# Completed on Fri May 24 16:10:55 2024');
  });
});
