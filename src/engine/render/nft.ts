/**
 * Prints an nftables ruleset (`NftRuleset`) in the two text forms a user meets:
 *
 * - `renderNftList`: what `nft list table ip kube-proxy` prints on the node. Choices, checked against the
 *   nftables sources (src/rule.c table_print / set_print_declaration / chain_print_declaration / prio2str,
 *   src/expression.c calculate_delim, src/mergesort.c) and against a real dump of a kube-proxy v1.32/v1.33
 *   table:
 *   - tabs for indentation; the table comment first, then every set and map, then every chain, each
 *     group in creation order, objects separated by a blank line;
 *   - base chains as `type filter hook input priority -110; policy accept;` — a priority within 10 of a
 *     standard one is named only where that name is valid for the hook (`dstnat - 10` at prerouting,
 *     `srcnat` at postrouting), otherwise printed as a number;
 *   - set declarations in nft's order (type, flags, timeout, comment, elements); the `timeout` flag is
 *     left out when the set has a default timeout, as the nftables source we read does (an older nft
 *     may still print `flags dynamic,timeout` — not verified);
 *   - elements sorted as nft sorts them (plain IPv4 sets numerically; concatenated keys by their bytes
 *     read as one little-endian number, as on x86-64), IPv4 sets two per line, maps one per line;
 *   - statements normalised as nft prints them back: `meta mark set meta mark | 0x00004000`,
 *     `meta mark & 0x00004000 == 0x00000000`, a one-element anonymous set without braces.
 * - `renderNftTransaction`: the `nft -f` input in the form knftables writes it (`add rule ip kube-proxy
 *   <chain> <rule>`), the form pkg/proxy/nftables/proxier_test.go states its expectations in (with
 *   knftables' fake, which prints base-chain priorities as numbers).
 *
 * Every line that shows a rule or a map element carries its id so the UI can light it.
 */
import type {
  NftChain,
  NftElement,
  NftKeyField,
  NftRule,
  NftRuleset,
  NftSet,
  NftStatement,
  NftVerdict,
} from '../proxy/nftables/types';

export interface NftRenderedLine {
  readonly text: string;
  /** The rule or element id the line shows. */
  readonly id?: string;
}

export type NftForm = 'list' | 'input';

const KEY_FIELD_TEXT: Readonly<Record<NftKeyField, string>> = {
  daddr: 'ip daddr',
  l4proto: 'meta l4proto',
  dport: 'th dport',
};

/** nft prints marks as 8 hex digits (`0x00004000`). */
function nftHex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

export function renderNftVerdict(verdict: NftVerdict): string {
  switch (verdict.kind) {
    case 'jump':
    case 'goto':
      return `${verdict.kind} ${verdict.chain}`;
    default:
      return verdict.kind;
  }
}

export interface NftTextOptions {
  /** How the input form writes the masquerade mark (kube-proxy: `0x00004000`; proxier_test.go: `0x4000`). */
  readonly markText?: string;
}

/** One statement, as kube-proxy writes it (`input`) or as nft lists it (`list`). */
export function renderNftStatement(s: NftStatement, form: NftForm, options: NftTextOptions = {}): string {
  const mark = (value: number): string =>
    form === 'list' ? nftHex(value) : (options.markText ?? nftHex(value));
  switch (s.kind) {
    case 'ct-state':
      return `ct state ${s.state}`;
    case 'addr': {
      const op = s.negate ? '!= ' : '';
      let value: string;
      if (s.anonymousSet !== undefined && (form === 'input' || s.values.length > 1)) {
        value = `{ ${s.values.join(form === 'input' ? s.anonymousSet : ', ')} }`;
      } else {
        value = s.values.join(', ');
      }
      return `ip ${s.field} ${op}${value}`;
    }
    case 'addr-in-set':
      return `ip ${s.field} @${s.set}`;
    case 'dport':
      return `${s.protocol} dport ${s.port}`;
    case 'fib-local':
      return `fib ${s.field} type local`;
    case 'mark-zero':
      return form === 'list'
        ? `meta mark & ${nftHex(s.mask)} == ${nftHex(0)}`
        : `mark and ${mark(s.mask)} == 0`;
    case 'vmap':
      return `${s.key.map((k) => KEY_FIELD_TEXT[k]).join(' . ')} vmap @${s.map}`;
    case 'numgen-vmap': {
      const entries = s.targets.map((v, i) => `${i} : ${renderNftVerdict(v)}`);
      return `numgen random mod ${s.targets.length} vmap { ${entries.join(form === 'list' ? ', ' : ' , ')} }`;
    }
    case 'mark-set':
      return form === 'list'
        ? `meta mark set meta mark ${s.op === 'or' ? '|' : '^'} ${nftHex(s.value)}`
        : `mark set mark ${s.op} ${mark(s.value)}`;
    case 'update-set':
      return `update @${s.set} { ip ${s.field} }`;
    case 'l4proto':
      return `meta l4proto ${s.protocol}`;
    case 'dnat':
      return `dnat to ${s.ip}:${s.port}`;
    case 'masquerade':
      return s.fullyRandom ? 'masquerade fully-random' : 'masquerade';
    case 'reject':
      return 'reject';
    case 'verdict':
      return renderNftVerdict(s.verdict);
  }
}

/** A rule's text without indentation (what the rules panel and a WalkedRule show). */
export function renderNftRule(rule: NftRule, form: NftForm = 'list', options: NftTextOptions = {}): string {
  const text = rule.statements.map((s) => renderNftStatement(s, form, options)).join(' ');
  return rule.comment === undefined ? text : `${text} comment "${rule.comment}"`;
}

/** One set or map element: `10.3.241.152 . tcp . 80 : goto service-…`, `tcp . 3001 comment "…" : drop`. */
export function renderNftElement(element: NftElement): string {
  let text = element.key.join(' . ');
  if (element.comment !== undefined) text += ` comment "${element.comment}"`;
  if (element.verdict) text += ` : ${renderNftVerdict(element.verdict)}`;
  return text;
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map((p) => Number(p) & 0xff);
}

const PROTO_NUMBERS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132 };

/**
 * nft's display order (src/mergesort.c): a single value sorts by its number; a concatenation exports
 * each part in its own byte order (addresses and ports big-endian, the 1-byte protocol as is) and
 * reads the whole buffer back as one host-endian (little-endian on x86-64) number.
 *
 * The number is represented as a string of its bytes, most significant first, one char per byte: all
 * keys of a set have the same length, so comparing the strings compares the numbers (and stays cheap
 * for sets with tens of thousands of elements).
 */
function elementSortKey(set: NftSet, element: NftElement): string {
  if (set.keyType.length === 1 && set.keyType[0] === 'ipv4_addr') {
    return String.fromCharCode(...ipv4Bytes(element.key[0] ?? '0.0.0.0'));
  }
  const bytes: number[] = [];
  set.keyType.forEach((type, i) => {
    const part = element.key[i] ?? '';
    if (type === 'ipv4_addr') bytes.push(...ipv4Bytes(part));
    else if (type === 'inet_proto') bytes.push((PROTO_NUMBERS[part] ?? Number(part)) & 0xff);
    else bytes.push((Number(part) >> 8) & 0xff, Number(part) & 0xff);
  });
  // Little-endian: the last byte is the most significant.
  return String.fromCharCode(...bytes.reverse());
}

export function sortedNftElements(set: NftSet): NftElement[] {
  return set.elements
    .map((e) => ({ e, key: elementSortKey(set, e) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((x) => x.e);
}

/** nft's time_print: `3h`, `1d2h`, `90s` → `1m30s`. */
export function nftTime(seconds: number): string {
  let rest = seconds;
  const days = Math.floor(rest / 86400);
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  let out = '';
  if (days > 0) out += `${days}d`;
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0) out += `${minutes}m`;
  if (rest > 0) out += `${rest}s`;
  return out === '' ? '0s' : out;
}

function keyTypeText(set: NftSet): string {
  const key = set.keyType.join(' . ');
  return set.kind === 'map' ? `${key} : verdict` : key;
}

/** Standard priorities (nft prio2str) and the hooks where their names are valid. */
const STD_PRIOS: readonly { value: number; name: string; hooks?: readonly string[] }[] = [
  { value: -300, name: 'raw' },
  { value: -150, name: 'mangle' },
  { value: -100, name: 'dstnat', hooks: ['prerouting'] },
  { value: 0, name: 'filter' },
  { value: 50, name: 'security' },
  { value: 100, name: 'srcnat', hooks: ['postrouting'] },
];

export function nftPriorityText(priority: number, hook: string): string {
  for (const std of STD_PRIOS) {
    const offset = priority - std.value;
    if (Math.abs(offset) <= 10) {
      if (std.hooks && !std.hooks.includes(hook)) break;
      if (offset > 0) return `${std.name} + ${offset}`;
      if (offset < 0) return `${std.name} - ${-offset}`;
      return std.name;
    }
  }
  return String(priority);
}

function listSet(set: NftSet, lines: NftRenderedLine[]): void {
  lines.push({ text: `\t${set.kind} ${set.name} {` });
  lines.push({ text: `\t\ttype ${keyTypeText(set)}` });
  // "timeout" flag is redundant if a default timeout exists (nft src/rule.c).
  const flags = set.flags.filter((f) => !(f === 'timeout' && set.timeoutSeconds !== undefined));
  if (flags.length > 0) lines.push({ text: `\t\tflags ${flags.join(',')}` });
  if (set.timeoutSeconds !== undefined) lines.push({ text: `\t\ttimeout ${nftTime(set.timeoutSeconds)}` });
  if (set.comment !== undefined) lines.push({ text: `\t\tcomment "${set.comment}"` });
  const elements = sortedNftElements(set);
  if (elements.length > 0) {
    // calculate_delim: IPv4 addresses two per line; concatenations and maps one per line.
    const perLine = set.kind === 'set' && set.keyType.length === 1 && set.keyType[0] === 'ipv4_addr' ? 2 : 1;
    for (let i = 0; i < elements.length; i += perLine) {
      const group = elements.slice(i, i + perLine);
      const head = i === 0 ? '\t\telements = { ' : '\t\t\t     ';
      const tail = i + perLine >= elements.length ? ' }' : ',';
      const first = group[0];
      lines.push({
        text: head + group.map(renderNftElement).join(', ') + tail,
        ...(set.kind === 'map' && first ? { id: first.id } : {}),
      });
    }
  }
  lines.push({ text: '\t}' });
}

function listChain(chain: NftChain, lines: NftRenderedLine[]): void {
  lines.push({ text: `\tchain ${chain.name} {` });
  if (chain.comment !== undefined) lines.push({ text: `\t\tcomment "${chain.comment}"` });
  if (chain.base) {
    const { type, hook, priority } = chain.base;
    lines.push({
      text: `\t\ttype ${type} hook ${hook} priority ${nftPriorityText(priority, hook)}; policy accept;`,
    });
  }
  for (const rule of chain.rules) lines.push({ text: `\t\t${renderNftRule(rule, 'list')}`, id: rule.id });
  lines.push({ text: '\t}' });
}

/** What `nft list table ip kube-proxy` prints for this ruleset. */
export function renderNftList(ruleset: NftRuleset): NftRenderedLine[] {
  const lines: NftRenderedLine[] = [{ text: `table ${ruleset.family} ${ruleset.table} {` }];
  lines.push({ text: `\tcomment "${ruleset.comment}"` });
  for (const set of ruleset.sets) {
    lines.push({ text: '' });
    listSet(set, lines);
  }
  for (const chain of ruleset.chains) {
    lines.push({ text: '' });
    listChain(chain, lines);
  }
  lines.push({ text: '}' });
  return lines;
}

/** Joins rendered lines into the text nft prints (with a final newline). */
export function nftLinesToText(lines: readonly NftRenderedLine[]): string {
  return lines.map((l) => `${l.text}\n`).join('');
}

/**
 * The ruleset as `nft -f` transaction lines (`add table …`, `add chain …`, `add set …`, `add rule …`,
 * `add element …`), as knftables' fake prints a transaction.
 */
export function renderNftTransaction(ruleset: NftRuleset, options: NftTextOptions = {}): NftRenderedLine[] {
  const prefix = `${ruleset.family} ${ruleset.table}`;
  const lines: NftRenderedLine[] = [{ text: `add table ${prefix} { comment "${ruleset.comment}" ; }` }];
  for (const chain of ruleset.chains) {
    const parts: string[] = [];
    if (chain.base) {
      parts.push(`type ${chain.base.type} hook ${chain.base.hook} priority ${chain.base.priority} ;`);
    }
    if (chain.comment !== undefined) parts.push(`comment "${chain.comment}" ;`);
    lines.push({ text: `add chain ${prefix} ${chain.name}${parts.length ? ` { ${parts.join(' ')} }` : ''}` });
  }
  for (const set of ruleset.sets) {
    const parts = [`type ${keyTypeText(set)} ;`];
    if (set.flags.length > 0) parts.push(`flags ${set.flags.join(',')} ;`);
    if (set.timeoutSeconds !== undefined) parts.push(`timeout ${set.timeoutSeconds}s ;`);
    if (set.comment !== undefined) parts.push(`comment "${set.comment}" ;`);
    lines.push({ text: `add ${set.kind} ${prefix} ${set.name} { ${parts.join(' ')} }` });
  }
  for (const chain of ruleset.chains) {
    for (const rule of chain.rules) {
      lines.push({
        text: `add rule ${prefix} ${chain.name} ${renderNftRule(rule, 'input', options)}`,
        id: rule.id,
      });
    }
  }
  for (const set of ruleset.sets) {
    for (const element of set.elements) {
      lines.push({
        text: `add element ${prefix} ${set.name} { ${renderNftElement(element)} }`,
        id: element.id,
      });
    }
  }
  return lines;
}
