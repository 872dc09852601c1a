/**
 * Links to exact moments: the state a link carries (scenario, request, kube-proxy mode, IPVS scheduler, seed,
 * step and view options) ⇄ a URL search string. Short things are plain, readable parameters
 * (`?v=1&scenario=default&from=default/client&to=web-svc&port=80&proto=TCP&mode=ipvs&step=31`); a custom
 * scenario travels as one compressed parameter, `c=`, lz-string's URI-safe encoding of its YAML.
 *
 * A link is input from anyone: `decodeState` checks every parameter, never throws, and says plainly what is
 * wrong, so the app can show the message and fall back to the default cluster. Parameters it does not know
 * (`generate`, tracking tags) are left to others. Pure: no DOM, no clock.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { IPVS_SCHEDULERS, PROXY_MODES } from '../model/constants';
import type { TraceClient, TraceRequest } from '../engine/trace/types';
import { fnv1a32 } from '../model/ids';
import type { IpvsScheduler, Protocol, ProxyMode } from '../model/types';

export type LinkTheme = 'light' | 'dark' | 'auto';

export interface LinkView {
  readonly theme?: LinkTheme;
  /** Embedded in another page: the chrome is reduced. */
  readonly embed?: boolean;
  /** Whether the playback controls are shown. */
  readonly controls?: boolean;
  readonly autoplay?: boolean;
  /** First and last step to play (a clip of the trace). */
  readonly start?: number;
  readonly stop?: number;
}

export type LinkScenario =
  { readonly kind: 'builtin'; readonly id: string } | { readonly kind: 'yaml'; readonly text: string };

/**
 * What a link carries. Every field but `v` is optional: what a link leaves out keeps the app's default.
 * A `view` with no field set means the same as no `view` (it encodes to nothing).
 */
export interface LinkState {
  readonly v: 1;
  readonly scenario?: LinkScenario;
  readonly request?: TraceRequest;
  readonly mode?: ProxyMode;
  readonly scheduler?: IpvsScheduler;
  readonly seed?: number;
  /** The cursor: index of the step shown. */
  readonly step?: number;
  readonly view?: LinkView;
  /**
   * A guided tour (src/scenarios/tours.ts) at one of its stops, counted from 1 as the link says it
   * (`?tour=seed&stop=3`). Each stop opens its own scenario, request, mode and step, so a tour link carries
   * none of those.
   */
  readonly tour?: LinkTour;
}

export interface LinkTour {
  readonly id: string;
  /** 1 = the first stop. */
  readonly stop: number;
}

export type DecodeResult =
  { readonly ok: true; readonly state: LinkState } | { readonly ok: false; readonly error: string };

/** How a custom scenario's YAML is squeezed into the link. */
export interface LinkCompressor {
  compress(text: string): string;
  /** null (or text that fails the link's checksum) when the input is not a complete compressed text. */
  decompress(compressed: string): string | null;
}

/** lz-string's URI-safe encoding: its output needs no escaping in a URL (`A-Z a-z 0-9 + - $`). */
export const lzCompressor: LinkCompressor = {
  compress: (text) => compressToEncodedURIComponent(text),
  decompress: (compressed) => decompressFromEncodedURIComponent(compressed),
};

export const LINK_VERSION = 1;
export const DAMAGED_CLUSTER_MESSAGE = "the link's cluster data is damaged (truncated or edited)";

/**
 * Limits on what a link may carry. lz-string's output can grow quadratically with its input in the worst
 * case, so the compressed parameter is capped before it is expanded; a scenario larger than this belongs in
 * an exported YAML file, not in a link.
 */
export const LINK_LIMITS = {
  compressedChars: 16_000,
  yamlChars: 256_000,
  /** DNS names are at most 253 characters (RFC 1035 as Kubernetes validates it). */
  targetChars: 253,
  /** metadata.name of a Pod: a DNS-1123 subdomain, at most 253 characters. */
  podNameChars: 253,
  /** Namespaces are DNS-1123 labels: at most 63 characters. */
  namespaceChars: 63,
  builtinIdChars: 63,
  maxStep: 1_000_000,
  maxTourStop: 999,
} as const;

const SCHEDULERS = IPVS_SCHEDULERS;
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const THEMES: readonly LinkTheme[] = ['light', 'dark', 'auto'];
/** The parameters this module owns; anything else in the URL is someone else's. */
const OWN_PARAMS = [
  'v', 'scenario', 'c', 'from', 'to', 'port', 'proto', 'http-host', 'http-path', 'mode', 'sched', 'seed',
  'step', 'theme', 'embed', 'controls', 'autoplay', 'start', 'stop', 'tour',
] as const; // prettier-ignore
/** What a tour link may not carry: each stop says these itself. */
const NOT_WITH_TOUR = [
  'scenario',
  'c',
  'from',
  'to',
  'port',
  'proto',
  'http-host',
  'http-path',
  'mode',
  'sched',
  'seed',
  'step',
] as const;
/** The compressed payload starts with a checksum of the YAML, so damage is found rather than imported. */
const CHECKSUM_SEPARATOR = '\n';

// ---------------------------------------------------------------------------------------------------------
// Encoding

/**
 * The state as a URL search string (with its leading `?`). Parameters come in a fixed order, so the same
 * state always gives the same link. Throws a RangeError when a custom scenario is too large for a link
 * (see LINK_LIMITS): offer the YAML export instead.
 */
export function encodeState(state: LinkState, compressor: LinkCompressor = lzCompressor): string {
  const params: [string, string][] = [['v', String(LINK_VERSION)]];
  const add = (key: string, value: string | number | boolean | undefined): void => {
    if (value === undefined) return;
    params.push([key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value)]);
  };
  if (state.tour) return encodeTour(state.tour, state.view, params, add);
  const scenario = state.scenario;
  if (scenario?.kind === 'builtin') add('scenario', scenario.id);
  if (scenario?.kind === 'yaml') add('c', compressScenario(scenario.text, compressor));
  if (state.request) {
    add('from', clientText(state.request.from));
    add('to', state.request.to);
    add('port', state.request.port);
    add('proto', state.request.protocol);
    add('http-host', state.request.http?.host);
    add('http-path', state.request.http?.path);
  }
  add('mode', state.mode);
  add('sched', state.scheduler);
  add('seed', state.seed);
  add('step', state.step);
  const view = state.view;
  if (view) {
    add('theme', view.theme);
    add('embed', view.embed);
    add('controls', view.controls);
    add('autoplay', view.autoplay);
    add('start', view.start);
    add('stop', view.stop);
  }
  return `?${params.map(([k, v]) => `${k}=${escapeValue(v)}`).join('&')}`;
}

/** A tour link: the tour, its stop (in `stop`, which a tour link does not need for a clip) and the view. */
function encodeTour(
  tour: LinkTour,
  view: LinkView | undefined,
  params: [string, string][],
  add: (key: string, value: string | number | boolean | undefined) => void,
): string {
  add('tour', tour.id);
  add('stop', tour.stop);
  add('theme', view?.theme);
  add('embed', view?.embed);
  add('controls', view?.controls);
  add('autoplay', view?.autoplay);
  return `?${params.map(([k, v]) => `${k}=${escapeValue(v)}`).join('&')}`;
}

function compressScenario(text: string, compressor: LinkCompressor): string {
  if (text.length > LINK_LIMITS.yamlChars) {
    throw new RangeError(
      `the scenario is too large for a link (${text.length} characters, at most ${LINK_LIMITS.yamlChars}); export it as YAML instead`,
    );
  }
  const compressed = compressor.compress(`${checksumOf(text)}${CHECKSUM_SEPARATOR}${text}`);
  if (compressed.length > LINK_LIMITS.compressedChars) {
    throw new RangeError(
      `the scenario is too large for a link (${compressed.length} characters compressed, at most ${LINK_LIMITS.compressedChars}); export it as YAML instead`,
    );
  }
  return compressed;
}

const checksumOf = (text: string): string => fnv1a32(text).toString(16).padStart(8, '0');

/** Pods as `namespace/name`, external clients as their address. */
function clientText(client: TraceClient): string {
  return client.kind === 'pod' ? `${client.namespace}/${client.name}` : client.ip;
}

/** Percent-encoding that keeps `/`, `:` and `$` readable (all three are allowed in a query, RFC 3986 §3.4). */
function escapeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%24/g, '$');
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

class LinkError extends Error {}

/**
 * Reads a URL search string (with or without its `?`). Never throws: a link that cannot be trusted whole is
 * refused whole, with a message that says which parameter is wrong and why.
 */
export function decodeState(search: string, compressor: LinkCompressor = lzCompressor): DecodeResult {
  try {
    return { ok: true, state: readState(search, compressor) };
  } catch (e) {
    if (e instanceof LinkError) return { ok: false, error: e.message };
    // Anything else is a bug here or in the compressor; the link is still refused, never half-read.
    const reason = e instanceof Error && e.message !== '' ? e.message : String(e);
    return { ok: false, error: `the link could not be read (${reason || 'unknown error'})` };
  }
}

function readState(search: string, compressor: LinkCompressor): LinkState {
  if (typeof search !== 'string') throw new LinkError('the link has no parameters');
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const one = (key: (typeof OWN_PARAMS)[number]): string | undefined => {
    const values = params.getAll(key);
    if (values.length > 1)
      throw new LinkError(`the link gives ${key} ${values.length} times; it may be given once`);
    return values[0];
  };

  const version = one('v');
  // A tour link is what people type into a slide or a chat: `?tour=seed&stop=3` needs no version.
  if (version === undefined && params.has('tour')) return readTour(params, one);
  if (version === undefined) {
    throw new LinkError('the link has no version (v=1): it was not made by kube-netviz, or it was cut short');
  }
  if (version !== String(LINK_VERSION)) {
    const shown = show(version);
    throw new LinkError(
      /^[0-9]{1,6}$/.test(version) && Number(version) > LINK_VERSION
        ? `the link is version ${shown}, made by a newer kube-netviz; this one reads version ${LINK_VERSION}`
        : `the link's version ${shown} is not one kube-netviz knows (expected ${LINK_VERSION})`,
    );
  }

  if (params.has('tour')) return readTour(params, one);
  const scenario = readScenario(one('scenario'), one('c'), compressor);
  const request = withHttp(
    readRequest(one('from'), one('to'), one('port'), one('proto')),
    one('http-host'),
    one('http-path'),
  );
  const mode = readChoice('mode', one('mode'), PROXY_MODES, 'a kube-proxy mode');
  const scheduler = readChoice('sched', one('sched'), SCHEDULERS, 'an IPVS scheduler');
  // The engine's seeded generator takes a 32-bit seed (src/engine/rng.ts).
  const seed = readInteger('seed', one('seed'), 0, 0xffffffff);
  const step = readInteger('step', one('step'), 0, LINK_LIMITS.maxStep);
  const view = readView(one);

  return {
    v: 1,
    ...(scenario ? { scenario } : {}),
    ...(request ? { request } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(scheduler !== undefined ? { scheduler } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(step !== undefined ? { step } : {}),
    ...(view ? { view } : {}),
  };
}

/** `tour=<id>&stop=<n>` (stop counted from 1, 1 when left out), with view options only. */
function readTour(
  params: URLSearchParams,
  one: (key: (typeof OWN_PARAMS)[number]) => string | undefined,
): LinkState {
  const id = one('tour') ?? '';
  if (id.length > LINK_LIMITS.builtinIdChars || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) {
    throw new LinkError(`tour=${show(id)} is not a tour name (lowercase words joined by -)`);
  }
  const extra = NOT_WITH_TOUR.find((key) => params.has(key));
  if (extra !== undefined) {
    throw new LinkError(`a tour link cannot also give ${extra}=; each stop of the tour sets it`);
  }
  if (params.has('start')) throw new LinkError('a tour link cannot give start=; its stop= is the tour stop');
  const stop = readInteger('stop', one('stop'), 1, LINK_LIMITS.maxTourStop) ?? 1;
  const theme = readChoice('theme', one('theme'), THEMES, 'a theme');
  const embed = readBoolean('embed', one('embed'));
  const controls = readBoolean('controls', one('controls'));
  const autoplay = readBoolean('autoplay', one('autoplay'));
  const view: LinkView = {
    ...(theme !== undefined ? { theme } : {}),
    ...(embed !== undefined ? { embed } : {}),
    ...(controls !== undefined ? { controls } : {}),
    ...(autoplay !== undefined ? { autoplay } : {}),
  };
  return { v: 1, tour: { id, stop }, ...(Object.keys(view).length > 0 ? { view } : {}) };
}

function readScenario(
  builtin: string | undefined,
  compressed: string | undefined,
  compressor: LinkCompressor,
): LinkScenario | undefined {
  if (builtin !== undefined && compressed !== undefined) {
    throw new LinkError(
      'the link names a built-in scenario and carries a cluster too; it may do one or the other',
    );
  }
  if (builtin !== undefined) {
    // Built-in scenario ids are short kebab-case words (src/scenarios/load.ts); whether one exists is the
    // app's to say, since only it loads the list.
    if (builtin.length > LINK_LIMITS.builtinIdChars || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(builtin)) {
      throw new LinkError(`scenario=${show(builtin)} is not a scenario name (lowercase words joined by -)`);
    }
    return { kind: 'builtin', id: builtin };
  }
  if (compressed === undefined) return undefined;
  // URLSearchParams turns a raw `+` into a space; lz-string's URI-safe alphabet has `+` and no space.
  const payload = compressed.replace(/ /g, '+');
  if (payload === '' || payload.length > LINK_LIMITS.compressedChars || !/^[A-Za-z0-9+\-$]+$/.test(payload)) {
    throw new LinkError(DAMAGED_CLUSTER_MESSAGE);
  }
  let text: string | null;
  try {
    text = compressor.decompress(payload);
  } catch {
    text = null;
  }
  const cut = text === null ? -1 : text.indexOf(CHECKSUM_SEPARATOR);
  if (text === null || cut !== 8) throw new LinkError(DAMAGED_CLUSTER_MESSAGE);
  const yaml = text.slice(cut + 1);
  if (yaml.length > LINK_LIMITS.yamlChars || checksumOf(yaml) !== text.slice(0, cut)) {
    throw new LinkError(DAMAGED_CLUSTER_MESSAGE);
  }
  return { kind: 'yaml', text: yaml };
}

function readRequest(
  from: string | undefined,
  to: string | undefined,
  port: string | undefined,
  proto: string | undefined,
): TraceRequest | undefined {
  if (from === undefined && to === undefined) {
    if (port !== undefined || proto !== undefined) {
      throw new LinkError('the link gives a port or protocol but no request (from= and to=)');
    }
    return undefined;
  }
  if (from === undefined)
    throw new LinkError('the link says where the request goes (to=) but not where from (from=)');
  if (to === undefined)
    throw new LinkError('the link says where the request comes from (from=) but not where to (to=)');
  const client = readClient(from);
  const target = readTarget(to);
  const portNumber = readInteger('port', port, 1, 65535);
  const protocol = readChoice('proto', proto, PROTOCOLS, 'a protocol');
  return {
    from: client,
    to: target,
    ...(portNumber !== undefined ? { port: portNumber } : {}),
    ...(protocol !== undefined ? { protocol } : {}),
  };
}

/** The HTTP request an ingress controller routes on (`http-host=`, `http-path=`), added to the request. */
function withHttp(
  request: TraceRequest | undefined,
  host: string | undefined,
  path: string | undefined,
): TraceRequest | undefined {
  if (host === undefined && path === undefined) return request;
  if (!request) throw new LinkError('the link gives an HTTP host or path but no request (from= and to=)');
  if (host === undefined || path === undefined) {
    throw new LinkError('the link gives only one of http-host= and http-path=; an HTTP request needs both');
  }
  if (host.length > 260 || !/^[A-Za-z0-9*]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?$/.test(host)) {
    throw new LinkError(`http-host=${show(host)} is not a host name (with an optional :port)`);
  }
  if (path.length > 2000 || !path.startsWith('/') || /\s/.test(path)) {
    throw new LinkError(`http-path=${show(path)} is not an HTTP path (it starts with / and has no spaces)`);
  }
  return { ...request, http: { host, path } };
}

/** `namespace/pod` (a DNS-1123 label and a DNS-1123 subdomain), or an external client's IPv4 address. */
function readClient(text: string): TraceClient {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (isIPv4(text)) return { kind: 'external', ip: text };
    throw new LinkError(`from=${show(text)} is neither namespace/pod nor an IPv4 address`);
  }
  const namespace = text.slice(0, slash);
  const name = text.slice(slash + 1);
  if (namespace.length > LINK_LIMITS.namespaceChars || !isDns1123Label(namespace)) {
    throw new LinkError(`from=${show(text)}: ${show(namespace)} is not a namespace name`);
  }
  if (name.length > LINK_LIMITS.podNameChars || !isDns1123Subdomain(name)) {
    throw new LinkError(`from=${show(text)}: ${show(name)} is not a pod name`);
  }
  return { kind: 'pod', namespace, name };
}

/**
 * A Service name (short or qualified), a DNS name or an address. DNS names may hold letters, digits, `-`,
 * `_` (SRV-style labels) and dots; nothing else can name a Service, so nothing else is let through.
 */
function readTarget(text: string): string {
  if (
    text.length === 0 ||
    text.length > LINK_LIMITS.targetChars ||
    !/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/.test(text)
  ) {
    throw new LinkError(
      text.length > LINK_LIMITS.targetChars
        ? `to= is ${text.length} characters long; a DNS name is at most ${LINK_LIMITS.targetChars}`
        : `to=${show(text)} is not a Service name, DNS name or address`,
    );
  }
  return text;
}

function readChoice<T extends string>(
  key: string,
  value: string | undefined,
  choices: readonly T[],
  what: string,
): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => c === value);
  if (found === undefined) {
    throw new LinkError(`${key}=${show(value)} is not ${what}; expected one of ${choices.join(', ')}`);
  }
  return found;
}

/** A plain decimal integer in [min, max]: no sign, no exponent, no fraction, no leading zeros. */
function readInteger(key: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) {
    throw new LinkError(
      min === 0
        ? `${key}=${show(value)} is not a whole number of 0 or more`
        : `${key}=${show(value)} is not a whole number from ${min} to ${max}`,
    );
  }
  const n = Number(value);
  if (n < min || n > max) throw new LinkError(`${key}=${show(value)} is out of range (${min}–${max})`);
  return n;
}

function readBoolean(key: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new LinkError(`${key}=${show(value)} is not 1 or 0`);
}

function readView(one: (key: (typeof OWN_PARAMS)[number]) => string | undefined): LinkView | undefined {
  const theme = readChoice('theme', one('theme'), THEMES, 'a theme');
  const embed = readBoolean('embed', one('embed'));
  const controls = readBoolean('controls', one('controls'));
  const autoplay = readBoolean('autoplay', one('autoplay'));
  const start = readInteger('start', one('start'), 0, LINK_LIMITS.maxStep);
  const stop = readInteger('stop', one('stop'), 0, LINK_LIMITS.maxStep);
  if (start !== undefined && stop !== undefined && stop < start) {
    throw new LinkError(`stop=${stop} comes before start=${start}`);
  }
  const view: LinkView = {
    ...(theme !== undefined ? { theme } : {}),
    ...(embed !== undefined ? { embed } : {}),
    ...(controls !== undefined ? { controls } : {}),
    ...(autoplay !== undefined ? { autoplay } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(stop !== undefined ? { stop } : {}),
  };
  return Object.keys(view).length > 0 ? view : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Checks

/** RFC 1123 label as Kubernetes checks it (IsDNS1123Label): lowercase alphanumerics and `-`. */
function isDns1123Label(text: string): boolean {
  return text.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(text);
}

/** RFC 1123 subdomain (IsDNS1123Subdomain): dot-separated labels, at most 253 characters. */
function isDns1123Subdomain(text: string): boolean {
  return text.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(text);
}

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

// Control characters and line separators: shown as escapes so a message stays one readable line.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A value quoted for a message: short, on one line, with control characters made visible. */
function show(value: string): string {
  const chars = [...value];
  const head = chars.slice(0, 40).join('');
  const safe = head.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${safe.replace(/"/g, '\\"')}${chars.length > 40 ? '…' : ''}"`;
}
