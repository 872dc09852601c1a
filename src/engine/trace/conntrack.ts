/**
 * Linux connection tracking on one host, as much as a trace needs: every connection the host sees gets an
 * entry with its original tuple and the tuple replies are expected on. NAT updates the reply tuple (DNAT
 * changes where replies come from, SNAT/MASQUERADE where they go to). A packet matching a reply tuple is a
 * reply: conntrack undoes the NAT on it — the destination at PREROUTING/OUTPUT (undoing SNAT), the source at
 * POSTROUTING/INPUT (undoing DNAT) — which is why the client sees the address it dialled (nf_nat_core.c:
 * the manip type follows the hook, HOOK2MANIP).
 */
import type { Protocol } from '../../model/types';
import type { ConntrackEntry, Endpoint, Rewrite } from './types';

const same = (a: Endpoint, b: Endpoint) => a.ip === b.ip && a.port === b.port;

export interface Tuple {
  readonly protocol: Protocol;
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

type MutableEntry = {
  -readonly [K in keyof ConntrackEntry]: ConntrackEntry[K];
};

export class ConntrackTable {
  private readonly entries: MutableEntry[] = [];
  constructor(readonly node: string) {}

  snapshot(): readonly ConntrackEntry[] {
    return this.entries.map((e) => ({ ...e, nat: [...e.nat] }));
  }

  /** The entry a packet belongs to, and in which direction; undefined for a new connection. */
  find(t: Tuple): { entry: MutableEntry; direction: 'original' | 'reply' } | undefined {
    for (const entry of this.entries) {
      if (entry.protocol !== t.protocol) continue;
      if (same(entry.original.src, t.src) && same(entry.original.dst, t.dst))
        return { entry, direction: 'original' };
      if (same(entry.reply.src, t.src) && same(entry.reply.dst, t.dst)) return { entry, direction: 'reply' };
    }
    return undefined;
  }

  /** Creates the entry for a connection's first packet (state NEW, reply tuple = the inverse). */
  create(t: Tuple): MutableEntry {
    const entry: MutableEntry = {
      protocol: t.protocol,
      original: { src: t.src, dst: t.dst },
      reply: { src: t.dst, dst: t.src },
      node: this.node,
      state: 'NEW',
      nat: [],
    };
    this.entries.push(entry);
    return entry;
  }

  /** Records a destination NAT on the original direction: replies now come from the new destination. */
  dnat(entry: MutableEntry, to: Endpoint): void {
    entry.reply = { src: to, dst: entry.reply.dst };
    if (!entry.nat.includes('DNAT')) entry.nat = [...entry.nat, 'DNAT'];
  }

  /** Records a source NAT: replies now go to the new source. */
  snat(entry: MutableEntry, to: Endpoint): void {
    entry.reply = { src: entry.reply.src, dst: to };
    if (!entry.nat.includes('SNAT')) entry.nat = [...entry.nat, 'SNAT'];
  }

  markEstablished(entry: MutableEntry): void {
    entry.state = 'ESTABLISHED';
  }
}

export type TrackedEntry = MutableEntry;

/** The rewrite that undoes SNAT on a reply (at PREROUTING / OUTPUT), if the connection was source-NATed. */
export function undoSnat(entry: ConntrackEntry, packet: Tuple): Rewrite | undefined {
  if (!entry.nat.includes('SNAT')) return undefined;
  const to = entry.original.src;
  if (same(to, packet.dst)) return undefined;
  return {
    field: 'dst',
    from: `${packet.dst.ip}:${packet.dst.port}`,
    to: `${to.ip}:${to.port}`,
    by: 'conntrack',
  };
}

/** The rewrite that undoes DNAT on a reply (at POSTROUTING / INPUT), if the connection was destination-NATed. */
export function undoDnat(entry: ConntrackEntry, packet: Tuple): Rewrite | undefined {
  if (!entry.nat.includes('DNAT')) return undefined;
  const to = entry.original.dst;
  if (same(to, packet.src)) return undefined;
  return {
    field: 'src',
    from: `${packet.src.ip}:${packet.src.port}`,
    to: `${to.ip}:${to.port}`,
    by: 'conntrack',
  };
}
