import { describe, expect, it } from 'vitest';
import { nftServiceChainNames } from '../../../../src/engine/proxy/nftables/names';
import { buildNftablesRuleset } from '../../../../src/engine/proxy/nftables/ruleset';
import type { NftRuleset, NftVerdict } from '../../../../src/engine/proxy/nftables/types';
import { renderNftTransaction } from '../../../../src/engine/render/nft';
import { defaultCluster } from '../../../../src/scenarios';
import { makeCluster, makeService, makeSlice, overallTestCluster, tcpPort, TEST_NODE } from '../fixtures';

/**
 * The services of kubernetes/kubernetes pkg/proxy/nftables/proxier_test.go TestOverallNFTablesRules
 * (ClusterIP; LoadBalancer eTP=Local without local endpoints; NodePort; externalIP with two endpoints;
 * LoadBalancer with source ranges and ClientIP affinity; no endpoints).
 */
const p80 = { name: 'p80', protocol: 'TCP' as const, port: 80 };
const overallCluster = overallTestCluster();

/**
 * TestOverallNFTablesRules' expected transaction for kube-proxy v1.33. The stored proxier_test.go we
 * could read is a later (v1.34+) one; two v1.34 changes are reverted here from the v1.33-era proxier.go:
 * PR #132456 (v1.33 has filter-prerouting/-input/-forward/-output at -110 and filter-output-post-dnat
 * at -90 instead of the *-pre-dnat chains and priority 0) and PR #131492 (v1.33's service-chain
 * masquerade rule still matches `tcp dport 80`). Everything else is the test's text.
 */
const expectedV133 = `
add table ip kube-proxy { comment "rules for kube-proxy" ; }

add set ip kube-proxy cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }
add set ip kube-proxy nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }

add map ip kube-proxy firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }
add map ip kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }
add map ip kube-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }
add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }
add map ip kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }

add chain ip kube-proxy cluster-ips-check
add chain ip kube-proxy filter-prerouting { type filter hook prerouting priority -110 ; }
add chain ip kube-proxy filter-input { type filter hook input priority -110 ; }
add chain ip kube-proxy filter-forward { type filter hook forward priority -110 ; }
add chain ip kube-proxy filter-output { type filter hook output priority -110 ; }
add chain ip kube-proxy filter-output-post-dnat { type filter hook output priority -90 ; }
add chain ip kube-proxy firewall-check
add chain ip kube-proxy mark-for-masquerade
add chain ip kube-proxy masquerading
add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }
add chain ip kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ip kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip kube-proxy nodeport-endpoints-check
add chain ip kube-proxy reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }
add chain ip kube-proxy services
add chain ip kube-proxy service-endpoints-check

add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
add rule ip kube-proxy cluster-ips-check ip daddr { 172.30.0.0/16 } drop comment "Drop traffic to unallocated ClusterIPs"
add rule ip kube-proxy filter-prerouting ct state new jump firewall-check
add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check
add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check
add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check
add rule ip kube-proxy filter-input ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump firewall-check
add rule ip kube-proxy filter-output-post-dnat ct state new jump cluster-ips-check
add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips
add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000
add rule ip kube-proxy masquerading mark and 0x4000 == 0 return
add rule ip kube-proxy masquerading mark set mark xor 0x4000
add rule ip kube-proxy masquerading masquerade fully-random
add rule ip kube-proxy nat-output jump services
add rule ip kube-proxy nat-postrouting jump masquerading
add rule ip kube-proxy nat-prerouting jump services
add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ip kube-proxy reject-chain reject
add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports

add element ip kube-proxy nodeport-ips { 192.168.0.2 }
add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services

# svc1
add chain ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80
add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }

add chain ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80
add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 ip saddr 10.180.0.1 jump mark-for-masquerade
add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80

add element ip kube-proxy cluster-ips { 172.30.0.41 }
add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }

# svc2
add chain ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80
add rule ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80 ip daddr 172.30.0.42 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 }
add chain ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80
add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 ip saddr 10.0.0.0/8 goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit pod traffic"
add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"
add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit local traffic"
add chain ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80
add rule ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 ip saddr 10.180.0.2 jump mark-for-masquerade
add rule ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 meta l4proto tcp dnat to 10.180.0.2:80

add element ip kube-proxy cluster-ips { 172.30.0.42 }
add element ip kube-proxy service-ips { 172.30.0.42 . tcp . 80 : goto service-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip kube-proxy service-ips { 192.168.99.22 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip kube-proxy service-ips { 1.2.3.4 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
add element ip kube-proxy service-nodeports { tcp . 3001 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }

add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment "ns2/svc2:p80" : drop }
add element ip kube-proxy no-endpoint-services { 1.2.3.4 . tcp . 80 comment "ns2/svc2:p80" : drop }
add element ip kube-proxy no-endpoint-services { 192.168.99.22 . tcp . 80 comment "ns2/svc2:p80" : drop }

# svc3
add chain ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80
add rule ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80 ip daddr 172.30.0.43 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 }
add chain ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80
add rule ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80 jump mark-for-masquerade
add rule ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80 goto service-4AT6LBPK-ns3/svc3/tcp/p80
add chain ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80
add rule ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade
add rule ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80

add element ip kube-proxy cluster-ips { 172.30.0.43 }
add element ip kube-proxy service-ips { 172.30.0.43 . tcp . 80 : goto service-4AT6LBPK-ns3/svc3/tcp/p80 }
add element ip kube-proxy service-nodeports { tcp . 3003 : goto external-4AT6LBPK-ns3/svc3/tcp/p80 }

# svc4
add chain ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80
add rule ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80 ip daddr 172.30.0.44 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80 numgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 , 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }
add chain ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80
add rule ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80 jump mark-for-masquerade
add rule ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80 goto service-LAUZTJTB-ns4/svc4/tcp/p80
add chain ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80
add rule ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 ip saddr 10.180.0.5 jump mark-for-masquerade
add rule ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 meta l4proto tcp dnat to 10.180.0.5:80
add chain ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80
add rule ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 ip saddr 10.180.0.4 jump mark-for-masquerade
add rule ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 meta l4proto tcp dnat to 10.180.0.4:80

add element ip kube-proxy cluster-ips { 172.30.0.44 }
add element ip kube-proxy service-ips { 172.30.0.44 . tcp . 80 : goto service-LAUZTJTB-ns4/svc4/tcp/p80 }
add element ip kube-proxy service-ips { 192.168.99.33 . tcp . 80 : goto external-LAUZTJTB-ns4/svc4/tcp/p80 }

# svc5
add set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }
add chain ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80
add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 ip daddr 172.30.0.45 tcp dport 80 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80
add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 }
add chain ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80
add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 jump mark-for-masquerade
add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 goto service-HVFWP5L3-ns5/svc5/tcp/p80

add chain ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80
add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade
add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 update @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { ip saddr }
add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80

add chain ip kube-proxy firewall-HVFWP5L3-ns5/svc5/tcp/p80
add rule ip kube-proxy firewall-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr != { 203.0.113.0/25 } drop

add element ip kube-proxy cluster-ips { 172.30.0.45 }
add element ip kube-proxy service-ips { 172.30.0.45 . tcp . 80 : goto service-HVFWP5L3-ns5/svc5/tcp/p80 }
add element ip kube-proxy service-ips { 5.6.7.8 . tcp . 80 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }
add element ip kube-proxy service-nodeports { tcp . 3002 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }
add element ip kube-proxy firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-HVFWP5L3-ns5/svc5/tcp/p80 }

# svc6
add element ip kube-proxy cluster-ips { 172.30.0.46 }
add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }
`;

/** helpers_test.go compares transactions as sorted lines, ignoring blank lines and `#` comments. */
function normalise(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .sort();
}

function verdictTargets(ruleset: NftRuleset): { from: string; verdict: NftVerdict }[] {
  const out: { from: string; verdict: NftVerdict }[] = [];
  for (const chain of ruleset.chains) {
    for (const rule of chain.rules) {
      for (const s of rule.statements) {
        if (s.kind === 'verdict') out.push({ from: rule.id, verdict: s.verdict });
        if (s.kind === 'numgen-vmap') for (const v of s.targets) out.push({ from: rule.id, verdict: v });
      }
    }
  }
  for (const set of ruleset.sets) {
    for (const e of set.elements) if (e.verdict) out.push({ from: e.id, verdict: e.verdict });
  }
  return out;
}

describe('nftables ruleset (pkg/proxy/nftables/proxier.go syncProxyRules)', () => {
  it('writes the transaction proxier_test.go TestOverallNFTablesRules expects (v1.33)', () => {
    const ruleset = buildNftablesRuleset(overallCluster, TEST_NODE);
    const actual = renderNftTransaction(ruleset, { markText: '0x4000' })
      .map((l) => l.text)
      .join('\n');
    expect(normalise(actual)).toEqual(normalise(expectedV133));
  });

  it('declares every chain that a jump, goto or verdict-map element names', () => {
    for (const ruleset of [
      buildNftablesRuleset(overallCluster, TEST_NODE),
      buildNftablesRuleset(defaultCluster(), 'node-1'),
      buildNftablesRuleset(defaultCluster(), 'node-2'),
    ]) {
      const declared = new Set(ruleset.chains.map((c) => c.name));
      const targets = verdictTargets(ruleset);
      expect(targets.length).toBeGreaterThan(10);
      for (const { from, verdict } of targets) {
        if (verdict.kind === 'jump' || verdict.kind === 'goto') {
          expect(declared.has(verdict.chain), `${from} → ${verdict.chain}`).toBe(true);
        }
      }
      // And every set a rule looks up exists.
      const sets = new Set(ruleset.sets.map((s) => s.name));
      for (const chain of ruleset.chains) {
        for (const rule of chain.rules) {
          for (const s of rule.statements) {
            if (s.kind === 'vmap') expect(sets.has(s.map), rule.id).toBe(true);
            if (s.kind === 'addr-in-set' || s.kind === 'update-set')
              expect(sets.has(s.set), rule.id).toBe(true);
          }
        }
      }
    }
  });

  it('gives every rule and element a unique id', () => {
    const ruleset = buildNftablesRuleset(overallCluster, TEST_NODE);
    const ids = [
      ...ruleset.chains.flatMap((c) => c.rules.map((r) => r.id)),
      ...ruleset.sets.flatMap((s) => s.elements.map((e) => e.id)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses the node IP for nodeport-ips by default, and fib daddr type local when NodePorts match all', () => {
    const primary = buildNftablesRuleset(defaultCluster(), 'node-2');
    expect(primary.sets.find((s) => s.name === 'nodeport-ips')?.elements.map((e) => e.key[0])).toEqual([
      '10.100.0.3',
    ]);
    const all = buildNftablesRuleset(overallCluster, TEST_NODE, { nodePortAddresses: 'all' });
    expect(all.sets.some((s) => s.name === 'nodeport-ips')).toBe(false);
    const lines = renderNftTransaction(all).map((l) => l.text);
    expect(lines).toContain(
      'add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports',
    );
    expect(lines).toContain(
      'add rule ip kube-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports',
    );
  });

  it('masquerades all ClusterIP traffic with --masquerade-all and none without a local detector', () => {
    const all = renderNftTransaction(
      buildNftablesRuleset(overallCluster, TEST_NODE, { masqueradeAll: true }),
    );
    expect(all.map((l) => l.text)).toContain(
      'add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 tcp dport 80 jump mark-for-masquerade',
    );
    const none = renderNftTransaction(buildNftablesRuleset(overallCluster, TEST_NODE, { clusterCIDR: null }));
    expect(none.some((l) => l.text.includes('ip daddr 172.30.0.41 tcp dport 80'))).toBe(false);
    // Without a detector the eTP=Local external chain has no pod short-circuit rule.
    expect(none.some((l) => l.text.includes('short-circuit pod traffic'))).toBe(false);
    expect(none.some((l) => l.text.includes('short-circuit local traffic'))).toBe(true);
  });

  it('uses a local- chain for internalTrafficPolicy Local and drops when no local endpoint exists', () => {
    const cluster = makeCluster({
      services: [
        makeService('ns1', 'itp', [tcpPort('p80', 80)], {
          clusterIP: '172.30.0.51',
          internalTrafficPolicy: 'Local',
        }),
        makeService('ns1', 'itp-none', [tcpPort('p80', 80)], {
          clusterIP: '172.30.0.52',
          internalTrafficPolicy: 'Local',
        }),
      ],
      endpointSlices: [
        makeSlice(
          'ns1',
          'itp',
          [
            { ip: '10.180.0.1', nodeName: TEST_NODE },
            { ip: '10.180.1.1', nodeName: 'other-node' },
          ],
          [p80],
        ),
        makeSlice('ns1', 'itp-none', [{ ip: '10.180.1.2', nodeName: 'other-node' }], [p80]),
      ],
    });
    const lines = renderNftTransaction(buildNftablesRuleset(cluster, TEST_NODE)).map((l) => l.text);
    const local = nftServiceChainNames('ns1', 'itp', 'tcp', 'p80').local;
    expect(local).toMatch(/^local-[A-Z2-7]{8}-ns1\/itp\/tcp\/p80$/);
    expect(lines).toContain(
      `add element ip kube-proxy service-ips { 172.30.0.51 . tcp . 80 : goto ${local} }`,
    );
    // No Cluster-policy chain: internal traffic never uses it and the service is not external.
    expect(lines.some((l) => l.startsWith('add chain ip kube-proxy service-') && l.includes('/itp/'))).toBe(
      false,
    );
    expect(lines.filter((l) => l.includes('numgen')).join('\n')).toMatch(
      /local-.*mod 1 vmap \{ 0 : goto endpoint-.*10\.180\.0\.1\/80 \}/,
    );
    expect(lines).toContain(
      'add element ip kube-proxy no-endpoint-services { 172.30.0.52 . tcp . 80 comment "ns1/itp-none:p80" : drop }',
    );
  });
});
