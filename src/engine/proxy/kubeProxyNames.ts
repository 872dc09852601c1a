/**
 * kube-proxy's names and numbers: service port names, the hashed chain names, endpoint strings and the
 * load-balancing probabilities. Shared by the iptables mode (chains) and the others (labels).
 * Source: kubernetes/kubernetes v1.33 pkg/proxy/iptables/proxier.go (portProtoHash,
 * servicePortEndpointChainName, computeProbability) and pkg/proxy/types.go (ServicePortName.String).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Protocol } from '../../model/types';

/**
 * `ServicePortName.String()`: `ns/svc:port`, or `ns/svc` when the port is unnamed (modern kube-proxy
 * prints no trailing colon; very old versions did).
 */
export function servicePortName(namespace: string, service: string, portName?: string): string {
  return portName ? `${namespace}/${service}:${portName}` : `${namespace}/${service}`;
}

/** `net.JoinHostPort(ip, port)`: `10.180.0.1:80`, `[fd00::1]:80`. */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The first `chars` characters of RFC 4648 base32 (standard alphabet, Go's base32.StdEncoding) of `bytes`;
 * kube-proxy's iptables and nftables chain names both cut their sha256 this way.
 */
export function base32Prefix(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >>> bits) & 31];
      if (out.length === chars) return out;
    }
  }
  return out;
}

// Chain names are recomputed for every node's ruleset; remembering them keeps a rebuild cheap (sha256
// is most of the cost of building 10,000 services). Bounded so a long session cannot grow it forever.
const HASH_CACHE_LIMIT = 200_000;
const hashCache = new Map<string, string>();

function hash16(text: string): string {
  let hash = hashCache.get(text);
  if (hash === undefined) {
    hash = base32Prefix(sha256(utf8ToBytes(text)), 16);
    if (hashCache.size >= HASH_CACHE_LIMIT) hashCache.clear();
    hashCache.set(text, hash);
  }
  return hash;
}

function lowerProtocol(protocol: Protocol | Lowercase<Protocol>): string {
  return protocol.toLowerCase();
}

/**
 * `portProtoHash`: the first 16 characters of base32(sha256(servicePortName + lower-case protocol)).
 * kube-proxy truncates because iptables chain names must be at most 28 characters.
 */
export function portProtoHash(servicePort: string, protocol: Protocol | Lowercase<Protocol>): string {
  return hash16(servicePort + lowerProtocol(protocol));
}

export interface ServiceChainNames {
  /** KUBE-SVC-: endpoints for "Cluster" traffic policy. */
  readonly svc: string;
  /** KUBE-SVL-: node-local endpoints for "Local" traffic policy. */
  readonly svl: string;
  /** KUBE-EXT-: external destinations (NodePort, externalIPs, LoadBalancer IPs). */
  readonly ext: string;
  /** KUBE-FW-: loadBalancerSourceRanges. */
  readonly fw: string;
}

/** The four per-service-port chains share one hash (proxier.go servicePortPolicyClusterChain & co). */
export function serviceChainNames(
  servicePort: string,
  protocol: Protocol | Lowercase<Protocol>,
): ServiceChainNames {
  const hash = portProtoHash(servicePort, protocol);
  return {
    svc: `KUBE-SVC-${hash}`,
    svl: `KUBE-SVL-${hash}`,
    ext: `KUBE-EXT-${hash}`,
    fw: `KUBE-FW-${hash}`,
  };
}

/** `servicePortEndpointChainName`: KUBE-SEP- + hash of servicePortName + protocol + "ip:port". */
export function endpointChainName(
  servicePort: string,
  protocol: Protocol | Lowercase<Protocol>,
  endpoint: string,
): string {
  return `KUBE-SEP-${hash16(servicePort + lowerProtocol(protocol) + endpoint)}`;
}

/**
 * Formats a float64 like Go's `strconv`/`fmt` `%.<digits>f`: from the exact binary value, rounding a
 * tie to even (JavaScript's `toFixed` rounds ties up, which differs for values such as 1/2048).
 */
export function formatFixedLikeGo(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const negative = x < 0 || Object.is(x, -0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exponentBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (exponentBits === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  // value = mantissa * 2^exponent; scaled = value * 10^digits, rounded half-to-even.
  const scaled = mantissa * 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = scaled << BigInt(exponent);
  } else {
    const shift = BigInt(-exponent);
    q = scaled >> shift;
    const remainder = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (remainder > half || (remainder === half && q % 2n === 1n)) q += 1n;
  }
  const text = q.toString().padStart(digits + 1, '0');
  const body = digits > 0 ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative && q !== 0n ? `-${body}` : body;
}

/** `computeProbability(n)`: `fmt.Sprintf("%0.10f", 1.0/float64(n))`. */
export function computeProbability(n: number): string {
  // kube-proxy precomputes these strings too (precomputedProbabilities); so do we.
  let text = probabilityCache.get(n);
  if (text === undefined) {
    text = formatFixedLikeGo(1 / n, 10);
    probabilityCache.set(n, text);
  }
  return text;
}

const probabilityCache = new Map<number, string>();

/** The masquerade mark: `1 << masqueradeBit` (kube-proxy's --iptables-masquerade-bit, default 14). */
export function masqueradeMarkValue(masqueradeBit = 14): number {
  return 2 ** masqueradeBit;
}

/**
 * The mark as kube-proxy writes it: `fmt.Sprintf("%#08x", 1<<bit)`. Go zero-pads the digits to 8 and
 * then adds `0x`, so bit 14 gives `0x00004000` (kube-proxy logs `mark="0x00004000"`); iptables-save
 * prints it back normalised as `0x4000`. (proxier_test.go's fake proxier hard-codes "0x4000".)
 */
export function formatMarkLikeKubeProxy(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
