/**
 * The records CoreDNS's `kubernetes` plugin serves for a cluster, following the Kubernetes DNS specification
 * (kubernetes/dns docs/specification.md, schema 1.0.1) and CoreDNS plugin/kubernetes:
 * - `<svc>.<ns>.svc.<zone>` A → the ClusterIP; for a headless Service one A per ready endpoint (no ready
 *   endpoint → NXDOMAIN); for ExternalName a CNAME to the external name.
 * - `<hostname>.<svc>.<ns>.svc.<zone>` A per ready endpoint of a headless Service; CoreDNS names endpoints
 *   without a hostname by their dashed IP (`10-0-1-2`).
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>` SRV for every NAMED port (unnamed ports get none).
 * - PTR for ClusterIPs and headless endpoint addresses.
 * - `a-b-c-d.<ns>.pod.<zone>` A: kubeadm's Corefile sets `pods insecure`, which answers from the name alone
 *   (spec §2.6 keeps these as deprecated records; CoreDNS plugin/kubernetes/kubernetes.go `findPods`: with
 *   `pods insecure` any dashed address in any namespace is answered, with `pods verified` only when a pod with
 *   that IP exists in that namespace, with `pods disabled` never). kube-netviz models `pods insecure`.
 * - `dns-version.<zone>` TXT "1.0.1".
 * kubeadm's Corefile sets `ttl 30` (the plugin's default is 5).
 *
 * `records` holds what the specification requires (and what CoreDNS's zone transfer, plugin/kubernetes/
 * transfer.go, lists). CoreDNS also answers a few names beyond the spec, kept apart in `extensions` so the zone
 * stays the spec's: `<endpoint>.<svc>.<ns>.svc.<zone>` and PTR for the ready endpoints of ClusterIP Services
 * too (kubernetes.go `findServices` looks endpoints up whenever the name has an endpoint label; reverse.go
 * `serviceRecordForIP` tries ClusterIPs, then every endpoint address), and an SRV per port on the bare
 * Service name (transfer.go, "for peer-finder").
 */
import type { Cluster, EndpointSlice, Service } from '../../model/types';

export type RecordType = 'A' | 'SRV' | 'PTR' | 'CNAME' | 'TXT';

/** What a record is for, to group them in the records browser. */
export type RecordKind =
  | 'service' // <svc>.<ns>.svc A (ClusterIP) or CNAME (ExternalName)
  | 'headless' // <svc>.<ns>.svc A per ready endpoint of a headless Service
  | 'endpoint' // <hostname>.<svc>.<ns>.svc A
  | 'srv' // _<port>._<proto>.<svc>.<ns>.svc SRV
  | 'ptr' // reverse records
  | 'pod' // a-b-c-d.<ns>.pod A
  | 'schema'; // dns-version TXT

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
  readonly kind: RecordKind;
}

export interface DnsZone {
  readonly zone: string;
  readonly records: readonly DnsRecord[];
  /** Records by owner name (lower-case, with the trailing dot). */
  readonly byName: ReadonlyMap<string, readonly DnsRecord[]>;
  /** Names CoreDNS answers beyond the specification (see the module comment), by owner name. */
  readonly extensions: readonly DnsRecord[];
  readonly extensionsByName: ReadonlyMap<string, readonly DnsRecord[]>;
  /** The `pods insecure` answers for the cluster's pods (CoreDNS would answer any dashed address). */
  readonly pods: readonly DnsRecord[];
}

const zoneCache = new WeakMap<Cluster, DnsZone>();

/** kubeadm's Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa { … ttl 30 }`. */
export const COREDNS_TTL = 30;
const SCHEMA_VERSION = '1.0.1';

function fqdn(name: string): string {
  return (name.endsWith('.') ? name : `${name}.`).toLowerCase();
}

function record(name: string, type: RecordType, data: string, origin: string, kind: RecordKind): DnsRecord {
  const owner = fqdn(name);
  return { id: `${type} ${owner} ${data}`, name: owner, type, ttl: COREDNS_TTL, data, origin, kind };
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
    record(`dns-version.${zone}`, 'TXT', `"${SCHEMA_VERSION}"`, 'schema version', 'schema'),
  ];

  const extensions: DnsRecord[] = [];
  for (const svc of cluster.services) {
    const origin = `Service ${svc.namespace}/${svc.name}`;
    const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
    const slices = cluster.endpointSlices.filter(
      (s) => s.namespace === svc.namespace && s.serviceName === svc.name,
    );

    if (svc.type === 'ExternalName') {
      if (svc.externalName !== undefined)
        records.push(record(svcName, 'CNAME', fqdn(svc.externalName), origin, 'service'));
      continue;
    }
    if (svc.clusterIP !== null) {
      records.push(record(svcName, 'A', svc.clusterIP, origin, 'service'));
      records.push(record(reverseName(svc.clusterIP), 'PTR', fqdn(svcName), origin, 'ptr'));
      for (const port of namedPorts(svc)) {
        // CoreDNS writes SRV priority 0, and weight 100 for a single target.
        records.push(
          record(
            `_${port.name}._${port.protocol.toLowerCase()}.${svcName}`,
            'SRV',
            `0 100 ${port.port} ${fqdn(svcName)}`,
            origin,
            'srv',
          ),
        );
      }
      // Beyond the spec: an SRV per port on the bare name (transfer.go), and the endpoints' names and
      // PTRs (kubernetes.go findServices, reverse.go serviceRecordForIP — ClusterIPs win a reverse lookup).
      for (const port of svc.ports) {
        extensions.push(record(svcName, 'SRV', `0 100 ${port.port} ${fqdn(svcName)}`, origin, 'srv'));
      }
      for (const endpoint of readyEndpoints(slices)) {
        for (const address of endpoint.addresses) {
          const hostName = `${endpointHostname(endpoint, address)}.${svcName}`;
          extensions.push(record(hostName, 'A', address, origin, 'endpoint'));
          extensions.push(record(reverseName(address), 'PTR', fqdn(hostName), origin, 'ptr'));
        }
      }
      continue;
    }
    // Headless: the Service name resolves to its ready endpoints.
    const endpoints = readyEndpoints(slices);
    const weight = endpoints.length > 0 ? Math.floor(100 / endpoints.length) : 100;
    for (const endpoint of endpoints) {
      for (const address of endpoint.addresses) {
        const hostName = `${endpointHostname(endpoint, address)}.${svcName}`;
        records.push(record(svcName, 'A', address, origin, 'headless'));
        records.push(record(hostName, 'A', address, origin, 'endpoint'));
        records.push(record(reverseName(address), 'PTR', fqdn(hostName), origin, 'ptr'));
        for (const port of namedPorts(svc)) {
          const slicePort = slices.flatMap((s) => s.ports).find((p) => p.name === port.name);
          records.push(
            record(
              `_${port.name}._${port.protocol.toLowerCase()}.${svcName}`,
              'SRV',
              `0 ${weight} ${slicePort?.port ?? port.port} ${fqdn(hostName)}`,
              origin,
              'srv',
            ),
          );
        }
      }
    }
  }
  // A reverse lookup of an address that is both a ClusterIP and an endpoint, or an endpoint of a headless
  // Service too, is answered from the spec's records first.
  const specNames = new Set(records.map((r) => r.name));
  // Identical records (two ports with one number, e.g. kube-dns's dns/UDP and dns-tcp/TCP on 53, give the same
  // bare-name SRV) are one record: an RRset holds each record once.
  const seen = new Set(records.map((r) => r.id));
  const extra = extensions.filter((r) => {
    if ((r.type === 'PTR' && specNames.has(r.name)) || seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
  const pods = cluster.pods
    .filter((p) => p.podIP !== null && p.phase !== 'Succeeded' && p.phase !== 'Failed')
    .map((p) => podRecord(zone, p.namespace, p.podIP ?? '', `Pod ${p.namespace}/${p.name}`));
  return {
    zone,
    records,
    byName: indexByName(records),
    extensions: extra,
    extensionsByName: indexByName(extra),
    pods,
  };
}

function indexByName(records: readonly DnsRecord[]): Map<string, DnsRecord[]> {
  const byName = new Map<string, DnsRecord[]>();
  for (const r of records) {
    const list = byName.get(r.name);
    if (list) list.push(r);
    else byName.set(r.name, [r]);
  }
  return byName;
}

/**
 * An endpoint's label in DNS: its hostname (set by the EndpointSlice controller when the pod's subdomain
 * names the Service), else its address with dashes (CoreDNS kubernetes.go `endpointHostname`; the spec only
 * asks for "a unique, system-assigned identifier").
 */
function endpointHostname(endpoint: { readonly hostname?: string }, address: string): string {
  return endpoint.hostname ?? address.replaceAll('.', '-');
}

/** The pod record `a-b-c-d.<ns>.pod.<zone>` for an address (spec §2.6). */
export function podRecordName(zone: string, namespace: string, ip: string): string {
  return `${ip.replaceAll('.', '-')}.${namespace}.pod.${fqdn(zone)}`;
}

function podRecord(zone: string, namespace: string, ip: string, origin: string): DnsRecord {
  return record(podRecordName(zone, namespace, ip), 'A', ip, origin, 'pod');
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
  const owned = [...(zone.byName.get(name) ?? []), ...(zone.extensionsByName.get(name) ?? [])];
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
        answers: [record(name, 'A', ip, 'pod name (pods insecure)', 'pod')],
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
