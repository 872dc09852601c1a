/**
 * Prints a netfilter `Ruleset` in the two text forms a user meets:
 *
 * - `renderIptablesRestore`: the `iptables-restore --noflush` input kube-proxy writes on a full sync
 *   (pkg/proxy/iptables/proxier.go syncProxyRules): `*filter`, chain lines `:CHAIN - [0:0]`, `-A` rules
 *   in the order kube-proxy emits them, `COMMIT`, then `*nat`. Only rules kube-proxy puts in that blob;
 *   the jump rules in the builtin chains are ensured separately and are not part of it.
 * - `renderIptablesSave`: what `iptables-save` prints on the node afterwards: every table and chain
 *   (builtins with their policy), rules grouped per chain, and options the way iptables prints them back:
 *   `-s/-d` then `-p` first, bare addresses as `/32`, comments always quoted, `--set-xmark`, `recent …
 *   --mask 255.255.255.255 --rsource`, probabilities as the kernel stores them (11 decimals), REJECT with
 *   its default `--reject-with icmp-port-unreachable`. Checked against real dumps in kubernetes/kubernetes
 *   issues #26292, #47533, #61005 and PR #114470 (a kind node's iptables-save).
 *
 * Every line that comes from a rule carries the rule's id so the UI can highlight it.
 */
import { formatFixedLikeGo, formatMarkLikeKubeProxy, joinHostPort } from '../proxy/kubeProxyNames';
import type { Chain, Match, Rule, RuleId, Ruleset, Table, TableName, Target } from '../netfilter/types';

export interface RenderedLine {
  readonly text: string;
  readonly ruleId?: RuleId;
  /** Set on chain declaration lines and rule lines. */
  readonly chain?: string;
  readonly table?: TableName;
}

/** Joins rendered lines into the file text (with a final newline, as both tools write). */
export function linesToText(lines: readonly RenderedLine[]): string {
  return lines.map((l) => `${l.text}\n`).join('');
}

// ---------------------------------------------------------------------------------------------------------
// iptables-restore input, as kube-proxy writes it

/** kube-proxy writes the quotes itself, only around comments that contain spaces. */
function restoreComment(text: string): string {
  return text.includes(' ') ? `"${text}"` : text;
}

function neg(negate: boolean | undefined): string[] {
  return negate ? ['!'] : [];
}

function restoreMatchArgs(m: Match): string[] {
  switch (m.kind) {
    case 'comment':
      return ['-m', 'comment', '--comment', restoreComment(m.text)];
    case 'protocol':
      return ['-m', m.protocol, '-p', m.protocol];
    case 'source':
      return [...neg(m.negate), '-s', m.cidr];
    case 'destination':
      return [...neg(m.negate), '-d', m.cidr];
    case 'dport':
      return ['--dport', String(m.port)];
    case 'addrtype':
      return ['-m', 'addrtype', m.direction === 'src' ? '--src-type' : '--dst-type', m.type];
    case 'mark':
      return [
        '-m',
        'mark',
        ...neg(m.negate),
        '--mark',
        `${formatMarkLikeKubeProxy(m.value)}/${formatMarkLikeKubeProxy(m.mask)}`,
      ];
    case 'conntrack':
      return ['-m', 'conntrack', ...neg(m.negate), '--ctstate', m.states.join(',')];
    case 'statistic':
      return ['-m', 'statistic', '--mode', 'random', '--probability', m.probability];
    case 'recent':
      return m.op === 'set'
        ? ['-m', 'recent', '--name', m.name, '--set']
        : [
            '-m',
            'recent',
            '--name',
            m.name,
            '--rcheck',
            '--seconds',
            String(m.seconds),
            ...(m.reap ? ['--reap'] : []),
          ];
    case 'set':
      return ['-m', 'set', ...neg(m.negate), '--match-set', m.name, m.flags.join(',')];
    case 'nfacct':
      return ['-m', 'nfacct', '--nfacct-name', m.name];
  }
}

function restoreTargetArgs(t: Target | null): string[] {
  if (t === null) return [];
  switch (t.kind) {
    case 'jump':
      return ['-j', t.chain];
    case 'return':
      return ['-j', 'RETURN'];
    case 'accept':
      return ['-j', 'ACCEPT'];
    case 'drop':
      return ['-j', 'DROP'];
    case 'reject':
      return ['-j', 'REJECT'];
    case 'dnat':
      return ['-j', 'DNAT', '--to-destination', joinHostPort(t.ip, t.port)];
    case 'masquerade':
      return ['-j', 'MASQUERADE', ...(t.randomFully ? ['--random-fully'] : [])];
    case 'mark':
      return ['-j', 'MARK', t.op === 'or' ? '--or-mark' : '--xor-mark', formatMarkLikeKubeProxy(t.value)];
    case 'redirect':
      return ['-j', 'REDIRECT', '--to-ports', String(t.toPort)];
  }
}

/** One rule as kube-proxy writes it in restore data: `-A CHAIN <args in kube-proxy's order>`. */
export function renderRestoreRule(rule: Rule): string {
  const args = ['-A', rule.chain];
  for (const m of rule.matches) args.push(...restoreMatchArgs(m));
  args.push(...restoreTargetArgs(rule.target));
  return args.join(' ');
}

/** The tables kube-proxy's restore blob contains, in its order. */
const RESTORE_TABLES: readonly TableName[] = ['filter', 'nat'];

/** The `iptables-restore` input kube-proxy writes for this ruleset (a full sync). */
export function renderIptablesRestore(ruleset: Ruleset): RenderedLine[] {
  const lines: RenderedLine[] = [];
  for (const name of RESTORE_TABLES) {
    const table = ruleset.tables.find((t) => t.name === name);
    if (!table) continue;
    const rules = new Map<RuleId, Rule>();
    for (const chain of table.chains) for (const rule of chain.rules) rules.set(rule.id, rule);
    lines.push({ text: `*${name}`, table: name });
    for (const chain of table.chains) {
      if (chain.origin === 'restore')
        lines.push({ text: `:${chain.name} - [0:0]`, chain: chain.name, table: name });
    }
    for (const id of table.restoreOrder) {
      const rule = rules.get(id);
      if (rule) lines.push({ text: renderRestoreRule(rule), ruleId: id, chain: rule.chain, table: name });
    }
    lines.push({ text: 'COMMIT', table: name });
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------
// iptables-save output

/** iptables prints marks in minimal hex (`0x4000`, `0x0`). */
function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

/** iptables-save escapes `\` and `"` inside the quoted comment. */
function saveComment(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function saveAddress(cidr: string): string {
  return cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}`;
}

/**
 * libxt_statistic stores lround(p * 2^31) and prints that back with "%.11f" (e.g. 0.3333333333 →
 * 0.33333333349, 0.5000000000 → 0.50000000000).
 */
export function kernelProbability(probability: string): string {
  const stored = Math.round(Number(probability) * 2 ** 31);
  return formatFixedLikeGo(stored / 2 ** 31, 11);
}

function saveModuleArgs(m: Match, dport: number | undefined): string[] {
  switch (m.kind) {
    case 'comment':
      return ['-m', 'comment', '--comment', saveComment(m.text)];
    case 'protocol':
      return ['-m', m.protocol, ...(dport !== undefined ? ['--dport', String(dport)] : [])];
    case 'addrtype':
      return ['-m', 'addrtype', m.direction === 'src' ? '--src-type' : '--dst-type', m.type];
    case 'mark':
      return ['-m', 'mark', ...neg(m.negate), '--mark', `${hex(m.value)}/${hex(m.mask)}`];
    case 'conntrack':
      return ['-m', 'conntrack', ...neg(m.negate), '--ctstate', m.states.join(',')];
    case 'statistic':
      return ['-m', 'statistic', '--mode', 'random', '--probability', kernelProbability(m.probability)];
    case 'recent':
      return m.op === 'set'
        ? ['-m', 'recent', '--set', '--name', m.name, '--mask', '255.255.255.255', '--rsource']
        : [
            '-m',
            'recent',
            '--rcheck',
            '--seconds',
            String(m.seconds),
            ...(m.reap ? ['--reap'] : []),
            '--name',
            m.name,
            '--mask',
            '255.255.255.255',
            '--rsource',
          ];
    case 'set':
      return ['-m', 'set', ...neg(m.negate), '--match-set', m.name, m.flags.join(',')];
    case 'nfacct':
      return ['-m', 'nfacct', '--nfacct-name', m.name];
    case 'source':
    case 'destination':
    case 'dport':
      return [];
  }
}

function saveTargetArgs(t: Target | null): string[] {
  if (t === null) return [];
  switch (t.kind) {
    case 'reject':
      return ['-j', 'REJECT', '--reject-with', 'icmp-port-unreachable'];
    case 'mark':
      // --or-mark v is stored as --set-xmark v/v; --xor-mark v as --set-xmark v/0x0.
      return ['-j', 'MARK', '--set-xmark', `${hex(t.value)}/${t.op === 'or' ? hex(t.value) : '0x0'}`];
    default:
      return restoreTargetArgs(t);
  }
}

/** One rule as iptables-save prints it. */
export function renderSaveRule(rule: Rule): string {
  const args = ['-A', rule.chain];
  let source: Match | undefined;
  let destination: Match | undefined;
  let protocol: Match | undefined;
  let dport: number | undefined;
  for (const m of rule.matches) {
    if (m.kind === 'source') source = m;
    else if (m.kind === 'destination') destination = m;
    else if (m.kind === 'protocol') protocol = m;
    else if (m.kind === 'dport') dport = m.port;
  }
  if (source?.kind === 'source') args.push(...neg(source.negate), '-s', saveAddress(source.cidr));
  if (destination?.kind === 'destination')
    args.push(...neg(destination.negate), '-d', saveAddress(destination.cidr));
  if (protocol?.kind === 'protocol') args.push('-p', protocol.protocol);
  for (const m of rule.matches) args.push(...saveModuleArgs(m, dport));
  args.push(...saveTargetArgs(rule.target));
  return args.join(' ');
}

/** Byte-wise comparison, as libiptc sorts user chain names. */
function compareNames(a: Chain, b: Chain): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Table order in the output ([UNCERTAIN]: iptables-save lists tables as the kernel reports them). */
const SAVE_TABLES: readonly TableName[] = ['mangle', 'filter', 'nat'];

export interface SaveOptions {
  /** Adds the `# Generated by …` / `# Completed on …` comment lines with this version and date text. */
  readonly header?: { readonly version: string; readonly date: string };
}

function saveTable(table: Table, options: SaveOptions, lines: RenderedLine[]): void {
  const name = table.name;
  if (options.header) {
    lines.push({ text: `# Generated by iptables-save ${options.header.version} on ${options.header.date}` });
  }
  lines.push({ text: `*${name}`, table: name });
  const builtins = table.chains.filter((c) => c.builtin);
  const users = table.chains.filter((c) => !c.builtin).sort(compareNames);
  for (const c of builtins)
    lines.push({ text: `:${c.name} ${c.policy ?? 'ACCEPT'} [0:0]`, chain: c.name, table: name });
  for (const c of users) lines.push({ text: `:${c.name} - [0:0]`, chain: c.name, table: name });
  for (const c of [...builtins, ...users]) {
    for (const rule of c.rules)
      lines.push({ text: renderSaveRule(rule), ruleId: rule.id, chain: c.name, table: name });
  }
  lines.push({ text: 'COMMIT', table: name });
  if (options.header) lines.push({ text: `# Completed on ${options.header.date}` });
}

/** What `iptables-save` prints for this ruleset. */
export function renderIptablesSave(ruleset: Ruleset, options: SaveOptions = {}): RenderedLine[] {
  const lines: RenderedLine[] = [];
  for (const name of SAVE_TABLES) {
    const table = ruleset.tables.find((t) => t.name === name);
    if (table) saveTable(table, options, lines);
  }
  return lines;
}
