import { describe, expect, it } from 'vitest';
import type { IpsetView } from '../../../src/engine/proxy/ipvs/ipsets';
import { ipsetDefinition } from '../../../src/engine/proxy/ipvs/ipsets';
import type { IpvsVirtualServer } from '../../../src/engine/proxy/ipvs/virtualServers';
import {
  formatRealServerLine,
  formatVirtualServerLine,
  renderIpAddrShow,
  renderIpsetList,
  renderIpvsadmList,
} from '../../../src/engine/render/ipvsadm';

function vs(
  protocol: IpvsVirtualServer['protocol'],
  ip: string,
  port: number,
  extra: Partial<IpvsVirtualServer> = {},
): IpvsVirtualServer {
  const id = `ipvs/${protocol}/${ip}:${port}`;
  return {
    id,
    protocol,
    ip,
    port,
    scheduler: 'rr',
    schedulerFlags: [],
    servicePort: 'ns/svc',
    kind: 'ClusterIP',
    onlyLocal: false,
    localFallback: false,
    realServers: [],
    ...extra,
  };
}

const rs = (vsId: string, ip: string, port: number) => ({
  id: `${vsId}/${ip}:${port}`,
  ip,
  port,
  weight: 1,
  forward: 'Masq' as const,
  isLocal: false,
});

describe('ipvsadm -Ln', () => {
  it('reproduces the column layout of a real dump (kubernetes/website PR #8652)', () => {
    expect(
      formatRealServerLine(rs('x', '172.17.0.2', 937), { activeConns: 0, inactConns: 0 }).trimEnd(),
    ).toBe('  -> 172.17.0.2:937               Masq    1      0          0');
    expect(formatRealServerLine(rs('x', '192.168.0.1', 6443), { activeConns: 1, inactConns: 0 })).toBe(
      '  -> 192.168.0.1:6443             Masq    1      1          0         ',
    );
  });

  it('prints flags: persistent timeout, and mh-port for mh', () => {
    expect(formatVirtualServerLine(vs('TCP', '10.0.0.1', 443, { persistentTimeout: 10800 }))).toBe(
      'TCP  10.0.0.1:443 rr persistent 10800',
    );
    expect(
      formatVirtualServerLine(
        vs('TCP', '10.0.0.1', 80, { scheduler: 'mh', schedulerFlags: ['mh-port'], persistentTimeout: 300 }),
      ),
    ).toBe('TCP  10.0.0.1:80 mh (mh-port) persistent 300');
    expect(formatVirtualServerLine(vs('SCTP', '10.0.2.15', 31514))).toBe('SCTP 10.0.2.15:31514 rr');
  });

  it('sorts services by protocol number, then numeric address and port, and destinations numerically', () => {
    const a = vs('UDP', '10.96.0.10', 53);
    const b = vs('TCP', '10.96.0.10', 9153);
    const c = vs('TCP', '10.96.0.10', 53, {
      realServers: [
        rs('ipvs/TCP/10.96.0.10:53', '10.0.0.10', 53),
        rs('ipvs/TCP/10.96.0.10:53', '10.0.0.9', 53),
      ],
    });
    const d = vs('TCP', '10.96.0.9', 80);
    const lines = renderIpvsadmList([a, b, c, d]);
    expect(lines.slice(0, 3).map((l) => l.text)).toEqual([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    ]);
    expect(lines.slice(3).map((l) => l.text.trimEnd())).toEqual([
      'TCP  10.96.0.9:80 rr',
      'TCP  10.96.0.10:53 rr',
      '  -> 10.0.0.9:53                  Masq    1      0          0',
      '  -> 10.0.0.10:53                 Masq    1      0          0',
      'TCP  10.96.0.10:9153 rr',
      'UDP  10.96.0.10:53 rr',
    ]);
    expect(lines[4]?.id).toBe('ipvs/TCP/10.96.0.10:53');
    expect(lines[5]?.id).toBe('ipvs/TCP/10.96.0.10:53/10.0.0.9:53');
  });
});

describe('ipset list and ip addr show', () => {
  it('lists sets as the ipset tool does, a blank line between them', () => {
    const sets: IpsetView[] = [
      { definition: ipsetDefinition('KUBE-CLUSTER-IP'), members: ['10.96.0.10,udp:53'] },
      { definition: ipsetDefinition('KUBE-NODE-PORT-TCP'), members: ['30080'] },
    ];
    const text = renderIpsetList(sets, (name) => (name === 'KUBE-CLUSTER-IP' ? 3 : 1)).map((l) => l.text);
    expect(text).toEqual([
      'Name: KUBE-CLUSTER-IP',
      'Type: hash:ip,port',
      'Revision: 5',
      'Header: family inet hashsize 1024 maxelem 65536',
      expect.stringMatching(/^Size in memory: \d+$/),
      'References: 3',
      'Number of entries: 1',
      'Members:',
      '10.96.0.10,udp:53',
      '',
      'Name: KUBE-NODE-PORT-TCP',
      'Type: bitmap:port',
      'Revision: 3',
      'Header: range 0-65535',
      'Size in memory: 8268',
      'References: 1',
      'Number of entries: 1',
      'Members:',
      '30080',
    ]);
  });

  it('shows kube-ipvs0 down, NOARP, one /32 per address', () => {
    const lines = renderIpAddrShow({
      name: 'kube-ipvs0',
      index: 4,
      mac: 'f6:d3:81:de:4e:6c',
      addresses: ['10.43.243.197'],
    });
    expect(lines.map((l) => l.text)).toEqual([
      '4: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default',
      '    link/ether f6:d3:81:de:4e:6c brd ff:ff:ff:ff:ff:ff',
      '    inet 10.43.243.197/32 scope global kube-ipvs0',
      '       valid_lft forever preferred_lft forever',
    ]);
    expect(lines[2]?.id).toBe('kube-ipvs0/10.43.243.197');
  });
});
