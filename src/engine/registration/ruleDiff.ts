/**
 * Rule diffs: which lines of a node's rendered kube-proxy rules (`NodeDataplane.rules()`) appear or vanish
 * between two clusters — what `diff` of two `iptables-save` / `ipvsadm -Ln` / `nft list` dumps would show,
 * read as sets of lines per section rather than as positions.
 */
import type { Cluster, ProxyMode } from '../../model/types';
import { proxyModeModule } from '../proxy/index';
import type { RulesView } from '../proxy/types';
import type { RuleDiff, RuleLine } from './types';

/**
 * The identity of a line for diffing. nft prints a map's elements wrapped over lines, the first behind
 * `elements = {` and each but the last followed by `,`: the same element would otherwise look changed
 * whenever a neighbour comes or goes. ipvsadm pads its columns with trailing spaces.
 */
function lineKey(text: string): string {
  let t = text.trim();
  if (t.startsWith('elements = { ')) t = t.slice('elements = { '.length);
  if (t.endsWith(',')) t = t.slice(0, -1);
  if (t.endsWith(' }') && !t.includes('{')) t = t.slice(0, -2);
  return t;
}

/** Blank lines and lone braces carry no rule of their own. */
const isStructural = (text: string): boolean => /^[\s{}]*$/.test(text);

/** Lines that open a block the following id-less lines belong to: nft blocks, iptables tables, ipsets. */
const isHeader = (t: string): boolean => t.endsWith('{') || t.startsWith('*') || t.startsWith('Name: ');

interface KeyedLine {
  readonly line: RuleLine;
  /** Where the line sits plus what it says: the same text in two nft chains or two ipsets is two lines. */
  readonly key: string;
}

function linesOf(view: RulesView): Map<string, KeyedLine[]> {
  const bySection = new Map<string, KeyedLine[]>();
  for (const section of view.sections) {
    const list = bySection.get(section.command) ?? [];
    bySection.set(section.command, list);
    let header = '';
    for (const line of section.lines) {
      if (isStructural(line.text)) continue;
      const t = line.text.trim();
      // Ids that number rules by position (`nat/KUBE-SERVICES/3`, `<nft chain>/2`) name their chain once the
      // number is cut off; other ids name their object (`ipvs/TCP/10.3.240.10:53`, `@service-ips/…`).
      const context = line.id !== undefined ? line.id.replace(/\/\d+$/, '') : isHeader(t) ? '' : header;
      if (line.id === undefined && isHeader(t)) header = t;
      list.push({
        line: {
          text: line.text,
          ...(line.id !== undefined ? { id: line.id } : {}),
          section: section.command,
        },
        key: `${context}\u0000${lineKey(line.text)}`,
      });
    }
  }
  return bySection;
}

/** Lines of `from` that `to` lacks, counting repeats (a multiset difference), in `from`'s order. */
function missingFrom(from: readonly KeyedLine[], to: readonly KeyedLine[]): RuleLine[] {
  const counts = new Map<string, number>();
  for (const l of to) counts.set(l.key, (counts.get(l.key) ?? 0) + 1);
  const missing: RuleLine[] = [];
  for (const l of from) {
    const left = counts.get(l.key) ?? 0;
    if (left > 0) counts.set(l.key, left - 1);
    else missing.push(l.line);
  }
  return missing;
}

/** The lines added and removed between two renderings of one node's rules. */
export function diffRulesViews(before: RulesView, after: RulesView): RuleDiff {
  const b = linesOf(before);
  const a = linesOf(after);
  const sections = [...new Set([...a.keys(), ...b.keys()])];
  const added = sections.flatMap((s) => missingFrom(a.get(s) ?? [], b.get(s) ?? []));
  const removed = sections.flatMap((s) => missingFrom(b.get(s) ?? [], a.get(s) ?? []));
  return { mode: after.mode, node: after.node, added, removed };
}

/** The diff of one node's rules in one (loaded) kube-proxy mode between two clusters. */
export function diffNodeRules(before: Cluster, after: Cluster, node: string, mode: ProxyMode): RuleDiff {
  const module = proxyModeModule(mode);
  const hasNode = (c: Cluster): boolean => c.nodes.some((n) => n.name === node);
  const empty: RulesView = { mode, node, sections: [] };
  const viewBefore = hasNode(before) ? module.build(before, node).rules() : empty;
  const viewAfter = hasNode(after) ? module.build(after, node).rules() : empty;
  return diffRulesViews(viewBefore, viewAfter);
}
