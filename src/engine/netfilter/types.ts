/**
 * A netfilter ruleset as plain, readonly data.
 *
 * One value serves three readers: `render/` prints it as `iptables-restore` input and as `iptables-save`
 * output, `evaluate.ts` walks a packet through it, and the UI highlights rules by `id`. Matches keep the
 * order in which the program that wrote the rule (kube-proxy) passed its arguments, so that rendering the
 * restore input is a plain left-to-right print; `iptables-save`'s own ordering is derived from it.
 */

export type TableName = 'filter' | 'nat' | 'mangle';

/** The netfilter hooks, i.e. the builtin chains of the iptables tables. */
export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** iptables' lower-case protocol names (`-p tcp`, `-m tcp`). */
export type L4Protocol = 'tcp' | 'udp' | 'sctp';

/** conntrack states the `conntrack --ctstate` match knows (DNAT/SNAT are "virtual" states). */
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED' | 'DNAT' | 'SNAT';

/** `<table>/<chain>/<1-based position in the chain>`, e.g. `nat/KUBE-SVC-XPGD46QRK7WJZT7O/2`. */
export type RuleId = string;

export type Match =
  /** `-m comment --comment <text>` */
  | { readonly kind: 'comment'; readonly text: string }
  /** `-m <proto> -p <proto>` (kube-proxy always loads the protocol's match module explicitly). */
  | { readonly kind: 'protocol'; readonly protocol: L4Protocol }
  /** `[!] -s <cidr>`; a bare address means /32. */
  | { readonly kind: 'source'; readonly cidr: string; readonly negate?: boolean }
  /** `[!] -d <cidr>` */
  | { readonly kind: 'destination'; readonly cidr: string; readonly negate?: boolean }
  /** `--dport <port>` (an option of the protocol match). */
  | { readonly kind: 'dport'; readonly port: number }
  /** `-m addrtype --src-type LOCAL` / `--dst-type LOCAL` */
  | { readonly kind: 'addrtype'; readonly direction: 'src' | 'dst'; readonly type: 'LOCAL' }
  /** `-m mark [!] --mark <value>/<mask>` */
  | { readonly kind: 'mark'; readonly value: number; readonly mask: number; readonly negate?: boolean }
  /** `-m conntrack [!] --ctstate A,B` */
  | { readonly kind: 'conntrack'; readonly states: readonly CtState[]; readonly negate?: boolean }
  /**
   * `-m statistic --mode random --probability <p>`; `probability` is the text as the rule writer
   * formatted it (kube-proxy: `%0.10f`).
   */
  | { readonly kind: 'statistic'; readonly probability: string }
  /** `-m recent --name <list> --rcheck --seconds <s> --reap` */
  | {
      readonly kind: 'recent';
      readonly op: 'rcheck';
      readonly name: string;
      readonly seconds: number;
      readonly reap: boolean;
    }
  /** `-m recent --name <list> --set` */
  | { readonly kind: 'recent'; readonly op: 'set'; readonly name: string }
  /** `-m set [!] --match-set <set> <flags>` (ipsets, used by the ipvs mode). */
  | {
      readonly kind: 'set';
      readonly name: string;
      readonly flags: readonly ('src' | 'dst')[];
      readonly negate?: boolean;
    }
  /** `-m nfacct --nfacct-name <counter>`: counts, always matches. */
  | { readonly kind: 'nfacct'; readonly name: string };

export type Target =
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'return' }
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'dnat'; readonly ip: string; readonly port: number }
  | { readonly kind: 'masquerade'; readonly randomFully: boolean }
  /** `-j MARK --or-mark v` / `--xor-mark v` */
  | { readonly kind: 'mark'; readonly op: 'or' | 'xor'; readonly value: number }
  | { readonly kind: 'redirect'; readonly toPort: number };

/**
 * Where a rule or chain comes from. `restore`: part of the `iptables-restore` data kube-proxy writes on
 * each sync. `ensured`: created one at a time with `iptables -N` / `iptables -I` (EnsureChain/EnsureRule,
 * `Prepend`) on a full sync, so it is not in the restore blob.
 */
export type Origin = 'builtin' | 'restore' | 'ensured';

export interface Rule {
  readonly id: RuleId;
  readonly table: TableName;
  readonly chain: string;
  /** 1-based, as `iptables -L --line-numbers` counts. */
  readonly position: number;
  readonly matches: readonly Match[];
  /** null for a rule without `-j` (it only counts packets; evaluation continues). */
  readonly target: Target | null;
  readonly origin: 'restore' | 'ensured';
  /** The service port (`ns/svc:port`) the rule was written for, if any. */
  readonly servicePort?: string;
}

export interface Chain {
  readonly name: string;
  readonly builtin: boolean;
  /** Builtin chains only. */
  readonly policy?: 'ACCEPT' | 'DROP';
  /** `restore`: declared with a `:CHAIN - [0:0]` line in the restore blob. */
  readonly origin: Origin;
  readonly rules: readonly Rule[];
}

export interface Table {
  readonly name: TableName;
  /** Builtin chains in hook order, then user chains in the order they were declared. */
  readonly chains: readonly Chain[];
  /** Ids of the `restore` rules in the order the writer emitted them (rules of one chain may interleave). */
  readonly restoreOrder: readonly RuleId[];
}

export interface Ruleset {
  readonly tables: readonly Table[];
}

/** A packet as the netfilter walk sees it. */
export interface Packet {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly src: string;
  readonly sport: number;
  readonly dst: string;
  readonly dport: number;
  /** The skb mark (nfmark); 0 when absent. */
  readonly mark?: number;
}

/** The builtin chains of each table, in hook order (as iptables-save lists them). */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly Hook[]>> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
};

/** Finds a table of a ruleset; throws when the ruleset has no such table. */
export function getTable(ruleset: Ruleset, name: TableName): Table {
  const table = ruleset.tables.find((t) => t.name === name);
  if (!table) throw new Error(`ruleset has no ${name} table`);
  return table;
}

/** Finds a chain of a table, or undefined. */
export function findChain(table: Table, name: string): Chain | undefined {
  return table.chains.find((c) => c.name === name);
}
