/**
 * Routing tables of every network namespace in the cluster, derived from the model as Linux would hold them.
 *
 * - A pod (kubenet: CNI `bridge` plugin with `isGateway: true`, host-local IPAM, route 0.0.0.0/0): its podCIDR is
 *   connected on `eth0`, everything else goes to the default gateway — the node's bridge address.
 * - A node: its podCIDR is connected on the bridge, the node network on `eth0`, and the default route points at
 *   the router. Other nodes' podCIDRs depend on the CNI's dataplane (gateway routes: nothing, the router knows;
 *   VXLAN: via the peer's VTEP on `flannel.1` with `onlink`; BGP: learned routes via the peer's eth0, `proto bird`).
 * - The router: one route per node podCIDR via that node's eth0, plus its connected node network.
 * Nothing routes the service network: ClusterIPs exist only in kube-proxy's rules.
 */
import type { Cluster, Node, Pod, Route } from '../model/types';
import { cidrContains, parseIPv4, parseIPv4Cidr, type Ipv4Cidr } from './netfilter/ipv4';

export type NetnsRef =
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'router' };

const tableCache = new WeakMap<Cluster, Map<string, readonly Route[]>>();

/** The routes of one network namespace, in the order `ip route` lists them (default first). */
export function routeTable(cluster: Cluster, netns: NetnsRef): readonly Route[] {
  // A cluster is immutable: each namespace's table is derived once.
  let byNetns = tableCache.get(cluster);
  if (!byNetns) {
    byNetns = new Map();
    tableCache.set(cluster, byNetns);
  }
  const key =
    netns.kind === 'router'
      ? 'router'
      : netns.kind === 'node'
        ? `node:${netns.name}`
        : `pod:${netns.namespace}/${netns.name}`;
  let table = byNetns.get(key);
  if (!table) {
    table = deriveRouteTable(cluster, netns);
    byNetns.set(key, table);
  }
  return table;
}

function deriveRouteTable(cluster: Cluster, netns: NetnsRef): readonly Route[] {
  switch (netns.kind) {
    case 'router':
      return cluster.network.router.routes;
    case 'node': {
      const node = findNode(cluster, netns.name);
      return node ? nodeRoutes(cluster, node) : [];
    }
    case 'pod': {
      const pod = cluster.pods.find((p) => p.namespace === netns.namespace && p.name === netns.name);
      if (!pod || pod.nodeName === null) return [];
      const node = findNode(cluster, pod.nodeName);
      if (!node) return [];
      // A hostNetwork pod lives in the node's own network namespace.
      return pod.hostNetwork ? nodeRoutes(cluster, node) : podRoutes(pod, node);
    }
  }
}

function findNode(cluster: Cluster, name: string): Node | undefined {
  return cluster.nodes.find((n) => n.name === name);
}

function podRoutes(pod: Pod, node: Node): readonly Route[] {
  if (pod.podIP === null) return [];
  return [
    { destination: 'default', via: node.bridge.ip, dev: 'eth0' },
    { destination: node.podCIDR, dev: 'eth0', proto: 'kernel', scope: 'link', src: pod.podIP },
  ];
}

/** Device name flannel gives its VXLAN interface (VNI 1). */
export const VXLAN_DEVICE = 'flannel.1';

function nodeRoutes(cluster: Cluster, node: Node): readonly Route[] {
  const { network } = cluster;
  const routes: Route[] = [{ destination: 'default', via: network.router.ip, dev: 'eth0' }];
  for (const peer of cluster.nodes) {
    if (peer.name === node.name) {
      routes.push({
        destination: node.podCIDR,
        dev: node.bridge.name,
        proto: 'kernel',
        scope: 'link',
        src: node.bridge.ip,
      });
    } else if (network.cniMode === 'vxlan') {
      // flannel's vxlan backend: the peer's VTEP is addressed by the network address of its podCIDR.
      routes.push({
        destination: peer.podCIDR,
        via: networkAddress(peer.podCIDR),
        dev: VXLAN_DEVICE,
        onlink: true,
      });
    } else if (network.cniMode === 'bgp') {
      // Calico's BIRD installs each peer's block via the peer's node address.
      routes.push({ destination: peer.podCIDR, via: peer.internalIP, dev: 'eth0', proto: 'bird' });
    }
  }
  routes.push({
    destination: network.nodeNetwork,
    dev: 'eth0',
    proto: 'kernel',
    scope: 'link',
    src: node.internalIP,
  });
  return routes;
}

function networkAddress(cidr: string): string {
  return cidr.split('/')[0] ?? cidr;
}

const formatted = new WeakMap<Route, string>();

/** One route as `ip route show` prints it, e.g. `10.0.1.0/24 dev cbr0 proto kernel scope link src 10.0.1.1`. */
export function formatRoute(route: Route): string {
  let text = formatted.get(route);
  if (text === undefined) {
    text = printRoute(route);
    formatted.set(route, text);
  }
  return text;
}

function printRoute(route: Route): string {
  const parts = [route.destination];
  if (route.via !== undefined) parts.push('via', route.via);
  parts.push('dev', route.dev);
  if (route.proto !== undefined) parts.push('proto', route.proto);
  if (route.scope !== undefined) parts.push('scope', route.scope);
  if (route.src !== undefined) parts.push('src', route.src);
  if (route.onlink === true) parts.push('onlink');
  return parts.join(' ');
}

interface ParsedRoute {
  readonly route: Route;
  readonly cidr: Ipv4Cidr | null;
}

const parsedCache = new WeakMap<readonly Route[], readonly ParsedRoute[]>();

function parsedRoutes(routes: readonly Route[]): readonly ParsedRoute[] {
  let parsed = parsedCache.get(routes);
  if (!parsed) {
    parsed = routes.map((route) => ({
      route,
      cidr: route.destination === 'default' ? { base: 0, prefix: 0 } : parseIPv4Cidr(route.destination),
    }));
    parsedCache.set(routes, parsed);
  }
  return parsed;
}

/** The route the kernel picks for a destination: the longest matching prefix (`ip route get`). */
export function lookupRoute(routes: readonly Route[], dst: string): Route | null {
  const address = parseIPv4(dst);
  if (address === null) return null;
  let best: Route | null = null;
  let bestLength = -1;
  for (const { route, cidr } of parsedRoutes(routes)) {
    if (cidr !== null && cidr.prefix > bestLength && cidrContains(cidr, address)) {
      best = route;
      bestLength = cidr.prefix;
    }
  }
  return best;
}
