/**
 * The nftables mode as a dataplane: kube-proxy v1.33's `ip kube-proxy` table (ruleset.ts), printed as
 * `nft list table ip kube-proxy` prints it, and walked by packets hook by hook (walk.ts).
 */
import type { Cluster } from '../../../model/types';
import { renderNftList } from '../../render/nft';
import type { NodeDataplane, ProxyModeModule } from '../types';
import type { NftablesRulesetOptions } from './ruleset';
import { buildNftablesRuleset } from './ruleset';
import { NftWalker } from './walk';

export { buildNftablesRuleset } from './ruleset';
export type { NftablesRulesetOptions } from './ruleset';
export { NftWalker } from './walk';

/** The node's own addresses, for `fib saddr type local` (eth0 and the bridge). */
function nodeAddresses(cluster: Cluster, nodeName: string): string[] {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  return node ? [node.internalIP, node.bridge.ip] : [];
}

/** Builds the nftables dataplane of one node; `options` exposes kube-proxy's flags for tests and tours. */
export function buildNftablesDataplane(
  cluster: Cluster,
  nodeName: string,
  options: NftablesRulesetOptions = {},
): NodeDataplane {
  const ruleset = buildNftablesRuleset(cluster, nodeName, options);
  const walker = new NftWalker(ruleset, nodeAddresses(cluster, nodeName));
  let lines: ReturnType<typeof renderNftList> | undefined;
  return {
    mode: 'nftables',
    node: nodeName,
    extraLocalAddresses: [],
    rules: () => {
      lines ??= renderNftList(ruleset);
      return {
        mode: 'nftables',
        node: nodeName,
        sections: [
          {
            command: `nft list table ${ruleset.family} ${ruleset.table}`,
            lines: lines.map((l) => (l.id ? { text: l.text, id: l.id } : { text: l.text })),
          },
        ],
      };
    },
    hook: (hook, packet, ctx) => walker.hook(hook, packet, ctx),
  };
}

export const nftablesMode: ProxyModeModule = {
  mode: 'nftables',
  followsVersion: 'v1.33',
  status: 'GA since v1.33; iptables stays the default',
  build(cluster, nodeName): NodeDataplane {
    return buildNftablesDataplane(cluster, nodeName);
  },
};
