/**
 * Pure printers for what an IPVS-mode node shows:
 *
 * - `ipvsadm -Ln`: ipvsadm.c list_all/print_title/print_service_entry. Header `IP Virtual Server version
 *   1.2.1 (size=4096)`, the two title lines, services sorted by libipvs ipvs_cmp_services (protocol number,
 *   then address, then port), each as `<PROT>  <addr:port> <scheduler>[ (<sched flags>)][ persistent <t>]`,
 *   destinations sorted by ipvs_cmp_dests and printed with `"  -> %-28s %-7s %-6d %-10u %-10u\n"` (so the
 *   line ends in padding spaces, as real output does). Checked against dumps in kubernetes/kubernetes PR
 *   #81477 and kubernetes/website PR #8652.
 * - `ipset list`: the ipset tool's plain listing (Name / Type / Revision / Header / Size in memory /
 *   References / Number of entries / Members, a blank line between sets), as in the kube-proxy comment in
 *   pkg/proxy/ipvs/ipset/ipset.go and the dump in labring/sealos#2108 (kernel 4.x/5.x revisions).
 * - `ip addr show kube-ipvs0`: iproute2's address listing of the dummy device (`<BROADCAST,NOARP> … state
 *   DOWN`, one `inet <ip>/32 scope global kube-ipvs0` per bound address), as in issue #107662 and the
 *   dumps quoted there.
 *
 * Every rule-like line carries the id the packet walk reports.
 */
import type { Protocol } from '../../model/types';
import type { IpsetType, IpsetView } from '../proxy/ipvs/ipsets';
import type { IpvsVirtualServer } from '../proxy/ipvs/virtualServers';
import { compareDestinations } from '../proxy/ipvs/virtualServers';
import { joinHostPort } from '../proxy/kubeProxyNames';
import type { Rule } from '../netfilter/types';
import { renderSaveRule } from './iptablesSave';

export interface RenderedIpvsLine {
  readonly text: string;
  readonly id?: string;
}

/** IP_VS_VERSION_CODE 1.2.1 and the default connection table size 2^12 (CONFIG_IP_VS_TAB_BITS=12). */
export const IPVS_VERSION_LINE = 'IP Virtual Server version 1.2.1 (size=4096)';

/** print_title for the default listing format. */
export const IPVSADM_TITLE_LINES: readonly string[] = [
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
];

/** IANA protocol numbers, which ipvs_cmp_services compares. */
const PROTOCOL_NUMBER: Readonly<Record<Protocol, number>> = { TCP: 6, UDP: 17, SCTP: 132 };

function ipNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  return parts.length === 4
    ? (((parts[0] ?? 0) * 256 + (parts[1] ?? 0)) * 256 + (parts[2] ?? 0)) * 256 + (parts[3] ?? 0)
    : 0;
}

/** libipvs ipvs_cmp_services (fwmark and family equal here): protocol, then `ntohl(a) - ntohl(b)` as a C int, then port. */
export function compareVirtualServers(a: IpvsVirtualServer, b: IpvsVirtualServer): number {
  const byProtocol = PROTOCOL_NUMBER[a.protocol] - PROTOCOL_NUMBER[b.protocol];
  if (byProtocol !== 0) return byProtocol;
  const byAddress = (ipNumber(a.ip) - ipNumber(b.ip)) | 0;
  return byAddress !== 0 ? byAddress : a.port - b.port;
}

function padEnd(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The service line: `TCP  10.3.241.152:80 rr`, `TCP  10.0.0.1:443 rr persistent 10800`, `… mh (mh-port)`. */
export function formatVirtualServerLine(vs: IpvsVirtualServer): string {
  let line = `${padEnd(vs.protocol, 4)} ${joinHostPort(vs.ip, vs.port)} ${vs.scheduler}`;
  if (vs.schedulerFlags.length > 0) line += ` (${vs.schedulerFlags.join(',')})`;
  if (vs.persistentTimeout !== undefined) line += ` persistent ${vs.persistentTimeout}`;
  return line;
}

export interface DestinationCounters {
  readonly activeConns: number;
  readonly inactConns: number;
}

/** A destination line: `"  -> %-28s %-7s %-6d %-10u %-10u"`. */
export function formatRealServerLine(
  rs: { readonly ip: string; readonly port: number; readonly weight: number; readonly forward: string },
  counters: DestinationCounters,
): string {
  return `  -> ${padEnd(joinHostPort(rs.ip, rs.port), 28)} ${padEnd(rs.forward, 7)} ${padEnd(String(rs.weight), 6)} ${padEnd(String(counters.activeConns), 10)} ${padEnd(String(counters.inactConns), 10)}`;
}

/** `ipvsadm -Ln` for these virtual servers; `counters(id)` gives a real server's connection counters. */
export function renderIpvsadmList(
  virtualServers: readonly IpvsVirtualServer[],
  counters: (realServerId: string) => DestinationCounters = () => ({ activeConns: 0, inactConns: 0 }),
): RenderedIpvsLine[] {
  const lines: RenderedIpvsLine[] = [
    { text: IPVS_VERSION_LINE },
    ...IPVSADM_TITLE_LINES.map((text) => ({ text })),
  ];
  for (const vs of [...virtualServers].sort(compareVirtualServers)) {
    lines.push({ text: formatVirtualServerLine(vs), id: vs.id });
    for (const rs of [...vs.realServers].sort(compareDestinations)) {
      lines.push({ text: formatRealServerLine(rs, counters(rs.id)), id: rs.id });
    }
  }
  return lines;
}

/**
 * Set type revisions of a 5.x kernel (the revision before the bucketsize/initval header fields, which
 * carry a random initval) [UNCERTAIN: revisions differ between kernels].
 */
const IPSET_REVISION: Readonly<Record<IpsetType, number>> = {
  'hash:ip': 4,
  'hash:ip,port': 5,
  'hash:ip,port,ip': 5,
  'hash:ip,port,net': 7,
  'bitmap:port': 3,
};

/**
 * "Size in memory" is kernel allocation accounting: a bitmap:port over 0-65535 is an 8 KiB bitmap plus its
 * header; a hash set is its 1024-bucket pointer table plus allocated buckets.
 * [UNCERTAIN: an estimate; the real figure depends on the kernel build and bucket growth.]
 */
function sizeInMemory(type: IpsetType, entries: number): number {
  if (type === 'bitmap:port') return 8268;
  return 8280 + 16 * entries;
}

function ipsetHeader(type: IpsetType): string {
  // pkg/proxy/ipvs/ipset/ipset.go setIPSetDefaults + createSet.
  return type === 'bitmap:port' ? 'range 0-65535' : 'family inet hashsize 1024 maxelem 65536';
}

/** `ipset list` for these sets; `references(name)` is how many iptables rules use the set. */
export function renderIpsetList(
  sets: readonly IpsetView[],
  references: (setName: string) => number,
): RenderedIpvsLine[] {
  const lines: RenderedIpvsLine[] = [];
  sets.forEach((view, i) => {
    const { name, type } = view.definition;
    if (i > 0) lines.push({ text: '' });
    lines.push({ text: `Name: ${name}`, id: `ipset/${name}` });
    lines.push({ text: `Type: ${type}` });
    lines.push({ text: `Revision: ${IPSET_REVISION[type]}` });
    lines.push({ text: `Header: ${ipsetHeader(type)}` });
    lines.push({ text: `Size in memory: ${sizeInMemory(type, view.members.length)}` });
    lines.push({ text: `References: ${references(name)}` });
    lines.push({ text: `Number of entries: ${view.members.length}` });
    lines.push({ text: 'Members:' });
    for (const member of view.members) lines.push({ text: member, id: `ipset/${name}/${member}` });
  });
  return lines;
}

export interface DummyDevice {
  readonly name: string;
  /** The interface index [derived: real indexes depend on the order devices were created]. */
  readonly index: number;
  /** The dummy device's random MAC, here derived from the node name. */
  readonly mac: string;
  readonly addresses: readonly string[];
}

/** `ip addr show kube-ipvs0`. */
export function renderIpAddrShow(device: DummyDevice): RenderedIpvsLine[] {
  const lines: RenderedIpvsLine[] = [
    {
      text: `${device.index}: ${device.name}: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default`,
    },
    { text: `    link/ether ${device.mac} brd ff:ff:ff:ff:ff:ff` },
  ];
  for (const ip of device.addresses) {
    lines.push({ text: `    inet ${ip}/32 scope global ${device.name}`, id: `${device.name}/${ip}` });
    lines.push({ text: '       valid_lft forever preferred_lft forever' });
  }
  return lines;
}

/**
 * An ipvs-mode rule as iptables-save prints it. Rules that kube-proxy writes with a bare `-p tcp` (no port
 * option, so no `-m tcp` module is loaded) are printed without the module the shared renderer adds.
 */
export function renderIpvsModeSaveRule(rule: Rule, bareProtocol: boolean): string {
  const text = renderSaveRule(rule);
  if (!bareProtocol) return text;
  const protocol = rule.matches.find((m) => m.kind === 'protocol');
  return protocol?.kind === 'protocol' ? text.replace(` -m ${protocol.protocol}`, '') : text;
}
