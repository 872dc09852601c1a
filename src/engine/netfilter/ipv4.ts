/**
 * The few IPv4 operations packet matching needs, on plain numbers so that walking thousands of rules
 * stays cheap. (Address planning and validation live in the model's IPAM module; this only compares.)
 */

/** Parses dotted-quad IPv4 text to an unsigned 32-bit number; null when it is not IPv4. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export interface Ipv4Cidr {
  readonly base: number;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` (or a bare address, meaning /32); null when it is not IPv4. */
export function parseIPv4Cidr(text: string): Ipv4Cidr | null {
  const slash = text.indexOf('/');
  const ip = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  if (ip === null) return null;
  const prefix = slash < 0 ? 32 : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return null;
  return { base: ip - (ip % 2 ** (32 - prefix)), prefix };
}

/** True when the address lies inside the range. */
export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  const size = 2 ** (32 - cidr.prefix);
  return ip - (ip % size) === cidr.base;
}

/** Convenience for text inputs; false when either side is not IPv4. */
export function cidrContainsText(cidr: string, ip: string): boolean {
  const range = parseIPv4Cidr(cidr);
  const address = parseIPv4(ip);
  return range !== null && address !== null && cidrContains(range, address);
}
