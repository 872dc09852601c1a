/**
 * An nftables ruleset as plain, readonly data: the one table kube-proxy's nftables mode owns
 * (`table ip kube-proxy`), with its sets, verdict maps, base chains and regular chains.
 *
 * This is not the iptables model: nftables has no fixed tables or builtin chains. A table holds
 * "base chains" that kube-proxy itself attaches to netfilter hooks with a type and a priority, plus
 * "regular chains" that only run when a rule jumps to them; dispatch happens through verdict-map lookups
 * (`ip daddr . meta l4proto . th dport vmap @service-ips`) instead of long rule lists.
 *
 * The same value is printed by `render/nft.ts` (as `nft list table ip kube-proxy` shows it, and as the
 * `nft -f` transaction knftables sends) and walked by `walk.ts`, so the line the panel lights is the rule
 * that fired.
 */

export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
export type NftChainType = 'filter' | 'nat';
export type NftL4Protocol = 'tcp' | 'udp' | 'sctp';
export type NftAddrField = 'saddr' | 'daddr';

/** `<chain>/<1-based position>` for rules, `@<set>/<key>` for set and map elements. */
export type NftLineId = string;

export type NftVerdict =
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string }
  | { readonly kind: 'return' }
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject' };

/** One part of a concatenated lookup key: `ip daddr`, `meta l4proto`, `th dport`. */
export type NftKeyField = 'daddr' | 'l4proto' | 'dport';

/** One statement of a rule, in the order kube-proxy writes them (evaluation is left to right). */
export type NftStatement =
  /** `ct state new` */
  | { readonly kind: 'ct-state'; readonly state: 'new' }
  /**
   * `ip daddr 10.3.241.152`, `ip saddr != 10.0.0.0/16`, or with an anonymous set
   * `ip saddr != { 203.0.113.0/25 }` (kube-proxy writes braces; nft prints one element without them).
   */
  | {
      readonly kind: 'addr';
      readonly field: NftAddrField;
      readonly values: readonly string[];
      readonly negate?: boolean;
      /**
       * Written as an anonymous set; the value is the separator kube-proxy writes between elements
       * (serviceCIDRs are joined with ","; knftables.Concat spaces the "," tokens of firewall sources).
       */
      readonly anonymousSet?: ',' | ' , ';
    }
  /** `ip daddr @cluster-ips` */
  | { readonly kind: 'addr-in-set'; readonly field: NftAddrField; readonly set: string }
  /** `tcp dport 80` (matches the protocol too) */
  | { readonly kind: 'dport'; readonly protocol: NftL4Protocol; readonly port: number }
  /** `fib saddr type local` / `fib daddr type local` */
  | { readonly kind: 'fib-local'; readonly field: NftAddrField }
  /** `mark and 0x4000 == 0` */
  | { readonly kind: 'mark-zero'; readonly mask: number }
  /** `ip daddr . meta l4proto . th dport vmap @service-ips` */
  | { readonly kind: 'vmap'; readonly key: readonly NftKeyField[]; readonly map: string }
  /** `numgen random mod N vmap { 0 : goto a, 1 : goto b }` */
  | { readonly kind: 'numgen-vmap'; readonly targets: readonly NftVerdict[] }
  /** `mark set mark or 0x4000` / `mark set mark xor 0x4000` */
  | { readonly kind: 'mark-set'; readonly op: 'or' | 'xor'; readonly value: number }
  /** `update @affinity-… { ip saddr }` */
  | { readonly kind: 'update-set'; readonly set: string; readonly field: NftAddrField }
  /** `meta l4proto tcp` */
  | { readonly kind: 'l4proto'; readonly protocol: NftL4Protocol }
  /** `dnat to 10.0.1.2:8080` (a NAT statement ends the base chain with accept) */
  | { readonly kind: 'dnat'; readonly ip: string; readonly port: number }
  /** `masquerade fully-random` */
  | { readonly kind: 'masquerade'; readonly fullyRandom: boolean }
  /** `reject` */
  | { readonly kind: 'reject' }
  /** `jump x`, `goto x`, `return`, `drop`, `accept` */
  | { readonly kind: 'verdict'; readonly verdict: NftVerdict };

export interface NftRule {
  readonly id: NftLineId;
  readonly chain: string;
  /** 1-based position in its chain. */
  readonly position: number;
  readonly statements: readonly NftStatement[];
  readonly comment?: string;
  /** The service port (`ns/svc:port`) the rule was written for, if any. */
  readonly servicePort?: string;
}

export interface NftBaseChainSpec {
  readonly type: NftChainType;
  readonly hook: NftHook;
  /** Numeric priority (dstnat = -100, filter = 0, srcnat = 100). */
  readonly priority: number;
}

export interface NftChain {
  readonly name: string;
  /** Present for base chains (attached to a hook); regular chains only run when jumped to. */
  readonly base?: NftBaseChainSpec;
  readonly comment?: string;
  readonly rules: readonly NftRule[];
}

export type NftKeyType = 'ipv4_addr' | 'inet_proto' | 'inet_service';

export interface NftElement {
  readonly id: NftLineId;
  /** One value per key part, as kube-proxy writes them (`10.3.241.152`, `tcp`, `80`). */
  readonly key: readonly string[];
  /** Maps only. */
  readonly verdict?: NftVerdict;
  readonly comment?: string;
  readonly servicePort?: string;
}

export interface NftSet {
  readonly name: string;
  /** A `map` has a verdict for each key; a `set` only keys. */
  readonly kind: 'set' | 'map';
  readonly keyType: readonly NftKeyType[];
  readonly flags: readonly ('dynamic' | 'timeout')[];
  readonly timeoutSeconds?: number;
  readonly comment?: string;
  /** In the order kube-proxy added them (nft sorts them for display). */
  readonly elements: readonly NftElement[];
}

export interface NftRuleset {
  readonly family: 'ip';
  readonly table: string;
  readonly comment: string;
  /** Sets and maps, in creation order. */
  readonly sets: readonly NftSet[];
  /** Chains, in creation order. */
  readonly chains: readonly NftChain[];
  /** The masquerade mark value (1 << --iptables-masquerade-bit). */
  readonly masqueradeMark: number;
}
