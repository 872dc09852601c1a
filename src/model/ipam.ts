/**
 * IPAM: addresses, ranges and the allocators kube-netviz runs the way Kubernetes' components do.
 *
 * This is the one module that talks to ip-num; everything else uses the functions here. ip-num's traps are
 * handled once, here: `IPv4CidrRange.fromCidr('10.0.1.5/24')` silently accepts host bits (we detect them and
 * say what the network address would be), sizes are bigints, and `take(0n)` still yields an address. Inside,
 * addresses are plain unsigned 32-bit numbers; outside, they are dotted strings as the Kubernetes API shows
 * them. IPv4 only for now.
 *
 * Every failure is a `NetvizError` with a specific code and a message naming the value and the range.
 */
import { IPv4, Validator } from 'ip-num';
import { NetvizError } from './errors';
import { fnv1a32 } from './ids';

/** A parsed, valid IPv4 CIDR range with no host bits set. Numbers are unsigned 32-bit addresses. */
export interface Cidr {
  /** Canonical text, e.g. `10.0.1.0/24`. */
  readonly text: string;
  /** The network address, e.g. `10.0.1.0`. */
  readonly network: string;
  readonly prefix: number;
  /** The network address as a number. */
  readonly first: number;
  /** The broadcast (last) address as a number. */
  readonly last: number;
  /** Number of addresses in the range, network and broadcast included. */
  readonly size: number;
}

const TWO_32 = 2 ** 32;
// Strict dotted-quad and prefix syntax: no spaces, no leading zeros in the prefix (`/024`).
const CIDR_SHAPE = /^([0-9.]+)\/(0|[1-9][0-9]?)$/;

// ---------------------------------------------------------------------------------------------------------
// Addresses

export function isValidIPv4(text: string): boolean {
  return typeof text === 'string' && Validator.isValidIPv4String(text)[0];
}

/** Parses a dotted IPv4 address into a number; `what` names the value in the error (e.g. `podIP`). */
export function parseIPv4(text: string, what = 'address'): number {
  if (!isValidIPv4(text)) {
    throw new NetvizError('invalid-ip', `${what} "${String(text)}" is not a valid IPv4 address`);
  }
  return Number(IPv4.fromString(text).getValue());
}

export function formatIPv4(value: number): string {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function toNumber(ip: string | number, what: string): number {
  return typeof ip === 'number' ? ip : parseIPv4(ip, what);
}

/** Numeric order of two dotted addresses (for sorting). */
export function compareIPv4(a: string, b: string): number {
  return parseIPv4(a) - parseIPv4(b);
}

// ---------------------------------------------------------------------------------------------------------
// Ranges

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The range of `prefix` bits containing `address` (host bits cleared). */
export function cidrOf(address: number, prefix: number): Cidr {
  const size = blockSize(prefix);
  const first = Math.floor(address / size) * size;
  const network = formatIPv4(first);
  return { text: `${network}/${prefix}`, network, prefix, first, last: first + size - 1, size };
}

/**
 * Parses `a.b.c.d/n`. Throws `invalid-cidr` for bad syntax and `host-bits-set` when the address is not the
 * network address of its range (ip-num's `fromCidr` would accept it silently; so would Go's `ParseCIDR`,
 * but the Kubernetes API validators reject it).
 */
export function parseCidr(text: string, what = 'range'): Cidr {
  const match = typeof text === 'string' ? CIDR_SHAPE.exec(text) : null;
  const address = match?.[1];
  const prefixText = match?.[2];
  if (
    address === undefined ||
    prefixText === undefined ||
    !Validator.isValidIPv4CidrNotation(text)[0] ||
    !isValidIPv4(address) ||
    Number(prefixText) > 32
  ) {
    throw new NetvizError(
      'invalid-cidr',
      `${what} "${String(text)}" is not a valid IPv4 CIDR (expected a.b.c.d/n with n from 0 to 32)`,
    );
  }
  const prefix = Number(prefixText);
  const value = parseIPv4(address, what);
  const cidr = cidrOf(value, prefix);
  if (cidr.first !== value) {
    throw new NetvizError(
      'host-bits-set',
      `${what} "${text}" has host bits set: the network address of that /${prefix} is ${cidr.network}, ` +
        `so the range is ${cidr.text}`,
    );
  }
  return cidr;
}

export function cidrContains(cidr: Cidr, ip: string | number): boolean {
  const value = toNumber(ip, 'address');
  return value >= cidr.first && value <= cidr.last;
}

export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The n-th address of the range (0 = the network address), as Kubernetes' `GetIndexedIP` counts. */
export function nthAddress(cidr: Cidr, n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= cidr.size) {
    throw new NetvizError(
      'out-of-range',
      `${cidr.text} has ${cidr.size} addresses (indexes 0 to ${cidr.size - 1}); index ${n} is outside it`,
    );
  }
  return formatIPv4(cidr.first + n);
}

/**
 * The addresses of a range that can be given to hosts: without the network and broadcast addresses, except
 * for /31 (RFC 3021 point-to-point) and /32 ranges, which have no such addresses to spare.
 */
export function hostBounds(cidr: Cidr): { readonly first: number; readonly last: number } {
  if (cidr.prefix >= 31) return { first: cidr.first, last: cidr.last };
  return { first: cidr.first + 1, last: cidr.last - 1 };
}

/** The first address a host can hold: `.1` of a /24 (the bridge's address in a node's podCIDR). */
export function firstHostAddress(cidr: Cidr): string {
  return formatIPv4(hostBounds(cidr).first);
}

/** Splits `cidr` into consecutive ranges of prefix `mask`, lazily (a /8 holds 65536 /24s). */
export function* subnetsOf(cidr: Cidr, mask: number): Generator<Cidr> {
  if (!Number.isInteger(mask) || mask < cidr.prefix || mask > 32) {
    throw new NetvizError(
      'invalid-cidr',
      `cannot split ${cidr.text} into /${mask} ranges: the mask must be between /${cidr.prefix} and /32`,
    );
  }
  const size = blockSize(mask);
  for (let first = cidr.first; first <= cidr.last; first += size) yield cidrOf(first, mask);
}

export interface NamedRange {
  /** What the range is, e.g. `clusterCIDR` or `podCIDR of node-1`. */
  readonly name: string;
  readonly cidr: Cidr;
}

/** Throws `overlapping-ranges` for the first pair of ranges that share an address. */
export function assertNoOverlap(ranges: readonly NamedRange[]): void {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i];
      const b = ranges[j];
      if (a && b && cidrsOverlap(a.cidr, b.cidr)) {
        throw new NetvizError(
          'overlapping-ranges',
          `${a.name} ${a.cidr.text} overlaps ${b.name} ${b.cidr.text}; the two must not share addresses`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Static and dynamic bands

/**
 * Size of the lower "static" band of a Service CIDR (KEP-3070, ServiceIPStaticSubrange, GA in v1.26):
 * `min(max(16, rangeSize/16), 256)`, and 0 for ranges of 16 addresses or fewer. The band holds the first
 * addresses after the network address; dynamic allocation prefers the addresses above it.
 * kubernetes/kubernetes pkg/registry/core/service/ipallocator/bitmap.go `calculateRangeOffset`.
 */
export function serviceIPStaticBand(cidr: Cidr): number {
  if (cidr.size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(cidr.size / 16)), 256);
}

/**
 * Size of the lower static band of the NodePort range (KEP-3668, ServiceNodePortStaticSubrange, GA in
 * v1.29): `min(max(16, rangeSize/32), 128)`, 0 for 16 ports or fewer — 86 ports (30000–30085) for the
 * default 30000–32767. kubernetes/kubernetes pkg/registry/core/service/portallocator/allocator.go
 * `calculateRangeOffset`.
 */
export function nodePortStaticBand(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

// ---------------------------------------------------------------------------------------------------------
// A pool of consecutive integers with owners (shared by addresses and ports)

class IntegerPool {
  private readonly owners = new Map<number, string>();

  constructor(
    readonly lo: number,
    readonly hi: number,
  ) {}

  get capacity(): number {
    return Math.max(0, this.hi - this.lo + 1);
  }

  get freeCount(): number {
    return this.capacity - this.owners.size;
  }

  ownerOf(value: number): string | undefined {
    return this.owners.get(value);
  }

  contains(value: number): boolean {
    return value >= this.lo && value <= this.hi;
  }

  take(value: number, owner: string): void {
    this.owners.set(value, owner);
  }

  entries(): [number, string][] {
    return [...this.owners.entries()].sort(([a], [b]) => a - b);
  }

  lowestFree(): number | undefined {
    if (this.freeCount <= 0) return undefined;
    for (let v = this.lo; v <= this.hi; v++) if (!this.owners.has(v)) return v;
    return undefined;
  }

  /**
   * The Kubernetes allocators' search, made deterministic: start at an offset inside the upper (dynamic)
   * band, walk up and wrap around inside that band; if it is full, do the same in the lower (static) band.
   * The API server draws the start offsets at random (ipallocator.go `allocateNextService`); here they come
   * from a hash of `key`.
   */
  hashedFree(key: string, staticBand: number): number | undefined {
    if (this.freeCount <= 0) return undefined;
    const band = Math.min(Math.max(0, Math.floor(staticBand)), this.capacity);
    const hash = fnv1a32(key);
    return this.scan(this.lo + band, this.hi, hash) ?? this.scan(this.lo, this.lo + band - 1, hash);
  }

  private scan(from: number, to: number, hash: number): number | undefined {
    const size = to - from + 1;
    if (size <= 0) return undefined;
    const start = hash % size;
    for (let i = 0; i < size; i++) {
      const v = from + ((start + i) % size);
      if (!this.owners.has(v)) return v;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// AddressPool

export interface AddressUse {
  readonly ip: string;
  readonly owner: string;
}

/**
 * The host addresses of one range and who holds each: a node's podCIDR (host-local IPAM), the node
 * network, the Service CIDR (the API server's ClusterIP allocator).
 */
export class AddressPool {
  readonly cidr: Cidr;
  /** What the pool is, for messages: e.g. `podCIDR of node-1`. */
  readonly name: string;
  private readonly pool: IntegerPool;

  constructor(cidr: Cidr, name: string) {
    this.cidr = cidr;
    this.name = name;
    const bounds = hostBounds(cidr);
    this.pool = new IntegerPool(bounds.first, bounds.last);
  }

  /** Number of host addresses in the pool. */
  get capacity(): number {
    return this.pool.capacity;
  }

  get freeCount(): number {
    return this.pool.freeCount;
  }

  /** Whether `ip` is one of the pool's host addresses (not the network or broadcast address). */
  isHostAddress(ip: string): boolean {
    return this.pool.contains(parseIPv4(ip));
  }

  isUsed(ip: string): boolean {
    return this.pool.ownerOf(parseIPv4(ip)) !== undefined;
  }

  ownerOf(ip: string): string | undefined {
    return this.pool.ownerOf(parseIPv4(ip));
  }

  /** Every held address with its owner, in address order. */
  used(): readonly AddressUse[] {
    return this.pool.entries().map(([v, owner]) => ({ ip: formatIPv4(v), owner }));
  }

  /**
   * Marks `ip` as held by `owner`. Throws `invalid-ip`, `out-of-range` (outside the range, or its network
   * or broadcast address) or `duplicate-address` (naming both owners).
   */
  reserve(ip: string, owner: string, what = 'address'): string {
    const value = parseIPv4(ip, what);
    if (!this.pool.contains(value)) {
      throw new NetvizError('out-of-range', this.outOfRangeMessage(value, what, owner));
    }
    const holder = this.pool.ownerOf(value);
    if (holder !== undefined) {
      throw new NetvizError(
        'duplicate-address',
        `${what} ${formatIPv4(value)} of ${owner} is already held by ${holder} (${this.name} ${this.cidr.text})`,
      );
    }
    this.pool.take(value, owner);
    return formatIPv4(value);
  }

  /** Gives `owner` the lowest free host address. Throws `pool-exhausted`. */
  allocateNext(owner: string): string {
    return this.give(this.pool.lowestFree(), owner);
  }

  /**
   * Gives `owner` a free address chosen from a hash of `key`, preferring the addresses above the first
   * `staticBand` host addresses (the KEP-3070 split), then falling back to the lower band. Deterministic.
   */
  allocateHashed(key: string, owner: string, staticBand = 0): string {
    return this.give(this.pool.hashedFree(key, staticBand), owner);
  }

  private give(value: number | undefined, owner: string): string {
    if (value === undefined) {
      throw new NetvizError(
        'pool-exhausted',
        `${this.name} ${this.cidr.text} is exhausted: all ${this.capacity} usable addresses are in use, ` +
          `none is left for ${owner}`,
      );
    }
    this.pool.take(value, owner);
    return formatIPv4(value);
  }

  private outOfRangeMessage(value: number, what: string, owner: string): string {
    const ip = formatIPv4(value);
    const where = `${this.name} ${this.cidr.text}`;
    if (value === this.cidr.first) {
      return `${what} ${ip} of ${owner} is the network address of ${where} and cannot be assigned`;
    }
    if (value === this.cidr.last) {
      return `${what} ${ip} of ${owner} is the broadcast address of ${where} and cannot be assigned`;
    }
    return `${what} ${ip} of ${owner} is outside ${where}`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Ports

/** Throws `invalid-port` unless `port` is an integer from 1 to 65535. */
export function validatePort(port: number, what = 'port'): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new NetvizError('invalid-port', `${what} ${String(port)} is not a valid port (1 to 65535)`);
  }
  return port;
}

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** kube-apiserver --service-node-port-range defaults to 30000-32767 (DefaultServiceNodePortRange). */
export const DEFAULT_NODE_PORT_RANGE: PortRange = { min: 30000, max: 32767 };

export interface PortUse {
  readonly port: number;
  readonly owner: string;
}

/** The NodePort range and who holds each port (the API server's NodePort allocator). */
export class PortPool {
  readonly range: PortRange;
  readonly name: string;
  private readonly pool: IntegerPool;

  constructor(range: PortRange = DEFAULT_NODE_PORT_RANGE, name = 'NodePort range') {
    validatePort(range.min, `${name} start`);
    validatePort(range.max, `${name} end`);
    if (range.min > range.max) {
      throw new NetvizError(
        'invalid-port',
        `${name} ${range.min}-${range.max} is empty: its start is above its end`,
      );
    }
    this.range = range;
    this.name = name;
    this.pool = new IntegerPool(range.min, range.max);
  }

  get capacity(): number {
    return this.pool.capacity;
  }

  get freeCount(): number {
    return this.pool.freeCount;
  }

  /** The KEP-3668 static band of this range (see `nodePortStaticBand`). */
  get staticBand(): number {
    return nodePortStaticBand(this.capacity);
  }

  isUsed(port: number): boolean {
    return this.pool.ownerOf(port) !== undefined;
  }

  ownerOf(port: number): string | undefined {
    return this.pool.ownerOf(port);
  }

  used(): readonly PortUse[] {
    return this.pool.entries().map(([port, owner]) => ({ port, owner }));
  }

  /** Marks `port` as held by `owner`; throws `invalid-port`, `out-of-range` or `duplicate-address`. */
  reserve(port: number, owner: string, what = 'nodePort'): number {
    validatePort(port, what);
    if (!this.pool.contains(port)) {
      throw new NetvizError(
        'out-of-range',
        `${what} ${port} of ${owner} is outside the ${this.name} ${this.range.min}-${this.range.max}`,
      );
    }
    const holder = this.pool.ownerOf(port);
    if (holder !== undefined) {
      throw new NetvizError(
        'duplicate-address',
        `${what} ${port} of ${owner} is already held by ${holder} (${this.name} ${this.range.min}-${this.range.max})`,
      );
    }
    this.pool.take(port, owner);
    return port;
  }

  allocateNext(owner: string): number {
    return this.give(this.pool.lowestFree(), owner);
  }

  /** Like `AddressPool.allocateHashed`; `staticBand` defaults to the KEP-3668 band of this range. */
  allocateHashed(key: string, owner: string, staticBand = this.staticBand): number {
    return this.give(this.pool.hashedFree(key, staticBand), owner);
  }

  private give(port: number | undefined, owner: string): number {
    if (port === undefined) {
      throw new NetvizError(
        'pool-exhausted',
        `${this.name} ${this.range.min}-${this.range.max} is exhausted: all ${this.capacity} ports are in use, ` +
          `none is left for ${owner}`,
      );
    }
    this.pool.take(port, owner);
    return port;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Node podCIDRs

export interface SubnetUse {
  readonly cidr: Cidr;
  readonly owner: string;
}

/**
 * Cuts node podCIDRs out of the clusterCIDR, as kube-controller-manager's node IPAM controller
 * (range allocator, pkg/controller/nodeipam/ipam/cidrset) does: blocks of `--node-cidr-mask-size`, explicit
 * ones occupied first, new ones taken from the lowest free block (the real cidrset keeps a round-robin
 * cursor that starts at block 0, which gives the same result for a cluster built in one go).
 */
export class SubnetAllocator {
  readonly cluster: Cidr;
  readonly maskSize: number;
  readonly name: string;
  private readonly blocks: SubnetUse[] = [];

  constructor(cluster: Cidr, maskSize: number, name = 'clusterCIDR') {
    if (!Number.isInteger(maskSize) || maskSize < cluster.prefix || maskSize > 32) {
      throw new NetvizError(
        'invalid-cidr',
        `node CIDR mask size /${String(maskSize)} does not fit ${name} ${cluster.text}: ` +
          `it must be between /${cluster.prefix} and /32`,
      );
    }
    this.cluster = cluster;
    this.maskSize = maskSize;
    this.name = name;
  }

  /** How many blocks the cluster range holds. */
  get capacity(): number {
    return 2 ** (this.maskSize - this.cluster.prefix);
  }

  get freeCount(): number {
    return this.capacity - this.blocks.length;
  }

  used(): readonly SubnetUse[] {
    return [...this.blocks].sort((a, b) => a.cidr.first - b.cidr.first);
  }

  /**
   * Occupies an explicit block. Throws `invalid-cidr`/`host-bits-set` (bad text), `out-of-range` (not inside
   * the cluster range), `invalid-cidr` (wrong mask) or `overlapping-ranges` (naming the other owner).
   */
  reserve(block: Cidr | string, owner: string, what = 'podCIDR'): Cidr {
    const cidr = typeof block === 'string' ? parseCidr(block, what) : block;
    if (!cidrContainsCidr(this.cluster, cidr)) {
      throw new NetvizError(
        'out-of-range',
        `${what} ${cidr.text} of ${owner} is not inside ${this.name} ${this.cluster.text}`,
      );
    }
    if (cidr.prefix !== this.maskSize) {
      throw new NetvizError(
        'invalid-cidr',
        `${what} ${cidr.text} of ${owner} is a /${cidr.prefix}, but node CIDRs cut from ${this.name} ` +
          `${this.cluster.text} are /${this.maskSize} (nodeCIDRMaskSize)`,
      );
    }
    const clash = this.blocks.find((b) => cidrsOverlap(b.cidr, cidr));
    if (clash) {
      throw new NetvizError(
        'overlapping-ranges',
        `${what} ${cidr.text} of ${owner} overlaps ${clash.cidr.text}, the podCIDR of ${clash.owner}`,
      );
    }
    this.blocks.push({ cidr, owner });
    return cidr;
  }

  /** Gives `owner` the lowest free block. Throws `pool-exhausted`. */
  allocateNext(owner: string): Cidr {
    const size = blockSize(this.maskSize);
    let candidate = this.cluster.first;
    while (candidate + size - 1 <= this.cluster.last) {
      const end = candidate + size - 1;
      const clash = this.blocks.find((b) => b.cidr.first <= end && candidate <= b.cidr.last);
      if (!clash) {
        const cidr = cidrOf(candidate, this.maskSize);
        this.blocks.push({ cidr, owner });
        return cidr;
      }
      candidate = Math.max(candidate + size, Math.ceil((clash.cidr.last + 1) / size) * size);
      if (candidate >= TWO_32) break;
    }
    throw new NetvizError(
      'pool-exhausted',
      `${this.name} ${this.cluster.text} is exhausted: all ${this.capacity} /${this.maskSize} node CIDRs ` +
        `are taken, none is left for ${owner}`,
    );
  }
}
