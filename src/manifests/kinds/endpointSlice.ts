import type { Endpoint, EndpointPort, EndpointSlice } from '../../model/types';
import type { Fields } from '../fields';
import { PORT_RANGE, keyPath } from '../fields';
import { DEFAULT_PROTOCOL, PROTOCOLS } from '../podSpec';
import type { KindReader } from './kind';

// The label that ties a slice to its Service (discovery.k8s.io/v1 LabelServiceName).
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
// validation: at most 1000 endpoints per slice, 1..100 addresses per endpoint.
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;

/** discovery.k8s.io/v1 EndpointSlice, as the EndpointSlice controller writes it (or as a user did). */
export const endpointSliceReader: KindReader = {
  kind: 'EndpointSlice',
  apiVersion: 'discovery.k8s.io/v1',
  namespaced: true,
  // ValidateEndpointSliceName = NameIsDNSSubdomain (pkg/apis/discovery/validation).
  nameFormat: 'dns1123-subdomain',
  read(object, meta) {
    const serviceName = meta.labels[SERVICE_NAME_LABEL];
    if (serviceName === undefined || serviceName === '') {
      object.ctx.missing(
        keyPath('metadata.labels', SERVICE_NAME_LABEL),
        `an EndpointSlice names its Service in the ${SERVICE_NAME_LABEL} label`,
      );
    }
    const addressType = object.oneOf('addressType', ['IPv4', 'IPv6', 'FQDN'] as const, { required: true });
    const endpointItems = object.records('endpoints');
    if (endpointItems.length > MAX_ENDPOINTS) {
      object.ctx.invalid(
        'endpoints',
        `must have at most ${MAX_ENDPOINTS} endpoints, got ${endpointItems.length}`,
      );
    }
    const endpoints = endpointItems.map((e) => readEndpoint(e, meta.namespace));
    const ports: EndpointPort[] = [];
    for (const p of object.records('ports')) {
      const port = readPort(p);
      if (port) ports.push(port);
    }
    const value: EndpointSlice = {
      kind: 'EndpointSlice',
      name: meta.name,
      namespace: meta.namespace,
      labels: meta.labels,
      source: meta.source,
      serviceName: serviceName ?? '',
      addressType: addressType ?? 'IPv4',
      ports,
      endpoints: endpoints.filter((e): e is Endpoint => e !== undefined),
      derived: false,
    };
    return { kind: 'EndpointSlice', value };
  },
};

function readEndpoint(e: Fields, sliceNamespace: string): Endpoint | undefined {
  const raw = e.raw('addresses');
  const addresses = e.strings('addresses') ?? [];
  if (addresses.length === 0) {
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) {
      e.ctx.missing(e.path('addresses'), 'an endpoint needs at least one address');
    }
    return undefined;
  }
  if (addresses.length > MAX_ADDRESSES) {
    e.ctx.invalid(
      e.path('addresses'),
      `must have at most ${MAX_ADDRESSES} addresses, got ${addresses.length}`,
    );
  }
  const conditions = e.record('conditions');
  // discovery.k8s.io/v1 EndpointConditions: ready unset means ready; serving unset "defers to the ready
  // condition"; terminating unset means not terminating. (kube-proxy's endpointslicecache.go reads an unset
  // serving as true; the two only differ for ready=false + terminating=true + serving unset.)
  const ready = conditions?.boolean('ready') ?? true;
  const serving = conditions?.boolean('serving') ?? ready;
  const terminating = conditions?.boolean('terminating') ?? false;
  const hostname = e.string('hostname', { nonEmpty: true });
  const nodeName = e.string('nodeName', { nonEmpty: true });
  const ref = e.record('targetRef');
  let targetRef: Endpoint['targetRef'];
  if (ref) {
    const kind = ref.string('kind', { nonEmpty: true });
    const name = ref.string('name', { nonEmpty: true });
    // A targetRef without a namespace points into the slice's own namespace.
    const namespace = ref.string('namespace', { nonEmpty: true }) ?? sliceNamespace;
    // The referenced object need not be in the input (slices exported from a cluster often point at pods
    // that were not exported); resolveCluster decides what an unknown reference means.
    if (kind !== undefined && name !== undefined) targetRef = { kind, namespace, name };
  }
  return {
    addresses,
    conditions: { ready, serving, terminating },
    ...(hostname !== undefined ? { hostname } : {}),
    ...(nodeName !== undefined ? { nodeName } : {}),
    ...(targetRef ? { targetRef } : {}),
  };
}

function readPort(p: Fields): EndpointPort | undefined {
  // port is optional in the API ("all ports" for the consumer to interpret); kube-proxy only programs ports
  // with a number, so kube-netviz needs one.
  const port = p.integer('port', PORT_RANGE, {
    required: true,
    missing: 'kube-netviz needs a port number for each EndpointSlice port',
  });
  const name = p.string('name', { nonEmpty: true });
  const protocol = p.oneOf('protocol', PROTOCOLS) ?? DEFAULT_PROTOCOL;
  if (port === undefined) return undefined;
  return { ...(name !== undefined ? { name } : {}), protocol, port };
}
