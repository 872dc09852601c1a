import type { NodeDraft } from '../../model/draft';
import { preferIPv4 } from '../fields';
import type { KindReader } from './kind';

/** core/v1 Node: InternalIP and podCIDR; both may be absent, for IPAM to fill. */
export const nodeReader: KindReader = {
  kind: 'Node',
  apiVersion: 'v1',
  namespaced: false,
  // ValidateNodeName = NameIsDNSSubdomain (pkg/apis/core/validation).
  nameFormat: 'dns1123-subdomain',
  read(object, meta) {
    const spec = object.record('spec');
    // spec.podCIDR is podCIDRs[0] when both are set; a node not yet given a range by node IPAM has neither.
    const podCIDR = spec?.string('podCIDR', { nonEmpty: true });
    const podCIDRs = spec?.strings('podCIDRs') ?? [];
    const chosenCIDR = preferIPv4([...(podCIDR !== undefined ? [podCIDR] : []), ...podCIDRs]);

    const internalIPs: string[] = [];
    for (const address of object.record('status')?.records('addresses') ?? []) {
      const type = address.string('type', { required: true });
      const value = address.string('address', { required: true });
      if (type === 'InternalIP' && value !== undefined && value !== '') internalIPs.push(value);
    }
    const internalIP = preferIPv4(internalIPs);

    const value: NodeDraft = {
      name: meta.name,
      labels: meta.labels,
      ...(internalIP !== undefined ? { internalIP } : {}),
      ...(chosenCIDR !== undefined ? { podCIDR: chosenCIDR } : {}),
      source: meta.source,
    };
    return { kind: 'Node', value };
  },
};
