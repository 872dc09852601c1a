import type { ServiceDraft, ServicePortDraft } from '../../model/draft';
import type { ServiceType, TrafficPolicy } from '../../model/types';
import type { Fields } from '../fields';
import { PORT_RANGE, describeValue, preferIPv4, quote } from '../fields';
import { checkDns1123Label, checkDns1123Subdomain, checkPortName } from '../names';
import { DEFAULT_PROTOCOL, PROTOCOLS } from '../podSpec';
import type { KindReader } from './kind';

const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const TRAFFIC_POLICIES: readonly TrafficPolicy[] = ['Cluster', 'Local'];
// v1.DefaultClientIPServiceAffinitySeconds = 10800 (3 h); MaxClientIPServiceAffinitySeconds = 86400 (1 day).
const DEFAULT_AFFINITY_TIMEOUT = 10800;
const MAX_AFFINITY_TIMEOUT = 86400;

/**
 * core/v1 Service, with the defaults the API server applies (pkg/apis/core/v1/defaults.go SetDefaults_Service):
 * type ClusterIP, sessionAffinity None, protocol TCP, targetPort = port, traffic policies Cluster.
 */
export const serviceReader: KindReader = {
  kind: 'Service',
  apiVersion: 'v1',
  namespaced: true,
  // ValidateServiceName = NameIsDNS1035Label in v1.33: a Service name must start with a letter, because it
  // becomes a DNS label and an environment variable prefix. (v1.34 adds the alpha RelaxedServiceNameValidation
  // gate for RFC 1123 labels.)
  nameFormat: 'dns1035-label',
  read(object, meta) {
    const spec = object.record('spec');
    const type = spec?.oneOf('type', SERVICE_TYPES) ?? 'ClusterIP';
    const clusterIP = spec ? readClusterIP(spec, type) : undefined;
    const isHeadless = clusterIP === 'None';
    const ports = spec ? readPorts(spec, type) : [];
    const rawPorts = spec?.raw('ports');
    const hasPorts = Array.isArray(rawPorts) ? rawPorts.length > 0 : rawPorts !== undefined;
    if (!hasPorts && !isHeadless && type !== 'ExternalName') {
      // validation: ports are required unless the Service is headless or ExternalName.
      object.ctx.missing('spec.ports', 'a Service needs at least one port (unless headless or ExternalName)');
    }

    const selectorMap = spec?.labels('selector');
    // An empty selector is stored as no selector (protobuf drops empty maps), and the EndpointSlice
    // controller skips Services whose selector is nil: `selector: {}` means "no selector".
    const selector = selectorMap && Object.keys(selectorMap).length > 0 ? selectorMap : null;

    const sessionAffinity = spec?.oneOf('sessionAffinity', ['None', 'ClientIP'] as const) ?? 'None';
    const sessionAffinityTimeoutSeconds = spec
      ? readAffinityTimeout(spec, sessionAffinity)
      : DEFAULT_AFFINITY_TIMEOUT;

    const externalName = spec ? readExternalName(spec, type) : undefined;
    const loadBalancerIPs: string[] = [];
    for (const ingress of object.record('status')?.record('loadBalancer')?.records('ingress') ?? []) {
      const ip = ingress.string('ip', { nonEmpty: true });
      if (ip !== undefined) loadBalancerIPs.push(ip);
    }
    const healthCheckNodePort = spec?.integer('healthCheckNodePort', PORT_RANGE);

    const value: ServiceDraft = {
      kind: 'Service',
      name: meta.name,
      namespace: meta.namespace,
      labels: meta.labels,
      source: meta.source,
      type,
      ...(clusterIP !== undefined ? { clusterIP } : {}),
      ports,
      selector,
      sessionAffinity,
      sessionAffinityTimeoutSeconds,
      externalTrafficPolicy: spec?.oneOf('externalTrafficPolicy', TRAFFIC_POLICIES) ?? 'Cluster',
      internalTrafficPolicy: spec?.oneOf('internalTrafficPolicy', TRAFFIC_POLICIES) ?? 'Cluster',
      ...(externalName !== undefined ? { externalName } : {}),
      externalIPs: spec?.strings('externalIPs') ?? [],
      loadBalancerIPs,
      loadBalancerSourceRanges: spec?.strings('loadBalancerSourceRanges') ?? [],
      ...(healthCheckNodePort !== undefined ? { healthCheckNodePort } : {}),
    };
    return { kind: 'Service', value };
  },
};

/** spec.clusterIP (or the IPv4 entry of spec.clusterIPs); `None` marks a headless Service; "" means allocate. */
function readClusterIP(spec: Fields, type: ServiceType): string | undefined {
  const single = spec.string('clusterIP', { nonEmpty: true });
  const list = (spec.strings('clusterIPs') ?? []).filter((ip) => ip !== '');
  if (single !== undefined && list.length > 0 && list[0] !== single) {
    // validateServiceClusterIPsRelatedFields: clusterIPs[0] must equal clusterIP.
    spec.ctx.invalid(
      spec.path('clusterIPs'),
      `clusterIPs[0] ${quote(list[0] ?? '')} must equal clusterIP ${quote(single)}`,
    );
  }
  const clusterIP = single ?? preferIPv4(list);
  if (clusterIP === undefined) return undefined;
  if (type === 'ExternalName') {
    spec.ctx.invalid(spec.path('clusterIP'), 'must be empty for ExternalName services');
    return undefined;
  }
  if (clusterIP === 'None' && (type === 'NodePort' || type === 'LoadBalancer')) {
    spec.ctx.invalid(spec.path('clusterIP'), `may not be set to 'None' for ${type} services`);
  }
  return clusterIP;
}

function readPorts(spec: Fields, type: ServiceType): ServicePortDraft[] {
  const items = spec.records('ports');
  const names = new Set<string>();
  const ports: ServicePortDraft[] = [];
  for (const p of items) {
    const name = p.string('name', { nonEmpty: true });
    if (name === undefined && items.length > 1) {
      // validateServicePort: a name is required when a Service has more than one port.
      p.ctx.missing(p.path('name'), 'each port needs a name when a Service has more than one port');
    } else if (name !== undefined) {
      const problem = checkDns1123Label(name);
      if (problem) p.ctx.invalid(p.path('name'), `invalid port name ${quote(name)}: ${problem}`);
      else if (names.has(name)) p.ctx.invalid(p.path('name'), `duplicate port name ${quote(name)}`);
      names.add(name);
    }
    const port = p.integer('port', PORT_RANGE, { required: true });
    const protocol = p.oneOf('protocol', PROTOCOLS) ?? DEFAULT_PROTOCOL;
    const targetPort = readTargetPort(p) ?? port;
    let nodePort: number | undefined;
    if (p.has('nodePort') && p.raw('nodePort') !== 0) {
      nodePort = p.integer('nodePort', PORT_RANGE);
      if (nodePort !== undefined && (type === 'ClusterIP' || type === 'ExternalName')) {
        p.ctx.invalid(p.path('nodePort'), `may not be used when type is '${type}'`);
      }
    }
    if (port !== undefined && targetPort !== undefined) {
      ports.push({
        ...(name !== undefined ? { name } : {}),
        protocol,
        port,
        targetPort,
        ...(nodePort !== undefined ? { nodePort } : {}),
      });
    }
  }
  return ports;
}

/**
 * targetPort is an IntOrString: a port number, or the name of a container port. Absent (or 0 / "") it
 * defaults to `port`. A numeric string such as "8080" is read as the number 8080; the API server itself would
 * take it as a port *name* and reject it (IsValidPortName needs a letter), but the intent is never in doubt.
 */
function readTargetPort(p: Fields): number | string | undefined {
  const raw = p.raw('targetPort');
  const path = p.path('targetPort');
  if (raw === undefined || raw === 0 || raw === '') return undefined;
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < PORT_RANGE.min || raw > PORT_RANGE.max) {
      p.ctx.invalid(
        path,
        `must be a port number between 1 and 65535 or a port name, got ${describeValue(raw)}`,
      );
      return undefined;
    }
    return raw;
  }
  if (typeof raw === 'string') {
    if (/^[0-9]+$/.test(raw)) {
      const n = Number(raw);
      if (n >= PORT_RANGE.min && n <= PORT_RANGE.max) return n;
      p.ctx.invalid(
        path,
        `must be a port number between 1 and 65535 or a port name, got ${describeValue(raw)}`,
      );
      return undefined;
    }
    const problem = checkPortName(raw);
    if (problem) {
      p.ctx.invalid(path, `invalid port name ${quote(raw)}: ${problem}`);
      return undefined;
    }
    return raw;
  }
  p.ctx.invalid(path, `expected a port number or a port name, got ${describeValue(raw)}`);
  return undefined;
}

function readAffinityTimeout(spec: Fields, sessionAffinity: 'None' | 'ClientIP'): number {
  const config = spec.record('sessionAffinityConfig');
  const clientIP = config?.record('clientIP');
  if (!clientIP) return DEFAULT_AFFINITY_TIMEOUT;
  if (sessionAffinity === 'None') {
    spec.ctx.invalid(spec.path('sessionAffinityConfig'), "must not be set when sessionAffinity is 'None'");
    return DEFAULT_AFFINITY_TIMEOUT;
  }
  return (
    clientIP.integer('timeoutSeconds', { min: 1, max: MAX_AFFINITY_TIMEOUT }) ?? DEFAULT_AFFINITY_TIMEOUT
  );
}

/** ExternalName services name a DNS subdomain (a trailing dot, marking it fully qualified, is allowed). */
function readExternalName(spec: Fields, type: ServiceType): string | undefined {
  const externalName = spec.string('externalName', { nonEmpty: true });
  if (type !== 'ExternalName') return undefined;
  if (externalName === undefined) {
    const raw = spec.raw('externalName');
    if (raw === undefined || raw === '') {
      spec.ctx.missing(spec.path('externalName'), 'an ExternalName Service needs spec.externalName');
    }
    return undefined;
  }
  const problem = checkDns1123Subdomain(
    externalName.endsWith('.') ? externalName.slice(0, -1) : externalName,
  );
  if (problem) {
    spec.ctx.invalid(spec.path('externalName'), `invalid value ${quote(externalName)}: ${problem}`);
    return undefined;
  }
  return externalName;
}
