/**
 * The parts of a core/v1 PodSpec kube-netviz models, shared by Pods and Deployment pod templates.
 * Defaults and checks follow pkg/apis/core/v1/defaults.go and pkg/apis/core/validation/validation.go.
 */
import type { Container, ContainerPort, DnsPolicy, HostAlias, PodDnsConfig, Protocol } from '../model/types';
import type { Fields } from './fields';
import { PORT_RANGE, quote } from './fields';
import { checkDns1123Label, checkDns1123Subdomain, checkPortName } from './names';

// supportedPortProtocols in core validation; the protocol defaults to TCP (SetDefaults_ContainerPort,
// SetDefaults_ServicePort).
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const DEFAULT_PROTOCOL: Protocol = 'TCP';

const DNS_POLICIES: readonly DnsPolicy[] = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
// SetDefaults_PodSpec: DNSPolicy defaults to ClusterFirst.
const DEFAULT_DNS_POLICY: DnsPolicy = 'ClusterFirst';
// validation.MaxDNSNameservers = 3; MaxDNSSearchPaths = 32 (ExpandedDNSConfig, GA since v1.28).
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCHES = 32;

export interface PodSpecRead {
  readonly containers: readonly Container[];
  readonly hostNetwork: boolean;
  readonly dnsPolicy: DnsPolicy;
  readonly dnsConfig?: PodDnsConfig;
  readonly hostAliases: readonly HostAlias[];
  readonly nodeName?: string;
  readonly hostname?: string;
  readonly subdomain?: string;
}

/** Reads `spec` (a Pod's, or a pod template's); a missing spec is reported as missing containers. */
export function readPodSpec(parent: Fields, key: string): PodSpecRead {
  const spec = parent.record(key);
  if (!spec) {
    if (!parent.has(key))
      parent.ctx.missing(`${parent.path(key)}.containers`, 'a pod needs at least one container');
    return { containers: [], hostNetwork: false, dnsPolicy: DEFAULT_DNS_POLICY, hostAliases: [] };
  }
  const containers = readContainers(spec);
  const hostNetwork = spec.boolean('hostNetwork') ?? false;
  const dnsPolicy = spec.oneOf('dnsPolicy', DNS_POLICIES) ?? DEFAULT_DNS_POLICY;
  const dnsConfig = readDnsConfig(spec);
  if (dnsPolicy === 'None') {
    // validatePodDNSConfig: dnsPolicy None needs dnsConfig with at least one nameserver.
    if (!spec.has('dnsConfig'))
      spec.ctx.missing(spec.path('dnsConfig'), 'dnsConfig is required when dnsPolicy is None');
    else if (dnsConfig && dnsConfig.nameservers.length === 0) {
      spec.ctx.missing(
        `${spec.path('dnsConfig')}.nameservers`,
        'at least one nameserver is required when dnsPolicy is None',
      );
    }
  }
  const nodeName = nameField(spec, 'nodeName', checkDns1123Subdomain);
  const hostname = nameField(spec, 'hostname', checkDns1123Label);
  const subdomain = nameField(spec, 'subdomain', checkDns1123Label);
  return {
    containers,
    hostNetwork,
    dnsPolicy,
    ...(dnsConfig ? { dnsConfig } : {}),
    hostAliases: readHostAliases(spec),
    ...(nodeName !== undefined ? { nodeName } : {}),
    ...(hostname !== undefined ? { hostname } : {}),
    ...(subdomain !== undefined ? { subdomain } : {}),
  };
}

/** A string field that must follow a name rule; empty reads as absent (the API's zero value). */
function nameField(spec: Fields, key: string, check: (v: string) => string | undefined): string | undefined {
  const value = spec.string(key, { nonEmpty: true });
  if (value === undefined) return undefined;
  const problem = check(value);
  if (problem) {
    spec.ctx.invalid(spec.path(key), `invalid value ${quote(value)}: ${problem}`);
    return undefined;
  }
  return value;
}

function readContainers(spec: Fields): Container[] {
  const items = spec.records('containers', { required: true, missing: 'a pod needs at least one container' });
  const raw = spec.raw('containers');
  if (Array.isArray(raw) && raw.length === 0) {
    spec.ctx.missing(spec.path('containers'), 'a pod needs at least one container');
  }
  const names = new Set<string>();
  const containers: Container[] = [];
  for (const c of items) {
    const name = c.string('name', { required: true });
    if (name !== undefined) {
      const problem = checkDns1123Label(name);
      if (problem) c.ctx.invalid(c.path('name'), `invalid container name ${quote(name)}: ${problem}`);
      else if (names.has(name)) c.ctx.invalid(c.path('name'), `duplicate container name ${quote(name)}`);
      names.add(name);
    }
    const image = c.string('image', { required: true });
    const ports = readContainerPorts(c);
    if (name !== undefined && image !== undefined) containers.push({ name, image, ports });
  }
  return containers;
}

function readContainerPorts(container: Fields): ContainerPort[] {
  const ports: ContainerPort[] = [];
  for (const p of container.records('ports')) {
    const containerPort = p.integer('containerPort', PORT_RANGE, { required: true });
    const name = p.string('name', { nonEmpty: true });
    if (name !== undefined) {
      const problem = checkPortName(name);
      if (problem) p.ctx.invalid(p.path('name'), `invalid port name ${quote(name)}: ${problem}`);
    }
    const protocol = p.oneOf('protocol', PROTOCOLS) ?? DEFAULT_PROTOCOL;
    if (containerPort !== undefined) {
      ports.push({ ...(name !== undefined ? { name } : {}), containerPort, protocol });
    }
  }
  return ports;
}

function readHostAliases(spec: Fields): HostAlias[] {
  const aliases: HostAlias[] = [];
  for (const a of spec.records('hostAliases')) {
    // Address syntax is IPAM's to check (resolveCluster); the string is kept exactly as given.
    const ip = a.string('ip', { required: true });
    const hostnames = a.strings('hostnames') ?? [];
    if (ip !== undefined) aliases.push({ ip, hostnames });
  }
  return aliases;
}

function readDnsConfig(spec: Fields): PodDnsConfig | undefined {
  const config = spec.record('dnsConfig');
  if (!config) return undefined;
  const nameservers = config.strings('nameservers') ?? [];
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    config.ctx.invalid(
      config.path('nameservers'),
      `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`,
    );
  }
  const searches = config.strings('searches') ?? [];
  if (searches.length > MAX_DNS_SEARCHES) {
    config.ctx.invalid(config.path('searches'), `must not have more than ${MAX_DNS_SEARCHES} search paths`);
  }
  const options: { name: string; value?: string }[] = [];
  for (const o of config.records('options')) {
    const name = o.string('name', { required: true });
    const value = o.string('value');
    if (name !== undefined) options.push({ name, ...(value !== undefined ? { value } : {}) });
  }
  return { nameservers, searches, options };
}
