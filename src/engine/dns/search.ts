/**
 * The search-list half of the pod's stub resolver (resolv.conf(5), glibc res_search): which names are queried,
 * in which order. Kept apart from the lookup (./resolver.ts), which needs CoreDNS's zone, so the side panel can
 * show the candidates without loading the zone.
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
