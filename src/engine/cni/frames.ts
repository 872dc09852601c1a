/**
 * A CNI run as a sequence of moments to step through, each with a picture of the node: the network
 * configuration the runtime reads, then every plugin invocation (environment + stdin), every action inside
 * it, what the plugin prints, and the final result. A delegated plugin (bridge → host-local) is shown where
 * it runs — at the bridge's "executes the IPAM plugin" action — not after the bridge, so the moments are in
 * the order things happen on the node.
 */
import type { Cluster, Node } from '../../model/types';
import type { CniEffect, CniResult, CniRun, CniStep } from './types';

/** What a picture of the node shows: the host's bridge and veths, the pod's netns, host-local's files. */
export interface NodePicture {
  readonly node: string;
  readonly nodeIP: string;
  readonly bridge: {
    readonly name: string;
    /** Absent until the bridge plugin creates it (a node's first pod). */
    readonly exists: boolean;
    /** The gateway address (isGateway), CIDR notation. */
    readonly address: string | null;
    /** Host ends of the node's other pods' veth pairs, already on the bridge. */
    readonly others: readonly string[];
  };
  /** The new pod's veth pair, once made. */
  readonly veth: { readonly hostVeth: string; readonly attached: boolean; readonly hairpin: boolean } | null;
  readonly pod: {
    readonly key: string;
    readonly netns: string;
    /** The container end of the pair (CNI_IFNAME), once made. */
    readonly ifName: string | null;
    readonly address: string | null;
    /** The pod's routing table, in `ip route` form. */
    readonly routes: readonly string[];
  };
  /** host-local's state directory and the addresses it holds a file for. */
  readonly ipamDir: string;
  readonly reserved: readonly string[];
}

/** Which part of the picture a moment changed (for highlighting). */
export type PicturePart = 'bridge' | 'veth' | 'attach' | 'eth0' | 'address' | 'routes' | 'gateway' | 'ipam';

export type CniFrame = { readonly picture: NodePicture; readonly changed: readonly PicturePart[] } & (
  | { readonly kind: 'config' }
  | { readonly kind: 'invoke'; readonly step: CniStep }
  | { readonly kind: 'action'; readonly step: CniStep; readonly action: number; readonly effect?: CniEffect }
  | { readonly kind: 'output'; readonly step: CniStep }
  | { readonly kind: 'done' }
);

function connectedRoute(ifName: string, address: string): string {
  // The kernel adds the subnet route itself when an address is set (`proto kernel scope link`).
  const [ip, prefix] = address.split('/');
  const bits = Number(prefix ?? '32');
  const value = (ip ?? '').split('.').reduce((v, octet) => v * 256 + Number(octet), 0);
  const size = 2 ** (32 - bits);
  const base = Math.floor(value / size) * size;
  const text = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.');
  return `${text}/${bits} dev ${ifName} proto kernel scope link src ${ip ?? ''}`;
}

function routeLine(ifName: string, dst: string, gw: string): string {
  return `${dst === '0.0.0.0/0' ? 'default' : dst} via ${gw} dev ${ifName}`;
}

/** What the effect changes, applied to the picture. */
export function applyEffect(p: NodePicture, e: CniEffect): { picture: NodePicture; changed: PicturePart[] } {
  switch (e.kind) {
    case 'bridge-up':
      return { picture: { ...p, bridge: { ...p.bridge, exists: true } }, changed: ['bridge'] };
    case 'veth-created':
      return {
        picture: {
          ...p,
          veth: { hostVeth: e.hostVeth, attached: false, hairpin: false },
          pod: { ...p.pod, ifName: e.ifName },
        },
        changed: ['veth', 'eth0'],
      };
    case 'veth-attached':
      return {
        picture: { ...p, veth: { hostVeth: e.hostVeth, attached: true, hairpin: e.hairpin } },
        changed: ['attach'],
      };
    case 'delegate':
      return { picture: p, changed: [] };
    case 'address-reserved':
      return { picture: { ...p, reserved: [...p.reserved, e.address] }, changed: ['ipam'] };
    case 'address-set':
      return {
        picture: {
          ...p,
          pod: {
            ...p.pod,
            address: e.address,
            routes: [...p.pod.routes, connectedRoute(e.ifName, e.address)],
          },
        },
        changed: ['address'],
      };
    case 'route-added':
      return {
        picture: { ...p, pod: { ...p.pod, routes: [...p.pod.routes, routeLine(e.ifName, e.dst, e.gw)] } },
        changed: ['routes'],
      };
    case 'bridge-gateway':
      return { picture: { ...p, bridge: { ...p.bridge, address: e.address } }, changed: ['gateway'] };
    case 'veth-deleted':
      return {
        picture: { ...p, veth: null, pod: { ...p.pod, ifName: null, address: null, routes: [] } },
        changed: ['veth', 'eth0'],
      };
    case 'address-released':
      return { picture: { ...p, reserved: p.reserved.filter((a) => a !== e.address) }, changed: ['ipam'] };
  }
}

/** The node before the run: for ADD, without the pod's network; for DEL, with it (from the ADD's result). */
export function initialPicture(cluster: Cluster, run: CniRun): NodePicture {
  const node: Node | undefined = cluster.nodes.find((n) => n.name === run.node);
  const [namespace, name] = run.pod.split('/');
  const others = cluster.pods.filter(
    (p) =>
      p.nodeName === run.node &&
      !p.hostNetwork &&
      !(p.namespace === namespace && p.name === name) &&
      p.phase !== 'Succeeded' &&
      p.phase !== 'Failed',
  );
  const bridgeConf = run.network.plugins.find((p) => p.type === 'bridge');
  const bridgeName = bridgeConf?.bridge ?? 'cni0';
  const prefix = node?.podCIDR.split('/')[1] ?? '24';
  const gatewayOf = (r: CniResult | undefined) => r?.ips[0]?.gateway;
  const first = run.steps[0];
  const prev = first?.stdin.prevResult as CniResult | undefined;
  // The gateway the bridge carries once any pod is on it (host-local's default: the range's .1).
  const gateway = gatewayOf(run.result) ?? gatewayOf(prev) ?? nodeGateway(node);
  const hasBridge = others.length > 0 || run.command === 'DEL';
  const base: NodePicture = {
    node: run.node,
    nodeIP: node?.internalIP ?? '',
    bridge: {
      name: bridgeName,
      exists: hasBridge,
      address: hasBridge && gateway !== undefined ? `${gateway}/${prefix}` : null,
      others: others.flatMap((p) => (p.hostVeth !== undefined ? [p.hostVeth] : [])),
    },
    veth: null,
    pod: {
      key: run.pod,
      netns: first?.env.CNI_NETNS ?? '',
      ifName: null,
      address: null,
      routes: [],
    },
    ipamDir: `/var/lib/cni/networks/${run.network.name}`,
    reserved: others.flatMap((p) => (p.podIP !== null ? [p.podIP] : [])),
  };
  if (run.command === 'ADD' || !prev) return base;
  // DEL: the pod is wired as the ADD left it.
  const ifName = first?.env.CNI_IFNAME ?? 'eth0';
  const ip = prev.ips[0];
  const hostVeth = prev.interfaces?.find((i) => i.sandbox === undefined && i.name !== bridgeName)?.name;
  return {
    ...base,
    veth:
      hostVeth !== undefined ? { hostVeth, attached: true, hairpin: bridgeConf?.hairpinMode === true } : null,
    pod: {
      ...base.pod,
      ifName,
      address: ip?.address ?? null,
      routes: [
        ...(ip ? [connectedRoute(ifName, ip.address)] : []),
        ...prev.routes.map((r) => routeLine(ifName, r.dst, r.gw ?? ip?.gateway ?? '?')),
      ],
    },
    reserved: [...base.reserved, ...(ip ? [ip.address.split('/')[0] ?? ''] : [])],
  };
}

function nodeGateway(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const [ip] = node.podCIDR.split('/');
  const octets = (ip ?? '').split('.');
  if (octets.length !== 4) return undefined;
  return [...octets.slice(0, 3), String(Number(octets[3]) + 1)].join('.');
}

/** Every moment of the run, in the order it happens, each with the node as it is after that moment. */
export function cniFrames(cluster: Cluster, run: CniRun): CniFrame[] {
  let picture = initialPicture(cluster, run);
  const frames: CniFrame[] = [{ kind: 'config', picture, changed: [] }];
  const delegatedOf = (parent: CniStep, plugin: string) =>
    run.steps.find((s) => s.delegatedBy === parent.plugin && s.plugin === plugin && s.index > parent.index);
  const walk = (step: CniStep) => {
    frames.push({ kind: 'invoke', step, picture, changed: [] });
    step.actions.forEach((_, action) => {
      const effect = step.effects.find((e) => e.action === action);
      let changed: PicturePart[] = [];
      if (effect) ({ picture, changed } = applyEffect(picture, effect));
      frames.push({ kind: 'action', step, action, ...(effect ? { effect } : {}), picture, changed });
      if (effect?.kind === 'delegate') {
        const inner = delegatedOf(step, effect.plugin);
        if (inner) walk(inner);
      }
    });
    frames.push({ kind: 'output', step, picture, changed: [] });
  };
  for (const step of run.steps) if (step.delegatedBy === undefined) walk(step);
  frames.push({ kind: 'done', picture, changed: [] });
  return frames;
}
