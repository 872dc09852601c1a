import type {
  Ingress,
  IngressPath,
  IngressPathType,
  IngressRule,
  IngressServiceBackend,
  IngressTLS,
} from '../../model/types';
import type { Fields } from '../fields';
import { PORT_RANGE, describeValue, keyPath, ownValue, quote, isRecord } from '../fields';
import { checkDns1035Label, checkDns1123Subdomain, checkPortName } from '../names';
import type { KindReader } from './kind';

const PATH_TYPES: readonly IngressPathType[] = ['Exact', 'Prefix', 'ImplementationSpecific'];

/** ingress-nginx reads this annotation as a boolean (parser.GetBoolAnnotation → strconv.ParseBool). */
export const SERVICE_UPSTREAM_ANNOTATION = 'nginx.ingress.kubernetes.io/service-upstream';
/** The deprecated class annotation (pkg/apis/networking/validation/validation.go annotationIngressClass). */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

// pkg/apis/networking/validation/validation.go: sequences and suffixes an Exact or Prefix path may not have.
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

/**
 * networking.k8s.io/v1 Ingress, with the API server's checks (pkg/apis/networking/validation/validation.go
 * ValidateIngressSpec): either a defaultBackend or rules; a host is a DNS subdomain or one leading wildcard
 * label, never an IP; every path needs a pathType, Exact and Prefix paths are absolute and free of `//`,
 * `/./`, `/../`, `%2f`; a service backend has a name (an RFC 1035 label) and a port number or a port name,
 * not both. Resource backends (a CRD object instead of a Service) are refused: kube-netviz routes to Services.
 */
export const ingressReader: KindReader = {
  kind: 'Ingress',
  apiVersion: 'networking.k8s.io/v1',
  namespaced: true,
  // ValidateIngressName = NameIsDNSSubdomain.
  nameFormat: 'dns1123-subdomain',
  read(object, meta) {
    const spec = object.record('spec', { required: true, missing: 'an Ingress needs a spec' });
    const ingressClassName = spec?.string('ingressClassName', { nonEmpty: true });
    if (spec && ingressClassName !== undefined) {
      const problem = checkDns1123Subdomain(ingressClassName);
      if (problem) {
        spec.ctx.invalid(
          spec.path('ingressClassName'),
          `invalid IngressClass name ${quote(ingressClassName)}: ${problem}`,
        );
      }
    }
    const defaultBackend = spec?.has('defaultBackend') ? readBackend(spec, 'defaultBackend') : undefined;
    const rules = spec ? spec.records('rules').map(readRule) : [];
    if (spec && rules.length === 0 && !spec.has('defaultBackend')) {
      spec.ctx.invalid(spec.base, 'either `defaultBackend` or `rules` must be specified');
    }
    const tls = spec ? spec.records('tls').map(readTLS) : [];
    const classAnnotation = readClassAnnotation(object, ingressClassName);
    const value: Ingress = {
      kind: 'Ingress',
      name: meta.name,
      namespace: meta.namespace,
      labels: meta.labels,
      source: meta.source,
      ...(ingressClassName !== undefined ? { ingressClassName } : {}),
      ...(classAnnotation !== undefined ? { classAnnotation } : {}),
      ...(defaultBackend ? { defaultBackend } : {}),
      rules,
      tls,
      serviceUpstream: readServiceUpstream(object),
    };
    return { kind: 'Ingress', value };
  },
};

/**
 * `kubernetes.io/ingress.class`. The API server refuses it when spec.ingressClassName is also set and differs
 * (validation.go ValidateIngressCreate: "must match `ingressClassName` when both are specified").
 */
function readClassAnnotation(object: Fields, ingressClassName: string | undefined): string | undefined {
  const metadata = object.raw('metadata');
  const annotations = isRecord(metadata) ? ownValue(metadata, 'annotations') : undefined;
  if (!isRecord(annotations)) return undefined;
  const value = ownValue(annotations, INGRESS_CLASS_ANNOTATION);
  if (value === undefined) return undefined;
  const path = keyPath('metadata.annotations', INGRESS_CLASS_ANNOTATION);
  if (typeof value !== 'string') {
    object.ctx.invalid(
      path,
      `expected a string annotation value, got ${describeValue(value)} (quote it in YAML)`,
    );
    return undefined;
  }
  if (ingressClassName !== undefined && value !== ingressClassName) {
    object.ctx.invalid(path, `${quote(value)} must match \`ingressClassName\` when both are specified`);
    return undefined;
  }
  return value;
}

function readServiceUpstream(object: Fields): boolean {
  const metadata = object.raw('metadata');
  const annotations = isRecord(metadata) ? ownValue(metadata, 'annotations') : undefined;
  if (!isRecord(annotations)) return false;
  const value = ownValue(annotations, SERVICE_UPSTREAM_ANNOTATION);
  if (value === undefined) return false;
  const path = keyPath('metadata.annotations', SERVICE_UPSTREAM_ANNOTATION);
  // Annotations are map[string]string: the API server refuses `true` unquoted.
  if (typeof value !== 'string') {
    object.ctx.invalid(
      path,
      `expected a string annotation value, got ${describeValue(value)} (quote it in YAML)`,
    );
    return false;
  }
  if (GO_TRUE.has(value)) return true;
  if (!GO_FALSE.has(value)) {
    object.ctx.invalid(path, `expected "true" or "false", got ${quote(value)}`);
  }
  return false;
}

/** net.ParseIP-style dotted quad (leading zeros allowed, as ParseIPSloppy allows them). */
function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * A rule's host (validateIngressRules): a DNS subdomain, or `*.` and a subdomain; never an IP address. A TLS
 * host (validateIngressTLS) gets the same name checks without the IP check (`allowIP`).
 */
function checkHost(host: string, allowIP = false): string | undefined {
  if (!allowIP && (isIPv4(host) || host.includes(':'))) return 'must be a DNS name, not an IP address';
  if (host.includes('*')) {
    // IsWildcardDNS1123Subdomain: `*.` then a DNS subdomain; the wildcard is one whole leading label.
    if (!host.startsWith('*.') || host.slice(2).includes('*')) {
      return "a wildcard host must start with '*.' and have no other '*' (e.g. '*.example.com')";
    }
    const problem = checkDns1123Subdomain(host.slice(2));
    return problem ? `after '*.', ${problem}` : undefined;
  }
  return checkDns1123Subdomain(host);
}

function readRule(rule: Fields): IngressRule {
  const host = rule.string('host') ?? '';
  if (host !== '') {
    const problem = checkHost(host);
    if (problem) rule.ctx.invalid(rule.path('host'), `invalid host ${quote(host)}: ${problem}`);
  }
  const http = rule.record('http');
  const paths: IngressPath[] = [];
  if (http) {
    const items = http.records('paths', { required: true, missing: 'http needs at least one path' });
    if (items.length === 0 && http.has('paths'))
      http.ctx.missing(http.path('paths'), 'http needs at least one path');
    for (const item of items) {
      const read = readPath(item);
      if (read) paths.push(read);
    }
  }
  return { host, paths };
}

function readPath(item: Fields): IngressPath | undefined {
  const pathType = item.oneOf('pathType', PATH_TYPES, {
    required: true,
    missing: 'pathType must be specified (Exact, Prefix or ImplementationSpecific)',
  });
  const path = item.string('path') ?? '';
  const where = item.path('path');
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!path.startsWith('/')) {
      item.ctx.invalid(where, `${quote(path)} must be an absolute path (starting with '/')`);
    }
    for (const seq of INVALID_PATH_SEQUENCES) {
      if (path.includes(seq)) item.ctx.invalid(where, `${quote(path)} must not contain '${seq}'`);
    }
    for (const suffix of INVALID_PATH_SUFFIXES) {
      if (path.endsWith(suffix)) item.ctx.invalid(where, `${quote(path)} cannot end with '${suffix}'`);
    }
  } else if (pathType === 'ImplementationSpecific' && path !== '' && !path.startsWith('/')) {
    item.ctx.invalid(where, `${quote(path)} must be an absolute path (starting with '/')`);
  }
  const backend = readBackend(item, 'backend', { required: true });
  if (pathType === undefined || backend === undefined) return undefined;
  return { path, pathType, backend };
}

/** IngressBackend (validateIngressBackend): a Service and a port, by number or by name. */
function readBackend(
  parent: Fields,
  key: string,
  options?: { readonly required: boolean },
): IngressServiceBackend | undefined {
  const backend = parent.record(
    key,
    options?.required ? { required: true, missing: 'a path needs a backend' } : {},
  );
  if (!backend) return undefined;
  const hasService = backend.has('service');
  const hasResource = backend.has('resource');
  if (hasService && hasResource) {
    backend.ctx.invalid(backend.base, 'cannot set both resource and service backends');
    return undefined;
  }
  if (hasResource) {
    backend.ctx.invalid(
      backend.path('resource'),
      'resource backends are not modelled: kube-netviz routes Ingress traffic to Services only',
    );
    return undefined;
  }
  const service = backend.record('service', {
    required: true,
    missing: 'resource or service backend is required',
  });
  if (!service) return undefined;
  const name = service.string('name', { required: true, missing: 'the backend Service needs a name' });
  if (name !== undefined) {
    // validateServiceName = NameIsDNS1035Label.
    const problem = checkDns1035Label(name);
    if (problem) service.ctx.invalid(service.path('name'), `invalid Service name ${quote(name)}: ${problem}`);
  }
  const port = service.record('port', { required: true, missing: 'port name or number is required' });
  if (!port) return undefined;
  const number = port.has('number') ? port.integer('number', PORT_RANGE) : undefined;
  const portName = port.has('name') ? port.string('name', { nonEmpty: true }) : undefined;
  if (port.has('number') && port.has('name')) {
    port.ctx.invalid(port.base, 'cannot set both port name & port number');
    return undefined;
  }
  if (!port.has('number') && !port.has('name')) {
    port.ctx.missing(port.base, 'port name or number is required');
    return undefined;
  }
  if (portName !== undefined) {
    const problem = checkPortName(portName);
    if (problem) {
      port.ctx.invalid(port.path('name'), `invalid port name ${quote(portName)}: ${problem}`);
      return undefined;
    }
  }
  if (name === undefined) return undefined;
  if (number !== undefined) return { name, port: { number } };
  if (portName !== undefined) return { name, port: { name: portName } };
  return undefined;
}

function readTLS(tls: Fields): IngressTLS {
  const hosts = tls.strings('hosts') ?? [];
  hosts.forEach((host, i) => {
    const problem = checkHost(host, true);
    if (problem) tls.ctx.invalid(`${tls.path('hosts')}[${i}]`, `invalid host ${quote(host)}: ${problem}`);
  });
  const secretName = tls.string('secretName');
  if (secretName) {
    const problem = checkDns1123Subdomain(secretName);
    if (problem)
      tls.ctx.invalid(tls.path('secretName'), `invalid Secret name ${quote(secretName)}: ${problem}`);
  }
  return { hosts, ...(secretName ? { secretName } : {}) };
}
