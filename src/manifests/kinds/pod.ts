import type { PodDraft } from '../../model/draft';
import type { PodPhase } from '../../model/types';
import type { Fields } from '../fields';
import { isRecord, ownValue, preferIPv4 } from '../fields';
import { readPodSpec } from '../podSpec';
import type { ControllerRef, KindReader } from './kind';

const PHASES: readonly PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

/** core/v1 Pod: spec as written, plus what status says about its address, phase and readiness. */
export const podReader: KindReader = {
  kind: 'Pod',
  apiVersion: 'v1',
  namespaced: true,
  // ValidatePodName = NameIsDNSSubdomain (pkg/apis/core/validation).
  nameFormat: 'dns1123-subdomain',
  read(object, meta) {
    const spec = readPodSpec(object, 'spec');
    const status = object.record('status');
    const phase = status?.oneOf('phase', PHASES);
    const podIP = status ? readPodIP(status) : undefined;
    const ready = status ? readReady(status) : undefined;
    const metadata = object.record('metadata');
    // The API server sets deletionTimestamp when a graceful delete starts: the pod is Terminating.
    const terminating = metadata?.has('deletionTimestamp') ?? false;
    const controller = controllerOf(metadata?.raw('ownerReferences'));

    const value: PodDraft = {
      name: meta.name,
      namespace: meta.namespace,
      labels: meta.labels,
      ...(spec.nodeName !== undefined ? { nodeName: spec.nodeName } : {}),
      // A Succeeded or Failed pod may still show its old podIP; it is kept, and IPAM/the view decide.
      ...(podIP !== undefined ? { podIP } : {}),
      hostNetwork: spec.hostNetwork,
      ...(spec.hostname !== undefined ? { hostname: spec.hostname } : {}),
      ...(spec.subdomain !== undefined ? { subdomain: spec.subdomain } : {}),
      containers: spec.containers,
      hostAliases: spec.hostAliases,
      dnsPolicy: spec.dnsPolicy,
      ...(spec.dnsConfig ? { dnsConfig: spec.dnsConfig } : {}),
      ...(phase !== undefined ? { phase } : {}),
      ...(ready !== undefined ? { ready } : {}),
      terminating,
      source: meta.source,
    };
    return { kind: 'Pod', value, ...(controller ? { controller } : {}) };
  },
};

/** status.podIP, or the IPv4 entry of status.podIPs[] (dual-stack). */
function readPodIP(status: Fields): string | undefined {
  const podIP = status.string('podIP', { nonEmpty: true });
  const podIPs: string[] = [];
  for (const entry of status.records('podIPs')) {
    const ip = entry.string('ip', { nonEmpty: true });
    if (ip !== undefined) podIPs.push(ip);
  }
  return preferIPv4([...(podIP !== undefined ? [podIP] : []), ...podIPs]);
}

/**
 * The Ready condition (podutil.IsPodReady: type Ready with status "True"). A status that lists conditions but
 * no Ready one is not ready; a status without any conditions list says nothing, so readiness stays unknown.
 */
function readReady(status: Fields): boolean | undefined {
  if (!status.has('conditions')) return undefined;
  let ready = false;
  for (const condition of status.records('conditions')) {
    const type = condition.string('type', { required: true });
    const value = condition.oneOf('status', ['True', 'False', 'Unknown'] as const, { required: true });
    if (type === 'Ready') ready = value === 'True';
  }
  return ready;
}

/**
 * The owner with `controller: true` in metadata.ownerReferences. Owners are not modelled, so a malformed
 * entry is passed over rather than reported.
 */
export function controllerOf(ownerReferences: unknown): ControllerRef | undefined {
  if (!Array.isArray(ownerReferences)) return undefined;
  for (const owner of ownerReferences as unknown[]) {
    if (!isRecord(owner) || ownValue(owner, 'controller') !== true) continue;
    const kind = ownValue(owner, 'kind');
    const name = ownValue(owner, 'name');
    if (typeof kind === 'string' && typeof name === 'string') return { kind, name };
  }
  return undefined;
}
