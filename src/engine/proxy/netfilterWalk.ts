/**
 * Shared by the modes whose rules are iptables rules (iptables, and the iptables half of ipvs and userspace):
 * walks the tables registered at a hook in the kernel's priority order and reports the rules walked with the
 * text the rules panel prints.
 */
import type { RecentTable } from '../netfilter/evaluate';
import { traverse } from '../netfilter/evaluate';
import type { Hook, Rule, Ruleset, TableName } from '../netfilter/types';
import { renderSaveRule } from '../render/iptablesSave';
import type { HookContext, HookResult, NfPacket, WalkedRule } from './types';

/**
 * Tables per hook in priority order (include/uapi/linux/netfilter_ipv4.h: NF_IP_PRI_NAT_DST -100,
 * NF_IP_PRI_FILTER 0, NF_IP_PRI_NAT_SRC 100). The nat table sees only a connection's first packet.
 */
const TABLES_AT_HOOK: Readonly<Record<Hook, readonly TableName[]>> = {
  PREROUTING: ['nat'],
  INPUT: ['filter', 'nat'],
  FORWARD: ['filter'],
  OUTPUT: ['nat', 'filter'],
  POSTROUTING: ['nat'],
};

/** What a walk needs to know about a ruleset besides its rules: an index by id and the rendered texts. */
export class RulesetIndex {
  readonly rulesById = new Map<string, Rule>();
  private readonly textCache = new Map<string, string>();

  constructor(readonly ruleset: Ruleset) {
    for (const table of ruleset.tables)
      for (const chain of table.chains) for (const rule of chain.rules) this.rulesById.set(rule.id, rule);
  }

  private readonly walkedMatched = new Map<string, WalkedRule>();
  private readonly walkedUnmatched = new Map<string, WalkedRule>();

  /** The (immutable, shared) record of a rule walked with this outcome. */
  walked(ruleId: string, matched: boolean): WalkedRule {
    const cache = matched ? this.walkedMatched : this.walkedUnmatched;
    let walked = cache.get(ruleId);
    if (!walked) {
      const rule = this.rulesById.get(ruleId);
      walked = { id: ruleId, table: rule?.table, chain: rule?.chain, text: this.text(ruleId), matched };
      cache.set(ruleId, walked);
    }
    return walked;
  }

  text(ruleId: string): string {
    let text = this.textCache.get(ruleId);
    if (text === undefined) {
      const rule = this.rulesById.get(ruleId);
      text = rule ? renderSaveRule(rule) : ruleId;
      this.textCache.set(ruleId, text);
    }
    return text;
  }
}

export class IptablesWalker {
  private readonly recent: RecentTable = new Map();
  private readonly index: RulesetIndex;
  private readonly ruleset: Ruleset;

  /** `index` may be shared between walkers of the same ruleset; each walker has its own `recent` state. */
  constructor(
    ruleset: Ruleset | RulesetIndex,
    private readonly localAddresses: readonly string[],
  ) {
    this.index = ruleset instanceof RulesetIndex ? ruleset : new RulesetIndex(ruleset);
    this.ruleset = this.index.ruleset;
  }

  text(ruleId: string): string {
    return this.index.text(ruleId);
  }

  private walked(ruleId: string, matched: boolean): WalkedRule {
    return this.index.walked(ruleId, matched);
  }

  hook(hook: Hook, packet: NfPacket, ctx: HookContext): HookResult {
    const tables = TABLES_AT_HOOK[hook].filter(
      (t) => (t !== 'nat' || ctx.conntrack.state === 'NEW') && this.ruleset.tables.some((x) => x.name === t),
    );
    const walked: WalkedRule[] = [];
    let current = packet;
    let decidedBy: WalkedRule | null = null;
    let dnat: HookResult['dnat'];
    let masquerade = false;
    let redirect: HookResult['redirect'];
    for (const table of tables) {
      const result = traverse(this.ruleset, table, hook, current, {
        localAddresses: this.localAddresses,
        rng: ctx.rng,
        recent: this.recent,
        now: ctx.now,
        conntrack: ctx.conntrack,
        onRule: (rule, matched) => walked.push(this.walked(rule.id, matched)),
      });
      current = result.packet;
      if (result.decidedBy !== null) decidedBy = this.walked(result.decidedBy, true);
      if (result.dnat) dnat = { ip: result.dnat.ip, port: result.dnat.port };
      if (result.masquerade) masquerade = true;
      if (result.redirect) redirect = { port: result.redirect.port };
      if (result.verdict !== 'ACCEPT') {
        return { hook, tables, walked, decidedBy, verdict: result.verdict, packet: current };
      }
    }
    return {
      hook,
      tables,
      walked,
      decidedBy,
      verdict: 'ACCEPT',
      packet: current,
      ...(dnat ? { dnat } : {}),
      ...(masquerade ? { masquerade } : {}),
      ...(redirect ? { redirect } : {}),
    };
  }
}
