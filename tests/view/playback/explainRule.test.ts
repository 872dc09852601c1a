import { describe, expect, it } from 'vitest';
import { explainRule, iptablesWords } from '../../../src/view/playback/explainRule';

const iptables = (lines: string[]) => ({ command: 'iptables-save', lines });

describe('explainRule', () => {
  const svc =
    '-A KUBE-SVC-PTLCMKNPGPYGWWY5 -m comment --comment "default/web-svc:http -> 10.0.1.2:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-Y6XDWJ53RIIYIGWP';
  const sep =
    '-A KUBE-SEP-Y6XDWJ53RIIYIGWP -p tcp -m comment --comment "default/web-svc:http" -m tcp -j DNAT --to-destination 10.0.1.2:8080';

  it('keeps quoted comments together', () => {
    expect(iptablesWords(svc)).toContain('default/web-svc:http -> 10.0.1.2:8080');
  });

  it('explains the statistic jump to an endpoint chain and the DNAT it leads to', () => {
    const text = explainRule(svc, iptables([svc, sep]));
    expect(text).toContain('In chain KUBE-SVC-PTLCMKNPGPYGWWY5');
    expect(text).toContain('50% of the new connections that get here (probability 0.50000000000)');
    expect(text).toContain('jump to KUBE-SEP-Y6XDWJ53RIIYIGWP, which DNATs to 10.0.1.2:8080');
  });

  it('explains DNAT, the masquerade mark and RETURN for unmarked packets', () => {
    expect(explainRule(sep, iptables([]))).toContain('destination rewritten to 10.0.1.2:8080 (DNAT)');
    expect(
      explainRule('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN', iptables([])),
    ).toContain("without kube-proxy's masquerade mark — leave this chain unchanged (RETURN)");
    expect(explainRule('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000', iptables([]))).toContain(
      'masquerade mark 0x4000',
    );
    expect(explainRule(':KUBE-SERVICES - [0:0]', iptables([]))).toContain('Declares the chain KUBE-SERVICES');
  });

  it('explains ipvsadm virtual and real servers', () => {
    const ctx = { command: 'ipvsadm -Ln', lines: [] };
    expect(explainRule('TCP  10.3.241.152:80 rr', ctx)).toContain(
      'Virtual server TCP 10.3.241.152:80: IPVS intercepts connections to this address and picks a real server by round robin (rr)',
    );
    expect(explainRule('  -> 10.0.2.2:8080                Masq    1      0          0', ctx)).toContain(
      'Real server 10.0.2.2:8080',
    );
  });

  it('explains nft numgen maps and masquerade marks', () => {
    const ctx = { command: 'nft list table ip kube-proxy', lines: [] };
    const numgen = '\t\tnumgen random mod 2 vmap { 0 : goto endpoint-A, 1 : goto endpoint-B }';
    expect(explainRule(numgen, ctx)).toContain('each of the 2 endpoints gets 1/2 of the connections');
    expect(explainRule('\t\tmeta mark & 0x00004000 == 0x00000000 return', ctx)).toContain(
      "without kube-proxy's masquerade mark 0x00004000 leave this chain unchanged",
    );
    expect(
      explainRule(
        '\t\tip daddr 10.3.241.152 tcp dport 80 ip saddr != 10.0.0.0/16 jump mark-for-masquerade',
        ctx,
      ),
    ).toContain('When the source is not 10.0.0.0/16 and the destination is 10.3.241.152');
  });

  it('falls back to a generic sentence', () => {
    expect(explainRule('something else', { command: 'ss -ltunp', lines: [] })).toBe(
      'A line of `ss -ltunp` output.',
    );
  });
});
