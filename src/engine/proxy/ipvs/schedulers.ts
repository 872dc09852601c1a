/**
 * The IPVS schedulers kube-proxy can configure (pkg/proxy/apis/config/types.go IPVSSchedulerMethod, plus mh),
 * as the Linux kernel implements them in net/netfilter/ipvs/ip_vs_<name>.c. Each works on the virtual
 * server's destinations in kernel list order, with their weight and connection counters, and keeps its
 * own state per virtual server (the rr cursor, the wrr current weight, the lblc/lblcr tables, the hash
 * buckets of sh/dh/mh).
 *
 * "Overloaded" (IP_VS_DEST_F_OVERLOAD) only happens with upper connection thresholds, which kube-proxy
 * never sets, so only weight 0 makes a destination unavailable here.
 */
import type { IpvsScheduler } from '../../../model/types';
import { parseIPv4 } from '../../netfilter/ipv4';
import type { IpvsRealServer } from './virtualServers';

/** A destination with its counters (the kernel's struct ip_vs_dest). */
export interface Destination {
  readonly server: IpvsRealServer;
  activeConns: number;
  inactConns: number;
}

export interface ScheduleInput {
  readonly src: string;
  readonly sport: number;
  /** The virtual address (lblc, lblcr and dh hash the destination address). */
  readonly dst: string;
}

/** Per-virtual-server scheduler state (svc->sched_data). */
export interface SchedulerState {
  rrLast: number;
  wrrIndex: number;
  wrrCurrentWeight: number;
  readonly lblc: Map<string, number>;
  readonly lblcr: Map<string, number[]>;
  hashTable?: readonly number[];
}

export function createSchedulerState(): SchedulerState {
  return { rrLast: -1, wrrIndex: -1, wrrCurrentWeight: 0, lblc: new Map(), lblcr: new Map() };
}

const isAvailable = (d: Destination): boolean => d.server.weight > 0;

/** ip_vs_dest_conn_overhead: active connections weigh 256 times an inactive one. */
export function connOverhead(d: Destination): number {
  return d.activeConns * 256 + d.inactConns;
}

/** hash_32 (include/linux/hash.h): the golden-ratio multiplicative hash, top `bits` bits. */
export function hash32(value: number, bits: number): number {
  return Math.imul(value >>> 0, 0x61c88647) >>> (32 - bits);
}

function ipNumber(ip: string): number {
  return parseIPv4(ip) ?? 0;
}

/** ip_vs_rr.c: the next available destination after the last one picked. */
function roundRobin(dests: readonly Destination[], state: SchedulerState): number {
  const n = dests.length;
  for (let step = 1; step <= n; step++) {
    const i = (state.rrLast + step) % n;
    const d = dests[i];
    if (d && isAvailable(d)) {
      state.rrLast = i;
      return i;
    }
  }
  return -1;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** ip_vs_wrr.c: interleaved weighted round robin (current weight stepping down by the weights' gcd). */
function weightedRoundRobin(dests: readonly Destination[], state: SchedulerState): number {
  const weights = dests.map((d) => d.server.weight);
  const max = Math.max(0, ...weights);
  if (max <= 0) return -1;
  const di = weights.filter((w) => w > 0).reduce(gcd, 0) || 1;
  const n = dests.length;
  for (let guard = 0; guard < n * (max / di + 1) + 1; guard++) {
    state.wrrIndex = (state.wrrIndex + 1) % n;
    if (state.wrrIndex === 0) {
      state.wrrCurrentWeight -= di;
      if (state.wrrCurrentWeight <= 0) state.wrrCurrentWeight = max;
    }
    if ((weights[state.wrrIndex] ?? 0) >= state.wrrCurrentWeight) return state.wrrIndex;
  }
  return -1;
}

/** ip_vs_lc.c: the least (active << 8) + inactive; ties keep the earlier destination. */
function leastConnection(dests: readonly Destination[]): number {
  let least = -1;
  let loh = 0;
  dests.forEach((d, i) => {
    if (!isAvailable(d)) return;
    const doh = connOverhead(d);
    if (least < 0 || doh < loh) {
      least = i;
      loh = doh;
    }
  });
  return least;
}

/**
 * The weighted-least pattern of ip_vs_wlc.c / ip_vs_sed.c / ip_vs_lblc.c: the first available destination,
 * then any whose overhead/weight is smaller (`loh * dest.weight > doh * least.weight`).
 */
function weightedLeast(dests: readonly Destination[], overhead: (d: Destination) => number): number {
  const first = dests.findIndex(isAvailable);
  if (first < 0) return -1;
  let least = first;
  let loh = overhead(dests[first] as Destination);
  for (let i = first + 1; i < dests.length; i++) {
    const d = dests[i] as Destination;
    const doh = overhead(d);
    if (loh * d.server.weight > doh * (dests[least] as Destination).server.weight) {
      least = i;
      loh = doh;
    }
  }
  return least;
}

/** ip_vs_nq.c: an idle destination at once, else the smallest (active + 1) / weight. */
function neverQueue(dests: readonly Destination[]): number {
  let least = -1;
  let loh = 0;
  for (let i = 0; i < dests.length; i++) {
    const d = dests[i] as Destination;
    if (!isAvailable(d)) continue;
    const doh = d.activeConns + 1;
    if (d.activeConns === 0) return i;
    if (least < 0 || loh * d.server.weight > doh * (dests[least] as Destination).server.weight) {
      least = i;
      loh = doh;
    }
  }
  return least;
}

/**
 * ip_vs_lblc.c / ip_vs_lblcr.c is_overloaded: more active connections than its weight while some
 * destination is less than half loaded.
 */
function isOverloaded(d: Destination, dests: readonly Destination[]): boolean {
  if (d.activeConns <= d.server.weight) return false;
  return dests.some((x) => x.activeConns * 2 < x.server.weight);
}

/** ip_vs_lblc.c: the destination cached for this destination address, rescheduled by wlc when overloaded. */
function localityLeastConnection(dests: readonly Destination[], state: SchedulerState, dst: string): number {
  const cached = state.lblc.get(dst);
  const d = cached !== undefined ? dests[cached] : undefined;
  if (cached !== undefined && d && isAvailable(d) && !isOverloaded(d, dests)) return cached;
  const picked = weightedLeast(dests, connOverhead);
  if (picked >= 0) state.lblc.set(dst, picked);
  return picked;
}

/**
 * ip_vs_lblcr.c: a set of destinations per destination address; the least loaded of the set, and when it
 * is overloaded a new one (wlc over all) joins the set (inserted at the head of the set's list).
 */
function localityLeastConnectionReplicated(
  dests: readonly Destination[],
  state: SchedulerState,
  dst: string,
): number {
  const members = state.lblcr.get(dst);
  if (members) {
    let least = -1;
    for (const i of members) {
      const d = dests[i];
      if (!d || !isAvailable(d)) continue;
      if (
        least < 0 ||
        connOverhead(dests[least] as Destination) * d.server.weight >
          connOverhead(d) * (dests[least] as Destination).server.weight
      ) {
        least = i;
      }
    }
    if (least >= 0 && !isOverloaded(dests[least] as Destination, dests)) return least;
    const picked = weightedLeast(dests, connOverhead);
    if (picked < 0) return -1;
    if (!members.includes(picked)) members.unshift(picked);
    return picked;
  }
  const picked = weightedLeast(dests, connOverhead);
  if (picked >= 0) state.lblcr.set(dst, [picked]);
  return picked;
}

/** IP_VS_SH_TAB_BITS / IP_VS_DH_TAB_BITS default (CONFIG_IP_VS_SH_TAB_BITS=8): 256 buckets. */
const HASH_TAB_BITS = 8;
const HASH_TAB_SIZE = 1 << HASH_TAB_BITS;

/** ip_vs_sh.c ip_vs_sh_reassign: buckets dealt out in list order, `weight` consecutive buckets each. */
function sourceHashBuckets(dests: readonly Destination[]): number[] {
  const buckets: number[] = [];
  if (dests.length === 0) return buckets;
  let p = 0;
  let count = 0;
  for (let i = 0; i < HASH_TAB_SIZE; i++) {
    buckets.push(p);
    count += 1;
    if (count >= (dests[p] as Destination).server.weight) {
      p = (p + 1) % dests.length;
      count = 0;
    }
  }
  return buckets;
}

/** ip_vs_dh.c ip_vs_dh_reassign: one bucket per destination in turn, whatever the weights. */
function destinationHashBuckets(dests: readonly Destination[]): number[] {
  const buckets: number[] = [];
  if (dests.length === 0) return buckets;
  for (let i = 0; i < HASH_TAB_SIZE; i++) buckets.push(i % dests.length);
  return buckets;
}

/** ip_vs_sh.c: the bucket of hash_32(source address) (kube-proxy sets no sh-port / sh-fallback flag). */
function sourceHashing(dests: readonly Destination[], state: SchedulerState, src: string): number {
  state.hashTable ??= sourceHashBuckets(dests);
  const i = state.hashTable[hash32(ipNumber(src), HASH_TAB_BITS)];
  const d = i !== undefined ? dests[i] : undefined;
  return i !== undefined && d && isAvailable(d) ? i : -1;
}

/** ip_vs_dh.c: the bucket of hash_32(destination address). */
function destinationHashing(dests: readonly Destination[], state: SchedulerState, dst: string): number {
  state.hashTable ??= destinationHashBuckets(dests);
  const i = state.hashTable[hash32(ipNumber(dst), HASH_TAB_BITS)];
  const d = i !== undefined ? dests[i] : undefined;
  return i !== undefined && d && isAvailable(d) ? i : -1;
}

/**
 * Maglev lookup table size: primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] with the default index 12 → 4093
 * (ip_vs_mh.c).
 */
const MH_TAB_SIZE = 4093;

/**
 * A 32-bit mixing hash standing in for the kernel's hsiphash with ip_vs_mh.c's fixed keys: the Maglev
 * structure (offset/skip permutations, table population, lookup) is the kernel's, the hash values are not.
 */
function mix32(a: number, b: number, seed: number): number {
  let h = seed >>> 0;
  for (const v of [a, b]) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** ip_vs_mh.c ip_vs_mh_populate: each destination claims its next free preferred slot, `turns` at a time. */
function maglevTable(dests: readonly Destination[]): number[] {
  const weights = dests.map((d) => Math.max(0, d.server.weight));
  const g = weights.filter((w) => w > 0).reduce(gcd, 0);
  if (g === 0) return [];
  const setup = dests.map((d, i) => ({
    perm: mix32(ipNumber(d.server.ip), d.server.port, 2654435761) % MH_TAB_SIZE,
    skip: (mix32(ipNumber(d.server.ip), d.server.port, 2654446892) % (MH_TAB_SIZE - 1)) + 1,
    turns: (weights[i] ?? 0) / g,
  }));
  const table = new Array<number>(MH_TAB_SIZE).fill(-1);
  let filled = 0;
  let di = 0;
  let count = 0;
  while (filled < MH_TAB_SIZE) {
    const ds = setup[di];
    if (ds && ds.turns > 0) {
      while (table[ds.perm] !== -1) ds.perm = (ds.perm + ds.skip) % MH_TAB_SIZE;
      table[ds.perm] = di;
      filled += 1;
      count += 1;
    }
    if (!ds || ds.turns === 0 || count >= ds.turns) {
      di = (di + 1) % setup.length;
      count = 0;
    }
  }
  return table;
}

/** ip_vs_mh.c with the mh-port flag kube-proxy sets: hash of source address and port. */
function maglevHashing(
  dests: readonly Destination[],
  state: SchedulerState,
  src: string,
  sport: number,
): number {
  state.hashTable ??= maglevTable(dests);
  const i = state.hashTable[mix32(ipNumber(src), sport, 2654435761) % MH_TAB_SIZE];
  const d = i !== undefined && i >= 0 ? dests[i] : undefined;
  return i !== undefined && d && isAvailable(d) ? i : -1;
}

/** Picks a destination index (or -1: "no destination available") the way the kernel scheduler does. */
export function scheduleDestination(
  scheduler: IpvsScheduler,
  dests: readonly Destination[],
  state: SchedulerState,
  input: ScheduleInput,
): number {
  if (dests.length === 0) return -1;
  switch (scheduler) {
    case 'rr':
      return roundRobin(dests, state);
    case 'wrr':
      return weightedRoundRobin(dests, state);
    case 'lc':
      return leastConnection(dests);
    case 'wlc':
      return weightedLeast(dests, connOverhead);
    case 'sed':
      return weightedLeast(dests, (d) => d.activeConns + 1);
    case 'nq':
      return neverQueue(dests);
    case 'lblc':
      return localityLeastConnection(dests, state, input.dst);
    case 'lblcr':
      return localityLeastConnectionReplicated(dests, state, input.dst);
    case 'sh':
      return sourceHashing(dests, state, input.src);
    case 'dh':
      return destinationHashing(dests, state, input.dst);
    case 'mh':
      return maglevHashing(dests, state, input.src, input.sport);
  }
}
