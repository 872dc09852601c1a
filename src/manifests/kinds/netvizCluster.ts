import type { NetworkDraft } from '../../model/draft';
import type { CniMode, Route, UserspaceProxyPort } from '../../model/types';
import type { Fields } from '../fields';
import { PORT_RANGE, quote } from '../fields';
import { checkDns1035Label, checkDns1123Label, checkDns1123Subdomain } from '../names';
import { IPVS_SCHEDULERS, PROXY_MODES } from '../../model/constants';
import type { KindReader } from './kind';

const CNI_MODES: readonly CniMode[] = ['gateway-routes', 'vxlan', 'bgp', 'docker-bridge'];

/**
 * kube-netviz.dev/v1alpha1 NetvizCluster: the cluster-wide settings no Kubernetes object carries (the flags
 * of kube-controller-manager, kube-apiserver, kubelet and kube-proxy, the router, the CNI). Our own schema,
 * so unknown fields are reported: a typo such as `serviceCidr` would otherwise be silently dropped.
 */
export const netvizClusterReader: KindReader = {
  kind: 'NetvizCluster',
  apiVersion: 'kube-netviz.dev/v1alpha1',
  namespaced: false,
  nameFormat: 'dns1123-subdomain',
  read(object, meta) {
    const spec = object.record('spec');
    if (!spec) return { kind: 'NetvizCluster', name: meta.name, value: { source: meta.source } };
    rejectUnknown(spec, [
      'clusterCIDR',
      'nodeCIDRMaskSize',
      'serviceCIDR',
      'nodeNetwork',
      'clusterDomain',
      'dnsServiceIP',
      'nodePortRange',
      'gateway',
      'proxy',
      'cni',
    ]);
    // Addresses and ranges are kept exactly as written: IPAM (resolveCluster) checks them precisely.
    const clusterCIDR = spec.string('clusterCIDR');
    const nodeCIDRMaskSize = spec.integer('nodeCIDRMaskSize', { min: 1, max: 32 });
    const serviceCIDR = spec.string('serviceCIDR');
    const nodeNetwork = spec.string('nodeNetwork');
    const clusterDomain = checked(spec, 'clusterDomain', checkDns1123Subdomain);
    const dnsServiceIP = spec.string('dnsServiceIP');
    const nodePortRange = readPortRange(spec);
    const router = readGateway(spec);
    const proxy = readProxy(spec);
    const cni = readCni(spec);

    const value: NetworkDraft = {
      ...(clusterCIDR !== undefined ? { clusterCIDR } : {}),
      ...(nodeCIDRMaskSize !== undefined ? { nodeCIDRMaskSize } : {}),
      ...(serviceCIDR !== undefined ? { serviceCIDR } : {}),
      ...(nodeNetwork !== undefined ? { nodeNetwork } : {}),
      ...(clusterDomain !== undefined ? { clusterDomain } : {}),
      ...(dnsServiceIP !== undefined ? { dnsServiceIP } : {}),
      ...(nodePortRange ? { nodePortRange } : {}),
      ...(router ? { router } : {}),
      ...proxy,
      ...cni,
      source: meta.source,
    };
    return { kind: 'NetvizCluster', name: meta.name, value };
  },
};

function rejectUnknown(fields: Fields, known: readonly string[]): void {
  for (const key of Object.keys(fields.rec)) {
    if (!known.includes(key)) {
      fields.ctx.invalid(
        fields.path(key),
        `unknown field ${quote(key)}: expected one of ${known.join(', ')}`,
      );
    }
  }
}

function checked(fields: Fields, key: string, check: (v: string) => string | undefined): string | undefined {
  const value = fields.string(key, { nonEmpty: true });
  if (value === undefined) return undefined;
  const problem = check(value);
  if (problem) {
    fields.ctx.invalid(fields.path(key), `invalid value ${quote(value)}: ${problem}`);
    return undefined;
  }
  return value;
}

/**
 * A Linux interface name, as the CNI spec and the kernel limit it: 1-15 characters, not `.` or `..`, no `/`,
 * `:` or whitespace (IFNAMSIZ is 16 with the terminating NUL).
 */
function checkInterfaceName(value: string): string | undefined {
  if (value.length === 0 || value.length > 15) return 'must be 1 to 15 characters';
  if (value === '.' || value === '..') return "must not be '.' or '..'";
  if (/[/:\s]/.test(value)) return "must not contain '/', ':' or whitespace";
  return undefined;
}

/**
 * --service-node-port-range, in the forms utilnet.ParsePortRange accepts: `30000-32767`, `30000+2767`
 * (base plus size-1) or a single port.
 */
function readPortRange(spec: Fields): { min: number; max: number } | undefined {
  const raw = spec.raw('nodePortRange');
  if (raw === undefined) return undefined;
  const path = spec.path('nodePortRange');
  const text = typeof raw === 'number' ? String(raw) : raw;
  const match = typeof text === 'string' ? /^\s*(\d{1,5})\s*(?:([-+])\s*(\d{1,5}))?\s*$/.exec(text) : null;
  if (!match) {
    spec.ctx.invalid(
      path,
      `expected a port range such as "30000-32767", got ${typeof raw === 'string' ? quote(raw) : 'a ' + typeof raw}`,
    );
    return undefined;
  }
  const min = Number(match[1]);
  const second = match[3] === undefined ? undefined : Number(match[3]);
  const max = second === undefined ? min : match[2] === '+' ? min + second : second;
  if (min < PORT_RANGE.min || max > PORT_RANGE.max || min > max) {
    spec.ctx.invalid(
      path,
      `must be a range of ports within 1-65535 with the lower bound first, got ${quote(String(raw))}`,
    );
    return undefined;
  }
  return { min, max };
}

function readGateway(spec: Fields): NetworkDraft['router'] | undefined {
  const gateway = spec.record('gateway');
  if (!gateway) return undefined;
  rejectUnknown(gateway, ['name', 'ip', 'routes']);
  const name = checked(gateway, 'name', checkDns1123Subdomain);
  const ip = gateway.string('ip');
  let routes: Route[] | undefined;
  if (gateway.has('routes')) {
    routes = [];
    for (const r of gateway.records('routes')) {
      rejectUnknown(r, ['destination', 'via', 'dev']);
      const destination = r.string('destination', { required: true });
      const via = r.string('via', { nonEmpty: true });
      // The router has one interface, on the node network; a route that names no device leaves through it.
      const dev = checked(r, 'dev', checkInterfaceName) ?? 'eth0';
      if (destination !== undefined) routes.push({ destination, ...(via !== undefined ? { via } : {}), dev });
    }
  }
  return {
    ...(name !== undefined ? { name } : {}),
    ...(ip !== undefined ? { ip } : {}),
    ...(routes ? { routes } : {}),
  };
}

function readProxy(spec: Fields): Pick<NetworkDraft, 'proxyMode' | 'ipvsScheduler' | 'userspaceProxyPorts'> {
  const proxy = spec.record('proxy');
  if (!proxy) return {};
  rejectUnknown(proxy, ['mode', 'ipvsScheduler', 'userspace']);
  const proxyMode = proxy.oneOf('mode', PROXY_MODES);
  const ipvsScheduler = proxy.oneOf('ipvsScheduler', IPVS_SCHEDULERS);
  const userspace = proxy.record('userspace');
  let userspaceProxyPorts: UserspaceProxyPort[] | undefined;
  if (userspace) {
    rejectUnknown(userspace, ['proxyPorts']);
    userspaceProxyPorts = [];
    for (const p of userspace.records('proxyPorts')) {
      rejectUnknown(p, ['node', 'servicePort', 'port']);
      const node = checked(p, 'node', checkDns1123Subdomain);
      if (!p.has('node')) p.ctx.missing(p.path('node'));
      const servicePort = readServicePortName(p);
      const port = p.integer('port', PORT_RANGE, { required: true });
      if (node !== undefined && servicePort !== undefined && port !== undefined) {
        userspaceProxyPorts.push({ node, servicePort, port });
      }
    }
  }
  return {
    ...(proxyMode !== undefined ? { proxyMode } : {}),
    ...(ipvsScheduler !== undefined ? { ipvsScheduler } : {}),
    ...(userspaceProxyPorts ? { userspaceProxyPorts } : {}),
  };
}

/** `<namespace>/<service>:<portName>` or `<namespace>/<service>` (ServicePortName.String()). */
function readServicePortName(p: Fields): string | undefined {
  const value = p.string('servicePort', { required: true });
  if (value === undefined) return undefined;
  const match = /^([^/:]+)\/([^/:]+)(?::([^/:]+))?$/.exec(value);
  const problem = !match
    ? 'expected <namespace>/<service>:<port name> or <namespace>/<service>'
    : (checkDns1123Label(match[1] ?? '') ??
      checkDns1035Label(match[2] ?? '') ??
      (match[3] === undefined ? undefined : checkDns1123Label(match[3])));
  if (problem) {
    p.ctx.invalid(p.path('servicePort'), `invalid value ${quote(value)}: ${problem}`);
    return undefined;
  }
  return value;
}

function readCni(spec: Fields): Pick<NetworkDraft, 'cniMode' | 'bridgeName'> {
  const cni = spec.record('cni');
  if (!cni) return {};
  rejectUnknown(cni, ['mode', 'bridge']);
  const cniMode = cni.oneOf('mode', CNI_MODES);
  const bridgeName = checked(cni, 'bridge', checkInterfaceName);
  return {
    ...(cniMode !== undefined ? { cniMode } : {}),
    ...(bridgeName !== undefined ? { bridgeName } : {}),
  };
}
