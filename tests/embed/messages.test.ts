import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  MESSAGE_TYPE,
  eventTargets,
  isAllowedOrigin,
  isNetvizMessage,
  parseCommand,
  readOriginPolicy,
} from '../../src/embed/messages';

const msg = (fields: Record<string, unknown>) => ({ type: MESSAGE_TYPE, ...fields });

describe('embed commands', () => {
  it('reads each command of the API', () => {
    expect(parseCommand(msg({ command: 'play' }))).toEqual({ ok: true, command: { command: 'play' } });
    expect(parseCommand(msg({ command: 'pause' }))).toEqual({ ok: true, command: { command: 'pause' } });
    expect(parseCommand(msg({ command: 'step' }))).toEqual({
      ok: true,
      command: { command: 'step', direction: 'forward' },
    });
    expect(parseCommand(msg({ command: 'step', direction: 'back' }))).toEqual({
      ok: true,
      command: { command: 'step', direction: 'back' },
    });
    expect(parseCommand(msg({ command: 'goto', step: 31 }))).toEqual({
      ok: true,
      command: { command: 'goto', step: 31 },
    });
    expect(parseCommand(msg({ command: 'setMode', mode: 'ipvs' }))).toEqual({
      ok: true,
      command: { command: 'setMode', mode: 'ipvs' },
    });
    expect(
      parseCommand(
        msg({ command: 'setRequest', from: 'default/client', to: 'web-svc', port: 80, protocol: 'TCP' }),
      ),
    ).toEqual({
      ok: true,
      command: {
        command: 'setRequest',
        request: {
          from: { kind: 'pod', namespace: 'default', name: 'client' },
          to: 'web-svc',
          port: 80,
          protocol: 'TCP',
        },
      },
    });
    expect(
      parseCommand(msg({ command: 'setRequest', from: '203.0.113.7', to: 'web-svc.default' })),
    ).toMatchObject({
      ok: true,
      command: { request: { from: { kind: 'external', ip: '203.0.113.7' }, to: 'web-svc.default' } },
    });
  });

  it.each([
    [null, 'a command is an object, not null'],
    ['goto', 'a command is an object, not "goto"'],
    [[], 'a command is an object, not an array'],
    [{ command: 'play' }, "a command has type: 'kube-netviz'"],
    [msg({ command: 'eval' }), 'command "eval" is not one of play, pause, step, goto, setMode, setRequest'],
    [msg({}), 'command undefined is not one of'],
    [msg({ command: 'play', step: 3 }), 'play takes no field "step"'],
    [msg({ command: 'step', direction: 'up' }), `step: direction "up" is not 'forward' or 'back'`],
    [msg({ command: 'goto', step: -1 }), 'goto: step -1 is not a whole number from 0'],
    [msg({ command: 'goto', step: 2.5 }), 'goto: step 2.5 is not a whole number'],
    [msg({ command: 'goto', step: '5' }), 'goto: step "5" is not a whole number'],
    [msg({ command: 'goto', step: Number.NaN }), 'goto: step NaN is not a whole number'],
    [msg({ command: 'goto' }), 'goto: step undefined is not a whole number'],
    [
      msg({ command: 'setMode', mode: 'ebpf' }),
      'setMode: mode "ebpf" is not one of userspace, iptables, ipvs, nftables',
    ],
    [msg({ command: 'setRequest', to: 'web-svc' }), 'setRequest: from undefined is not text'],
    [
      msg({ command: 'setRequest', from: 'default/client', to: 'web svc' }),
      'setRequest: to="web svc" is not a Service name',
    ],
    [msg({ command: 'setRequest', from: 'Default/client', to: 'web-svc' }), 'is not a namespace name'],
    [
      msg({ command: 'setRequest', from: 'default/client', to: 'web-svc', port: 70000 }),
      'port="70000" is out of range',
    ],
    [
      msg({ command: 'setRequest', from: 'default/client', to: 'web-svc', port: '80' }),
      'port "80" is not a whole number',
    ],
    [
      msg({ command: 'setRequest', from: 'default/client', to: 'web-svc', protocol: 'ICMP' }),
      'proto="ICMP" is not a protocol',
    ],
  ])('refuses %j, saying why', (input, reason) => {
    const parsed = parseCommand(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it('refuses a message whose fields throw when read, without throwing', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
        ownKeys: () => {
          throw new Error('boom');
        },
      },
    );
    expect(parseCommand(hostile)).toEqual({ ok: false, error: 'the message could not be read (boom)' });
    expect(isNetvizMessage(hostile)).toBe(false);
  });

  it('never throws on any input, and what it accepts is one of the commands', () => {
    const field = fc.oneof(
      fc.anything(),
      fc.constantFrom(...COMMAND_NAMES),
      fc.constantFrom('forward', 'back', 'ipvs', 'default/client', 'web-svc', 'TCP'),
      fc.integer({ min: -5, max: 70_000 }),
    );
    const shaped = fc.record(
      {
        type: fc.oneof(fc.constant(MESSAGE_TYPE), fc.anything()),
        command: field,
        step: field,
        direction: field,
        mode: field,
        from: field,
        to: field,
        port: field,
        protocol: field,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped), (input) => {
        const parsed = parseCommand(input);
        if (parsed.ok) expect(COMMAND_NAMES).toContain(parsed.command.command);
        else expect(parsed.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every whole step from 0 up', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (step) => {
        expect(parseCommand(msg({ command: 'goto', step }))).toEqual({
          ok: true,
          command: { command: 'goto', step },
        });
      }),
    );
  });

  it('tells our messages from other windows traffic', () => {
    expect(isNetvizMessage(msg({ command: 'play' }))).toBe(true);
    expect(isNetvizMessage({ type: 'webpackOk' })).toBe(false);
    expect(isNetvizMessage('kube-netviz')).toBe(false);
  });
});

describe('which pages may command an iframe embed', () => {
  const own = 'https://netviz.example';

  it('by default, only pages of the embed’s own origin', () => {
    const { policy, errors } = readOriginPolicy([], own);
    expect(errors).toEqual([]);
    expect(isAllowedOrigin(policy, own)).toBe(true);
    expect(isAllowedOrigin(policy, 'https://evil.example')).toBe(false);
    expect(eventTargets(policy)).toEqual([own]);
  });

  it('the origins given with origin=, and no others', () => {
    const { policy } = readOriginPolicy(['https://docs.example.com', 'http://localhost:3000'], own);
    expect(isAllowedOrigin(policy, 'https://docs.example.com')).toBe(true);
    expect(isAllowedOrigin(policy, 'http://localhost:3000')).toBe(true);
    expect(isAllowedOrigin(policy, own)).toBe(false);
    expect(isAllowedOrigin(policy, 'https://docs.example.com.evil.example')).toBe(false);
    expect(eventTargets(policy)).toEqual(['https://docs.example.com', 'http://localhost:3000']);
  });

  it('any page only when asked with origin=*', () => {
    const { policy } = readOriginPolicy(['*'], own);
    expect(isAllowedOrigin(policy, 'https://anyone.example')).toBe(true);
    expect(eventTargets(policy)).toEqual(['*']);
  });

  it('reports what is not an origin and never widens the list for it', () => {
    const { policy, errors } = readOriginPolicy(
      ['docs.example.com', 'https://docs.example.com/guide', 'javascript:alert(1)', 'null'],
      own,
    );
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('origin="docs.example.com" is not an origin');
    expect(policy).toEqual({ any: false, origins: [own] });
    expect(isAllowedOrigin(policy, 'null')).toBe(false);
  });
});
