import { describe, expect, it } from 'vitest';
import { lookupHostsFile, podHostsFile } from '../../../src/engine/dns/hostsFile';
import type { Pod } from '../../../src/model/types';
import { defaultCluster } from '../../../src/scenarios';

const cluster = defaultCluster();
const client = cluster.pods.find((p) => p.name === 'client') as Pod;

describe("kubelet's /etc/hosts", () => {
  it('writes the boilerplate and the pod line, without a HostAliases block when there are none', () => {
    const text = podHostsFile(cluster, client);
    expect(text.startsWith('# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n')).toBe(true);
    expect(text.endsWith('10.0.1.3\tclient\n')).toBe(true);
    expect(text).not.toContain('HostAliases');
  });

  it('appends one tab-separated line per host alias after a blank line and a header', () => {
    const text = podHostsFile(cluster, {
      ...client,
      hostAliases: [
        { ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] },
        { ip: '10.1.2.3', hostnames: ['foo.remote', 'bar.remote'] },
      ],
    });
    expect(text).toContain(
      '10.0.1.3\tclient\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\tbar.remote\n',
    );
    expect(lookupHostsFile(text, 'FOO.remote.')).toBe('10.1.2.3');
    expect(lookupHostsFile(text, 'web-svc')).toBeNull();
  });

  it('uses the FQDN first for a pod with hostname and subdomain', () => {
    const text = podHostsFile(cluster, { ...client, hostname: 'c-0', subdomain: 'clients' });
    expect(text).toContain('10.0.1.3\tc-0.clients.default.svc.cluster.local\tc-0\n');
  });
});
