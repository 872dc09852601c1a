/**
 * Stable names for objects Kubernetes would name at random (pod name suffixes, veth names, EndpointSlice
 * names). kube-netviz must give the same output for the same input, so where Kubernetes draws random
 * characters we derive them from a hash of the object's identity instead. The *shapes* follow Kubernetes;
 * the values are kube-netviz's own.
 */

/**
 * The alphabet Kubernetes uses for random name suffixes and safe-encoded hashes: no vowels and no 0, 1, 3
 * (to avoid bad words and look-alike characters). k8s.io/apimachinery/pkg/util/rand `alphanums`.
 */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a over the UTF-8 bytes of `text` (the hash Kubernetes' ComputeHash uses, hash/fnv New32a). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Maps each character of `text` into the safe alphabet by its code modulo 27, as apimachinery's
 * `rand.SafeEncodeString` does. Applied to a decimal number, digits 0–9 become `4 5 6 7 8 9 b c d f`.
 */
export function safeEncodeString(text: string): string {
  let out = '';
  for (const ch of text) out += SAFE_ALPHABET[(ch.codePointAt(0) ?? 0) % SAFE_ALPHABET.length];
  return out;
}

/**
 * `length` characters of the safe alphabet derived from `key`: the stand-in for the random suffix the API
 * server appends to a `metadata.generateName` (5 characters, apiserver names.SimpleNameGenerator).
 */
export function safeSuffix(key: string, length = 5): string {
  let out = '';
  let round = 0;
  while (out.length < length) {
    let hash = fnv1a32(`${key}#${round}`);
    // 27^6 < 2^32: six characters per 32-bit hash.
    for (let i = 0; i < 6 && out.length < length; i++) {
      out += SAFE_ALPHABET[hash % SAFE_ALPHABET.length];
      hash = Math.floor(hash / SAFE_ALPHABET.length);
    }
    round++;
  }
  return out;
}

/** Eight lowercase hex characters from `key` (the CNI bridge plugin names host veths `veth` + 4 random bytes). */
export function hex8(key: string): string {
  return fnv1a32(key).toString(16).padStart(8, '0');
}

/** JSON with object keys sorted, so that equal data always serialises (and hashes) the same. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * A pod-template-hash in Kubernetes' shape: `SafeEncodeString(decimal(fnv32a(template)))`, as
 * pkg/controller/controller_utils.go `ComputeHash` does. Kubernetes hashes a spew dump of the Go struct,
 * which kube-netviz cannot reproduce; it hashes a stable JSON of the template instead, so the value imitates
 * (does not reproduce) the real one. Like the real one it is up to 10 characters long (the decimal digits
 * of a 32-bit number), e.g. `7c65d6cfc9`.
 */
export function podTemplateHash(template: unknown): string {
  return safeEncodeString(String(fnv1a32(stableStringify(template))));
}
