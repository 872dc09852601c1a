/**
 * Deterministic stand-ins for identifiers a runtime makes up at random (sandbox id, netns name, MACs):
 * FNV-1a over the pod's key, so the same pod always gets the same values. They have the real shapes.
 */

function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function hexDigits(text: string, count: number): string {
  let out = '';
  for (let round = 0; out.length < count; round += 1) {
    out += fnv1a(`${round}:${text}`).toString(16).padStart(8, '0');
  }
  return out.slice(0, count);
}

/** A pod sandbox id: 64 hex digits, as containerd prints them. */
export function sandboxId(key: string): string {
  return hexDigits(`sandbox:${key}`, 64);
}

/** containerd names pod network namespaces `cni-<uuid>` under /var/run/netns. */
export function netnsPath(key: string): string {
  const h = hexDigits(`netns:${key}`, 32);
  return `/var/run/netns/cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A random-looking MAC as the kernel gives a veth: locally administered, unicast. */
export function macAddress(key: string): string {
  const h = hexDigits(`mac:${key}`, 12);
  const first = ((parseInt(h.slice(0, 2), 16) & 0xfe) | 0x02).toString(16).padStart(2, '0');
  const rest = [2, 4, 6, 8, 10].map((i) => h.slice(i, i + 2));
  return [first, ...rest].join(':');
}

/** The pod's metadata.uid (the API server makes a random UUID v4): a stand-in of the same shape. */
export function podUid(key: string): string {
  const h = hexDigits(`uid:${key}`, 32);
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
