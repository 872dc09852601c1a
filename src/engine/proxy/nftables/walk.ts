/**
 * Walks packets through an `NftRuleset` with nftables semantics:
 *
 * - at a netfilter hook, every base chain registered there runs in priority order (lower first; nat
 *   chains only for a connection's first packet, as conntrack applies the NAT to the rest itself);
 * - `accept` ends only the current base chain (later base chains at the hook still see the packet);
 *   `drop` and `reject` end the hook; a NAT statement (`dnat`, `masquerade`) accepts;
 * - `jump` pushes a return point, `goto` does not, `return` (or the end of a regular chain) pops, and the
 *   end of a base chain applies its policy (accept);
 * - a verdict-map lookup that finds no element does not match (the rule falls through);
 * - `numgen random mod N` draws from the seeded `ctx.rng`; `update @set { ip saddr }` refreshes an
 *   element with the set's timeout, and `ip saddr @set` matches while it has not expired.
 *
 * Every rule evaluated is reported with the id and text `rules()` prints; a verdict-map element that
 * matched is reported too (its line in the map).
 */
import type { Hook } from '../../netfilter/types';
import { renderNftElement, renderNftRule, renderNftVerdict } from '../../render/nft';
import type { HookContext, HookResult, NfPacket, WalkedRule } from '../types';
import { cidrContainsText } from '../../netfilter/ipv4';
import type { NftChain, NftElement, NftKeyField, NftRule, NftRuleset, NftSet, NftVerdict } from './types';

const HOOK_NAMES: Readonly<Record<Hook, string>> = {
  PREROUTING: 'prerouting',
  INPUT: 'input',
  FORWARD: 'forward',
  OUTPUT: 'output',
  POSTROUTING: 'postrouting',
};

type Terminal = NftVerdict | { readonly kind: 'nat' };

interface RuleOutcome {
  readonly matched: boolean;
  readonly verdict?: Terminal;
  readonly element?: { readonly set: NftSet; readonly element: NftElement };
}

interface WalkState {
  packet: NfPacket;
  dnat?: { ip: string; port: number };
  masquerade: boolean;
  notes: string[];
}

/** Joins a lookup key's parts (kube-proxy's values never contain a NUL). */
function keyString(parts: readonly string[]): string {
  return parts.join('\u0000');
}

/**
 * What a walk needs to know about a ruleset besides the ruleset itself, computed once and shareable
 * between walkers (a cluster is immutable, so the trace engine reuses it across traces): chains and sets
 * by name, the base chains of each hook in priority order, verdict-map and set lookups by key, and the
 * rendered texts of rules and elements. It holds no packet-path state.
 */
export class NftRulesetIndex {
  readonly chains = new Map<string, NftChain>();
  readonly sets = new Map<string, NftSet>();
  readonly tableLabel: string;
  private readonly baseChains = new Map<Hook, readonly NftChain[]>();
  /** Set/map name → key string → element (ensureElem keeps one element per key). */
  private readonly elementsByKey = new Map<string, Map<string, NftElement>>();
  private readonly ruleText = new Map<string, string>();
  private readonly elementText = new Map<string, string>();

  constructor(readonly ruleset: NftRuleset) {
    for (const chain of ruleset.chains) this.chains.set(chain.name, chain);
    for (const set of ruleset.sets) this.sets.set(set.name, set);
    this.tableLabel = `${ruleset.family} ${ruleset.table}`;
  }

  /** The base chains attached to a hook, in the order the kernel runs them (by priority). */
  baseChainsAt(hook: Hook): readonly NftChain[] {
    let chains = this.baseChains.get(hook);
    if (chains === undefined) {
      const name = HOOK_NAMES[hook];
      chains = this.ruleset.chains
        .filter((c) => c.base?.hook === name)
        .map((c, i) => ({ c, i }))
        .sort((a, b) => (a.c.base?.priority ?? 0) - (b.c.base?.priority ?? 0) || a.i - b.i)
        .map((x) => x.c);
      this.baseChains.set(hook, chains);
    }
    return chains;
  }

  /** The element of `setName` whose key is `key`, if any. */
  lookup(setName: string, key: readonly string[]): NftElement | undefined {
    let byKey = this.elementsByKey.get(setName);
    if (byKey === undefined) {
      byKey = new Map();
      for (const element of this.sets.get(setName)?.elements ?? []) {
        const k = keyString(element.key);
        // The first element with a key wins, as a linear lookup would find it.
        if (!byKey.has(k)) byKey.set(k, element);
      }
      this.elementsByKey.set(setName, byKey);
    }
    return byKey.get(keyString(key));
  }

  ruleTextOf(rule: NftRule): string {
    let text = this.ruleText.get(rule.id);
    if (text === undefined) {
      text = renderNftRule(rule, 'list');
      this.ruleText.set(rule.id, text);
    }
    return text;
  }

  elementTextOf(element: NftElement): string {
    let text = this.elementText.get(element.id);
    if (text === undefined) {
      text = renderNftElement(element);
      this.elementText.set(element.id, text);
    }
    return text;
  }
}

export class NftWalker {
  private readonly index: NftRulesetIndex;
  private readonly chains: ReadonlyMap<string, NftChain>;
  private readonly sets: ReadonlyMap<string, NftSet>;
  /** Affinity sets filled from the packet path: set name → source IP → expiry (seconds). Per walker. */
  private readonly dynamicSets = new Map<string, Map<string, number>>();
  private readonly tableLabel: string;

  /** `ruleset` may be an index shared between walkers; each walker has its own affinity set entries. */
  constructor(
    ruleset: NftRuleset | NftRulesetIndex,
    private readonly localAddresses: readonly string[],
  ) {
    this.index = ruleset instanceof NftRulesetIndex ? ruleset : new NftRulesetIndex(ruleset);
    this.chains = this.index.chains;
    this.sets = this.index.sets;
    this.tableLabel = this.index.tableLabel;
  }

  /** The base chains attached to a hook, in the order the kernel runs them (by priority). */
  baseChainsAt(hook: Hook): NftChain[] {
    return [...this.index.baseChainsAt(hook)];
  }

  private walkedRule(rule: NftRule, matched: boolean): WalkedRule {
    return {
      id: rule.id,
      table: this.tableLabel,
      chain: rule.chain,
      text: this.index.ruleTextOf(rule),
      matched,
    };
  }

  private walkedElement(set: NftSet, element: NftElement): WalkedRule {
    return {
      id: element.id,
      table: this.tableLabel,
      chain: `@${set.name}`,
      text: this.index.elementTextOf(element),
      matched: true,
    };
  }

  hook(hook: Hook, packet: NfPacket, ctx: HookContext): HookResult {
    const chains = this.index
      .baseChainsAt(hook)
      .filter((c) => c.base?.type !== 'nat' || ctx.conntrack.state === 'NEW');
    const walked: WalkedRule[] = [];
    const state: WalkState = { packet, masquerade: false, notes: [] };
    let decidedBy: WalkedRule | null = null;
    for (const base of chains) {
      const end = this.runBaseChain(base, state, ctx, walked);
      if (end.decidedBy) decidedBy = end.decidedBy;
      if (end.verdict === 'DROP' || end.verdict === 'REJECT') {
        return {
          hook,
          tables: chains.map((c) => c.name),
          walked,
          decidedBy,
          verdict: end.verdict,
          packet: state.packet,
          summary: [...state.notes, end.verdict === 'DROP' ? 'dropped' : 'rejected'].join('; '),
        };
      }
    }
    return {
      hook,
      tables: chains.map((c) => c.name),
      walked,
      decidedBy,
      verdict: 'ACCEPT',
      packet: state.packet,
      ...(state.dnat ? { dnat: state.dnat } : {}),
      ...(state.masquerade ? { masquerade: true } : {}),
      ...(state.notes.length > 0 ? { summary: state.notes.join('; ') } : {}),
    };
  }

  private runBaseChain(
    base: NftChain,
    state: WalkState,
    ctx: HookContext,
    walked: WalkedRule[],
  ): { verdict: 'ACCEPT' | 'DROP' | 'REJECT'; decidedBy: WalkedRule | null } {
    const stack: { chain: NftChain; index: number }[] = [{ chain: base, index: 0 }];
    let steps = 0;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (!frame) break;
      const rule = frame.chain.rules[frame.index];
      if (rule === undefined) {
        // End of a regular chain returns; end of the base chain applies its policy (accept).
        stack.pop();
        continue;
      }
      frame.index += 1;
      // A loop in the ruleset would be a bug of ours (nft refuses loops); stop rather than hang.
      if (++steps > 10_000) throw new Error(`nftables walk: too many rules at ${base.name}`);
      const outcome = this.evalRule(rule, state, ctx);
      const walkedRule = this.walkedRule(rule, outcome.matched);
      walked.push(walkedRule);
      let decider = walkedRule;
      if (outcome.element) {
        decider = this.walkedElement(outcome.element.set, outcome.element.element);
        walked.push(decider);
      }
      if (!outcome.matched || outcome.verdict === undefined) continue;
      const verdict = outcome.verdict;
      switch (verdict.kind) {
        case 'jump':
        case 'goto': {
          const target = this.chains.get(verdict.chain);
          if (!target) throw new Error(`nftables walk: ${verdict.kind} to undeclared chain ${verdict.chain}`);
          if (verdict.kind === 'jump') stack.push({ chain: target, index: 0 });
          else stack[stack.length - 1] = { chain: target, index: 0 };
          break;
        }
        case 'return':
          stack.pop();
          break;
        case 'accept':
        case 'nat':
          return { verdict: 'ACCEPT', decidedBy: decider };
        case 'drop':
          return { verdict: 'DROP', decidedBy: decider };
        case 'reject':
          return { verdict: 'REJECT', decidedBy: decider };
      }
    }
    return { verdict: 'ACCEPT', decidedBy: null };
  }

  private isLocal(ip: string): boolean {
    return this.localAddresses.includes(ip) || cidrContainsText('127.0.0.0/8', ip);
  }

  private keyOf(field: NftKeyField, packet: NfPacket): string {
    switch (field) {
      case 'daddr':
        return packet.dst;
      case 'l4proto':
        return packet.protocol.toLowerCase();
      case 'dport':
        return String(packet.dport);
    }
  }

  private inSet(setName: string, ip: string, now: number): boolean {
    const dynamic = this.dynamicSets.get(setName);
    if (dynamic) {
      const expires = dynamic.get(ip);
      if (expires !== undefined && expires > now) return true;
    }
    return this.index.lookup(setName, [ip]) !== undefined;
  }

  /** Evaluates the statements left to right; the first one that does not match ends the rule. */
  private evalRule(rule: NftRule, state: WalkState, ctx: HookContext): RuleOutcome {
    let element: RuleOutcome['element'];
    const result = (matched: boolean, verdict?: Terminal): RuleOutcome => ({
      matched,
      ...(verdict ? { verdict } : {}),
      ...(element ? { element } : {}),
    });
    for (const s of rule.statements) {
      const p = state.packet;
      switch (s.kind) {
        case 'ct-state':
          if (ctx.conntrack.state !== 'NEW') return result(false);
          break;
        case 'addr': {
          const ip = s.field === 'saddr' ? p.src : p.dst;
          const inside = s.values.some((cidr) => cidrContainsText(cidr, ip));
          if (inside === Boolean(s.negate)) return result(false);
          break;
        }
        case 'addr-in-set':
          if (!this.inSet(s.set, s.field === 'saddr' ? p.src : p.dst, ctx.now)) return result(false);
          break;
        case 'dport':
          if (p.protocol.toLowerCase() !== s.protocol || p.dport !== s.port) return result(false);
          break;
        case 'fib-local':
          if (!this.isLocal(s.field === 'saddr' ? p.src : p.dst)) return result(false);
          break;
        case 'mark-zero':
          if (((p.mark ?? 0) & s.mask) !== 0) return result(false);
          break;
        case 'l4proto':
          if (p.protocol.toLowerCase() !== s.protocol) return result(false);
          break;
        case 'vmap': {
          const set = this.sets.get(s.map);
          const found = set
            ? this.index.lookup(
                s.map,
                s.key.map((k) => this.keyOf(k, p)),
              )
            : undefined;
          if (!set || !found?.verdict) return result(false);
          element = { set, element: found };
          return result(true, found.verdict);
        }
        case 'numgen-vmap': {
          const n = s.targets.length;
          const index = Math.min(n - 1, Math.floor(ctx.rng() * n));
          const verdict = s.targets[index];
          if (!verdict) return result(false);
          state.notes.push(`numgen random mod ${n} → ${index} (${renderNftVerdict(verdict)})`);
          return result(true, verdict);
        }
        case 'mark-set': {
          const mark = p.mark ?? 0;
          state.packet = { ...p, mark: s.op === 'or' ? (mark | s.value) >>> 0 : (mark ^ s.value) >>> 0 };
          break;
        }
        case 'update-set': {
          const timeout = this.sets.get(s.set)?.timeoutSeconds ?? 0;
          let dynamic = this.dynamicSets.get(s.set);
          if (!dynamic) {
            dynamic = new Map();
            this.dynamicSets.set(s.set, dynamic);
          }
          dynamic.set(s.field === 'saddr' ? p.src : p.dst, ctx.now + timeout);
          break;
        }
        case 'dnat':
          state.packet = { ...p, dst: s.ip, dport: s.port };
          state.dnat = { ip: s.ip, port: s.port };
          state.notes.push(`DNAT ${p.dst}:${p.dport} → ${s.ip}:${s.port}`);
          return result(true, { kind: 'nat' });
        case 'masquerade':
          state.masquerade = true;
          state.notes.push('masquerade (source becomes the outgoing interface address)');
          return result(true, { kind: 'nat' });
        case 'reject':
          return result(true, { kind: 'reject' });
        case 'verdict':
          return result(true, s.verdict);
      }
    }
    // Every statement matched and none was a verdict: evaluation continues with the next rule.
    return result(true);
  }
}
