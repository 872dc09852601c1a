/**
 * The stub resolver inside a pod, as glibc does it (resolv.conf(5), res_search):
 * - nsswitch `hosts: files dns`: /etc/hosts is consulted first, for the name exactly as typed;
 * - a name with a trailing dot is absolute: only that name is queried;
 * - a name with at least `ndots` dots is tried as-is first, then with each search domain;
 * - otherwise each search domain is appended in order, and the name as-is is tried last;
 * - the search stops at the first candidate that has an answer; NXDOMAIN and NODATA move on to the next.
 * glibc sends an A and an AAAA query per candidate; kube-netviz models IPv4 clusters and shows the A queries.
 */
import type { ResolvConf } from './resolvConf';

export const DEFAULT_NDOTS = 1; // resolv.conf(5): ndots defaults to 1, capped at 15

export function ndotsOf(rc: ResolvConf): number {
  for (const option of rc.options) {
    const [name, value] = option.split(':');
    if (name === 'ndots' && value !== undefined && /^\d+$/.test(value)) return Math.min(Number(value), 15);
  }
  return DEFAULT_NDOTS;
}

/** The fully qualified names the resolver will query, in order (each ends with a dot). */
export function searchCandidates(name: string, rc: ResolvConf): readonly string[] {
  if (name.endsWith('.')) return [name];
  const dots = name.split('.').length - 1;
  const searched = rc.searches.map((domain) => `${name}.${domain}.`);
  const absolute = `${name}.`;
  return dots >= ndotsOf(rc) ? [absolute, ...searched] : [...searched, absolute];
}
