/**
 * A pod's /etc/hosts as kubelet writes it (pkg/kubelet/kubelet_pods.go `managedHostsFileContent`, shown on
 * kubernetes.io "Adding entries to Pod /etc/hosts with HostAliases"): a header, the IPv4/IPv6 boilerplate, the
 * pod's own address with its hostname (`<hostname>.<subdomain>.<ns>.svc.<domain>` first when a subdomain is
 * set), then — only when hostAliases is non-empty — a blank line, `# Entries added by HostAliases.` and one
 * tab-separated line per alias.
 */
import type { Cluster, Pod } from '../../model/types';

export function podHostsFile(cluster: Cluster, pod: Pod): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const hostname = pod.hostname ?? pod.name;
  if (pod.podIP !== null) {
    if (pod.subdomain !== undefined) {
      const fqdn = `${hostname}.${pod.subdomain}.${pod.namespace}.svc.${cluster.network.clusterDomain}`;
      lines.push(`${pod.podIP}\t${fqdn}\t${hostname}`);
    } else {
      lines.push(`${pod.podIP}\t${hostname}`);
    }
  }
  let text = lines.join('\n') + '\n';
  if (pod.hostAliases.length > 0) {
    text += '\n# Entries added by HostAliases.\n';
    for (const alias of pod.hostAliases) text += `${alias.ip}\t${alias.hostnames.join('\t')}\n`;
  }
  return text;
}

/** Addresses /etc/hosts gives for a name (case-insensitive, first match wins as in glibc's files backend). */
export function lookupHostsFile(hostsFile: string, name: string): string | null {
  const wanted = name.replace(/\.$/, '').toLowerCase();
  for (const raw of hostsFile.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [address, ...names] = line.split(/\s+/);
    if (address !== undefined && names.some((n) => n.toLowerCase() === wanted)) return address;
  }
  return null;
}
