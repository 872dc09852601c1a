/**
 * A pod's /etc/resolv.conf as kubelet asks the runtime to write it.
 *
 * kubelet (pkg/kubelet/network/dns/dns.go, `GetPodDNS`) picks the base by dnsPolicy:
 * - ClusterFirst (the default) and ClusterFirstWithHostNet: nameservers = only the cluster DNS IPs,
 *   searches = `<ns>.svc.<domain> svc.<domain> <domain>` then the node's own search domains (duplicates
 *   omitted, `generateSearchesForDNSClusterFirst`), options = `ndots:5` (`defaultDNSOptions`).
 *   ClusterFirst on a hostNetwork pod falls back to Default.
 * - Default: the node's resolv.conf.  - None: nothing but the pod's dnsConfig.
 * Then `appendDNSConfig` adds the pod's dnsConfig (nameservers/searches appended without duplicates; options
 * merged by name, the pod's value winning) and `formDNSConfigFitsLimits` truncates to 3 nameservers
 * (validation.MaxDNSNameservers) and 32 search paths (MaxDNSSearchPaths with ExpandedDNSConfig, GA in v1.28).
 * containerd writes the file as `search`, `nameserver` lines, `options` (pkg/cri … `parseDNSOptions`).
 */
import type { Cluster, Pod } from '../../model/types';

export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly searches: readonly string[];
  /** `name` or `name:value`, e.g. `ndots:5`. */
  readonly options: readonly string[];
  /** Which rule produced the base configuration, for explanations. */
  readonly basedOn: 'cluster-dns' | 'node' | 'none';
}

const MAX_NAMESERVERS = 3; // validation.MaxDNSNameservers
const MAX_SEARCH_PATHS = 32; // validation.MaxDNSSearchPaths (ExpandedDNSConfig)
const DEFAULT_DNS_OPTIONS = ['ndots:5'];

/**
 * The node's own resolv.conf. Kubernetes does not manage it; kube-netviz assumes nodes resolve through the
 * router/gateway of the node network and carry no search domains.
 */
export function nodeResolvConf(cluster: Cluster): ResolvConf {
  return { nameservers: [cluster.network.router.ip], searches: [], options: [], basedOn: 'node' };
}

export function podResolvConf(cluster: Cluster, pod: Pod): ResolvConf {
  const { network } = cluster;
  const host = nodeResolvConf(cluster);
  const usesClusterDns =
    pod.dnsPolicy === 'ClusterFirstWithHostNet' || (pod.dnsPolicy === 'ClusterFirst' && !pod.hostNetwork);

  let base: ResolvConf;
  if (pod.dnsPolicy === 'None') {
    base = { nameservers: [], searches: [], options: [], basedOn: 'none' };
  } else if (usesClusterDns) {
    const domain = network.clusterDomain;
    const clusterSearch = [`${pod.namespace}.svc.${domain}`, `svc.${domain}`, domain];
    base = {
      nameservers: [network.dnsServiceIP],
      searches: omitDuplicates([...clusterSearch, ...host.searches]),
      options: DEFAULT_DNS_OPTIONS,
      basedOn: 'cluster-dns',
    };
  } else {
    base = host;
  }

  const extra = pod.dnsConfig;
  const merged: ResolvConf = extra
    ? {
        nameservers: omitDuplicates([...base.nameservers, ...extra.nameservers]),
        searches: omitDuplicates([...base.searches, ...extra.searches]),
        options: mergeOptions(
          base.options,
          extra.options.map((o) => (o.value === undefined ? o.name : `${o.name}:${o.value}`)),
        ),
        basedOn: base.basedOn,
      }
    : base;

  return {
    ...merged,
    nameservers: merged.nameservers.slice(0, MAX_NAMESERVERS),
    searches: merged.searches.slice(0, MAX_SEARCH_PATHS),
  };
}

function omitDuplicates(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** kubelet's mergeDNSOptions: options keyed by name; a later value replaces an earlier one. */
function mergeOptions(base: readonly string[], extra: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const option of [...base, ...extra]) byName.set(option.split(':')[0] ?? option, option);
  return [...byName.values()];
}

/** The file's text as containerd writes it. */
export function renderResolvConf(rc: ResolvConf): string {
  let text = '';
  if (rc.searches.length > 0) text += `search ${rc.searches.join(' ')}\n`;
  for (const ns of rc.nameservers) text += `nameserver ${ns}\n`;
  if (rc.options.length > 0) text += `options ${rc.options.join(' ')}\n`;
  return text;
}
