import type { Chain, Match, Origin, Rule, RuleId, Ruleset, Table, TableName, Target } from './types';
import { BUILTIN_CHAINS } from './types';

/**
 * Mutable helper that proxy modes use to write a ruleset the way their real counterpart does (declare a
 * chain, append a rule, prepend an ensured rule), then freeze it into plain `Ruleset` data with stable ids.
 */

interface DraftRule {
  readonly chain: string;
  readonly matches: readonly Match[];
  readonly target: Target | null;
  readonly origin: 'restore' | 'ensured';
  readonly servicePort?: string;
  id?: RuleId;
}

interface DraftChain {
  readonly name: string;
  readonly builtin: boolean;
  origin: Origin;
  declared: boolean;
  readonly rules: DraftRule[];
}

export interface RuleOptions {
  readonly servicePort?: string;
}

export class TableBuilder {
  readonly name: TableName;
  private readonly chains = new Map<string, DraftChain>();
  private readonly declarationOrder: string[] = [];
  private readonly ensuredOrder: string[] = [];
  private readonly restoreRules: DraftRule[] = [];

  constructor(name: TableName) {
    this.name = name;
    for (const hook of BUILTIN_CHAINS[name]) {
      this.chains.set(hook, { name: hook, builtin: true, origin: 'builtin', declared: false, rules: [] });
    }
  }

  /** `:CHAIN - [0:0]` in the restore data (declaring twice is harmless, as in iptables-restore). */
  declareChain(name: string): void {
    const chain = this.draftChain(name);
    if (chain.builtin || chain.declared) return;
    chain.declared = true;
    chain.origin = 'restore';
    this.declarationOrder.push(name);
  }

  /** `iptables -N CHAIN` outside the restore data (EnsureChain). */
  ensureChain(name: string): void {
    const chain = this.draftChain(name);
    if (chain.builtin || chain.declared || this.ensuredOrder.includes(name)) return;
    chain.origin = 'ensured';
    this.ensuredOrder.push(name);
  }

  /** `-A CHAIN <matches> [-j TARGET]` in the restore data. */
  append(chain: string, matches: readonly Match[], target: Target | null, options?: RuleOptions): void {
    const rule: DraftRule = { chain, matches, target, origin: 'restore', servicePort: options?.servicePort };
    this.draftChain(chain).rules.push(rule);
    this.restoreRules.push(rule);
  }

  /** `iptables -I CHAIN 1 …` (EnsureRule with Prepend): the new rule goes on top. */
  prependEnsured(chain: string, matches: readonly Match[], target: Target | null): void {
    this.draftChain(chain).rules.unshift({ chain, matches, target, origin: 'ensured' });
  }

  build(): Table {
    const ensuredOnly = this.ensuredOrder.filter((n) => this.chains.get(n)?.declared !== true);
    const order = [...BUILTIN_CHAINS[this.name], ...this.declarationOrder, ...ensuredOnly];
    const chains: Chain[] = [];
    for (const name of order) {
      const draft = this.chains.get(name);
      if (!draft) continue;
      const rules: Rule[] = draft.rules.map((r, i) => {
        const id = `${this.name}/${name}/${i + 1}`;
        r.id = id;
        const rule: Rule =
          r.servicePort === undefined
            ? {
                id,
                table: this.name,
                chain: name,
                position: i + 1,
                matches: r.matches,
                target: r.target,
                origin: r.origin,
              }
            : {
                id,
                table: this.name,
                chain: name,
                position: i + 1,
                matches: r.matches,
                target: r.target,
                origin: r.origin,
                servicePort: r.servicePort,
              };
        return rule;
      });
      chains.push({
        name,
        builtin: draft.builtin,
        ...(draft.builtin ? { policy: 'ACCEPT' as const } : {}),
        origin: draft.origin,
        rules,
      });
    }
    for (const draft of this.chains.values()) {
      if (!draft.builtin && !draft.declared && !this.ensuredOrder.includes(draft.name)) {
        throw new Error(`${this.name}: rules were added to chain ${draft.name}, which was never created`);
      }
    }
    const restoreOrder = this.restoreRules.map((r) => r.id ?? '');
    return { name: this.name, chains, restoreOrder };
  }

  private draftChain(name: string): DraftChain {
    let chain = this.chains.get(name);
    if (!chain) {
      chain = { name, builtin: false, origin: 'restore', declared: false, rules: [] };
      this.chains.set(name, chain);
    }
    return chain;
  }
}

export function buildRuleset(tables: readonly TableBuilder[]): Ruleset {
  return { tables: tables.map((t) => t.build()) };
}
