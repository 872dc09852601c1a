import { ipv4CidrBounds } from '../../model/networkPolicy';
import type {
  IPBlock,
  LabelSelector,
  LabelSelectorRequirement,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  PolicyType,
} from '../../model/types';
import type { Fields } from '../fields';
import { PORT_RANGE, describeValue, quote } from '../fields';
import { checkLabelValue, checkPortName, checkQualifiedName } from '../names';
import { DEFAULT_PROTOCOL, PROTOCOLS } from '../podSpec';
import type { KindReader } from './kind';

const POLICY_TYPES: readonly PolicyType[] = ['Ingress', 'Egress'];
const OPERATORS: readonly LabelSelectorRequirement['operator'][] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * networking.k8s.io/v1 NetworkPolicy, with the API server's defaults and checks
 * (pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy, pkg/apis/networking/validation
 * ValidateNetworkPolicy): policyTypes default to Ingress, plus Egress when spec.egress has rules; protocol
 * defaults to TCP; ipBlock.except must lie strictly inside ipBlock.cidr; endPort needs a numeric port no
 * larger than itself. IPv6 blocks are not read (kube-netviz models IPv4 clusters).
 */
export const networkPolicyReader: KindReader = {
  kind: 'NetworkPolicy',
  apiVersion: 'networking.k8s.io/v1',
  namespaced: true,
  // ValidateNetworkPolicyName = NameIsDNSSubdomain.
  nameFormat: 'dns1123-subdomain',
  read(object, meta) {
    // spec and spec.podSelector are structs, not pointers, in the Go types: absent, they decode as empty — an
    // empty podSelector selects every pod in the namespace (and, with no rules, denies them all ingress).
    const spec = object.record('spec');
    const podSelector = spec ? readSelector(spec, 'podSelector') : EMPTY_SELECTOR;
    const ingress = spec ? readRules(spec, 'ingress', 'from') : [];
    const egress = spec ? readRules(spec, 'egress', 'to') : [];
    const value: NetworkPolicy = {
      kind: 'NetworkPolicy',
      name: meta.name,
      namespace: meta.namespace,
      labels: meta.labels,
      source: meta.source,
      podSelector,
      policyTypes: spec ? readPolicyTypes(spec, egress.length > 0) : ['Ingress'],
      ingress,
      egress,
    };
    return { kind: 'NetworkPolicy', value };
  },
};

const EMPTY_SELECTOR: LabelSelector = { matchLabels: {}, matchExpressions: [] };

function readPolicyTypes(spec: Fields, hasEgressRules: boolean): PolicyType[] {
  if (!spec.has('policyTypes')) return hasEgressRules ? ['Ingress', 'Egress'] : ['Ingress'];
  const types: PolicyType[] = [];
  const items = spec.list('policyTypes');
  if (items.length > 2) {
    spec.ctx.invalid(spec.path('policyTypes'), 'may not specify more than two policyTypes');
  }
  for (const { value, path } of items) {
    const found = POLICY_TYPES.find((t) => t === value);
    if (found === undefined) {
      spec.ctx.invalid(
        path,
        `unsupported value ${typeof value === 'string' ? quote(value) : describeValue(value)}: expected Ingress or Egress`,
      );
    } else if (types.includes(found)) {
      spec.ctx.invalid(path, `duplicate policy type ${quote(found)}`);
    } else types.push(found);
  }
  return types;
}

/** A metav1.LabelSelector (ValidateLabelSelector); absent → the empty selector. */
function readSelector(parent: Fields, key: string): LabelSelector {
  const selector = parent.record(key);
  if (!selector) return EMPTY_SELECTOR;
  const matchLabels = selector.labels('matchLabels') ?? {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const e of selector.records('matchExpressions')) {
    const requirement = readRequirement(e);
    if (requirement) matchExpressions.push(requirement);
  }
  return { matchLabels, matchExpressions };
}

function readRequirement(e: Fields): LabelSelectorRequirement | undefined {
  const key = e.string('key', { required: true });
  if (key !== undefined) {
    const problem = checkQualifiedName(key);
    if (problem) e.ctx.invalid(e.path('key'), `invalid label key ${quote(key)}: ${problem}`);
  }
  const operator = e.oneOf('operator', OPERATORS, { required: true });
  const values = e.strings('values') ?? [];
  values.forEach((v, i) => {
    const problem = checkLabelValue(v);
    if (problem) e.ctx.invalid(`${e.path('values')}[${i}]`, `invalid label value ${quote(v)}: ${problem}`);
  });
  // ValidateLabelSelectorRequirement: In/NotIn need values; Exists/DoesNotExist must have none.
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    e.ctx.missing(e.path('values'), `operator ${operator} needs at least one value`);
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    e.ctx.invalid(e.path('values'), `must be empty when operator is ${operator}`);
  }
  if (key === undefined || operator === undefined) return undefined;
  return { key, operator, values };
}

function readRules(spec: Fields, key: 'ingress' | 'egress', peersKey: 'from' | 'to'): NetworkPolicyRule[] {
  return spec.records(key).map((rule) => ({
    ports: rule.records('ports').flatMap((p) => readPort(p) ?? []),
    peers: rule.records(peersKey).flatMap((p) => readPeer(p) ?? []),
  }));
}

function readPeer(peer: Fields): NetworkPolicyPeer | undefined {
  const hasPod = peer.has('podSelector');
  const hasNamespace = peer.has('namespaceSelector');
  const hasBlock = peer.has('ipBlock');
  // ValidateNetworkPolicyPeer: exactly ipBlock, or pod/namespace selectors (one or both).
  if (!hasPod && !hasNamespace && !hasBlock) {
    peer.ctx.missing(peer.base, 'must specify a peer: podSelector, namespaceSelector or ipBlock');
    return undefined;
  }
  if (hasBlock && (hasPod || hasNamespace)) {
    peer.ctx.invalid(peer.base, 'may not specify both ipBlock and another peer');
    return undefined;
  }
  if (hasBlock) {
    const ipBlock = readIPBlock(peer);
    return ipBlock ? { ipBlock } : undefined;
  }
  return {
    ...(hasPod ? { podSelector: readSelector(peer, 'podSelector') } : {}),
    ...(hasNamespace ? { namespaceSelector: readSelector(peer, 'namespaceSelector') } : {}),
  };
}

function readIPBlock(peer: Fields): IPBlock | undefined {
  const block = peer.record('ipBlock');
  if (!block) return undefined;
  const cidr = block.string('cidr', { required: true, missing: 'ipBlock needs a cidr' });
  const bounds = cidr === undefined ? null : ipv4CidrBounds(cidr);
  if (cidr !== undefined && bounds === null) {
    block.ctx.invalid(
      block.path('cidr'),
      `${quote(cidr)} is not a valid IPv4 CIDR (expected a.b.c.d/n with n from 0 to 32)`,
    );
  }
  const except = block.strings('except') ?? [];
  except.forEach((text, i) => {
    const path = `${block.path('except')}[${i}]`;
    const inner = ipv4CidrBounds(text);
    if (inner === null) {
      block.ctx.invalid(path, `${quote(text)} is not a valid IPv4 CIDR`);
      return;
    }
    // ValidateIPBlock: each except must be a strict subset of cidr.
    const strictlyInside =
      bounds !== null &&
      inner.first >= bounds.first &&
      inner.last <= bounds.last &&
      inner.last - inner.first < bounds.last - bounds.first;
    if (bounds !== null && !strictlyInside) {
      block.ctx.invalid(path, `${quote(text)} must be a strict subset of cidr ${quote(cidr ?? '')}`);
    }
  });
  if (cidr === undefined || bounds === null) return undefined;
  return { cidr, except };
}

function readPort(p: Fields): NetworkPolicyPort | undefined {
  const protocol = p.oneOf('protocol', PROTOCOLS) ?? DEFAULT_PROTOCOL;
  const port = readPortValue(p);
  let endPort: number | undefined;
  if (p.has('endPort')) {
    endPort = p.integer('endPort', PORT_RANGE);
    // ValidateNetworkPolicyPort: endPort only with a numeric port, and not below it.
    if (port === undefined && !p.has('port')) {
      p.ctx.invalid(p.path('endPort'), 'may not be specified when port is not specified');
    } else if (typeof port === 'string') {
      p.ctx.invalid(p.path('endPort'), 'may not be specified when port is non-numeric');
    } else if (typeof port === 'number' && endPort !== undefined && endPort < port) {
      p.ctx.invalid(p.path('endPort'), `must be greater than or equal to port (${port}), got ${endPort}`);
    }
  }
  return {
    protocol,
    ...(port !== undefined ? { port } : {}),
    ...(endPort !== undefined ? { endPort } : {}),
  };
}

/** port is an IntOrString: 1..65535, or an IANA_SVC_NAME naming a container port of the destination. */
function readPortValue(p: Fields): number | string | undefined {
  const raw = p.raw('port');
  const path = p.path('port');
  if (raw === undefined) return undefined;
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
