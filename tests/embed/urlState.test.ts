import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAMAGED_CLUSTER_MESSAGE,
  LINK_LIMITS,
  decodeState,
  encodeState,
  lzCompressor,
  type LinkState,
} from '../../src/embed/urlState';
import type { IpvsScheduler, ProxyMode } from '../../src/model/types';

function decodeOk(search: string): LinkState {
  const result = decodeState(search);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.state;
}

function decodeError(search: string): string {
  const result = decodeState(search);
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.state)}`);
  return result.error;
}

const yamlLink = (text: string): string => encodeState({ v: 1, scenario: { kind: 'yaml', text } });
const cOf = (search: string): string => new URLSearchParams(search).get('c') ?? '';

describe('encodeState', () => {
  it('writes short things as readable parameters', () => {
    const search = encodeState({
      v: 1,
      scenario: { kind: 'builtin', id: 'default' },
      request: {
        from: { kind: 'pod', namespace: 'default', name: 'client' },
        to: 'web-svc',
        port: 80,
        protocol: 'TCP',
      },
      mode: 'ipvs',
      seed: 1,
      step: 31,
    });
    expect(search).toBe(
      '?v=1&scenario=default&from=default/client&to=web-svc&port=80&proto=TCP&mode=ipvs&seed=1&step=31',
    );
  });

  it('writes an external client as its address and view flags as 1/0', () => {
    const search = encodeState({
      v: 1,
      request: { from: { kind: 'external', ip: '203.0.113.9' }, to: '10.100.0.2', port: 30080 },
      view: { theme: 'dark', embed: true, controls: false, start: 3, stop: 9 },
    });
    expect(search).toBe(
      '?v=1&from=203.0.113.9&to=10.100.0.2&port=30080&theme=dark&embed=1&controls=0&start=3&stop=9',
    );
  });

  it('carries a custom scenario compressed in c=', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n'.repeat(20);
    const search = yamlLink(text);
    expect(search).toMatch(/^\?v=1&c=[A-Za-z0-9%$-]+$/);
    expect(search.length).toBeLessThan(text.length);
    expect(decodeOk(search)).toEqual({ v: 1, scenario: { kind: 'yaml', text } });
  });

  it('refuses a scenario too large for a link', () => {
    // Incompressible text: every 4 characters a fresh number.
    const text = Array.from({ length: 40_000 }, (_, i) => (i * 2654435761) % 99991).join(',');
    expect(() => yamlLink(text)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Arbitraries for valid link states

/** fast-check builds records without a prototype; the decoder builds ordinary objects. */
function plain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v as unknown)])) as T;
}

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const ipv4 = fc.ipV4();
const target = fc.oneof(
  subdomain,
  ipv4,
  fc.stringMatching(/^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,30}[A-Za-z0-9_.])?$/),
);
const request = fc.record(
  {
    from: fc.oneof(
      fc.record({ kind: fc.constant('pod' as const), namespace: label, name: subdomain }),
      fc.record({ kind: fc.constant('external' as const), ip: ipv4 }),
    ),
    to: target,
    port: fc.integer({ min: 1, max: 65535 }),
    protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const),
  },
  { requiredKeys: ['from', 'to'] },
);
const view = fc
  .record(
    {
      theme: fc.constantFrom('light' as const, 'dark' as const, 'auto' as const),
      embed: fc.boolean(),
      controls: fc.boolean(),
      autoplay: fc.boolean(),
      start: fc.integer({ min: 0, max: 500 }),
      stop: fc.integer({ min: 500, max: LINK_LIMITS.maxStep }),
    },
    { requiredKeys: [] },
  )
  .filter((v) => Object.keys(v).length > 0);
const linkState: fc.Arbitrary<LinkState> = fc
  .record(
    {
      v: fc.constant(1 as const),
      scenario: fc.oneof(
        fc.record({
          kind: fc.constant('builtin' as const),
          id: fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}$/),
        }),
        // Any text at all, including emoji, lone surrogates and NULs: the YAML reader judges it later.
        fc.record({
          kind: fc.constant('yaml' as const),
          text: fc.string({ unit: 'binary', maxLength: 300 }),
        }),
      ),
      request,
      mode: fc.constantFrom<ProxyMode>('userspace', 'iptables', 'ipvs', 'nftables'),
      scheduler: fc.constantFrom<IpvsScheduler>(
        'rr',
        'wrr',
        'lc',
        'wlc',
        'lblc',
        'lblcr',
        'sh',
        'dh',
        'sed',
        'nq',
        'mh',
      ),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      step: fc.integer({ min: 0, max: LINK_LIMITS.maxStep }),
      view,
    },
    { requiredKeys: ['v'] },
  )
  .map(plain);

describe('decodeState', () => {
  it('inverts encodeState on any valid state (property)', () => {
    fc.assert(
      fc.property(linkState, (state) => {
        expect(decodeOk(encodeState(state))).toStrictEqual(state);
      }),
      { numRuns: 400 },
    );
  });

  it('reads a link without its leading ?, and treats an empty view as no view', () => {
    expect(decodeOk('v=1&mode=nftables')).toStrictEqual({ v: 1, mode: 'nftables' });
    expect(decodeOk(encodeState({ v: 1, view: {} }))).toStrictEqual({ v: 1 });
  });

  it('leaves parameters it does not own to others', () => {
    expect(decodeOk('?v=1&generate=5x5&utm_source=x&step=2')).toStrictEqual({ v: 1, step: 2 });
  });

  it('reads a raw + in c= (as lz-string prints it) the same as %2B', () => {
    const search = yamlLink('kind: Service\n'.repeat(30) + 'x');
    const raw = cOf(search);
    const unescaped = `?v=1&c=${raw}`;
    expect(decodeOk(unescaped)).toEqual(decodeOk(search));
  });

  it('never throws on random text and always says what is wrong (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (search) => {
        const result = decodeState(search);
        expect(result.ok || result.error.length > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes, or on valid links with random bytes appended or cut (property)', () => {
    const bytesAsText = fc.uint8Array({ maxLength: 400 }).map((b) => String.fromCharCode(...b));
    fc.assert(
      fc.property(linkState, bytesAsText, fc.nat(), (state, bytes, cut) => {
        const search = encodeState(state);
        for (const s of [
          bytes,
          `?v=1&${bytes}`,
          search + bytes,
          search.slice(0, cut % (search.length + 1)),
        ]) {
          const result = decodeState(s);
          expect(result.ok || result.error.length > 0).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on params with random values (property)', () => {
    const keys = fc.constantFrom(
      'v',
      'scenario',
      'c',
      'from',
      'to',
      'port',
      'proto',
      'mode',
      'sched',
      'seed',
      'step',
      'theme',
      'embed',
      'start',
      'stop',
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keys, fc.string({ unit: 'binary', maxLength: 60 })), { maxLength: 8 }),
        (pairs) => {
          const search = `?v=1&${new URLSearchParams(pairs).toString()}`;
          const result = decodeState(search);
          expect(result.ok || result.error.length > 0).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('decodeState on tampered links', () => {
  it('reports versions other than 1', () => {
    expect(decodeError('?mode=ipvs')).toMatch(/no version \(v=1\)/);
    expect(decodeError('?v=2&mode=ipvs')).toBe(
      'the link is version "2", made by a newer kube-netviz; this one reads version 1',
    );
    expect(decodeError('?v=abc')).toBe('the link\'s version "abc" is not one kube-netviz knows (expected 1)');
    expect(decodeError('?v=1&v=1')).toBe('the link gives v 2 times; it may be given once');
  });

  it('reports an unknown mode, scheduler or protocol', () => {
    expect(decodeError('?v=1&mode=ebpf')).toBe(
      'mode="ebpf" is not a kube-proxy mode; expected one of userspace, iptables, ipvs, nftables',
    );
    expect(decodeError('?v=1&sched=random')).toMatch(/^sched="random" is not an IPVS scheduler/);
    expect(decodeError('?v=1&from=default/client&to=web&proto=ICMP')).toMatch(
      /^proto="ICMP" is not a protocol/,
    );
  });

  it('reports a step that is not a non-negative integer', () => {
    for (const bad of ['-1', '1.5', '1e3', '', ' 3', '0x10', '007', 'NaN', 'Infinity']) {
      expect(decodeError(`?v=1&step=${encodeURIComponent(bad)}`)).toMatch(
        /^step=".*" is not a whole number of 0 or more$/,
      );
    }
    expect(decodeError('?v=1&step=99999999')).toBe('step="99999999" is out of range (0–1000000)');
    expect(decodeError('?v=1&port=0&from=a/b&to=c')).toBe('port="0" is out of range (1–65535)');
    expect(decodeError('?v=1&start=9&stop=3')).toBe('stop=3 comes before start=9');
  });

  it('refuses hostile names, and quotes them safely in the message', () => {
    const script = decodeError(
      `?v=1&from=default/client&to=${encodeURIComponent('<script>alert(1)</script>')}`,
    );
    expect(script).toBe('to="<script>alert(1)</script>" is not a Service name, DNS name or address');
    const long = decodeError(`?v=1&from=default/client&to=${'a'.repeat(10_000)}`);
    expect(long).toBe('to= is 10000 characters long; a DNS name is at most 253');
    const longPod = decodeError(`?v=1&from=default/${'p'.repeat(10_000)}&to=web`);
    expect(longPod.length).toBeLessThan(200);
    expect(longPod).toMatch(/is not a pod name$/);
    const nul = decodeError('?v=1&from=default/cli%00ent&to=web');
    expect(nul).toContain('\\u0000');
    expect(nul).not.toContain('\u0000');
    expect(decodeError('?v=1&scenario=..%2F..%2Fetc')).toMatch(/is not a scenario name/);
    expect(decodeError('?v=1&from=Default/client&to=web')).toMatch(/"Default" is not a namespace name$/);
    expect(decodeError('?v=1&from=999.1.1.1&to=web')).toBe(
      'from="999.1.1.1" is neither namespace/pod nor an IPv4 address',
    );
  });

  it('reports a half request', () => {
    expect(decodeError('?v=1&to=web-svc')).toMatch(/not where from/);
    expect(decodeError('?v=1&from=default/client')).toMatch(/not where to/);
    expect(decodeError('?v=1&port=80')).toMatch(/no request/);
  });

  it('reports a truncated, edited or foreign c= as damaged', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web-svc\n'.repeat(5);
    const c = cOf(yamlLink(text));
    const damaged = [
      c.slice(0, Math.floor(c.length / 2)),
      c.slice(0, -3),
      c.slice(0, 1),
      `${c.slice(0, 10)}${c[10] === 'A' ? 'B' : 'A'}${c.slice(11)}`,
      'hello',
      '',
      '%%%',
      '<script>',
      // Compressed by lz-string but without kube-netviz's checksum.
      lzCompressor.compress(text),
    ];
    for (const bad of damaged) {
      expect(decodeError(`?v=1&c=${encodeURIComponent(bad)}`), bad).toBe(DAMAGED_CLUSTER_MESSAGE);
    }
    expect(decodeError(`?v=1&c=${'A'.repeat(LINK_LIMITS.compressedChars + 1)}`)).toBe(
      DAMAGED_CLUSTER_MESSAGE,
    );
    // lz-string stops at its end marker: what follows it cannot change the text, which the checksum confirms.
    expect(decodeOk(`?v=1&c=${c}AAAA`)).toEqual({ v: 1, scenario: { kind: 'yaml', text } });
  });

  it('reports a link that names a scenario and carries one too', () => {
    const c = cOf(yamlLink('kind: Pod'));
    expect(decodeError(`?v=1&scenario=default&c=${c}`)).toMatch(/one or the other$/);
  });

  it('reports a compressor that throws instead of throwing', () => {
    const result = decodeState(yamlLink('x'), {
      compress: (s) => s,
      decompress: () => {
        throw new Error('boom');
      },
    });
    expect(result).toEqual({ ok: false, error: DAMAGED_CLUSTER_MESSAGE });
  });
});

describe('tour links', () => {
  const tour = fc.record({
    id: fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}$/),
    stop: fc.integer({ min: 1, max: LINK_LIMITS.maxTourStop }),
  });
  const tourView = fc
    .record(
      {
        theme: fc.constantFrom('light' as const, 'dark' as const, 'auto' as const),
        embed: fc.boolean(),
        controls: fc.boolean(),
        autoplay: fc.boolean(),
      },
      { requiredKeys: [] },
    )
    .filter((v) => Object.keys(v).length > 0);
  const tourState: fc.Arbitrary<LinkState> = fc
    .record({ v: fc.constant(1 as const), tour, view: tourView }, { requiredKeys: ['v', 'tour'] })
    .map(plain);

  it('round-trip through encodeState and decodeState (property)', () => {
    fc.assert(
      fc.property(tourState, (state) => {
        expect(decodeOk(encodeState(state))).toStrictEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  it('read as people type them: no version needed, stop 1 when left out', () => {
    expect(encodeState({ v: 1, tour: { id: 'seed', stop: 3 } })).toBe('?v=1&tour=seed&stop=3');
    expect(decodeOk('?tour=seed&stop=3')).toStrictEqual({ v: 1, tour: { id: 'seed', stop: 3 } });
    expect(decodeOk('tour=seed')).toStrictEqual({ v: 1, tour: { id: 'seed', stop: 1 } });
    expect(decodeOk('?tour=seed&stop=2&theme=dark')).toStrictEqual({
      v: 1,
      tour: { id: 'seed', stop: 2 },
      view: { theme: 'dark' },
    });
  });

  it('are strict: a bad name or stop, or what each stop sets itself, is refused with the reason', () => {
    expect(decodeError('?tour=Seed')).toMatch(/tour="Seed" is not a tour name/);
    expect(decodeError('?tour=')).toMatch(/tour="" is not a tour name/);
    expect(decodeError('?tour=seed&stop=0')).toMatch(/stop="0" is out of range \(1–999\)/);
    expect(decodeError('?tour=seed&stop=1000')).toMatch(/out of range/);
    expect(decodeError('?tour=seed&stop=02')).toMatch(/not a whole number/);
    expect(decodeError('?tour=seed&stop=1&stop=2')).toMatch(/gives stop 2 times/);
    expect(decodeError('?tour=seed&tour=other')).toMatch(/gives tour 2 times/);
    expect(decodeError('?tour=seed&scenario=vxlan')).toMatch(/cannot also give scenario=/);
    expect(decodeError('?v=1&tour=seed&mode=ipvs')).toMatch(/cannot also give mode=/);
    expect(decodeError('?tour=seed&step=4')).toMatch(/cannot also give step=/);
    expect(decodeError('?tour=seed&start=1')).toMatch(/cannot give start=/);
    expect(decodeError('?v=2&tour=seed')).toMatch(/version "2"/);
  });
});
