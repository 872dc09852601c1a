/**
 * The stub resolver inside a pod, as glibc does it (resolv.conf(5), res_search):
 * - nsswitch `hosts: files dns`: /etc/hosts is consulted first, for the name exactly as typed;
 * - a name with a trailing dot is absolute: only that name is queried;
 * - a name with at least `ndots` dots is tried as-is first, then with each search domain;
 * - otherwise each search domain is appended in order, and the name as-is is tried last;
 * - the search stops at the first candidate that has an answer; NXDOMAIN and NODATA move on to the next.
 * glibc sends an A and an AAAA query per candidate; kube-netviz models IPv4 clusters and shows the A queries.
 */
import type { Cluster, Pod } from '../../model/types';
import { lookupHostsFile, podHostsFile } from './hostsFile';
import { answerQuery, buildDnsZone, type DnsAnswer } from './records';
import { podResolvConf } from './resolvConf';
import { ndotsOf, searchCandidates } from './search';

export { DEFAULT_NDOTS, ndotsOf, searchCandidates } from './search';

/** One query the resolver sends, and CoreDNS's answer to it. */
export interface LookupQuery {
  readonly qname: string;
  readonly answer: DnsAnswer;
  /** The resolver stops here: the answer has records, or it goes upstream (CoreDNS forwards it). */
  readonly final: boolean;
}

export interface Lookup {
  /** The name as typed. */
  readonly name: string;
  readonly ndots: number;
  /** Dots in the name (a trailing dot not counted). */
  readonly dots: number;
  /** Why the candidates come in this order. */
  readonly order: 'absolute' | 'as-is-first' | 'search-first';
  /** The address /etc/hosts gives (then no query is sent), or null. */
  readonly fromHosts: string | null;
  /** Every candidate, in order (also those never sent because an earlier one answered). */
  readonly candidates: readonly string[];
  /** The queries actually sent, in order. */
  readonly queries: readonly LookupQuery[];
  /** The answer that ended the lookup (records, or forwarded upstream), or null: every candidate failed. */
  readonly result: LookupQuery | null;
}

/**
 * A getaddrinfo() in `pod` for `name`, query by query: /etc/hosts, then each candidate of the search order
 * until one has records. NXDOMAIN and NODATA move on (glibc res_search keeps going on HOST_NOT_FOUND and
 * NO_DATA); a name outside the cluster zone is forwarded by CoreDNS to the node's upstream resolver, whose
 * answer kube-netviz does not model, so the lookup stops there.
 */
export function lookupName(cluster: Cluster, pod: Pod, name: string): Lookup {
  const rc = podResolvConf(cluster, pod);
  const ndots = ndotsOf(rc);
  const trimmed = name.trim();
  const absolute = trimmed.endsWith('.');
  const dots = trimmed.replace(/\.$/, '').split('.').length - 1;
  const order = absolute ? 'absolute' : dots >= ndots ? 'as-is-first' : 'search-first';
  const candidates = trimmed === '' ? [] : searchCandidates(trimmed, rc);
  const fromHosts = trimmed === '' ? null : lookupHostsFile(podHostsFile(cluster, pod), trimmed);
  const base = { name: trimmed, ndots, dots, order, fromHosts, candidates } as const;
  if (fromHosts !== null) return { ...base, queries: [], result: null };
  const zone = buildDnsZone(cluster);
  const queries: LookupQuery[] = [];
  for (const qname of candidates) {
    const answer = answerQuery(zone, qname, 'A');
    const final = answer.forwarded || (answer.rcode === 'NOERROR' && answer.answers.length > 0);
    const query = { qname, answer, final };
    queries.push(query);
    if (final) return { ...base, queries, result: query };
  }
  return { ...base, queries, result: null };
}
