import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildNftablesRuleset } from '../../../src/engine/proxy/nftables/ruleset';
import type { NftRule, NftSet } from '../../../src/engine/proxy/nftables/types';
import {
  nftLinesToText,
  nftPriorityText,
  nftTime,
  renderNftList,
  renderNftRule,
  sortedNftElements,
} from '../../../src/engine/render/nft';
import { defaultCluster } from '../../../src/scenarios';

/**
 * The golden `nft list table ip kube-proxy` of the default cluster's node-1, reviewed line by line
 * against kubernetes/kubernetes pkg/proxy/nftables/proxier_test.go TestOverallNFTablesRules for the same
 * shapes (svc1: one ClusterIP port with the `ip saddr != <cluster CIDR>` masquerade rule; svc4: two
 * endpoints under `numgen random mod 2`; the base chains and their jump rules of the test's baseRules
 * at v1.33), with nft's own spelling of what it prints back (see src/engine/render/nft.ts).
 */
const golden = readFileSync(new URL('../proxy/nftables/default-node-1.nft', import.meta.url), 'utf8');

function set(partial: Partial<NftSet> & Pick<NftSet, 'name' | 'kind' | 'keyType' | 'elements'>): NftSet {
  return { flags: [], ...partial };
}

describe('nft list table ip kube-proxy', () => {
  it('prints the default cluster node-1 table exactly as the reviewed golden', () => {
    const text = nftLinesToText(renderNftList(buildNftablesRuleset(defaultCluster(), 'node-1')));
    expect(text).toBe(golden);
  });

  it('carries the rule id on every rule line and the element id on every map element line', () => {
    const ruleset = buildNftablesRuleset(defaultCluster(), 'node-1');
    const lines = renderNftList(ruleset);
    const ruleIds = ruleset.chains.flatMap((c) => c.rules.map((r) => r.id));
    const lineIds = new Set(lines.flatMap((l) => (l.id ? [l.id] : [])));
    for (const id of ruleIds) expect(lineIds.has(id), id).toBe(true);
    const serviceIps = ruleset.sets.find((s) => s.name === 'service-ips');
    for (const e of serviceIps?.elements ?? []) expect(lineIds.has(e.id), e.id).toBe(true);
    // The line text of a rule is its rendered text, indented by two tabs.
    const byId = new Map(lines.map((l) => [l.id, l.text]));
    for (const chain of ruleset.chains) {
      for (const rule of chain.rules) expect(byId.get(rule.id)).toBe(`\t\t${renderNftRule(rule)}`);
    }
  });

  it('sorts and wraps elements as nft does (a real node dump)', () => {
    // Order and layout of service-ips and cluster-ips in an `nft list` of a k3s node's kube-proxy table.
    const keys = [
      ['10.43.0.10', 'tcp', '53'],
      ['10.43.0.10', 'udp', '53'],
      ['10.43.195.72', 'tcp', '8000'],
      ['10.43.34.64', 'tcp', '3001'],
      ['10.43.0.1', 'tcp', '443'],
      ['10.43.10.165', 'tcp', '443'],
      ['10.43.0.10', 'tcp', '9153'],
      ['10.43.22.243', 'tcp', '4317'],
      ['10.43.22.243', 'tcp', '4318'],
    ];
    const scrambled = [...keys].reverse().map((key, i) => ({
      id: `e${i}`,
      key,
      verdict: { kind: 'goto' as const, chain: `c-${key.join('-')}` },
    }));
    const map = set({
      name: 'm',
      kind: 'map',
      keyType: ['ipv4_addr', 'inet_proto', 'inet_service'],
      elements: scrambled,
    });
    expect(sortedNftElements(map).map((e) => e.key)).toEqual(keys);

    const ips = [
      '10.43.195.72',
      '10.43.0.10',
      '10.43.34.64',
      '10.43.21.102',
      '10.43.0.1',
      '10.43.22.243',
      '10.43.10.165',
    ];
    const clusterIps = set({
      name: 'cluster-ips',
      kind: 'set',
      keyType: ['ipv4_addr'],
      comment: 'Active ClusterIPs',
      elements: ips.map((ip) => ({ id: ip, key: [ip] })),
    });
    const lines = renderNftList({
      family: 'ip',
      table: 't',
      comment: 'c',
      sets: [clusterIps],
      chains: [],
      masqueradeMark: 0x4000,
    }).map((l) => l.text);
    expect(lines.slice(3, 10)).toEqual([
      '\tset cluster-ips {',
      '\t\ttype ipv4_addr',
      '\t\tcomment "Active ClusterIPs"',
      '\t\telements = { 10.43.0.1, 10.43.0.10,',
      '\t\t\t     10.43.10.165, 10.43.21.102,',
      '\t\t\t     10.43.22.243, 10.43.34.64,',
      '\t\t\t     10.43.195.72 }',
    ]);
  });

  it('names priorities only where the name is valid for the hook', () => {
    expect(nftPriorityText(-110, 'prerouting')).toBe('dstnat - 10');
    expect(nftPriorityText(-110, 'input')).toBe('-110');
    expect(nftPriorityText(-90, 'output')).toBe('-90');
    expect(nftPriorityText(-100, 'prerouting')).toBe('dstnat');
    expect(nftPriorityText(-100, 'output')).toBe('-100');
    expect(nftPriorityText(100, 'postrouting')).toBe('srcnat');
    expect(nftPriorityText(0, 'forward')).toBe('filter');
  });

  it('prints affinity sets with nft time units and without the redundant timeout flag', () => {
    expect(nftTime(10800)).toBe('3h');
    expect(nftTime(90)).toBe('1m30s');
    expect(nftTime(86400 + 7200 + 1)).toBe('1d2h1s');
    const lines = renderNftList({
      family: 'ip',
      table: 'kube-proxy',
      comment: 'rules for kube-proxy',
      sets: [
        set({
          name: 'affinity-X',
          kind: 'set',
          keyType: ['ipv4_addr'],
          flags: ['dynamic', 'timeout'],
          timeoutSeconds: 10800,
          elements: [],
        }),
      ],
      chains: [],
      masqueradeMark: 0x4000,
    }).map((l) => l.text);
    expect(lines).toEqual([
      'table ip kube-proxy {',
      '\tcomment "rules for kube-proxy"',
      '',
      '\tset affinity-X {',
      '\t\ttype ipv4_addr',
      '\t\tflags dynamic',
      '\t\ttimeout 3h',
      '\t}',
      '}',
    ]);
  });

  it('prints statements in nft list form and in kube-proxy input form', () => {
    const rule = (statements: NftRule['statements'], comment?: string): NftRule => ({
      id: 'c/1',
      chain: 'c',
      position: 1,
      statements,
      ...(comment ? { comment } : {}),
    });
    const fw = rule([
      {
        kind: 'addr',
        field: 'saddr',
        values: ['192.168.0.0/24', '203.0.113.0/25'],
        negate: true,
        anonymousSet: ' , ',
      },
      { kind: 'verdict', verdict: { kind: 'drop' } },
    ]);
    expect(renderNftRule(fw, 'list')).toBe('ip saddr != { 192.168.0.0/24, 203.0.113.0/25 } drop');
    expect(renderNftRule(fw, 'input')).toBe('ip saddr != { 192.168.0.0/24 , 203.0.113.0/25 } drop');
    const one = rule([
      { kind: 'addr', field: 'saddr', values: ['203.0.113.0/25'], negate: true, anonymousSet: ' , ' },
      { kind: 'verdict', verdict: { kind: 'drop' } },
    ]);
    expect(renderNftRule(one, 'list')).toBe('ip saddr != 203.0.113.0/25 drop');
    const masq = rule([
      { kind: 'mark-zero', mask: 0x4000 },
      { kind: 'verdict', verdict: { kind: 'return' } },
    ]);
    expect(renderNftRule(masq, 'list')).toBe('meta mark & 0x00004000 == 0x00000000 return');
    expect(renderNftRule(masq, 'input')).toBe('mark and 0x00004000 == 0 return');
    const affinity = rule([{ kind: 'update-set', set: 'affinity-X', field: 'saddr' }]);
    expect(renderNftRule(affinity, 'list')).toBe('update @affinity-X { ip saddr }');
    const local = rule(
      [
        { kind: 'fib-local', field: 'saddr' },
        { kind: 'verdict', verdict: { kind: 'jump', chain: 'mark-for-masquerade' } },
      ],
      'masquerade local traffic',
    );
    expect(renderNftRule(local, 'list')).toBe(
      'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"',
    );
  });
});
