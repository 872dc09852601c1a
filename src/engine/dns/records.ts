/**
 * The records CoreDNS's `kubernetes` plugin serves for a cluster, following the Kubernetes DNS specification
 * (kubernetes/dns docs/specification.md, schema 1.0.1) and CoreDNS plugin/kubernetes:
 * - `<svc>.<ns>.svc.<zone>` A → the ClusterIP; for a headless Service one A per ready endpoint (no ready
 *   endpoint → NXDOMAIN); for ExternalName a CNAME to the external name.
 * - `<hostname>.<svc>.<ns>.svc.<zone>` A per ready endpoint of a headless Service; CoreDNS names endpoints
 *   without a hostname by their dashed IP (`10-0-1-2`).
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>` SRV for every NAMED port (unnamed ports get none).
 * - PTR for ClusterIPs and headless endpoint addresses.
 * - `a-b-c-d.<ns>.pod.<zone>` A: kubeadm's Corefile sets `pods insecure`, which answers from the name alone.
 * - `dns-version.<zone>` TXT "1.0.1".
 * kubeadm's Corefile sets `ttl 30` (the plugin's default is 5).
 */
import type { Cluster, EndpointSlice, Service } from '../../model/types';

export type RecordType = 'A' | 'SRV' | 'PTR' | 'CNAME' | 'TXT';

export interface DnsRecord {
  /** Stable id, e.g. `A web-svc.default.svc.cluster.local. 10.3.241.152`. */
  readonly id: string;
  /** Fully qualified owner name with the trailing dot, lower-case. */
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  /** Presentation-format data: an address, a target name, `priority weight port target`, or a quoted string. */
  readonly data: string;
  /** What the record was made from, for explanations (`Service default/web-svc`). */
  readonly origin: string;
}

export interface DnsZone {
  readonly zone: string;
  readonly records: readonly DnsRecord[];
  /** Records by owner name (lower-case, with the trailing dot). */
  readonly byName: ReadonlyMap<string, readonly DnsRecord[]>;
}

const zoneCache = new WeakMap<Cluster, DnsZone>();

/** kubeadm's Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa { … ttl 30 }`. */
export const COREDNS_TTL = 30;
const SCHEMA_VERSION = '1.0.1';

function fqdn(name: string): string {
  return (name.endsWith('.') ? name : `${name}.`).toLowerCase();
}

function record(name: string, type: RecordType, data: string, origin: string): DnsRecord {
  const owner = fqdn(name);
  return { id: `${type} ${owner} ${data}`, name: owner, type, ttl: COREDNS_TTL, data, origin };
}

export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

function readyEndpoints(slices: readonly EndpointSlice[]) {
  // The spec publishes only ready endpoints (CoreDNS skips not-ready ones unless publishNotReadyAddresses).
  return slices.flatMap((s) => s.endpoints).filter((e) => e.conditions.ready);
}

/** Every record CoreDNS would answer from for the cluster domain (built once per cluster object). */
export function buildDnsZone(cluster: Cluster): DnsZone {
  let cached = zoneCache.get(cluster);
  if (!cached) {
    cached = makeZone(cluster);
    zoneCache.set(cluster, cached);
  }
  return cached;
}

function makeZone(cluster: Cluster): DnsZone {
  const zone = fqdn(cluster.network.clusterDomain);
  const records: DnsRecord[] = [
    record(`dns-version.${zone}`, 'TXT', `"${SCHEMA_VERSION}"`, 'schema version'),
  ];

  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const slice of cluster.endpointSlices) {
    const key = `${slice.namespace}/${slice.serviceName}`;
    const list = slicesByService.get(key);
    if (list) list.push(slice);
    else slicesByService.set(key, [slice]);
  }
  for (const svc of cluster.services) {
    const origin = `Service ${svc.namespace}/${svc.name}`;
    const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
    const slices = cluster.endpointSlices.filter(
      (s) => s.namespace === svc.namespace && s.serviceName === svc.name,
    );

    if (svc.type === 'ExternalName') {
      if (svc.externalName !== undefined)
        records.push(record(svcName, 'CNAME', fqdn(svc.externalName), origin));
      continue;
    }
    if (svc.clusterIP !== null) {
      records.push(record(svcName, 'A', svc.clusterIP, origin));
      records.push(record(reverseName(svc.clusterIP), 'PTR', fqdn(svcName), origin));
      for (const port of namedPorts(svc)) {
        // CoreDNS writes SRV priority 0, and weight 100 for a single target.
        records.push(
          record(
            `_${port.name}._${port.protocol.toLowerCase()}.${svcName}`,
            'SRV',
            `0 100 ${port.port} ${fqdn(svcName)}`,
            origin,
          ),
        );
      }
      continue;
    }
    // Headless: the Service name resolves to its ready endpoints.
    const endpoints = readyEndpoints(slices);
    const weight = endpoints.length > 0 ? Math.floor(100 / endpoints.length) : 100;
    for (const endpoint of endpoints) {
      for (const address of endpoint.addresses) {
        const host = endpoint.hostname ?? address.replaceAll('.', '-');
        const hostName = `${host}.${svcName}`;
        records.push(record(svcName, 'A', address, origin));
        records.push(record(hostName, 'A', address, origin));
        records.push(record(reverseName(address), 'PTR', fqdn(hostName), origin));
        for (const port of namedPorts(svc)) {
          const slicePort = slices.flatMap((s) => s.ports).find((p) => p.name === port.name);
          records.push(
            record(
              `_${port.name}._${port.protocol.toLowerCase()}.${svcName}`,
              'SRV',
              `0 ${weight} ${slicePort?.port ?? port.port} ${fqdn(hostName)}`,
              origin,
            ),
          );
        }
      }
    }
  }
  const byName = new Map<string, DnsRecord[]>();
  for (const r of records) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  return { zone, records, byName };
}

/**
 * An A query that meets a CNAME (an ExternalName Service): CoreDNS answers the CNAME and, for a target inside
 * its zone, that target's A records too, following at most 8 links (coredns plugin/backend_lookup.go `A`:
 * IsSubDomain(zone, target) → recurse; otherwise it asks its upstream for the target).
 */
function chaseCname(
  zone: DnsZone,
  first: readonly DnsRecord[],
): { answers: DnsRecord[]; outside: string | undefined } {
  const answers = [...first];
  let cname = first.find((r) => r.type === 'CNAME');
  for (let hops = 0; cname !== undefined && hops < 8; hops += 1) {
    const target = cname.data;
    if (target !== zone.zone && !target.endsWith(`.${zone.zone}`)) return { answers, outside: target };
    const next = (zone.byName.get(target) ?? []).filter((r) => r.type === 'A' || r.type === 'CNAME');
    answers.push(...next.filter((r) => !answers.includes(r)));
    cname = next.find((r) => r.type === 'CNAME');
  }
  return { answers, outside: undefined };
}

function namedPorts(svc: Service) {
  return svc.ports.filter((p): p is typeof p & { name: string } => p.name !== undefined && p.name !== '');
}

export type Rcode = 'NOERROR' | 'NXDOMAIN';

export interface DnsAnswer {
  readonly qname: string;
  readonly qtype: RecordType;
  readonly rcode: Rcode;
  readonly answers: readonly DnsRecord[];
  /** True when the name is outside the cluster zone: CoreDNS forwards it upstream (`forward . /etc/resolv.conf`). */
  readonly forwarded: boolean;
  readonly explanation: string;
}

const POD_NAME = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.([a-z0-9-]+)\.pod\.$/;

/** How CoreDNS answers one query. Names outside the zone are reported as forwarded, not resolved. */
export function answerQuery(zone: DnsZone, qname: string, qtype: RecordType = 'A'): DnsAnswer {
  const name = fqdn(qname);
  const base = { qname: name, qtype };
  const inZone = name === zone.zone || name.endsWith(`.${zone.zone}`);
  const inReverse = name.endsWith('.in-addr.arpa.');
  if (!inZone && !inReverse) {
    return {
      ...base,
      rcode: 'NXDOMAIN',
      answers: [],
      forwarded: true,
      explanation: `${name} is outside ${zone.zone}: CoreDNS forwards it to the node's upstream resolver (not modelled)`,
    };
  }
  const owned = zone.byName.get(name) ?? [];
  const matching = owned.filter((r) => r.type === qtype || (qtype === 'A' && r.type === 'CNAME'));
  if (matching.length > 0) {
    const chased = qtype === 'A' ? chaseCname(zone, matching) : { answers: matching, outside: undefined };
    return {
      ...base,
      rcode: 'NOERROR',
      answers: chased.answers,
      forwarded: false,
      explanation: `${matching[0]?.origin ?? ''}: ${chased.answers.map((r) => `${r.type} ${r.data}`).join(', ')}${chased.outside !== undefined ? ` (${chased.outside} is outside ${zone.zone}: CoreDNS looks it up upstream and adds that answer — not modelled)` : ''}`,
    };
  }
  const podMatch = inZone ? POD_NAME.exec(name.slice(0, -zone.zone.length)) : null;
  if (podMatch && qtype === 'A') {
    const octets = podMatch.slice(1, 5).map(Number);
    if (octets.every((o) => o <= 255)) {
      const ip = octets.join('.');
      return {
        ...base,
        rcode: 'NOERROR',
        answers: [{ ...record(name, 'A', ip, 'pod name (pods insecure)'), id: `A ${name} ${ip}` }],
        forwarded: false,
        explanation: `pods insecure: CoreDNS answers ${ip} from the name itself, without checking a pod exists`,
      };
    }
  }
  if (owned.length > 0) {
    return {
      ...base,
      rcode: 'NOERROR',
      answers: [],
      forwarded: false,
      explanation: `${name} has no ${qtype} record`,
    };
  }
  return {
    ...base,
    rcode: 'NXDOMAIN',
    answers: [],
    forwarded: false,
    explanation: `no Service, endpoint or pod is named ${name}`,
  };
}
