import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NetvizError } from '../../src/model/errors';
import type { NetvizErrorCode } from '../../src/model/errors';
import {
  AddressPool,
  PortPool,
  SubnetAllocator,
  assertNoOverlap,
  cidrContains,
  cidrsOverlap,
  compareIPv4,
  firstHostAddress,
  formatIPv4,
  nodePortStaticBand,
  nthAddress,
  parseCidr,
  parseIPv4,
  serviceIPStaticBand,
  subnetsOf,
  validatePort,
} from '../../src/model/ipam';
import { hex8, podTemplateHash, safeEncodeString, safeSuffix } from '../../src/model/ids';

/** Runs `fn`, expecting a NetvizError with `code`; returns its message. */
function failure(fn: () => unknown, code: NetvizErrorCode): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(NetvizError);
    expect((e as NetvizError).code).toBe(code);
    return (e as NetvizError).message;
  }
  throw new Error(`expected a ${code} error`);
}

describe('addresses and ranges', () => {
  it('parses and formats IPv4 addresses', () => {
    expect(parseIPv4('10.0.1.2')).toBe(0x0a000102);
    expect(formatIPv4(0x0a000102)).toBe('10.0.1.2');
    expect(formatIPv4(parseIPv4('255.255.255.255'))).toBe('255.255.255.255');
    expect(compareIPv4('10.0.1.10', '10.0.1.9')).toBeGreaterThan(0);
  });

  it('rejects invalid addresses with invalid-ip naming the value', () => {
    for (const bad of ['10.0.1.256', '10.0.1', '10.0.1.05', ' 10.0.1.5', '', 'ten.0.0.1']) {
      const message = failure(() => parseIPv4(bad, 'podIP'), 'invalid-ip');
      expect(message).toContain(`podIP "${bad}"`);
    }
  });

  it('parses a CIDR into its network, prefix and bounds', () => {
    const c = parseCidr('10.0.1.0/24');
    expect(c).toEqual({
      text: '10.0.1.0/24',
      network: '10.0.1.0',
      prefix: 24,
      first: parseIPv4('10.0.1.0'),
      last: parseIPv4('10.0.1.255'),
      size: 256,
    });
    expect(parseCidr('0.0.0.0/0').size).toBe(2 ** 32);
    expect(parseCidr('10.0.0.7/32').size).toBe(1);
  });

  it('rejects malformed CIDRs with invalid-cidr', () => {
    for (const bad of ['10.0.1.0', '10.0.1.0/33', '10.0.1.0/024', '10.0.1/24', '10.0.1.0/24 ', 'x/8']) {
      const message = failure(() => parseCidr(bad, 'clusterCIDR'), 'invalid-cidr');
      expect(message).toContain(`clusterCIDR "${bad}"`);
    }
  });

  it('reports host bits (which ip-num would silently accept) and names the network address', () => {
    const message = failure(() => parseCidr('10.0.1.5/24', 'podCIDR'), 'host-bits-set');
    expect(message).toContain('"10.0.1.5/24"');
    expect(message).toContain('10.0.1.0/24');
    expect(failure(() => parseCidr('10.3.241.0/20'), 'host-bits-set')).toContain('10.3.240.0/20');
  });

  it('tests containment and overlap', () => {
    const cluster = parseCidr('10.0.0.0/16');
    expect(cidrContains(cluster, '10.0.255.255')).toBe(true);
    expect(cidrContains(cluster, '10.1.0.0')).toBe(false);
    expect(cidrsOverlap(cluster, parseCidr('10.0.7.0/24'))).toBe(true);
    expect(cidrsOverlap(cluster, parseCidr('10.1.0.0/16'))).toBe(false);
  });

  it('indexes addresses the way GetIndexedIP does', () => {
    const svc = parseCidr('10.96.0.0/12');
    expect(nthAddress(svc, 1)).toBe('10.96.0.1');
    expect(nthAddress(svc, 10)).toBe('10.96.0.10');
    expect(firstHostAddress(parseCidr('10.0.2.0/24'))).toBe('10.0.2.1');
    const message = failure(() => nthAddress(parseCidr('10.0.0.0/29'), 8), 'out-of-range');
    expect(message).toContain('10.0.0.0/29');
    expect(message).toContain('8');
  });

  it('splits a range lazily into subnets', () => {
    const blocks = subnetsOf(parseCidr('10.0.0.0/8'), 24);
    expect(blocks.next().value?.text).toBe('10.0.0.0/24');
    expect(blocks.next().value?.text).toBe('10.0.1.0/24');
    expect([...subnetsOf(parseCidr('10.0.0.0/22'), 24)].map((c) => c.text)).toEqual([
      '10.0.0.0/24',
      '10.0.1.0/24',
      '10.0.2.0/24',
      '10.0.3.0/24',
    ]);
    expect(() => subnetsOf(parseCidr('10.0.0.0/24'), 16).next()).toThrow(NetvizError);
  });

  it('reports overlapping ranges by name', () => {
    const message = failure(
      () =>
        assertNoOverlap([
          { name: 'clusterCIDR', cidr: parseCidr('10.0.0.0/16') },
          { name: 'serviceCIDR', cidr: parseCidr('10.96.0.0/12') },
          { name: 'nodeNetwork', cidr: parseCidr('10.0.5.0/24') },
        ]),
      'overlapping-ranges',
    );
    expect(message).toContain('clusterCIDR 10.0.0.0/16');
    expect(message).toContain('nodeNetwork 10.0.5.0/24');
  });
});

describe('static bands (KEP-3070, KEP-3668)', () => {
  it('computes the Service CIDR static band as min(max(16, size/16), 256)', () => {
    expect(serviceIPStaticBand(parseCidr('10.0.0.0/28'))).toBe(0);
    expect(serviceIPStaticBand(parseCidr('10.0.0.0/27'))).toBe(16);
    expect(serviceIPStaticBand(parseCidr('10.0.0.0/24'))).toBe(16);
    expect(serviceIPStaticBand(parseCidr('10.0.0.0/22'))).toBe(64);
    expect(serviceIPStaticBand(parseCidr('10.3.240.0/20'))).toBe(256);
    expect(serviceIPStaticBand(parseCidr('10.96.0.0/12'))).toBe(256);
  });

  it('computes the NodePort static band as min(max(16, size/32), 128)', () => {
    expect(nodePortStaticBand(2768)).toBe(86);
    expect(nodePortStaticBand(16)).toBe(0);
    expect(nodePortStaticBand(100)).toBe(16);
    expect(nodePortStaticBand(10000)).toBe(128);
  });
});

describe('AddressPool', () => {
  it('allocates in order after what is reserved: bridge .1, pods .2, .3 …', () => {
    const pool = new AddressPool(parseCidr('10.0.1.0/24'), 'podCIDR of node-1');
    expect(pool.allocateNext('bridge cbr0')).toBe('10.0.1.1');
    expect(pool.allocateNext('pod a')).toBe('10.0.1.2');
    pool.reserve('10.0.1.4', 'pod c');
    expect(pool.allocateNext('pod b')).toBe('10.0.1.3');
    expect(pool.allocateNext('pod d')).toBe('10.0.1.5');
    expect(pool.ownerOf('10.0.1.4')).toBe('pod c');
    expect(pool.used().map((u) => u.ip)).toEqual([
      '10.0.1.1',
      '10.0.1.2',
      '10.0.1.3',
      '10.0.1.4',
      '10.0.1.5',
    ]);
    expect(pool.capacity).toBe(254);
    expect(pool.freeCount).toBe(249);
  });

  it('rejects addresses outside the range, and its network and broadcast addresses', () => {
    const pool = new AddressPool(parseCidr('10.0.1.0/24'), 'podCIDR of node-1');
    const outside = failure(() => pool.reserve('10.0.2.7', 'pod x', 'podIP'), 'out-of-range');
    expect(outside).toContain('10.0.2.7');
    expect(outside).toContain('podCIDR of node-1 10.0.1.0/24');
    expect(failure(() => pool.reserve('10.0.1.0', 'pod x'), 'out-of-range')).toContain('network address');
    expect(failure(() => pool.reserve('10.0.1.255', 'pod x'), 'out-of-range')).toContain('broadcast address');
    expect(failure(() => pool.reserve('10.0.1.300', 'pod x', 'podIP'), 'invalid-ip')).toContain('10.0.1.300');
  });

  it('names both owners of a duplicate address', () => {
    const pool = new AddressPool(parseCidr('10.0.1.0/24'), 'podCIDR of node-1');
    pool.reserve('10.0.1.1', 'bridge cbr0 of node node-1');
    const message = failure(() => pool.reserve('10.0.1.1', 'pod default/web'), 'duplicate-address');
    expect(message).toContain('pod default/web');
    expect(message).toContain('bridge cbr0 of node node-1');
  });

  it('names the pool when it is exhausted', () => {
    const pool = new AddressPool(parseCidr('10.0.1.0/30'), 'podCIDR of node-9');
    pool.allocateNext('a');
    pool.allocateNext('b');
    const message = failure(() => pool.allocateNext('pod c'), 'pool-exhausted');
    expect(message).toContain('podCIDR of node-9 10.0.1.0/30');
    expect(message).toContain('pod c');
    expect(() => pool.allocateHashed('k', 'pod d', 1)).toThrow(NetvizError);
  });

  it('puts hashed allocations in the upper band, deterministically', () => {
    const cidr = parseCidr('10.3.240.0/20');
    const a = new AddressPool(cidr, 'serviceCIDR');
    const b = new AddressPool(cidr, 'serviceCIDR');
    const ip = a.allocateHashed('default/web', 'svc web', 256);
    expect(b.allocateHashed('default/web', 'svc web', 256)).toBe(ip);
    // Above network + 256: the first 256 usable addresses (10.3.240.1 – 10.3.241.0) are the static band.
    expect(parseIPv4(ip)).toBeGreaterThan(parseIPv4('10.3.241.0'));
    expect(cidrContains(cidr, ip)).toBe(true);
  });

  it('falls back to the lower band when the upper band is full', () => {
    const pool = new AddressPool(parseCidr('10.0.0.0/27'), 'serviceCIDR');
    const band = serviceIPStaticBand(pool.cidr); // 16 of 30 usable
    const got = Array.from({ length: 30 }, (_, i) => pool.allocateHashed(`svc-${i}`, `svc ${i}`, band));
    const offsets = got.map((ip) => parseIPv4(ip) - parseIPv4('10.0.0.1'));
    expect(offsets.slice(0, 14).every((o) => o >= band)).toBe(true);
    expect(offsets.slice(14).every((o) => o < band)).toBe(true);
    expect(new Set(got).size).toBe(30);
  });
});

describe('AddressPool properties', () => {
  const cidrArb = fc
    .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 24, max: 30 }))
    .map(([addr, prefix]) => {
      const size = 2 ** (32 - prefix);
      return parseCidr(`${formatIPv4(Math.floor(addr / size) * size)}/${prefix}`);
    });

  it('allocates unique addresses inside the range, and throws exactly when full', () => {
    fc.assert(
      fc.property(
        cidrArb,
        fc.array(fc.oneof(fc.constant('next'), fc.string({ maxLength: 6 })), { maxLength: 300 }),
        (cidr, ops) => {
          const pool = new AddressPool(cidr, 'pool');
          const seen = new Set<string>();
          for (const [i, op] of ops.entries()) {
            const full = pool.freeCount === 0;
            let ip: string | undefined;
            try {
              ip = op === 'next' ? pool.allocateNext(`o${i}`) : pool.allocateHashed(op, `o${i}`, 16);
            } catch (e) {
              expect((e as NetvizError).code).toBe('pool-exhausted');
              expect(full).toBe(true);
              continue;
            }
            expect(full).toBe(false);
            expect(seen.has(ip)).toBe(false);
            expect(cidrContains(cidr, ip)).toBe(true);
            expect(ip).not.toBe(cidr.network);
            expect(parseIPv4(ip)).not.toBe(cidr.last);
            seen.add(ip);
          }
          expect(seen.size + pool.freeCount).toBe(pool.capacity);
        },
      ),
    );
  });

  it('allocateHashed is deterministic and never returns a reserved address', () => {
    fc.assert(
      fc.property(
        cidrArb,
        fc.string(),
        fc.array(fc.integer({ min: 1, max: 254 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 64 }),
        (cidr, key, offsets, band) => {
          const make = () => {
            const pool = new AddressPool(cidr, 'pool');
            const reserved = new Set<string>();
            for (const o of offsets) {
              const ip = formatIPv4(cidr.first + (o % (cidr.size - 2)) + 1);
              if (!reserved.has(ip)) pool.reserve(ip, 'reserved');
              reserved.add(ip);
            }
            return { pool, reserved };
          };
          const one = make();
          const two = make();
          if (one.pool.freeCount === 0) return;
          const ip = one.pool.allocateHashed(key, 'me', band);
          expect(two.pool.allocateHashed(key, 'me', band)).toBe(ip);
          expect(one.reserved.has(ip)).toBe(false);
          expect(cidrContains(cidr, ip)).toBe(true);
        },
      ),
    );
  });
});

describe('PortPool', () => {
  it('defaults to 30000-32767 and reserves explicit ports', () => {
    const pool = new PortPool();
    expect(pool.capacity).toBe(2768);
    expect(pool.staticBand).toBe(86);
    expect(pool.reserve(30080, 'svc a')).toBe(30080);
    const dup = failure(() => pool.reserve(30080, 'svc b'), 'duplicate-address');
    expect(dup).toContain('svc a');
    expect(dup).toContain('svc b');
    expect(failure(() => pool.reserve(8080, 'svc c'), 'out-of-range')).toContain('30000-32767');
    expect(failure(() => pool.reserve(70000, 'svc c'), 'invalid-port')).toContain('70000');
  });

  it('allocates hashed ports above the static band, deterministically', () => {
    const a = new PortPool();
    const port = a.allocateHashed('default/web:80', 'svc web');
    expect(new PortPool().allocateHashed('default/web:80', 'svc web')).toBe(port);
    expect(port).toBeGreaterThanOrEqual(30000 + 86);
    expect(port).toBeLessThanOrEqual(32767);
    expect(a.allocateNext('x')).toBe(30000);
  });

  it('throws pool-exhausted naming the range', () => {
    const pool = new PortPool({ min: 30000, max: 30001 });
    pool.allocateNext('a');
    pool.allocateHashed('b', 'b');
    expect(failure(() => pool.allocateNext('svc c'), 'pool-exhausted')).toContain('30000-30001');
  });

  it('validates ports and ranges', () => {
    expect(validatePort(1)).toBe(1);
    expect(validatePort(65535)).toBe(65535);
    for (const bad of [0, 65536, -1, 1.5, NaN]) expect(() => validatePort(bad)).toThrow(NetvizError);
    expect(failure(() => new PortPool({ min: 32000, max: 31000 }), 'invalid-port')).toContain('32000-31000');
  });
});

describe('SubnetAllocator', () => {
  const cluster = parseCidr('10.0.0.0/16');

  it('gives the lowest free block after the explicit ones', () => {
    const subnets = new SubnetAllocator(cluster, 24);
    subnets.reserve('10.0.1.0/24', 'node node-1');
    subnets.reserve('10.0.2.0/24', 'node node-2');
    expect(subnets.allocateNext('node node-3').text).toBe('10.0.0.0/24');
    expect(subnets.allocateNext('node node-4').text).toBe('10.0.3.0/24');
    expect(subnets.used().map((u) => u.owner)).toEqual([
      'node node-3',
      'node node-1',
      'node node-2',
      'node node-4',
    ]);
  });

  it('rejects blocks outside the cluster range, with the wrong mask, or overlapping', () => {
    const subnets = new SubnetAllocator(cluster, 24);
    subnets.reserve('10.0.1.0/24', 'node node-1');
    expect(failure(() => subnets.reserve('10.1.0.0/24', 'node x'), 'out-of-range')).toContain(
      'clusterCIDR 10.0.0.0/16',
    );
    expect(failure(() => subnets.reserve('10.0.4.0/23', 'node x'), 'invalid-cidr')).toContain('/24');
    const overlap = failure(() => subnets.reserve('10.0.1.0/24', 'node node-2'), 'overlapping-ranges');
    expect(overlap).toContain('node node-1');
    expect(overlap).toContain('node node-2');
    expect(failure(() => subnets.reserve('10.0.1.9/24', 'node x'), 'host-bits-set')).toContain('10.0.1.0/24');
  });

  it('throws pool-exhausted when every block is taken', () => {
    const subnets = new SubnetAllocator(parseCidr('10.0.0.0/23'), 24);
    subnets.allocateNext('a');
    subnets.allocateNext('b');
    expect(failure(() => subnets.allocateNext('node c'), 'pool-exhausted')).toContain('10.0.0.0/23');
    expect(() => new SubnetAllocator(cluster, 8)).toThrow(NetvizError);
  });
});

describe('stable names', () => {
  it('safe-encodes decimal digits as Kubernetes does', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('builds pod-template hashes and suffixes from the safe alphabet', () => {
    const hash = podTemplateHash({ labels: { app: 'web' } });
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    expect(podTemplateHash({ labels: { app: 'web' } })).toBe(hash);
    expect(podTemplateHash({ labels: { app: 'db' } })).not.toBe(hash);
    expect(safeSuffix('default/web/0')).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(hex8('default/web')).toMatch(/^[0-9a-f]{8}$/);
  });
});
