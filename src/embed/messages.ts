/**
 * The embed API: what an embedding page may ask of an embedded kube-netviz (an `<iframe src="…?embed">` via
 * postMessage, or a `<kube-netviz>` element via its methods), and what the embed tells it back.
 *
 *   commands  {type: 'kube-netviz', command: 'play' | 'pause'}
 *             {type: 'kube-netviz', command: 'step', direction?: 'forward' | 'back'}
 *             {type: 'kube-netviz', command: 'goto', step: 0…}           (the step index, as `?step=` in links)
 *             {type: 'kube-netviz', command: 'setMode', mode: 'iptables' | 'ipvs' | 'nftables' | 'userspace'}
 *             {type: 'kube-netviz', command: 'setRequest', from: 'ns/pod' | IPv4, to: name, port?, protocol?}
 *   events    {type: 'kube-netviz', event: 'ready', step, steps, caption, mode}
 *             {type: 'kube-netviz', event: 'stepchange', step, steps, caption, mode}
 *
 * A message is input from any window: `parseCommand` checks its shape strictly, never throws, and says what is
 * wrong; the caller ignores what it refuses (with a console warning). Pure: no DOM.
 */
import { PROXY_MODES } from '../model/constants';
import type { TraceRequest } from '../engine/trace/types';
import type { ProxyMode } from '../model/types';
import { LINK_LIMITS, decodeState } from './urlState';

export const MESSAGE_TYPE = 'kube-netviz';

export type EmbedCommand =
  | { readonly command: 'play' }
  | { readonly command: 'pause' }
  | { readonly command: 'step'; readonly direction: 'forward' | 'back' }
  | { readonly command: 'goto'; readonly step: number }
  | { readonly command: 'setMode'; readonly mode: ProxyMode }
  | { readonly command: 'setRequest'; readonly request: TraceRequest };

export type CommandName = EmbedCommand['command'];
export const COMMAND_NAMES: readonly CommandName[] = [
  'play',
  'pause',
  'step',
  'goto',
  'setMode',
  'setRequest',
];

export type ParsedCommand =
  { readonly ok: true; readonly command: EmbedCommand } | { readonly ok: false; readonly error: string };

/** What the embed reports: where its cursor is. `step` is the index (0 = first), `steps` the count. */
export interface StepEvent {
  readonly event: 'ready' | 'stepchange';
  readonly step: number;
  readonly steps: number;
  readonly caption: string;
  readonly mode: ProxyMode;
}

/** The fields each command may carry besides `type` and `command`. */
const FIELDS: Record<CommandName, readonly string[]> = {
  play: [],
  pause: [],
  step: ['direction'],
  goto: ['step'],
  setMode: ['mode'],
  setRequest: ['from', 'to', 'port', 'protocol'],
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const describe = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
};

/**
 * True when `data` is addressed to kube-netviz at all (`type: 'kube-netviz'`). Other messages on the window
 * (other widgets, devtools, extensions) are none of our business and are not warned about.
 */
export function isNetvizMessage(data: unknown): data is Record<string, unknown> {
  try {
    return isRecord(data) && data['type'] === MESSAGE_TYPE;
  } catch {
    return false;
  }
}

/** Reads a command; anything but an exact, known shape is refused with the reason. Never throws. */
export function parseCommand(data: unknown): ParsedCommand {
  try {
    return readCommand(data);
  } catch (e) {
    // A getter that throws, a revoked Proxy…: refused, never propagated.
    return {
      ok: false,
      error: `the message could not be read (${e instanceof Error ? e.message : 'error'})`,
    };
  }
}

function readCommand(data: unknown): ParsedCommand {
  const fail = (error: string): ParsedCommand => ({ ok: false, error });
  if (!isRecord(data)) return fail(`a command is an object, not ${describe(data)}`);
  if (data['type'] !== MESSAGE_TYPE) return fail(`a command has type: '${MESSAGE_TYPE}'`);
  const name = data['command'];
  const command = COMMAND_NAMES.find((c) => c === name);
  if (command === undefined) {
    return fail(`command ${describe(name)} is not one of ${COMMAND_NAMES.join(', ')}`);
  }
  const allowed = new Set(['type', 'command', ...FIELDS[command]]);
  const extra = Object.keys(data).find((k) => !allowed.has(k));
  if (extra !== undefined) return fail(`${command} takes no field ${describe(extra)}`);

  switch (command) {
    case 'play':
    case 'pause':
      return { ok: true, command: { command } };
    case 'step': {
      const direction = data['direction'] ?? 'forward';
      if (direction !== 'forward' && direction !== 'back') {
        return fail(`step: direction ${describe(direction)} is not 'forward' or 'back'`);
      }
      return { ok: true, command: { command, direction } };
    }
    case 'goto': {
      const step = data['step'];
      if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step > LINK_LIMITS.maxStep) {
        return fail(`goto: step ${describe(step)} is not a whole number from 0 to ${LINK_LIMITS.maxStep}`);
      }
      return { ok: true, command: { command, step } };
    }
    case 'setMode': {
      const mode = PROXY_MODES.find((m) => m === data['mode']);
      if (mode === undefined) {
        return fail(`setMode: mode ${describe(data['mode'])} is not one of ${PROXY_MODES.join(', ')}`);
      }
      return { ok: true, command: { command, mode } };
    }
    case 'setRequest':
      return readRequest(data);
  }
}

/** The same checks a link's request gets (urlState.ts): one set of rules for every way in. */
function readRequest(data: Record<string, unknown>): ParsedCommand {
  const { from, to, port, protocol } = data;
  if (typeof from !== 'string') return { ok: false, error: `setRequest: from ${describe(from)} is not text` };
  if (typeof to !== 'string') return { ok: false, error: `setRequest: to ${describe(to)} is not text` };
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port))) {
    return { ok: false, error: `setRequest: port ${describe(port)} is not a whole number` };
  }
  if (protocol !== undefined && typeof protocol !== 'string') {
    return { ok: false, error: `setRequest: protocol ${describe(protocol)} is not text` };
  }
  const params = new URLSearchParams({ v: '1', from, to });
  if (port !== undefined) params.set('port', String(port));
  if (protocol !== undefined) params.set('proto', protocol);
  const decoded = decodeState(params.toString());
  if (!decoded.ok) return { ok: false, error: `setRequest: ${decoded.error}` };
  const request = decoded.state.request;
  if (!request) return { ok: false, error: 'setRequest: from and to are required' };
  return { ok: true, command: { command: 'setRequest', request } };
}

// ---------------------------------------------------------------------------------------------------------
// Origins

/** Which windows may command an iframe embed: a list of origins, or any (an explicit opt-in). */
export type OriginPolicy =
  { readonly any: true } | { readonly any: false; readonly origins: readonly string[] };

export type ParsedOrigins = { readonly policy: OriginPolicy; readonly errors: readonly string[] };

/**
 * The `?origin=` parameters of an embed URL: each an origin as the browser serializes it
 * (`https://docs.example.com`, no path), or `*` for any page. With none, only pages of the embed's own origin
 * may send commands. Origins that are not origins are reported and left out (never widened to `*`).
 */
export function readOriginPolicy(values: readonly string[], ownOrigin: string): ParsedOrigins {
  if (values.includes('*')) return { policy: { any: true }, errors: [] };
  const origins: string[] = [];
  const errors: string[] = [];
  for (const value of values) {
    const origin = serializedOrigin(value);
    if (origin === null)
      errors.push(`origin=${describe(value)} is not an origin like https://docs.example.com`);
    else origins.push(origin);
  }
  return { policy: { any: false, origins: origins.length > 0 ? origins : [ownOrigin] }, errors };
}

function serializedOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin === value.replace(/\/$/, '') ? url.origin : null;
  } catch {
    return null;
  }
}

export function isAllowedOrigin(policy: OriginPolicy, origin: string): boolean {
  return policy.any || policy.origins.includes(origin);
}

/** Where events go: to each allowed origin (postMessage drops a message whose target origin does not match). */
export function eventTargets(policy: OriginPolicy): readonly string[] {
  return policy.any ? ['*'] : policy.origins;
}
