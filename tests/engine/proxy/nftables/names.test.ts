import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { portProtoHash } from '../../../../src/engine/proxy/kubeProxyNames';
import {
  hashAndTruncate,
  nftEndpointNames,
  nftServiceChainNames,
} from '../../../../src/engine/proxy/nftables/names';

/** An independent base32 (RFC 4648) written differently from the module's, for cross-checking. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

function expectedBase(name: string): string {
  return `${base32(createHash('sha256').update(name).digest()).slice(0, 8)}-${name}`;
}

describe('nftables chain names (pkg/proxy/nftables/proxier.go hashAndTruncate)', () => {
  it('reproduces the names in proxier_test.go TestOverallNFTablesRules', () => {
    expect(nftServiceChainNames('ns1', 'svc1', 'tcp', 'p80').cluster).toBe(
      'service-ULMVA6XW-ns1/svc1/tcp/p80',
    );
    expect(nftEndpointNames('ns1', 'svc1', 'tcp', 'p80', '10.180.0.1', 80).chain).toBe(
      'endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
    );
    expect(nftServiceChainNames('ns2', 'svc2', 'TCP', 'p80').external).toBe(
      'external-42NFTM6N-ns2/svc2/tcp/p80',
    );
    expect(nftServiceChainNames('ns5', 'svc5', 'tcp', 'p80').firewall).toBe(
      'firewall-HVFWP5L3-ns5/svc5/tcp/p80',
    );
    expect(nftEndpointNames('ns4', 'svc4', 'tcp', 'p80', '10.180.0.5', 80).chain).toBe(
      'endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80',
    );
    expect(nftEndpointNames('ns5', 'svc5', 'tcp', 'p80', '10.180.0.3', 80).affinitySet).toBe(
      'affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80',
    );
  });

  it('reproduces a real node: kube-dns chains and an unnamed port from an `nft list table ip kube-proxy` dump', () => {
    // The hash covers only namespace/service/protocol/port, so kube-dns chains are the same in every
    // cluster: these three appear verbatim in a dump of a k3s node's table.
    expect(nftServiceChainNames('kube-system', 'kube-dns', 'tcp', 'dns-tcp').cluster).toBe(
      'service-NWBZK7IH-kube-system/kube-dns/tcp/dns-tcp',
    );
    expect(nftServiceChainNames('kube-system', 'kube-dns', 'udp', 'dns').cluster).toBe(
      'service-FY5PMXPG-kube-system/kube-dns/udp/dns',
    );
    expect(nftServiceChainNames('kube-system', 'kube-dns', 'tcp', 'metrics').cluster).toBe(
      'service-AS2KJYAD-kube-system/kube-dns/tcp/metrics',
    );
    expect(nftEndpointNames('kube-system', 'kube-dns', 'tcp', 'dns-tcp', '10.42.0.171', 53).chain).toBe(
      'endpoint-T5HMVMWK-kube-system/kube-dns/tcp/dns-tcp__10.42.0.171/53',
    );
    // An unnamed port leaves an empty last segment.
    expect(nftServiceChainNames('riset', 'hellopod-np-svc', 'tcp', undefined).cluster).toBe(
      'service-P6J77WGM-riset/hellopod-np-svc/tcp/',
    );
    expect(nftEndpointNames('riset', 'hellopod-np-svc', 'tcp', undefined, '10.42.4.201', 8080).chain).toBe(
      'endpoint-VGSZZXMZ-riset/hellopod-np-svc/tcp/__10.42.4.201/8080',
    );
  });

  it('names the default cluster web-svc chains as sha256 + base32 computed independently gives them', () => {
    const web = nftServiceChainNames('default', 'web-svc', 'tcp', 'http');
    expect(web.cluster).toBe('service-WYSHHVPU-default/web-svc/tcp/http');
    expect(web.cluster).toBe(`service-${expectedBase('default/web-svc/tcp/http')}`);
    expect(web.local).toBe('local-WYSHHVPU-default/web-svc/tcp/http');
    expect(nftEndpointNames('default', 'web-svc', 'tcp', 'http', '10.0.1.2', 8080).chain).toBe(
      'endpoint-QFH6WLIB-default/web-svc/tcp/http__10.0.1.2/8080',
    );
    expect(nftEndpointNames('default', 'web-svc', 'tcp', 'http', '10.0.2.2', 8080).chain).toBe(
      `endpoint-${expectedBase('default/web-svc/tcp/http__10.0.2.2/8080')}`,
    );
  });

  it('differs from the iptables names: another input, 8 characters instead of 16', () => {
    // iptables: base32(sha256("default/web-svc:http" + "tcp"))[:16]; nftables: base32(sha256(
    // "default/web-svc/tcp/http"))[:8] followed by the readable name.
    const ipt = portProtoHash('default/web-svc:http', 'tcp');
    expect(ipt).toHaveLength(16);
    expect(ipt.startsWith('WYSHHVPU')).toBe(false);
  });

  it('replaces IPv6 colons and truncates names longer than 240 characters', () => {
    expect(nftEndpointNames('ns', 's', 'tcp', 'p', 'fd00::1', 80).chain).toMatch(/__fd00\.\.1\/80$/);
    const long = `${'a'.repeat(63)}/${'b'.repeat(63)}/tcp/${'c'.repeat(63)}__${'f'.repeat(39)}/65535`;
    const name = hashAndTruncate(long);
    expect(name).toHaveLength(240);
    expect(name.endsWith('...')).toBe(true);
    expect(name.slice(0, 9)).toBe(expectedBase(long).slice(0, 9));
  });
});
