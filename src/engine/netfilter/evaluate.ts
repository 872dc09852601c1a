/**
 * Walks a packet through one table's hook of a netfilter ruleset, rule by rule, as the kernel's
 * ipt_do_table does: matches are ANDed, `-j CHAIN` pushes a return point, falling off a user chain or
 * `RETURN` pops it, falling off a builtin chain applies its policy, non-terminating targets (MARK, a rule
 * without target) continue, terminating ones (ACCEPT, DROP, REJECT, DNAT, MASQUERADE, REDIRECT) stop.
 */
import type { Rng } from '../rng';
import type { Ipv4Cidr } from './ipv4';
import { cidrContains, parseIPv4, parseIPv4Cidr } from './ipv4';
import type { Chain, CtState, Hook, Match, Packet, Rule, RuleId, Ruleset, Table, TableName } from './types';
import { getTable } from './types';

/** `recent` match lists: list name → source address → time last seen (seconds). Mutated by walks. */
export type RecentTable = Map<string, Map<string, number>>;

export function createRecentTable(): RecentTable {
  return new Map();
}

export interface TraversalContext {
  /** Addresses that are LOCAL to this node for `-m addrtype` (127.0.0.0/8 always is). */
  readonly localAddresses: readonly string[];
  /** Source for `statistic --mode random`. */
  readonly rng: Rng;
  /** State of the `recent` match; updated in place by `--set` and `--reap`. */
  readonly recent?: RecentTable;
  /** The clock for `recent`, in seconds (default 0). */
  readonly now?: number;
  /** The packet's conntrack state (default: the first packet of a connection, NEW). */
  readonly conntrack?: { readonly state: CtState; readonly dnat?: boolean; readonly snat?: boolean };
  /** ipset membership for `-m set` (ipvs mode); without it `-m set` never matches. */
  readonly ipsetContains?: (set: string, packet: Packet, flags: readonly ('src' | 'dst')[]) => boolean;
  /**
   * Called for every rule evaluated, instead of recording `steps` (the result's `steps` is then empty): a
   * packet walking thousands of rules need not allocate a record per rule.
   */
  readonly onRule?: (rule: Rule, matched: boolean) => void;
}

export interface TraversalStep {
  readonly ruleId: RuleId;
  readonly chain: string;
  readonly matched: boolean;
  /** Depth in the jump stack (0 = the builtin chain). */
  readonly depth: number;
}

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT';

export interface TraversalResult {
  readonly table: TableName;
  readonly hook: Hook;
  /** Every rule evaluated, in order. */
  readonly steps: readonly TraversalStep[];
  readonly verdict: Verdict;
  /** The rule whose target decided the verdict; null when the builtin chain's policy did. */
  readonly decidedBy: RuleId | null;
  /** The packet after the walk: DNAT rewrites dst/dport, MARK rewrites the mark. */
  readonly packet: Packet;
  readonly dnat?: { readonly ip: string; readonly port: number; readonly ruleId: RuleId };
  readonly masquerade?: { readonly randomFully: boolean; readonly ruleId: RuleId };
  readonly redirect?: { readonly port: number; readonly ruleId: RuleId };
}

const MAX_STEPS = 1_000_000;
const LOOPBACK: Ipv4Cidr = { base: 0x7f000000, prefix: 8 };

const chainIndexCache = new WeakMap<Table, Map<string, Chain>>();
const cidrCache = new Map<string, Ipv4Cidr | null>();

function chainIndex(table: Table): Map<string, Chain> {
  let index = chainIndexCache.get(table);
  if (!index) {
    index = new Map(table.chains.map((c) => [c.name, c]));
    chainIndexCache.set(table, index);
  }
  return index;
}

function cachedCidr(text: string): Ipv4Cidr | null {
  let cidr = cidrCache.get(text);
  if (cidr === undefined) {
    cidr = parseIPv4Cidr(text);
    cidrCache.set(text, cidr);
  }
  return cidr;
}

/** Packet addresses repeat across thousands of rule checks: parse each text once (bounded cache). */
const addressCache = new Map<string, number | null>();

function cachedAddress(ip: string): number | null {
  let address = addressCache.get(ip);
  if (address === undefined) {
    if (addressCache.size > 50_000) addressCache.clear();
    address = parseIPv4(ip);
    addressCache.set(ip, address);
  }
  return address;
}

const L4_NAME: Readonly<Record<Packet['protocol'], string>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

/** The packet's addresses as numbers, parsed once per packet object (a walk checks them rule after rule). */
let lastPacket: Packet | null = null;
let lastAddresses = { src: null as number | null, dst: null as number | null };

function addressesOf(packet: Packet): { src: number | null; dst: number | null } {
  if (packet !== lastPacket) {
    lastPacket = packet;
    lastAddresses = { src: cachedAddress(packet.src), dst: cachedAddress(packet.dst) };
  }
  return lastAddresses;
}

function inParsedCidr(text: string, address: number | null): boolean {
  const cidr = cachedCidr(text);
  return cidr !== null && address !== null && cidrContains(cidr, address);
}

function isLocalAddress(ip: string, ctx: TraversalContext): boolean {
  const address = cachedAddress(ip);
  if (address !== null && cidrContains(LOOPBACK, address)) return true;
  return ctx.localAddresses.includes(ip);
}

/**
 * xt_statistic random mode: iptables stores lround(p * 2^31) and the kernel matches when
 * (random_u32 & 0x7fffffff) < that value (libxt_statistic.c, net/netfilter/xt_statistic.c).
 */
function statisticMatches(probability: string, rng: Rng): boolean {
  const threshold = Math.round(Number(probability) * 2 ** 31);
  return Math.floor(rng() * 2 ** 31) < threshold;
}

function ctStateMatches(states: readonly CtState[], ctx: TraversalContext): boolean {
  const ct = ctx.conntrack ?? { state: 'NEW' as const };
  return states.some(
    (s) => s === ct.state || (s === 'DNAT' && ct.dnat === true) || (s === 'SNAT' && ct.snat === true),
  );
}

function matchOne(match: Match, packet: Packet, ctx: TraversalContext): boolean {
  switch (match.kind) {
    case 'comment':
    case 'nfacct':
      return true;
    case 'protocol':
      return L4_NAME[packet.protocol] === match.protocol;
    case 'source':
      return inParsedCidr(match.cidr, addressesOf(packet).src) !== (match.negate ?? false);
    case 'destination':
      return inParsedCidr(match.cidr, addressesOf(packet).dst) !== (match.negate ?? false);
    case 'dport':
      return packet.dport === match.port;
    case 'addrtype':
      return isLocalAddress(match.direction === 'src' ? packet.src : packet.dst, ctx);
    case 'mark':
      return (((packet.mark ?? 0) & match.mask) === match.value) !== (match.negate ?? false);
    case 'conntrack':
      return ctStateMatches(match.states, ctx) !== (match.negate ?? false);
    case 'statistic':
      return statisticMatches(match.probability, ctx.rng);
    case 'recent': {
      const now = ctx.now ?? 0;
      const table = ctx.recent;
      if (match.op === 'set') {
        if (table) {
          let list = table.get(match.name);
          if (!list) {
            list = new Map();
            table.set(match.name, list);
          }
          list.set(packet.src, now);
        }
        return true;
      }
      const list = table?.get(match.name);
      if (!list) return false;
      if (match.reap) {
        for (const [addr, seen] of list) if (now - seen > match.seconds) list.delete(addr);
      }
      const seen = list.get(packet.src);
      return seen !== undefined && now - seen <= match.seconds;
    }
    case 'set':
      return (ctx.ipsetContains?.(match.name, packet, match.flags) ?? false) !== (match.negate ?? false);
  }
}

function ruleMatches(rule: Rule, packet: Packet, ctx: TraversalContext): boolean {
  for (const m of rule.matches) if (!matchOne(m, packet, ctx)) return false;
  return true;
}

interface Frame {
  readonly chain: Chain;
  index: number;
}

/**
 * Walks `packet` through `table`'s builtin chain `hook`. Returns every rule evaluated, the verdict, and
 * the rewrite (DNAT / MASQUERADE / REDIRECT / mark) that the matched rules applied.
 */
export function traverse(
  ruleset: Ruleset,
  tableName: TableName,
  hook: Hook,
  packet: Packet,
  ctx: TraversalContext,
): TraversalResult {
  const table = getTable(ruleset, tableName);
  const chains = chainIndex(table);
  const start = chains.get(hook);
  if (!start?.builtin) throw new Error(`${tableName} has no builtin chain ${hook}`);
  const steps: TraversalStep[] = [];
  const onRule = ctx.onRule;
  let evaluated = 0;
  const stack: Frame[] = [{ chain: start, index: 0 }];
  let current: Packet = packet;
  const finish = (
    verdict: Verdict,
    decidedBy: RuleId | null,
    extra: Partial<TraversalResult> = {},
  ): TraversalResult => ({
    table: tableName,
    hook,
    steps,
    verdict,
    decidedBy,
    packet: current,
    ...extra,
  });

  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (!frame) break;
    const rule = frame.chain.rules[frame.index];
    if (!rule) {
      // Fell off the end: a user chain returns, a builtin chain applies its policy.
      stack.pop();
      if (stack.length === 0) return finish(frame.chain.policy === 'DROP' ? 'DROP' : 'ACCEPT', null);
      continue;
    }
    frame.index += 1;
    evaluated += 1;
    if (evaluated > MAX_STEPS) throw new Error(`netfilter walk exceeded ${MAX_STEPS} rule evaluations`);
    const matched = ruleMatches(rule, current, ctx);
    if (onRule) onRule(rule, matched);
    else steps.push({ ruleId: rule.id, chain: rule.chain, matched, depth: stack.length - 1 });
    if (!matched || rule.target === null) continue;
    const target = rule.target;
    switch (target.kind) {
      case 'jump': {
        const next = chains.get(target.chain);
        if (!next) throw new Error(`rule ${rule.id} jumps to missing chain ${target.chain}`);
        if (stack.length > 64) throw new Error(`jump depth exceeded at ${rule.id}`);
        stack.push({ chain: next, index: 0 });
        break;
      }
      case 'return':
        stack.pop();
        if (stack.length === 0) return finish(frame.chain.policy === 'DROP' ? 'DROP' : 'ACCEPT', null);
        break;
      case 'mark': {
        const mark = current.mark ?? 0;
        current = {
          ...current,
          mark: (target.op === 'or' ? mark | target.value : mark ^ target.value) >>> 0,
        };
        break;
      }
      case 'accept':
        return finish('ACCEPT', rule.id);
      case 'drop':
        return finish('DROP', rule.id);
      case 'reject':
        return finish('REJECT', rule.id);
      case 'dnat':
        current = { ...current, dst: target.ip, dport: target.port };
        return finish('ACCEPT', rule.id, { dnat: { ip: target.ip, port: target.port, ruleId: rule.id } });
      case 'masquerade':
        return finish('ACCEPT', rule.id, {
          masquerade: { randomFully: target.randomFully, ruleId: rule.id },
        });
      case 'redirect':
        current = { ...current, dport: target.toPort };
        return finish('ACCEPT', rule.id, { redirect: { port: target.toPort, ruleId: rule.id } });
    }
  }
  return finish('ACCEPT', null);
}
