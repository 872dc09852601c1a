/**
 * Saved work: what autosave keeps in localStorage, so a reload comes back to the same cluster, request, mode
 * and step. The saved state has a schema version; an older one is migrated, and one that cannot be read is
 * reported with its raw text kept (the UI offers it as a download), never dropped in silence.
 *
 * No DOM here: storage is passed in as an adapter (`window.localStorage` in the app, a Map in tests).
 */
import { DEFAULT_SEED } from '../engine/trace/constants';
import type { TraceClient, TraceRequest } from '../engine/trace/types';
import type { IpvsScheduler, Protocol, ProxyMode } from '../model/types';

/** The localStorage key of the current schema. */
export const STORAGE_KEY = 'kube-netviz:v2';
/** Where schema 1 was kept; read when there is nothing under STORAGE_KEY. */
export const LEGACY_STORAGE_KEY = 'kube-netviz:v1';
export const SAVED_SCHEMA = 2;

/** The part of the Web Storage API autosave uses. */
export interface StorageAdapter {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type SavedScenario = { readonly yaml: string } | { readonly builtin: string };

/** Schema 2. */
export interface SavedState {
  readonly schema: 2;
  /** ISO 8601 time of the save, set by the caller (the clock lives at the edge). */
  readonly savedAt?: string;
  readonly scenario: SavedScenario;
  /** The traced request; null: the app's default request for the cluster (what a migrated save has). */
  readonly request: TraceRequest | null;
  readonly mode: ProxyMode;
  readonly scheduler: IpvsScheduler;
  readonly seed: number;
  /** Index of the step shown. */
  readonly cursor: number;
}

/** Schema 1, as the first autosave wrote it: the YAML, the mode and the step, nothing else. */
export interface SavedStateV1 {
  readonly version: 1;
  readonly yaml: string;
  readonly mode: ProxyMode;
  readonly step: number;
}

export type LoadResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly saved: SavedState; readonly migratedFrom?: number }
  | { readonly kind: 'corrupt'; readonly error: string; readonly raw: string };

const PROXY_MODES: readonly ProxyMode[] = ['userspace', 'iptables', 'ipvs', 'nftables'];
// kube-proxy's IPVSSchedulerMethod values (pkg/proxy/apis/config/types.go); rr is its default.
const SCHEDULERS: readonly IpvsScheduler[] = [
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
];
const DEFAULT_SCHEDULER: IpvsScheduler = 'rr';
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
/** The engine's seeded generator takes 32-bit seeds (src/engine/rng.ts). */
const MAX_SEED = 0xffffffff;

// ---------------------------------------------------------------------------------------------------------
// Writing

/** The saved state as JSON, keys in a fixed order (the same state always gives the same text). */
export function serializeSaved(state: SavedState): string {
  const scenario =
    'yaml' in state.scenario ? { yaml: state.scenario.yaml } : { builtin: state.scenario.builtin };
  return JSON.stringify({
    schema: SAVED_SCHEMA,
    ...(state.savedAt !== undefined ? { savedAt: state.savedAt } : {}),
    scenario,
    request: state.request === null ? null : requestJson(state.request),
    mode: state.mode,
    scheduler: state.scheduler,
    seed: state.seed,
    cursor: state.cursor,
  });
}

function requestJson(r: TraceRequest): unknown {
  const from =
    r.from.kind === 'pod'
      ? { kind: 'pod', namespace: r.from.namespace, name: r.from.name }
      : { kind: 'external', ip: r.from.ip };
  return {
    from,
    to: r.to,
    ...(r.port !== undefined ? { port: r.port } : {}),
    ...(r.protocol !== undefined ? { protocol: r.protocol } : {}),
    ...(r.http ? { http: { host: r.http.host, path: r.http.path } } : {}),
  };
}

export type WriteResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Saves under STORAGE_KEY. Storage can refuse (a full quota, a private window, storage disabled): that is
 * returned as a message, not thrown, so autosave can say "not saved" and the work goes on.
 */
export function writeSaved(storage: StorageAdapter, state: SavedState): WriteResult {
  try {
    storage.setItem(STORAGE_KEY, serializeSaved(state));
    return { ok: true };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, error: `your work could not be saved in this browser (${reason})` };
  }
}

/**
 * Reads the saved work: STORAGE_KEY, else the schema 1 key (migrated). Storage that cannot be read at all
 * counts as nothing saved.
 */
export function readSaved(storage: StorageAdapter): LoadResult {
  let current: string | null;
  let legacy: string | null = null;
  try {
    current = storage.getItem(STORAGE_KEY);
    if (current === null) legacy = storage.getItem(LEGACY_STORAGE_KEY);
  } catch {
    return { kind: 'none' };
  }
  return loadSaved(current ?? legacy);
}

/** Forgets the saved work, under both keys (after the user chose to start afresh or to discard it). */
export function clearSaved(storage: StorageAdapter): void {
  try {
    storage.removeItem(STORAGE_KEY);
    storage.removeItem(LEGACY_STORAGE_KEY);
  } catch {
    // Nothing to forget in storage that cannot be reached.
  }
}

// ---------------------------------------------------------------------------------------------------------
// Reading

class SavedError extends Error {}

/** Reads saved JSON of any schema this version knows. Never throws. */
export function loadSaved(raw: string | null): LoadResult {
  if (raw === null) return { kind: 'none' };
  const corrupt = (error: string): LoadResult => ({ kind: 'corrupt', error, raw });
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return corrupt(`the saved work is not valid JSON (${reason})`);
  }
  try {
    if (!isRecord(value)) throw new SavedError(`the saved work is ${describe(value)}, not an object`);
    if ('schema' in value) {
      const schema = value.schema;
      if (schema === SAVED_SCHEMA) return { kind: 'ok', saved: readV2(value) };
      if (typeof schema === 'number' && Number.isInteger(schema) && schema > SAVED_SCHEMA) {
        throw new SavedError(
          `the saved work has schema ${schema}, from a newer kube-netviz; this one reads schemas 1 and 2`,
        );
      }
      throw new SavedError(`the saved work has an unknown schema ${describe(schema)}`);
    }
    if (value.version === 1) return { kind: 'ok', saved: migrateV1(readV1(value)), migratedFrom: 1 };
    throw new SavedError('the saved work has no schema number');
  } catch (e) {
    if (e instanceof SavedError) return corrupt(e.message);
    throw e;
  }
}

/** Schema 1 → 2: what schema 1 did not keep takes the app's defaults. */
export function migrateV1(v1: SavedStateV1): SavedState {
  return {
    schema: 2,
    scenario: { yaml: v1.yaml },
    request: null,
    mode: v1.mode,
    scheduler: DEFAULT_SCHEDULER,
    seed: DEFAULT_SEED,
    cursor: v1.step,
  };
}

function readV1(v: Record<string, unknown>): SavedStateV1 {
  return {
    version: 1,
    yaml: field(v, 'yaml', isString, 'text'),
    mode: choice(v, 'mode', PROXY_MODES, 'a kube-proxy mode'),
    step: integer(v, 'step', 0, Number.MAX_SAFE_INTEGER),
  };
}

function readV2(v: Record<string, unknown>): SavedState {
  const savedAt = v.savedAt;
  if (savedAt !== undefined && typeof savedAt !== 'string') {
    throw new SavedError(`the saved work's savedAt is ${describe(savedAt)}, not a time`);
  }
  return {
    schema: 2,
    ...(savedAt !== undefined ? { savedAt } : {}),
    scenario: readScenario(v.scenario),
    request: v.request === null ? null : readRequest(v.request),
    mode: choice(v, 'mode', PROXY_MODES, 'a kube-proxy mode'),
    scheduler: choice(v, 'scheduler', SCHEDULERS, 'an IPVS scheduler'),
    seed: integer(v, 'seed', 0, MAX_SEED),
    cursor: integer(v, 'cursor', 0, Number.MAX_SAFE_INTEGER),
  };
}

function readScenario(value: unknown): SavedScenario {
  if (!isRecord(value))
    throw new SavedError(`the saved work's scenario is ${describe(value)}, not an object`);
  const hasYaml = 'yaml' in value;
  const hasBuiltin = 'builtin' in value;
  if (hasYaml === hasBuiltin) {
    throw new SavedError("the saved work's scenario must have either yaml or builtin");
  }
  if (hasYaml) return { yaml: field(value, 'yaml', isString, 'text', 'scenario.') };
  const builtin = field(value, 'builtin', isString, 'a scenario name', 'scenario.');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(builtin)) {
    throw new SavedError(`the saved work's scenario.builtin ${describe(builtin)} is not a scenario name`);
  }
  return { builtin };
}

function readRequest(value: unknown): TraceRequest {
  if (!isRecord(value)) throw new SavedError(`the saved work's request is ${describe(value)}, not an object`);
  const from = readClient(value.from);
  const to = field(value, 'to', isString, 'a name or address', 'request.');
  if (to === '') throw new SavedError("the saved work's request.to is empty");
  const port = value.port === undefined ? undefined : integer(value, 'port', 1, 65535, 'request.');
  const protocol =
    value.protocol === undefined ? undefined : choice(value, 'protocol', PROTOCOLS, 'a protocol', 'request.');
  const http = value.http === undefined ? undefined : readHttp(value.http);
  return {
    from,
    to,
    ...(port !== undefined ? { port } : {}),
    ...(protocol !== undefined ? { protocol } : {}),
    ...(http ? { http } : {}),
  };
}

/** The HTTP request an ingress controller routes on (request.http). */
function readHttp(value: unknown): NonNullable<TraceRequest['http']> {
  if (!isRecord(value))
    throw new SavedError(`the saved work's request.http is ${describe(value)}, not an object`);
  return {
    host: field(value, 'host', isString, 'a host name', 'request.http.'),
    path: field(value, 'path', isString, 'a path', 'request.http.'),
  };
}

function readClient(value: unknown): TraceClient {
  if (!isRecord(value)) {
    throw new SavedError(`the saved work's request.from is ${describe(value)}, not an object`);
  }
  if (value.kind === 'pod') {
    return {
      kind: 'pod',
      namespace: field(value, 'namespace', isString, 'a namespace', 'request.from.'),
      name: field(value, 'name', isString, 'a pod name', 'request.from.'),
    };
  }
  if (value.kind === 'external') {
    return { kind: 'external', ip: field(value, 'ip', isString, 'an address', 'request.from.') };
  }
  throw new SavedError(
    `the saved work's request.from.kind ${describe(value.kind)} is neither pod nor external`,
  );
}

// ---------------------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): v is string => typeof v === 'string';

function field<T>(
  v: Record<string, unknown>,
  key: string,
  check: (x: unknown) => x is T,
  what: string,
  prefix = '',
): T {
  const value = v[key];
  if (!check(value)) {
    throw new SavedError(
      value === undefined
        ? `the saved work has no ${prefix}${key}`
        : `the saved work's ${prefix}${key} is ${describe(value)}, not ${what}`,
    );
  }
  return value;
}

function choice<T extends string>(
  v: Record<string, unknown>,
  key: string,
  choices: readonly T[],
  what: string,
  prefix = '',
): T {
  const value = v[key];
  const found = choices.find((c) => c === value);
  if (found === undefined) {
    throw new SavedError(
      value === undefined
        ? `the saved work has no ${prefix}${key}`
        : `the saved work's ${prefix}${key} ${describe(value)} is not ${what}`,
    );
  }
  return found;
}

function integer(v: Record<string, unknown>, key: string, min: number, max: number, prefix = ''): number {
  const value = v[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SavedError(
      value === undefined
        ? `the saved work has no ${prefix}${key}`
        : `the saved work's ${prefix}${key} is ${describe(value)}, not a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

// Control characters and line separators, replaced so a message stays one line.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A short, one-line description of a value for a message. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') {
    const head = [...value].slice(0, 40).join('');
    const safe = head.replace(INVISIBLE, '?');
    return `"${safe}${head.length < value.length ? '…' : ''}"`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}
