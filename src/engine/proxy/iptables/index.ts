/**
 * The iptables mode as a dataplane: kube-proxy v1.33's rules (ruleset.ts), printed as `iptables-save`
 * prints them, and walked by packets hook by hook.
 */
import { PROXY_MODE_INFO } from '../modeInfo';
import type { Cluster } from '../../../model/types';
import { renderIptablesSave } from '../../render/iptablesSave';
import { IptablesWalker, RulesetIndex } from '../netfilterWalk';
import type { NodeDataplane, ProxyModeModule } from '../types';
import { buildIptablesRuleset } from './ruleset';

export function nodeAddresses(cluster: Cluster, nodeName: string): string[] {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  return node ? [node.internalIP, node.bridge.ip] : [];
}

/**
 * A cluster is immutable data, so a node's ruleset is built once per cluster object and shared by every
 * trace; the walk state (`recent` lists) is per dataplane.
 */
const cache = new WeakMap<Cluster, Map<string, RulesetIndex>>();

function cachedIndex(cluster: Cluster, nodeName: string): RulesetIndex {
  let perNode = cache.get(cluster);
  if (!perNode) {
    perNode = new Map();
    cache.set(cluster, perNode);
  }
  let index = perNode.get(nodeName);
  if (!index) {
    index = new RulesetIndex(buildIptablesRuleset(cluster, nodeName));
    perNode.set(nodeName, index);
  }
  return index;
}

export const iptablesMode: ProxyModeModule = {
  mode: 'iptables',
  followsVersion: PROXY_MODE_INFO.iptables.followsVersion,
  status: PROXY_MODE_INFO.iptables.status,
  build(cluster, nodeName): NodeDataplane {
    const index = cachedIndex(cluster, nodeName);
    const ruleset = index.ruleset;
    const walker = new IptablesWalker(index, nodeAddresses(cluster, nodeName));
    return {
      mode: 'iptables',
      node: nodeName,
      extraLocalAddresses: [],
      rules: () => ({
        mode: 'iptables',
        node: nodeName,
        sections: [
          {
            command: 'iptables-save',
            lines: renderIptablesSave(ruleset).map((l) =>
              l.ruleId ? { text: l.text, id: l.ruleId } : { text: l.text },
            ),
          },
        ],
      }),
      hook: (hook, packet, ctx) => walker.hook(hook, packet, ctx),
    };
  },
};
