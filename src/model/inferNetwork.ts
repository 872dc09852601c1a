/**
 * Network settings read from the objects themselves. A real `kubectl get -o json` export carries no
 * `NetvizCluster` settings, but its objects show the ranges they were cut from: nodes' podCIDRs and pod IPs
 * lie in the cluster CIDR, Service ClusterIPs in the Service CIDR, node InternalIPs in the node network.
 * `inferDraft` fills every network field the draft leaves unset from that evidence (preferring the
 * well-known defaults of common distributions and CNIs when they fit), and says so in a note per field.
 * Fields the draft sets are never touched. Where the evidence cannot be served by ranges that do not
 * overlap, the field is left unset, so that the defaults apply and resolveCluster's precise errors speak.
 *
 * A pod-only export (`kubectl get pods -o json`) names nodes without defining them: when the draft has no
 * Node at all, the nodes its pods name are added, with the InternalIP their host-network pods show.
 */
import type { ClusterDraft, NetworkDraft, NodeDraft, PodDraft } from './draft';
import {
  cidrContains,
  cidrContainsCidr,
  cidrOf,
  cidrsOverlap,
  firstHostAddress,
  formatIPv4,
  hostBounds,
  isValidIPv4,
  parseCidr,
  parseIPv4,
} from './ipam';
import type { Cidr } from './ipam';

/** The three ranges inference chooses, and what resolveCluster falls back to for each. */
export interface RangeDefaults {
  readonly clusterCIDR: string;
  readonly serviceCIDR: string;
  readonly nodeNetwork: string;
  readonly nodeCIDRMaskSize: number;
}

export interface InferResult {
  /** The draft with inferred fields filled in (and implied nodes added); the input is not changed. */
  readonly draft: ClusterDraft;
  /** One note per inferred value, saying what it was inferred from. */
  readonly notes: readonly string[];
}

interface WellKnown {
  readonly cidr: string;
  readonly origin: string;
}

/**
 * Pod ranges seen in practice, in order of preference when several would fit the pods' addresses.
 * The first fitting one that overlaps no other range wins over a range merely widened from the evidence.
 */
export const WELL_KNOWN_POD_CIDRS: readonly WellKnown[] = [
  // kube-flannel.yml's net-conf.json "Network"; kind's and minikube's default podSubnet.
  { cidr: '10.244.0.0/16', origin: "flannel's, kind's and minikube's default" },
  { cidr: '10.0.0.0/16', origin: "kube-netviz's default" },
  // Calico's default IP pool (CALICO_IPV4POOL_CIDR in calico.yaml, the operator's Installation default).
  { cidr: '192.168.0.0/16', origin: "Calico's default IP pool" },
  // k3s server --cluster-cidr default.
  { cidr: '10.42.0.0/16', origin: "k3s's default --cluster-cidr" },
  // RFC 6598 shared address space, which EKS custom networking and kops use for pods.
  { cidr: '100.64.0.0/10', origin: 'the RFC 6598 shared address space' },
];

/** Service ranges seen in practice, in order of preference. */
export const WELL_KNOWN_SERVICE_CIDRS: readonly WellKnown[] = [
  // kubeadm DefaultServicesSubnet (minikube uses it too; kind's 10.96.0.0/16 lies inside it).
  { cidr: '10.96.0.0/12', origin: "kubeadm's default" },
  // k3s server --service-cidr default.
  { cidr: '10.43.0.0/16', origin: "k3s's default --service-cidr" },
  // EKS assigns 10.100.0.0/16 (inside kubeadm's range above) or 172.20.0.0/16 when none is given.
  { cidr: '172.20.0.0/16', origin: "EKS's default when the VPC uses 10.0.0.0/8" },
];

/** Node networks to use when no node shows an address and the default would overlap an inferred range. */
export const WELL_KNOWN_NODE_NETWORKS: readonly WellKnown[] = [
  // minikube's first docker network (pkg/drivers/kic/oci/network_create.go defaultFirstSubnetAddr).
  { cidr: '192.168.49.0/24', origin: "minikube's first node network" },
  // kind's docker network `kind` is 172.18.0.0/16 on a fresh docker host; its nodes sit at the start.
  { cidr: '172.18.0.0/24', origin: "the start of kind's docker network" },
];

/** How far a range read from the evidence is widened: pod and Service ranges to a /16, nodes to a /24. */
const WIDEN_TO = { clusterCIDR: 16, serviceCIDR: 16, nodeNetwork: 24 } as const;

type RangeField = 'clusterCIDR' | 'serviceCIDR' | 'nodeNetwork';
const RANGE_FIELDS: readonly RangeField[] = ['clusterCIDR', 'serviceCIDR', 'nodeNetwork'];

const WELL_KNOWN: Record<RangeField, readonly WellKnown[]> = {
  clusterCIDR: WELL_KNOWN_POD_CIDRS,
  serviceCIDR: WELL_KNOWN_SERVICE_CIDRS,
  nodeNetwork: WELL_KNOWN_NODE_NETWORKS,
};

const WHAT: Record<RangeField, string> = {
  clusterCIDR: 'pod addresses',
  serviceCIDR: 'ClusterIPs',
  nodeNetwork: 'node addresses',
};

const isFinished = (p: PodDraft): boolean => p.phase === 'Succeeded' || p.phase === 'Failed';

function tryCidr(text: string | undefined): Cidr | undefined {
  if (text === undefined) return undefined;
  try {
    return parseCidr(text);
  } catch {
    return undefined;
  }
}

function tryIPv4(text: string | undefined): number | undefined {
  return text !== undefined && isValidIPv4(text) ? parseIPv4(text) : undefined;
}

/** The smallest CIDR holding every address from `low` to `high`. */
export function coveringCidr(low: number, high: number): Cidr {
  let prefix = 32;
  while (prefix > 0 && cidrOf(low, prefix).last < high) prefix--;
  return cidrOf(low, prefix);
}

/** What one range is read from: the addresses, and the words the note uses for them. */
interface Evidence {
  readonly low: number;
  readonly high: number;
  readonly from: readonly string[];
}

function collect(
  spans: readonly (readonly [number, number])[],
  from: readonly string[],
): Evidence | undefined {
  if (spans.length === 0) return undefined;
  // A fold, not Math.min(...spans): a large export would overflow the call stack with a spread.
  let low = Infinity;
  let high = -Infinity;
  for (const [a, b] of spans) {
    low = Math.min(low, a);
    high = Math.max(high, b);
  }
  return { low, high, from };
}

function podEvidence(nodes: readonly NodeDraft[], pods: readonly PodDraft[]): Evidence | undefined {
  const blocks = nodes.flatMap((n) => {
    const c = tryCidr(n.podCIDR);
    return c ? [[c.first, c.last] as const] : [];
  });
  // Finished pods count too: their addresses were handed out from the cluster CIDR all the same.
  const ips = pods.flatMap((p) => {
    const ip = p.hostNetwork ? undefined : tryIPv4(p.podIP);
    return ip !== undefined ? [[ip, ip] as const] : [];
  });
  const from = [
    ...(blocks.length > 0 ? ["the nodes' podCIDRs"] : []),
    ...(ips.length > 0 ? ['pod IPs'] : []),
  ];
  return collect([...blocks, ...ips], from);
}

function serviceEvidence(draft: ClusterDraft): Evidence | undefined {
  const ips = draft.services.flatMap((s) => {
    const ip = s.type === 'ExternalName' ? undefined : tryIPv4(s.clusterIP);
    return ip !== undefined ? [[ip, ip] as const] : [];
  });
  return collect(ips, ["the Services' ClusterIPs"]);
}

function nodeEvidence(nodes: readonly NodeDraft[]): Evidence | undefined {
  const ips = nodes.flatMap((n) => {
    const ip = tryIPv4(n.internalIP);
    return ip !== undefined ? [[ip, ip] as const] : [];
  });
  return collect(ips, ["the nodes' InternalIPs"]);
}

// ---------------------------------------------------------------------------------------------------------
// Implied nodes

/** The address all of a node's host-network pods show, when they agree (it is the node's InternalIP). */
function hostNetworkAddress(pods: readonly PodDraft[]): string | undefined {
  const ips = [
    ...new Set(pods.filter((p) => p.hostNetwork && tryIPv4(p.podIP) !== undefined).map((p) => p.podIP)),
  ];
  return ips.length === 1 ? ips[0] : undefined;
}

function impliedNodes(draft: ClusterDraft, notes: string[]): readonly NodeDraft[] {
  if (draft.nodes.length > 0) return draft.nodes;
  const names = [
    ...new Set(draft.pods.flatMap((p) => (p.nodeName !== undefined ? [p.nodeName] : []))),
  ].sort();
  return names.map((name) => {
    const internalIP = hostNetworkAddress(draft.pods.filter((p) => p.nodeName === name));
    notes.push(
      `node ${name} is not in the input but its pods name it: added it` +
        (internalIP !== undefined
          ? ` with InternalIP ${internalIP}, the address of its host-network pods`
          : ''),
    );
    // kubelet labels every node with its hostname (kubernetes.io/hostname).
    return {
      name,
      labels: { 'kubernetes.io/hostname': name },
      ...(internalIP !== undefined ? { internalIP } : {}),
    };
  });
}

/**
 * A node without a podCIDR whose running pods all lie in one block of the node CIDR size gets that block,
 * when it is inside the cluster CIDR and no other node holds it (host-local IPAM hands out addresses from
 * the node's podCIDR, so the pods show where it was).
 */
function inferPodCIDRs(
  nodes: readonly NodeDraft[],
  pods: readonly PodDraft[],
  clusterCIDR: Cidr | undefined,
  maskSize: number,
  notes: string[],
): readonly NodeDraft[] {
  if (!clusterCIDR || !Number.isInteger(maskSize) || maskSize < clusterCIDR.prefix || maskSize > 32) {
    return nodes;
  }
  const taken: Cidr[] = nodes.flatMap((n) => {
    const c = tryCidr(n.podCIDR);
    return c ? [c] : [];
  });
  return nodes.map((n) => {
    if (n.podCIDR !== undefined) return n;
    const blocks = new Map<string, Cidr>();
    for (const p of pods) {
      if (p.nodeName !== n.name || p.hostNetwork || isFinished(p)) continue;
      const ip = tryIPv4(p.podIP);
      if (ip === undefined) continue;
      const block = cidrOf(ip, maskSize);
      blocks.set(block.text, block);
    }
    const [block, ...others] = [...blocks.values()];
    if (!block || others.length > 0) return n;
    if (!cidrContainsCidr(clusterCIDR, block) || taken.some((t) => cidrsOverlap(t, block))) return n;
    taken.push(block);
    notes.push(`podCIDR ${block.text} of node ${n.name} inferred from the addresses of its pods`);
    return { ...n, podCIDR: block.text };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Ranges

interface Choice {
  readonly cidr: Cidr;
  readonly why: string;
}

/** The widest range from `cover` up to a /`target` (or `cover` itself) that overlaps none of `avoid`. */
function widen(cover: Cidr, target: number, avoid: readonly Cidr[]): Cidr {
  let best = cover;
  for (let prefix = cover.prefix - 1; prefix >= target; prefix--) {
    const wider = cidrOf(cover.first, prefix);
    if (avoid.some((a) => cidrsOverlap(a, wider))) break;
    best = wider;
  }
  return best;
}

function chooseFromEvidence(field: RangeField, cover: Cidr, avoid: readonly Cidr[]): Choice {
  for (const known of WELL_KNOWN[field]) {
    const cidr = parseCidr(known.cidr);
    if (cidrContainsCidr(cidr, cover) && !avoid.some((a) => cidrsOverlap(a, cidr))) {
      return { cidr, why: known.origin };
    }
  }
  const cidr = widen(cover, WIDEN_TO[field], avoid);
  const why =
    cidr.prefix === cover.prefix
      ? 'the smallest range holding them'
      : `the smallest range holding them (${cover.text}), widened to a /${cidr.prefix} clear of the other ranges`;
  return { cidr, why };
}

function givenRange(field: RangeField, given: NetworkDraft): Cidr | undefined {
  return tryCidr(given[field]);
}

/**
 * Fills every unset network field of `draft` from what its objects show; see the module comment.
 * Deterministic: the same draft always gives the same settings and notes.
 */
export function inferDraft(draft: ClusterDraft, defaults: RangeDefaults): InferResult {
  const notes: string[] = [];
  const given = draft.network;
  let nodes = impliedNodes(draft, notes);

  const evidence: Record<RangeField, Evidence | undefined> = {
    clusterCIDR: podEvidence(nodes, draft.pods),
    serviceCIDR: serviceEvidence(draft),
    nodeNetwork: nodeEvidence(nodes),
  };
  const explicit = RANGE_FIELDS.flatMap((f) => {
    const c = givenRange(f, given);
    return c ? [c] : [];
  });
  const open = RANGE_FIELDS.filter((f) => given[f] === undefined);
  const covers = new Map<RangeField, Cidr>();
  for (const f of open) {
    const e = evidence[f];
    if (e) covers.set(f, coveringCidr(e.low, e.high));
  }

  // Evidence that straddles another range cannot be served by any CIDR: leave the field to its default.
  const chosen = new Map<RangeField, Cidr>();
  const inferred: RangeField[] = [];
  for (const f of open) {
    const cover = covers.get(f);
    if (!cover) continue;
    const clash = [
      ...explicit.map((c) => ({ cidr: c, name: 'the given settings' })),
      ...[...covers].filter(([g]) => g !== f).map(([g, c]) => ({ cidr: c, name: `the ${WHAT[g]}` })),
    ].find((other) => cidrsOverlap(other.cidr, cover));
    if (clash) {
      notes.push(
        `${f} not inferred: the ${WHAT[f]} span ${cover.text}, which overlaps ${clash.name} ` +
          `(${clash.cidr.text}); using the default ${defaults[f]}`,
      );
      chosen.set(f, parseCidr(defaults[f]));
    } else {
      inferred.push(f);
    }
  }

  const network: { -readonly [K in keyof NetworkDraft]: NetworkDraft[K] } = { ...given };
  const others = (f: RangeField): Cidr[] => [
    ...explicit,
    ...[...chosen].filter(([g]) => g !== f).map(([, c]) => c),
    ...[...covers].filter(([g]) => g !== f && !chosen.has(g)).map(([, c]) => c),
  ];
  for (const f of inferred) {
    const cover = covers.get(f);
    const e = evidence[f];
    if (!cover || !e) continue;
    const choice = chooseFromEvidence(f, cover, others(f));
    chosen.set(f, choice.cidr);
    network[f] = choice.cidr.text;
    notes.push(`${f} ${choice.cidr.text} inferred from ${e.from.join(' and ')} (${choice.why})`);
  }

  // No evidence: the default, unless it would overlap a range the objects show; then a well-known other.
  for (const f of open) {
    if (chosen.has(f)) continue;
    const avoid = others(f);
    const fallback = parseCidr(defaults[f]);
    if (!avoid.some((a) => cidrsOverlap(a, fallback))) {
      chosen.set(f, fallback);
      continue;
    }
    const known = WELL_KNOWN[f]
      .map((k) => ({ cidr: parseCidr(k.cidr), origin: k.origin }))
      .find((k) => !avoid.some((a) => cidrsOverlap(a, k.cidr)));
    if (!known) continue;
    chosen.set(f, known.cidr);
    network[f] = known.cidr.text;
    notes.push(
      `${f} not set and nothing shows it: using ${known.cidr.text} (${known.origin}), since the default ` +
        `${defaults[f]} overlaps another range`,
    );
  }

  // kube-controller-manager cuts every node's podCIDR with one --node-cidr-mask-size.
  if (given.nodeCIDRMaskSize === undefined) {
    const prefixes = [...new Set(nodes.flatMap((n) => tryCidr(n.podCIDR)?.prefix ?? []))];
    const [prefix, ...rest] = prefixes;
    if (prefix !== undefined && rest.length === 0) {
      network.nodeCIDRMaskSize = prefix;
      notes.push(`nodeCIDRMaskSize ${prefix} inferred from the nodes' podCIDRs`);
    }
  }
  const maskSize = network.nodeCIDRMaskSize ?? defaults.nodeCIDRMaskSize;
  nodes = inferPodCIDRs(
    nodes,
    draft.pods,
    chosen.get('clusterCIDR') ?? tryCidr(given.clusterCIDR),
    maskSize,
    notes,
  );

  // kubeadm makes kube-dns's ClusterIP the cluster DNS address (kubelet --cluster-dns).
  const serviceCidr = chosen.get('serviceCIDR') ?? tryCidr(given.serviceCIDR);
  if (given.dnsServiceIP === undefined && serviceCidr) {
    const dns = draft.services.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns');
    const ip = dns?.type === 'ExternalName' ? undefined : dns?.clusterIP;
    if (ip !== undefined && tryIPv4(ip) !== undefined && cidrContains(serviceCidr, ip)) {
      network.dnsServiceIP = ip;
      notes.push(`dnsServiceIP ${ip} inferred from the ClusterIP of kube-system/kube-dns`);
    }
  }

  // The router takes the first host address of the node network that no node holds.
  const nodeNetwork = chosen.get('nodeNetwork') ?? tryCidr(given.nodeNetwork);
  if (given.router?.ip === undefined && nodeNetwork) {
    const used = new Set(nodes.flatMap((n) => tryIPv4(n.internalIP) ?? []));
    const first = parseIPv4(firstHostAddress(nodeNetwork));
    if (used.has(first)) {
      const { last } = hostBounds(nodeNetwork);
      let ip = first;
      while (ip <= last && used.has(ip)) ip++;
      if (ip <= last) {
        network.router = { ...given.router, ip: formatIPv4(ip) };
        notes.push(
          `router address not set: using ${formatIPv4(ip)}, the first host address of nodeNetwork ` +
            `${nodeNetwork.text} that no node holds`,
        );
      }
    }
  }

  return { draft: { ...draft, network, nodes }, notes };
}
