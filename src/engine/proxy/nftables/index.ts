/**
 * The nftables mode as a dataplane: kube-proxy v1.33's `ip kube-proxy` table (ruleset.ts), printed as
 * `nft list table ip kube-proxy` prints it, and walked by packets hook by hook (walk.ts).
 *
 * The trace engine builds a dataplane per node for every trace; the table, its lookup index and its
 * listing are cached per cluster object (see `nftablesStatic`), the walk state is fresh per dataplane.
 */
import { PROXY_MODE_INFO } from '../modeInfo';
import type { Cluster } from '../../../model/types';
import { renderNftList } from '../../render/nft';
import type { NodeDataplane, ProxyModeModule, RulesSection } from '../types';
import type { NftablesRulesetOptions } from './ruleset';
import { buildNftablesRuleset } from './ruleset';
import type { NftRuleset } from './types';
import { NftRulesetIndex, NftWalker } from './walk';

export { buildNftablesRuleset } from './ruleset';
export type { NftablesRulesetOptions } from './ruleset';
export { NftRulesetIndex, NftWalker } from './walk';

/** The node's own addresses, for `fib saddr type local` (eth0 and the bridge). */
function nodeAddresses(cluster: Cluster, nodeName: string): string[] {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  return node ? [node.internalIP, node.bridge.ip] : [];
}

/** What `build()` shares between the dataplanes of one (cluster object, node, options): nothing mutable. */
export interface NftablesStatic {
  readonly ruleset: NftRuleset;
  readonly index: NftRulesetIndex;
  readonly localAddresses: readonly string[];
  /** The rendered listing, made on the first `rules()` call. */
  sections?: readonly RulesSection[];
}

/**
 * A cluster is immutable data, so a node's table is built once per cluster object, node and set of
 * kube-proxy flags, and shared by every trace; the affinity set entries live in each dataplane's walker.
 */
const cache = new WeakMap<Cluster, Map<string, NftablesStatic>>();

function optionsKey(options: NftablesRulesetOptions): string {
  return JSON.stringify([
    options.clusterCIDR,
    options.masqueradeAll,
    options.masqueradeBit,
    options.nodePortAddresses,
    options.serviceCIDRs,
  ]);
}

/** The static part of a node's nftables dataplane, built on first use for this cluster object. */
export function nftablesStatic(
  cluster: Cluster,
  nodeName: string,
  options: NftablesRulesetOptions = {},
): NftablesStatic {
  let perNode = cache.get(cluster);
  if (!perNode) {
    perNode = new Map();
    cache.set(cluster, perNode);
  }
  const key = `${nodeName}\u0000${optionsKey(options)}`;
  let entry = perNode.get(key);
  if (!entry) {
    const ruleset = buildNftablesRuleset(cluster, nodeName, options);
    entry = {
      ruleset,
      index: new NftRulesetIndex(ruleset),
      localAddresses: nodeAddresses(cluster, nodeName),
    };
    perNode.set(key, entry);
  }
  return entry;
}

function renderSections(ruleset: NftRuleset): RulesSection[] {
  return [
    {
      command: `nft list table ${ruleset.family} ${ruleset.table}`,
      lines: renderNftList(ruleset).map((l) => (l.id ? { text: l.text, id: l.id } : { text: l.text })),
    },
  ];
}

/** The nftables dataplane: the shared table, walked with this dataplane's own affinity set entries. */
export interface NftablesDataplane extends NodeDataplane {
  readonly ruleset: NftRuleset;
}

/** Builds the nftables dataplane of one node; `options` exposes kube-proxy's flags for tests and tours. */
export function buildNftablesDataplane(
  cluster: Cluster,
  nodeName: string,
  options: NftablesRulesetOptions = {},
): NftablesDataplane {
  const shared = nftablesStatic(cluster, nodeName, options);
  const walker = new NftWalker(shared.index, shared.localAddresses);
  return {
    mode: 'nftables',
    node: nodeName,
    ruleset: shared.ruleset,
    extraLocalAddresses: [],
    rules: () => {
      shared.sections ??= renderSections(shared.ruleset);
      return { mode: 'nftables', node: nodeName, sections: shared.sections };
    },
    hook: (hook, packet, ctx) => walker.hook(hook, packet, ctx),
  };
}

export const nftablesMode: ProxyModeModule = {
  mode: 'nftables',
  followsVersion: PROXY_MODE_INFO.nftables.followsVersion,
  status: PROXY_MODE_INFO.nftables.status,
  build(cluster, nodeName): NodeDataplane {
    return buildNftablesDataplane(cluster, nodeName);
  },
};
