/**
 * Guided tours as data: a tour is an ordered list of stops, each a built-in scenario (catalog.ts) opened at a
 * chosen moment, with a caption for the audience and notes for the presenter. The seed tour tells the seed
 * notes' story in their order: a pod's shared localhost, docker0 against cbr0, routing between nodes, Service
 * registration, discovery through DNS, the netfilter trap, and kube-proxy's modes side by side.
 *
 * A stop may name a scenario this build does not have (scenarios are added over time): such a stop is left
 * out with a warning and the rest of the tour still plays (`playableStops`). Pure data and pure functions.
 */
import type { TraceRequest } from '../engine/trace/types';
import type { ProxyMode } from '../model/types';
import { SCENARIO_CATALOG } from './catalog';
import type { StepMatcher } from './keyStep';

export interface TourStop {
  /** A scenario id of the catalog (catalog.ts). */
  readonly scenario: string;
  /** The kube-proxy mode (else the scenario's own). */
  readonly mode?: ProxyMode;
  /** The request traced (else the scenario's own). */
  readonly request?: TraceRequest;
  /** The step shown first, by what happens there (else the scenario's key step); `step` wins. */
  readonly keyStep?: StepMatcher;
  /** The step shown first, by index. */
  readonly step?: number;
  /** One line for the audience, shown in the tour bar. */
  readonly caption: string;
  /** For the presenter: what to say here (speaker notes). */
  readonly notes: string;
}

export interface Tour {
  /** The id links carry (`?tour=`): lowercase words joined by `-`. */
  readonly id: string;
  readonly title: string;
  readonly stops: readonly TourStop[];
}

/*
 * Facts in the notes, and where they were read: docker0 is 172.17.0.1/16 on every host (Docker's default
 * bridge network, moby's default `bip`); kubenet's bridge is `cbr0` (kubernetes
 * pkg/kubelet/dockershim/network/kubenet/kubenet_linux.go, BridgeName) and the CNI bridge plugin's default is
 * `cni0` (containernetworking/plugins plugins/main/bridge/bridge.go, defaultBrName); `ndots:5` is kubelet's
 * (pkg/kubelet/network/dns/dns.go); the userspace mode was removed in v1.26 (CHANGELOG-1.26); IPVS binds
 * ClusterIPs to kube-ipvs0 and schedules `rr` unless told otherwise (pkg/proxy/ipvs/proxier.go,
 * defaultDummyDevice, defaultScheduler).
 */
export const TOURS: readonly Tour[] = [
  {
    id: 'seed',
    title: 'Services, load balancing and networking, in the order of the seed notes',
    stops: [
      {
        scenario: 'localhost',
        caption: 'Containers in a pod share one network namespace: they reach each other on localhost',
        notes:
          'Every container of a pod joins the network namespace the pause (sandbox) container holds: one eth0, ' +
          'one IP, one loopback. Two containers of the same pod talk over 127.0.0.1 and cannot both bind the ' +
          'same port.',
      },
      {
        scenario: 'docker0',
        caption: 'Plain Docker: every host has the same docker0 bridge and the same private range',
        notes:
          'docker0 is 172.17.0.1/16 on every host, so two hosts hand out the same container addresses and ' +
          'nothing routes between them: containers on different hosts cannot reach each other without NAT ' +
          'and port mappings.',
      },
      {
        scenario: 'cbr0',
        caption: 'Kubernetes: each node bridges its own pod CIDR (cbr0), so every pod IP is unique',
        notes:
          'Each node gets a slice of the cluster CIDR (node.spec.podCIDR); its bridge (cbr0 with kubenet, cni0 ' +
          'with the CNI bridge plugin) is the gateway of that slice and host-local IPAM hands out addresses ' +
          'from it. No two pods share an address, so no NAT is needed between pods.',
      },
      {
        scenario: 'default',
        keyStep: { phase: 'request', kind: 'router' },
        caption: 'Between nodes, the router holds one route per node: pod CIDR → that node',
        notes:
          "The packet leaves the client's node on eth0 towards the gateway. The router looks up the destination " +
          'pod CIDR and forwards it to the node that owns it; that node bridges it to the pod. The route table ' +
          'row used is highlighted.',
      },
      {
        scenario: 'registration',
        caption: 'Service registration: the API server allocates a ClusterIP; controllers do the rest',
        notes:
          'POST the Service; it is authenticated, authorized and admitted; a ClusterIP is allocated and the ' +
          'object persisted. The EndpointSlice controller lists ready pods; CoreDNS watches Services and serves ' +
          'the A record; kube-proxy on every node writes the rules.',
      },
      {
        scenario: 'dns',
        caption: 'Discovery: the pod asks the cluster DNS for the Service name and gets its ClusterIP',
        notes:
          "The container's /etc/resolv.conf names the cluster DNS Service and the search domains; with " +
          'ndots:5 a short name is tried with each search domain in turn until CoreDNS answers.',
      },
      {
        scenario: 'default',
        keyStep: { phase: 'request', kind: 'netfilter', rewrite: true },
        caption: 'The trap: no route leads to the ClusterIP; netfilter on the node rewrites it to a pod IP',
        notes:
          'The ClusterIP lives on no interface and no route leads to it. The packet goes to the default gateway, ' +
          "and on the way out of the client's node the nat table's KUBE-SERVICES chain matches it and DNATs it " +
          "to one endpoint. conntrack remembers, so the reply's source is rewritten back.",
      },
      {
        scenario: 'default',
        mode: 'userspace',
        keyStep: { phase: 'request', kind: 'userspace' },
        caption: 'userspace mode (historic): iptables sends the packet to kube-proxy, which dials a pod',
        notes:
          'The original mode, removed in v1.26: the rules REDIRECT to a port kube-proxy listens on, and ' +
          'kube-proxy opens a second connection to a backend. Two connections, copies through user space — ' +
          'but it can retry another pod. The name "proxy" comes from this mode.',
      },
      {
        scenario: 'default',
        mode: 'ipvs',
        keyStep: { phase: 'request', kind: 'ipvs' },
        caption: 'ipvs mode: the kernel load balancer picks a real server from a hash table',
        notes:
          'Every ClusterIP is bound to the kube-ipvs0 dummy interface, so the node accepts it as local and IPVS ' +
          'picks a real server with its scheduler (rr by default). Lookups do not grow with the number of ' +
          'Services. Press 2 for iptables, 4 for nftables, or open Compare modes.',
      },
      {
        scenario: 'scale',
        caption: 'At scale: rules per Service and time per packet, mode by mode',
        notes:
          'iptables walks KUBE-SERVICES rule by rule; ipvs and nftables look the Service up in a hash or a map. ' +
          'The chart shows how the rule count and the matching work grow with the number of Services.',
      },
    ],
  },
];

export function tourById(id: string): Tour | undefined {
  return TOURS.find((t) => t.id === id);
}

/**
 * The stops whose scenario is among `known`; the others are left out and named in one warning, so the tour
 * still plays.
 */
export function skipUnknownStops(
  tour: Tour,
  known: readonly string[],
  warn: (message: string) => void,
): readonly TourStop[] {
  const missing = tour.stops.filter((s) => !known.includes(s.scenario)).map((s) => s.scenario);
  if (missing.length > 0) {
    warn(
      `kube-netviz: tour "${tour.id}" skips ${missing.length} stop(s) whose scenario is not built in: ${missing.join(', ')}`,
    );
  }
  return tour.stops.filter((s) => known.includes(s.scenario));
}

const playable = new Map<string, readonly TourStop[]>();

/**
 * The stops of a tour this build can open (its scenarios are in the catalog), worked out once per tour.
 * Stop numbers in links and in the tour bar count these.
 */
export function playableStops(tour: Tour): readonly TourStop[] {
  let stops = playable.get(tour.id);
  if (!stops) {
    stops = skipUnknownStops(
      tour,
      SCENARIO_CATALOG.map((s) => s.id),
      (m) => console.warn(m),
    );
    playable.set(tour.id, stops);
  }
  return stops;
}
