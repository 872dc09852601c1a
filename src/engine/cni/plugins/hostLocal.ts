/**
 * host-local IPAM (containernetworking/plugins plugins/ipam/host-local, README): allocates from `ranges` (a
 * list of range sets, one address per set), keeps its state as one file per address under
 * /var/lib/cni/networks/<network name>/ plus `last_reserved_ip.<range index>`, and prints the abbreviated
 * result (no `interfaces`). A range defaults to the subnet's .1 … the last address before the broadcast; the
 * gateway defaults to .1 and is never handed out. When every address is taken it fails with
 * `failed to allocate for range 0: no IP addresses available in range set: <start>-<end>`.
 */
import { parseIPv4, parseIPv4Cidr } from '../../netfilter/ipv4';
import type { CniEffect, CniError, CniResult, IpamRange } from '../types';
import { internalError, type CniPlugin, type PluginContext, type PluginOutcome } from './plugin';

const STATE_DIR = '/var/lib/cni/networks';

function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

interface ResolvedRange {
  readonly subnet: string;
  readonly prefix: number;
  readonly start: number;
  readonly end: number;
  readonly gateway: number;
}

function resolveRange(range: IpamRange): ResolvedRange | string {
  const cidr = parseIPv4Cidr(range.subnet);
  if (!cidr || !range.subnet.includes('/')) return `invalid CIDR address: ${range.subnet}`;
  const size = 2 ** (32 - cidr.prefix);
  const inSubnet = (ip: number) => ip >= cidr.base && ip < cidr.base + size;
  const parse = (field: 'rangeStart' | 'rangeEnd' | 'gateway', fallback: number): number | string => {
    const text = range[field];
    if (text === undefined) return fallback;
    const ip = parseIPv4(text);
    if (ip === null || !inSubnet(ip)) return `${field} ${text} not in network ${range.subnet}`;
    return ip;
  };
  const start = parse('rangeStart', cidr.base + 1);
  const end = parse('rangeEnd', cidr.base + size - 2);
  const gateway = parse('gateway', cidr.base + 1);
  if (typeof start === 'string') return start;
  if (typeof end === 'string') return end;
  if (typeof gateway === 'string') return gateway;
  return { subnet: range.subnet, prefix: cidr.prefix, start, end, gateway };
}

/** The addresses other live pods on the node already hold: host-local's files for them. */
function takenAddresses(ctx: PluginContext): Set<number> {
  const taken = new Set<number>();
  for (const other of ctx.cluster.pods) {
    if (other === ctx.pod || other.nodeName !== ctx.node.name || other.hostNetwork) continue;
    if (other.podIP === null || other.phase === 'Succeeded' || other.phase === 'Failed') continue;
    const ip = parseIPv4(other.podIP);
    if (ip !== null) taken.add(ip);
  }
  return taken;
}

function fail(ctx: PluginContext, msg: string): PluginOutcome {
  const error: CniError = internalError(ctx.network.cniVersion, msg);
  return { actions: [`fails: ${msg}`], error };
}

export const hostLocalPlugin: CniPlugin = {
  type: 'host-local',
  add(ctx) {
    const ipam = ctx.conf.ipam;
    const sets = ipam?.ranges ?? [];
    if (sets.length === 0) return fail(ctx, 'no IP ranges specified');
    const dir = `${STATE_DIR}/${ctx.network.name}`;
    const actions = [`reads its allocations in ${dir}/ (one file per address in use on this node)`];
    const taken = takenAddresses(ctx);
    const effects: CniEffect[] = [];
    const ips: CniResult['ips'][number][] = [];
    for (const [index, set] of sets.entries()) {
      const ranges: ResolvedRange[] = [];
      for (const range of set) {
        const resolved = resolveRange(range);
        if (typeof resolved === 'string') return fail(ctx, resolved);
        ranges.push(resolved);
      }
      const free = (ip: number, r: ResolvedRange) => ip !== r.gateway && !taken.has(ip);
      // The pod's recorded address when the range can give it (the cluster says this is what it got),
      // otherwise the next free one.
      const own = ctx.pod.podIP !== null ? parseIPv4(ctx.pod.podIP) : null;
      let chosen: { ip: number; range: ResolvedRange } | null = null;
      for (const r of ranges) {
        if (own !== null && own >= r.start && own <= r.end && free(own, r)) chosen = { ip: own, range: r };
      }
      for (const r of ranges) {
        for (let ip = r.start; chosen === null && ip <= r.end; ip += 1) {
          if (free(ip, r)) chosen = { ip, range: r };
        }
      }
      if (!chosen) {
        const rangeSet = ranges.map((r) => `${formatIPv4(r.start)}-${formatIPv4(r.end)}`).join(',');
        return {
          actions: [
            ...actions,
            `every address of range set ${index} is taken (${taken.size} pods hold one; ${formatIPv4(ranges[0]?.gateway ?? 0)} is the gateway)`,
          ],
          error: internalError(
            ctx.network.cniVersion,
            `failed to allocate for range ${index}: no IP addresses available in range set: ${rangeSet}`,
          ),
        };
      }
      const address = formatIPv4(chosen.ip);
      const file = `${dir}/${address}`;
      effects.push({ action: actions.length + 1, kind: 'address-reserved', address, file });
      actions.push(
        `picks ${address} from ${chosen.range.subnet}: the next address no file claims (${formatIPv4(chosen.range.gateway)} is the gateway, never handed out)`,
        `writes ${file} (container id and interface ${ctx.ifName}) and last_reserved_ip.${index}`,
      );
      ips.push({ address: `${address}/${chosen.range.prefix}`, gateway: formatIPv4(chosen.range.gateway) });
    }
    const routes = ipam?.routes ?? [];
    return {
      actions: [
        ...actions,
        `returns the routes from its config: ${routes.map((r) => r.dst).join(', ') || 'none'}`,
      ],
      effects,
      result: { cniVersion: ctx.network.cniVersion, ips, routes, dns: {} },
    };
  },
  del(ctx) {
    const dir = `${STATE_DIR}/${ctx.network.name}`;
    const address = ctx.pod.podIP ?? '(none)';
    const file = `${dir}/${address}`;
    return {
      effects: ctx.pod.podIP !== null ? [{ action: 0, kind: 'address-released', address, file }] : [],
      actions: [
        `releases the address held by this container id and ${ctx.ifName}: removes ${file}`,
        'succeeds even if nothing was reserved (DEL must be idempotent)',
      ],
    };
  },
};
