/** The output of `layoutCluster`: plain data in one coordinate space (SVG user units, 1 unit = 1px at zoom 1). */
import type { ProxyMode } from '../model/types';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A label placed in the layout: text already shortened to fit, `x`/`y` is the baseline start (or middle). */
export interface Label {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly mono?: boolean;
  readonly bold?: boolean;
  readonly anchor?: 'start' | 'middle' | 'end';
}

/** A rounded box with a one-line label, e.g. an interface `eth0 10.0.1.2`. */
export interface Pill {
  readonly box: Rect;
  readonly label: Label;
}

export type ElementKind =
  | 'router'
  | 'route'
  | 'node-network'
  | 'node'
  | 'node-eth0'
  | 'bridge'
  | 'kube-proxy'
  | 'veth'
  | 'pod'
  | 'pod-eth0'
  | 'container'
  | 'pod-group'
  | 'service-network'
  | 'service';

export interface Edge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** Polyline through the layout, from `from` to `to`. */
  readonly points: readonly Point[];
  /** The SVG path of `points` (d3-shape). */
  readonly d: string;
}

export interface RouteRowLayout {
  readonly id: string;
  readonly box: Rect;
  readonly destination: Label;
  readonly nextHop: Label;
}

export interface RouterLayout {
  readonly id: string;
  readonly box: Rect;
  /** The router device itself (left part of the box); the route table sits to its right. */
  readonly deviceBox: Rect;
  readonly title: Label;
  readonly ip: Label;
  readonly table: {
    readonly box: Rect;
    readonly headers: readonly Label[];
    readonly rows: readonly RouteRowLayout[];
  };
  /** The link from the router down to the node network. */
  readonly uplink: Edge;
}

export interface NodeNetworkLayout {
  readonly id: string;
  /** One horizontal line per row of nodes, plus a vertical trunk joining them. */
  readonly segments: readonly Edge[];
  readonly label: Label;
  /** A box around the main bus line (for hit testing and selection). */
  readonly box: Rect;
}

export interface ContainerLayout {
  readonly id: string;
  readonly box: Rect;
  readonly label: Label;
  readonly isPause: boolean;
}

export interface PodLayout {
  readonly id: string;
  readonly vethId: string;
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly box: Rect;
  readonly eth0: Pill;
  readonly title: Label;
  readonly subtitle: Label;
  /** The shared network namespace outline and its legend. */
  readonly netns: Rect;
  readonly netnsLabel: Label;
  /** `localhost`, on the outline's bottom edge: every container in the pod shares it. */
  readonly localhostLabel: Label;
  readonly containers: readonly ContainerLayout[];
  /** A marker on the pod's top edge, e.g. `cluster DNS`. */
  readonly tag?: Pill;
  /** The veth pair: from its host end on the bridge to the pod's eth0. Absent for hostNetwork pods. */
  readonly veth?: {
    readonly hostEnd: Point;
    readonly podEnd: Point;
    readonly edge: Edge;
    readonly hostLabel: Label;
    /** A box around the cable and its label (hit target). */
    readonly box: Rect;
  };
}

export interface BridgeLayout {
  readonly id: string;
  readonly box: Rect;
  readonly name: Label;
  readonly cidr: Label;
  /** Extra bridge-coloured rails: a spine down the node's left side and one branch per extra pod row. */
  readonly rails: readonly Rect[];
}

export interface NodeLayout {
  readonly id: string;
  readonly name: string;
  readonly box: Rect;
  readonly title: Label;
  readonly eth0: Pill;
  readonly kubeProxy: { readonly id: string; readonly box: Rect; readonly label: Label };
  readonly bridge: BridgeLayout;
  /** The node's pods area; drawn as one block (`podGroup`) when zoomed out. */
  readonly podArea: Rect;
  /** The block drawn instead of the pods when zoomed out: the node's name and its pod count, in large type. */
  readonly podGroup: {
    readonly id: string;
    readonly box: Rect;
    readonly title: Label;
    readonly label: Label;
  };
  readonly pods: readonly PodLayout[];
  /** From the node network down to the node's eth0. */
  readonly uplink: Edge;
  /**
   * The strip from the pods down to the node's bottom edge, for node-level devices that are not on a wire: the
   * VXLAN VTEP (vxlan CNI mode) and kube-ipvs0 (ipvs mode). Absent when the node has neither.
   */
  readonly devices?: Rect;
}

export interface ServiceLayout {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly box: Rect;
  readonly lines: readonly Label[];
  readonly tag?: Pill;
  readonly isClusterDns: boolean;
  readonly hasClusterIP: boolean;
  /** Where a packet addressed to the ClusterIP is drawn (the pill's left edge). */
  readonly anchor: Point;
  /** Dashed links to the pods behind the Service (from its EndpointSlices), drawn when it is selected. */
  readonly endpointLinks: readonly Edge[];
}

export interface ServiceNetworkLayout {
  readonly id: string;
  readonly box: Rect;
  /** `service network <cidr> — no route: …`, wrapped; the first line is the heading. */
  readonly caption: readonly Label[];
  readonly services: readonly ServiceLayout[];
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly router: RouterLayout;
  readonly nodeNetwork: NodeNetworkLayout;
  readonly nodes: readonly NodeLayout[];
  /** Pods with no node (Pending): drawn in a row below the nodes. */
  readonly unscheduled: readonly PodLayout[];
  readonly serviceNetwork: ServiceNetworkLayout;
  /** Every element's bounding box by id. */
  readonly boxes: ReadonlyMap<string, { readonly kind: ElementKind; readonly box: Rect }>;
  /** Points on devices, by anchor id (see `anchorIds`). */
  readonly anchors: ReadonlyMap<string, Point>;
  /** The wiring between anchors that packets travel along. */
  readonly wires: readonly Edge[];
}

export interface LayoutOptions {
  /** Target aspect ratio (width / height) for the node grid; the default suits a 16:9 screen with a side panel. */
  readonly aspect?: number;
  /** The kube-proxy mode shown, when it is not the cluster's own (ipvs adds kube-ipvs0 to every node). */
  readonly proxyMode?: ProxyMode;
}
