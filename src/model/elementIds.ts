/**
 * Stable ids for everything the topology draws and every point a packet can be. The layout, the view, the
 * store's selection and the packet traces all name elements by these ids, so they are built in one place.
 */
import type { Pod, Service } from './types';

export const ROUTER_ID = 'router';
export const NODE_NETWORK_ID = 'node-network';
export const SERVICE_NETWORK_ID = 'service-network';

export const nodeId = (node: string): string => `node:${node}`;
export const bridgeId = (node: string): string => `bridge:${node}`;
export const kubeProxyId = (node: string): string => `kube-proxy:${node}`;
export const podGroupId = (node: string): string => `pods:${node}`;
export const routeId = (destination: string): string => `route:${destination}`;

type Namespaced = Pick<Pod | Service, 'namespace' | 'name'>;
const key = (o: Namespaced): string => `${o.namespace}/${o.name}`;

export const podId = (pod: Namespaced): string => `pod:${key(pod)}`;
export const vethId = (pod: Namespaced): string => `veth:${key(pod)}`;
export const serviceId = (svc: Namespaced): string => `svc:${key(svc)}`;
/** A NetworkPolicy, drawn as badges where the CNI enforces it (the veths of the pods it selects). */
export const networkPolicyId = (policy: Namespaced): string => `netpol:${key(policy)}`;

/** Anchor ids: points on devices where a packet can be. */
export const anchorIds = {
  router: 'router',
  nodeEth0: (node: string): string => `eth0:${node}`,
  bridge: (node: string): string => `cbr0:${node}`,
  /** Where the node's eth0 attaches to the node network. */
  busTap: (node: string): string => `bus:${node}`,
  /** The router's attachment point on the node network. */
  routerTap: 'bus:router',
  /** Host end of the pod's veth pair (on the bridge). */
  hostVeth: (pod: Namespaced): string => `veth:${key(pod)}`,
  podEth0: (pod: Namespaced): string => `eth0:${key(pod)}`,
  /** Inside the pod's network namespace (where its processes send from). */
  pod: (pod: Namespaced): string => `pod:${key(pod)}`,
  service: (svc: Namespaced): string => `svc:${key(svc)}`,
} as const;

export type ElementRef =
  | { readonly kind: 'router' }
  | { readonly kind: 'node-network' }
  | { readonly kind: 'service-network' }
  | { readonly kind: 'node' | 'bridge' | 'kube-proxy' | 'pod-group'; readonly node: string }
  | {
      readonly kind: 'pod' | 'veth' | 'service' | 'network-policy';
      readonly namespace: string;
      readonly name: string;
    }
  | { readonly kind: 'route'; readonly destination: string };

/** Reads an element id back into what it names; null for an id this module does not build. */
export function parseElementId(id: string): ElementRef | null {
  if (id === ROUTER_ID) return { kind: 'router' };
  if (id === NODE_NETWORK_ID) return { kind: 'node-network' };
  if (id === SERVICE_NETWORK_ID) return { kind: 'service-network' };
  const colon = id.indexOf(':');
  if (colon < 0) return null;
  const prefix = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  switch (prefix) {
    case 'node':
      return { kind: 'node', node: rest };
    case 'bridge':
      return { kind: 'bridge', node: rest };
    case 'kube-proxy':
      return { kind: 'kube-proxy', node: rest };
    case 'pods':
      return { kind: 'pod-group', node: rest };
    case 'route':
      return { kind: 'route', destination: rest };
    case 'pod':
    case 'veth':
    case 'svc':
    case 'netpol': {
      const slash = rest.indexOf('/');
      if (slash < 0) return null;
      const kind = prefix === 'svc' ? 'service' : prefix === 'netpol' ? 'network-policy' : prefix;
      return { kind, namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
    }
    default:
      return null;
  }
}
