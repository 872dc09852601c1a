/**
 * The topology figure as coordinates: the seed's "Kubernetes Network Architecture" drawing, computed from a
 * cluster. Pure and deterministic (no DOM, no randomness, no simulation): the same cluster always gives the
 * same layout.
 *
 * Arrangement, top to bottom: the router/gateway with its route table; the node network (a bus line the
 * nodes' eth0 attach to); the nodes in a grid, each with eth0 on its top edge, a header (name, kube-proxy),
 * the bridge, and its pods in a grid hanging from the bridge on their veth pairs. To the right, apart from
 * everything and wired to nothing, the service network with one pill per Service.
 */
import { linkHorizontal } from 'd3-shape';
import { isIngressController } from '../model/ingressController';
import type { Cluster, Node, Pod, Service } from '../model/types';
import {
  NODE_NETWORK_ID,
  ROUTER_ID,
  SERVICE_NETWORK_ID,
  anchorIds,
  bridgeId,
  kubeProxyId,
  nodeId,
  podGroupId,
  podId,
  routeId,
  serviceId,
  vethId,
} from '../model/elementIds';
import { baselineFor, center, makeEdge, pillAt, pillFrom, PILL_HEIGHT, rect, union } from './geometry';
import { fitText, textWidth, wrapText, type TextStyle } from './text';
import type {
  ContainerLayout,
  Edge,
  ElementKind,
  Label,
  Layout,
  LayoutOptions,
  NodeLayout,
  Point,
  PodLayout,
  Rect,
  RouteRowLayout,
  RouterLayout,
  ServiceLayout,
  ServiceNetworkLayout,
} from './types';

/** Font sizes in layout units. At the default cluster's fit scale (~1) none is below 12px on screen. */
export const FONT = { title: 15, name: 14, text: 13 } as const;

const MARGIN = 20;
const TITLE: TextStyle = { size: FONT.title, bold: true };
const NAME: TextStyle = { size: FONT.name, bold: true };
const TEXT: TextStyle = { size: FONT.text };
const MONO: TextStyle = { size: FONT.text, mono: true };
const MONO_BOLD: TextStyle = { size: FONT.text, mono: true, bold: true };

// Pods
const POD_PAD = 10;
const POD_MIN_WIDTH = 224;
const POD_MAX_WIDTH = 300;
const POD_HEIGHT = 126;
const NETNS_TOP = 64;
const NETNS_HEIGHT = 52;
const NETNS_PAD = 8;
const CONTAINER_HEIGHT = 26;
const CONTAINER_GAP = 6;
const CONTAINER_TEXT_PAD = 8;
// Nodes
const NODE_PAD = 14;
const NODE_MIN_INNER = 252;
const BRIDGE_TOP = 54;
const BRIDGE_HEIGHT = 42;
const VETH_LENGTH = 44;
const POD_ROW_GAP = 18;
const POD_COL_GAP = 20;
const RAIL = 5;
const NODE_GAP_X = 28;
/** Extra node height for the devices row under the pods (VTEP, kube-ipvs0: 22-high pills, centred in it). */
const DEVICE_ROW = 30;
/** Vertical room between rows of nodes, for that row's bus line and the eth0 uplinks. */
const NODE_GAP_Y = 72;
// Router and buses
const ROUTE_ROW = 20;
const ROUTES_PER_COLUMN = 12;
const BUS_BELOW_ROUTER = 30;
const UPLINK = 36;
// Service network
const SVC_GAP = 12;
const SVC_PAD = 12;
const SVC_PILL_WIDTH = 252;
const LINE = 18;

const DEFAULT_ASPECT = 1.3;

interface BoxEntry {
  readonly kind: ElementKind;
  readonly box: Rect;
}

interface Builder {
  readonly boxes: Map<string, BoxEntry>;
  readonly anchors: Map<string, Point>;
  readonly wires: Edge[];
}

/** Lays out the whole cluster. */
export function layoutCluster(cluster: Cluster, options: LayoutOptions = {}): Layout {
  const aspect = options.aspect ?? DEFAULT_ASPECT;
  const b: Builder = { boxes: new Map(), anchors: new Map(), wires: [] };
  const clusterDnsPods = clusterDnsPodKeys(cluster);

  const podWidth = commonPodWidth(cluster.pods, clusterDnsPods);
  const podsByNode = groupPodsByNode(cluster);
  const proxyLabel = `kube-proxy · ${cluster.network.proxyMode}`;

  // Node sizes: a common width so the grid lines up; each row as tall as its tallest node.
  const nodeInner = Math.max(
    NODE_MIN_INNER,
    textWidth(proxyLabel, TEXT) + 20 + 12 + 60,
    ...cluster.nodes.map((n) => {
      const cols = podColumns((podsByNode.get(n.name) ?? []).length);
      return cols * podWidth + (cols - 1) * POD_COL_GAP;
    }),
  );
  const nodeWidth = nodeInner + 2 * NODE_PAD;
  const proxyMode = options.proxyMode ?? cluster.network.proxyMode;
  const deviceRow = cluster.network.cniMode === 'vxlan' || proxyMode === 'ipvs' ? DEVICE_ROW : 0;
  const nodeHeights = cluster.nodes.map((n) => nodeHeight((podsByNode.get(n.name) ?? []).length) + deviceRow);
  const gridCols = chooseGridColumns(nodeWidth, nodeHeights, aspect);
  const gridRows = Math.ceil(cluster.nodes.length / gridCols);
  const rowHeights: number[] = [];
  for (let r = 0; r < gridRows; r++) {
    rowHeights.push(Math.max(0, ...nodeHeights.slice(r * gridCols, (r + 1) * gridCols)));
  }
  const areaX = MARGIN + (gridRows > 1 ? 20 : 0);
  const areaWidth = Math.max(nodeWidth, gridCols * nodeWidth + (gridCols - 1) * NODE_GAP_X);

  // Router on top, centred over the node area; its route table to its right.
  const routerDraft = layoutRouterShape(cluster);
  const areaCenter = areaX + areaWidth / 2;
  const routerX = Math.max(MARGIN, areaCenter - routerDraft.deviceWidth / 2);
  const router = placeRouter(cluster, routerDraft, routerX, MARGIN, b);
  const busY = router.box.y + router.box.height + BUS_BELOW_ROUTER;
  const routerIface: Point = { x: router.deviceBox.x + router.deviceBox.width / 2, y: busY };
  b.anchors.set(anchorIds.routerTap, routerIface);
  b.wires.push(
    makeEdge('wire:router', anchorIds.router, anchorIds.routerTap, [
      router.uplink.points[0] ?? routerIface,
      routerIface,
    ]),
  );

  // Rows of nodes, each under its own bus line.
  const trunkX = areaX - 12;
  const busLeft = gridRows > 1 ? trunkX : areaX - 8;
  const busRight = Math.max(areaX + areaWidth + 8, routerIface.x + 8);
  const rowTops: number[] = [];
  const rowBusY: number[] = [];
  let y = busY + UPLINK;
  for (let r = 0; r < gridRows; r++) {
    rowBusY.push(r === 0 ? busY : y - UPLINK);
    rowTops.push(y);
    y += (rowHeights[r] ?? 0) + NODE_GAP_Y;
  }
  const nodes: NodeLayout[] = cluster.nodes.map((node, i) => {
    const r = Math.floor(i / gridCols);
    const c = i % gridCols;
    const x = areaX + c * (nodeWidth + NODE_GAP_X);
    const top = rowTops[r] ?? busY + UPLINK;
    const height = rowHeights[r] ?? 0;
    return layoutNode(cluster, node, podsByNode.get(node.name) ?? [], {
      box: rect(x, top, nodeWidth, height),
      podWidth,
      busY: rowBusY[r] ?? busY,
      routerIface,
      trunkX,
      proxyLabel,
      clusterDnsPods,
      deviceRow,
      b,
    });
  });
  const segments: Edge[] = rowBusY.map((by, r) =>
    makeEdge(`bus:${r}`, NODE_NETWORK_ID, NODE_NETWORK_ID, [
      { x: busLeft, y: by },
      { x: busRight, y: by },
    ]),
  );
  if (gridRows > 1) {
    segments.push(
      makeEdge('bus:trunk', NODE_NETWORK_ID, NODE_NETWORK_ID, [
        { x: trunkX, y: busY },
        { x: trunkX, y: rowBusY[rowBusY.length - 1] ?? busY },
      ]),
    );
  }
  const busLabelText = `node network ${cluster.network.nodeNetwork}`;
  const nodeNetwork = {
    id: NODE_NETWORK_ID,
    segments,
    label: { text: busLabelText, x: busRight - 4, y: busY - 9, anchor: 'end' as const, ...MONO },
    box: rect(busLeft, busY - 26, busRight - busLeft, 34),
  };
  b.boxes.set(NODE_NETWORK_ID, { kind: 'node-network', box: nodeNetwork.box });

  let bottom = nodes.reduce((m, n) => Math.max(m, n.box.y + n.box.height), busY + UPLINK);

  // Pods that no node runs: a row below the grid.
  const unscheduledPods = cluster.pods.filter((p) => p.nodeName === null || !podsByNode.has(p.nodeName));
  const unscheduled: PodLayout[] = [];
  if (unscheduledPods.length > 0) {
    const top = bottom + 48;
    unscheduledPods.forEach((pod, i) => {
      const px = areaX + i * (podWidth + POD_COL_GAP);
      unscheduled.push(layoutPod(pod, px, top, podWidth, null, clusterDnsPods, b));
    });
    bottom = top + POD_HEIGHT;
  }

  // The service network, to the right.
  // The router's table may reach over the plane's columns: the plane starts below the bus, so they never meet.
  const planeX = areaX + areaWidth + 32;
  const planeTop = busY + UPLINK - PILL_HEIGHT / 2;
  const serviceNetwork = layoutServiceNetwork(cluster, planeX, planeTop, bottom, b);

  // Endpoint links need the pods' boxes, now known.
  const services = serviceNetwork.services.map((s) => ({
    ...s,
    endpointLinks: endpointLinks(cluster, s, b),
  }));

  const width = Math.max(serviceNetwork.box.x + serviceNetwork.box.width, busRight) + MARGIN;
  const height = Math.max(bottom, serviceNetwork.box.y + serviceNetwork.box.height) + MARGIN;
  return {
    width,
    height,
    router,
    nodeNetwork,
    nodes,
    unscheduled,
    serviceNetwork: { ...serviceNetwork, services },
    boxes: b.boxes,
    anchors: b.anchors,
    wires: b.wires,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Grid helpers

/** Pod columns inside a node: pods are wider than tall, so about half as many columns as rows. */
export function podColumns(podCount: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(podCount / 2)));
}

function nodeHeight(podCount: number): number {
  const rows = Math.ceil(podCount / podColumns(podCount));
  if (rows === 0) return BRIDGE_TOP + BRIDGE_HEIGHT + 40 + NODE_PAD;
  return BRIDGE_TOP + BRIDGE_HEIGHT + rows * (VETH_LENGTH + POD_HEIGHT) + (rows - 1) * POD_ROW_GAP + NODE_PAD;
}

/** The number of node columns whose grid comes closest to the target aspect ratio (ties: fewer columns). */
function chooseGridColumns(nodeWidth: number, heights: readonly number[], aspect: number): number {
  const n = heights.length;
  if (n <= 1) return 1;
  const avgHeight = heights.reduce((s, h) => s + h, 0) / n;
  let best = 1;
  let bestScore = Infinity;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const w = cols * nodeWidth + (cols - 1) * NODE_GAP_X;
    const h = rows * avgHeight + (rows - 1) * NODE_GAP_Y;
    const score = Math.abs(Math.log(w / h / aspect));
    if (score < bestScore - 1e-9) {
      best = cols;
      bestScore = score;
    }
  }
  return best;
}

function groupPodsByNode(cluster: Cluster): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const node of cluster.nodes) byNode.set(node.name, []);
  for (const pod of cluster.pods) {
    if (pod.nodeName !== null) byNode.get(pod.nodeName)?.push(pod);
  }
  return byNode;
}

/** Pods behind the Service whose ClusterIP is kubelet's --cluster-dns address: the cluster DNS. */
function clusterDnsPodKeys(cluster: Cluster): Set<string> {
  const keys = new Set<string>();
  const dns = cluster.services.find((s) => s.clusterIP === cluster.network.dnsServiceIP);
  if (!dns) return keys;
  for (const pod of endpointPods(cluster, dns)) keys.add(`${pod.namespace}/${pod.name}`);
  return keys;
}

/** The pods a Service's EndpointSlices point at (by targetRef, else by address). */
export function endpointPods(cluster: Cluster, svc: Service): Pod[] {
  const pods: Pod[] = [];
  const seen = new Set<Pod>();
  for (const slice of cluster.endpointSlices) {
    if (slice.namespace !== svc.namespace || slice.serviceName !== svc.name) continue;
    for (const ep of slice.endpoints) {
      const ref = ep.targetRef;
      const pod =
        ref?.kind === 'Pod'
          ? cluster.pods.find((p) => p.namespace === ref.namespace && p.name === ref.name)
          : cluster.pods.find((p) => p.podIP !== null && !p.hostNetwork && ep.addresses.includes(p.podIP));
      if (pod && !seen.has(pod)) {
        seen.add(pod);
        pods.push(pod);
      }
    }
  }
  return pods;
}

// ---------------------------------------------------------------------------------------------------------
// Router

interface RouterShape {
  readonly deviceWidth: number;
  readonly destWidth: number;
  readonly hopWidth: number;
  readonly columns: number;
  readonly rowsPerColumn: number;
}

function nextHopText(via: string | undefined, dev: string): string {
  return via ?? `direct (${dev})`;
}

function layoutRouterShape(cluster: Cluster): RouterShape {
  const { router } = cluster.network;
  const deviceWidth =
    Math.max(textWidth('router/gateway', TITLE), textWidth(router.ip, MONO), textWidth('eth0', TEXT)) + 28;
  const destWidth =
    Math.max(textWidth('destination', TEXT), ...router.routes.map((r) => textWidth(r.destination, MONO))) +
    18;
  const hopWidth =
    Math.max(
      textWidth('next hop', TEXT),
      ...router.routes.map((r) => textWidth(nextHopText(r.via, r.dev), MONO)),
    ) + 18;
  const columns = Math.max(1, Math.ceil(router.routes.length / ROUTES_PER_COLUMN));
  const rowsPerColumn = Math.max(1, Math.ceil(router.routes.length / columns));
  return { deviceWidth, destWidth, hopWidth, columns, rowsPerColumn };
}

function placeRouter(cluster: Cluster, shape: RouterShape, x: number, y: number, b: Builder): RouterLayout {
  const { router } = cluster.network;
  const headerHeight = 24;
  const tableHeight = 8 + headerHeight + shape.rowsPerColumn * ROUTE_ROW + 8;
  const height = Math.max(76, tableHeight);
  const deviceBox = rect(x, y, shape.deviceWidth, height);
  const tableX = x + shape.deviceWidth + 10;
  const columnWidth = shape.destWidth + shape.hopWidth;
  const tableBox = rect(tableX, y, shape.columns * columnWidth + (shape.columns - 1) * 12, height);
  const box = union(deviceBox, tableBox);

  const headers: Label[] = [];
  const rows: RouteRowLayout[] = [];
  for (let c = 0; c < shape.columns; c++) {
    const cx = tableX + c * (columnWidth + 12);
    const hy = y + 8 + headerHeight / 2;
    headers.push({ text: 'destination', x: cx + 9, y: baselineFor(hy, FONT.text), ...TEXT, bold: true });
    headers.push({
      text: 'next hop',
      x: cx + shape.destWidth + 9,
      y: baselineFor(hy, FONT.text),
      ...TEXT,
      bold: true,
    });
  }
  router.routes.forEach((route, i) => {
    const c = Math.floor(i / shape.rowsPerColumn);
    const r = i % shape.rowsPerColumn;
    const cx = tableX + c * (columnWidth + 12);
    const ry = y + 8 + headerHeight + r * ROUTE_ROW;
    const id = routeId(route.destination);
    const rowBox = rect(cx, ry, columnWidth, ROUTE_ROW);
    const base = baselineFor(ry + ROUTE_ROW / 2, FONT.text);
    rows.push({
      id,
      box: rowBox,
      destination: { text: route.destination, x: cx + 9, y: base, ...MONO },
      nextHop: { text: nextHopText(route.via, route.dev), x: cx + shape.destWidth + 9, y: base, ...MONO },
    });
    b.boxes.set(id, { kind: 'route', box: rowBox });
  });

  const cx = x + shape.deviceWidth / 2;
  const iface: Point = { x: cx, y: y + height };
  b.anchors.set(anchorIds.router, iface);
  b.boxes.set(ROUTER_ID, { kind: 'router', box });
  return {
    id: ROUTER_ID,
    box,
    deviceBox,
    title: { text: 'router/gateway', x: cx, y: y + 30, anchor: 'middle', ...TITLE },
    ip: { text: router.ip, x: cx, y: y + 52, anchor: 'middle', ...MONO_BOLD },
    table: { box: tableBox, headers, rows },
    uplink: makeEdge('link:router', anchorIds.router, anchorIds.routerTap, [
      iface,
      { x: cx, y: y + height + BUS_BELOW_ROUTER },
    ]),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Nodes

interface NodeContext {
  readonly box: Rect;
  readonly podWidth: number;
  readonly busY: number;
  readonly routerIface: Point;
  readonly trunkX: number;
  readonly proxyLabel: string;
  readonly clusterDnsPods: ReadonlySet<string>;
  /** Height of the devices row at the node's bottom (0: none). */
  readonly deviceRow: number;
  readonly b: Builder;
}

function layoutNode(cluster: Cluster, node: Node, pods: readonly Pod[], ctx: NodeContext): NodeLayout {
  const { box, b } = ctx;
  const innerX = box.x + NODE_PAD;
  const innerWidth = box.width - 2 * NODE_PAD;
  const cx = box.x + box.width / 2;

  const eth0 = pillAt(cx, box.y, `eth0 ${node.internalIP}`, MONO);
  const proxyWidth = textWidth(ctx.proxyLabel, TEXT) + 20;
  const proxyBox = rect(box.x + box.width - NODE_PAD - proxyWidth, box.y + 22, proxyWidth, PILL_HEIGHT);
  const proxyCenter = center(proxyBox);
  const kubeProxy = {
    id: kubeProxyId(node.name),
    box: proxyBox,
    label: {
      text: ctx.proxyLabel,
      x: proxyCenter.x,
      y: baselineFor(proxyCenter.y, FONT.text),
      anchor: 'middle' as const,
      ...TEXT,
    },
  };
  const titleRoom = proxyBox.x - innerX - 10;
  // The title shares its row with the centred eth0 pill only when the pill is narrow: keep clear of it.
  const title: Label = { text: fitText(node.name, titleRoom, TITLE), x: innerX, y: box.y + 40, ...TITLE };

  const bridgeBox = rect(innerX, box.y + BRIDGE_TOP, innerWidth, BRIDGE_HEIGHT);
  const bridgeCenter = center(bridgeBox);
  const cols = podColumns(pods.length);
  const rows = Math.ceil(pods.length / cols);
  const podAreaTop = bridgeBox.y + bridgeBox.height;
  const rowStride = VETH_LENGTH + POD_HEIGHT + POD_ROW_GAP;
  const spineX = box.x + (NODE_PAD - RAIL) / 2;
  const rails: Rect[] = [];
  if (rows > 1) {
    const lastBranch = podAreaTop + (rows - 1) * rowStride - POD_ROW_GAP / 2;
    rails.push(
      rect(
        spineX,
        bridgeBox.y + bridgeBox.height / 2,
        RAIL,
        lastBranch - bridgeBox.y - bridgeBox.height / 2 + RAIL / 2,
      ),
    );
    for (let r = 1; r < rows; r++) {
      const by = podAreaTop + r * rowStride - POD_ROW_GAP / 2;
      rails.push(rect(spineX, by - RAIL / 2, innerX + innerWidth - spineX, RAIL));
    }
  }
  // Docker's default bridge: the gateway with its prefix (as `ip addr` shows docker0), and no podCIDR — every
  // node has the same subnet.
  const docker = cluster.network.cniMode === 'docker-bridge';
  const prefix = node.podCIDR.split('/')[1] ?? '';
  const bridge = {
    id: bridgeId(node.name),
    box: bridgeBox,
    name: {
      text: fitText(
        docker ? `${node.bridge.name} ${node.bridge.ip}/${prefix}` : `${node.bridge.name} ${node.bridge.ip}`,
        innerWidth - 20,
        MONO_BOLD,
      ),
      x: innerX + 10,
      y: bridgeBox.y + 18,
      ...MONO_BOLD,
    },
    cidr: {
      text: fitText(
        docker ? `${node.podCIDR} on every node` : `podCIDR ${node.podCIDR}`,
        innerWidth - 20,
        MONO,
      ),
      x: innerX + 10,
      y: bridgeBox.y + 35,
      ...MONO,
    },
    rails,
  };

  const nodeEth0Id = anchorIds.nodeEth0(node.name);
  const cbr0Id = anchorIds.bridge(node.name);
  const busTapId = anchorIds.busTap(node.name);
  const busTap: Point = { x: cx, y: ctx.busY };
  b.anchors.set(nodeEth0Id, center(eth0.box));
  b.anchors.set(cbr0Id, bridgeCenter);
  b.anchors.set(busTapId, busTap);
  const uplink = makeEdge(`link:${node.name}`, busTapId, nodeEth0Id, [busTap, { x: cx, y: eth0.box.y }]);
  const r0 = ctx.routerIface;
  const alongBus: Point[] =
    ctx.busY === r0.y
      ? [r0, busTap]
      : [r0, { x: ctx.trunkX, y: r0.y }, { x: ctx.trunkX, y: ctx.busY }, busTap];
  b.wires.push(
    makeEdge(`wire:bus:${node.name}`, anchorIds.routerTap, busTapId, alongBus),
    makeEdge(`wire:uplink:${node.name}`, busTapId, nodeEth0Id, [busTap, center(eth0.box)]),
    makeEdge(`wire:host:${node.name}`, nodeEth0Id, cbr0Id, [center(eth0.box), { x: cx, y: bridgeCenter.y }]),
  );

  const podLayouts = pods.map((pod, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const rowTop = podAreaTop + r * rowStride;
    const px = innerX + c * (ctx.podWidth + POD_COL_GAP);
    const branchY = r === 0 ? podAreaTop : rowTop - POD_ROW_GAP / 2;
    const toBranch: Point[] =
      r === 0
        ? [bridgeCenter]
        : [bridgeCenter, { x: spineX + RAIL / 2, y: bridgeCenter.y }, { x: spineX + RAIL / 2, y: branchY }];
    return layoutPod(
      pod,
      px,
      rowTop + VETH_LENGTH,
      ctx.podWidth,
      { branchY, toBranch, cbr0Id },
      ctx.clusterDnsPods,
      b,
    );
  });

  const podsBottom = box.y + box.height - NODE_PAD - ctx.deviceRow;
  const podArea = rect(innerX, podAreaTop, innerWidth, podsBottom - podAreaTop);
  const groupBox = rect(podArea.x, podArea.y + 12, podArea.width, Math.max(40, podArea.height - 12));
  const groupCenter = center(groupBox);
  // Sized to be read when zoomed far out, where this block stands for the node's pods.
  const groupSize = Math.min(140, Math.max(FONT.title, Math.min(groupBox.height / 5, groupBox.width / 7)));
  const podGroup = {
    id: podGroupId(node.name),
    box: groupBox,
    title: {
      text: fitText(node.name, groupBox.width - 24, { size: groupSize, bold: true }),
      x: groupCenter.x,
      y: baselineFor(groupCenter.y - groupSize * 0.65, groupSize),
      size: groupSize,
      bold: true,
      anchor: 'middle' as const,
    },
    label: {
      text: pods.length === 1 ? '1 pod' : `${pods.length} pods`,
      x: groupCenter.x,
      y: baselineFor(groupCenter.y + groupSize * 0.65, groupSize),
      size: groupSize,
      anchor: 'middle' as const,
    },
  };

  b.boxes.set(nodeId(node.name), { kind: 'node', box });
  b.boxes.set(nodeEth0Id, { kind: 'node-eth0', box: eth0.box });
  b.boxes.set(bridge.id, { kind: 'bridge', box: bridgeBox });
  b.boxes.set(kubeProxy.id, { kind: 'kube-proxy', box: proxyBox });
  b.boxes.set(podGroup.id, { kind: 'pod-group', box: groupBox });
  void cluster;
  return {
    id: nodeId(node.name),
    name: node.name,
    box,
    title,
    eth0,
    kubeProxy,
    bridge,
    podArea,
    podGroup,
    pods: podLayouts,
    uplink,
    ...(ctx.deviceRow > 0
      ? { devices: rect(innerX, podsBottom, innerWidth, box.y + box.height - podsBottom) }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Pods

function containerNames(pod: Pod): string[] {
  return ['pause', ...pod.containers.map((c) => c.name)];
}

function containerWidth(name: string): number {
  return textWidth(name, TEXT) + 2 * CONTAINER_TEXT_PAD;
}

function eth0Text(pod: Pod): string {
  if (pod.hostNetwork) return `host eth0 ${pod.podIP ?? ''}`.trim();
  return pod.podIP === null ? 'eth0 (no IP yet)' : `eth0 ${pod.podIP}`;
}

function podTagText(pod: Pod, clusterDnsPods: ReadonlySet<string>): string | null {
  if (clusterDnsPods.has(`${pod.namespace}/${pod.name}`)) return 'cluster DNS';
  if (isIngressController(pod)) return 'Ingress controller';
  if (pod.hostNetwork) return 'hostNetwork';
  return null;
}

function commonPodWidth(pods: readonly Pod[], clusterDnsPods: ReadonlySet<string>): number {
  let width = POD_MIN_WIDTH;
  for (const pod of pods) {
    const names = containerNames(pod);
    const containers =
      names.reduce((s, n) => s + containerWidth(n), 0) + (names.length - 1) * CONTAINER_GAP + 2 * NETNS_PAD;
    const tag = podTagText(pod, clusterDnsPods);
    const pills = textWidth(eth0Text(pod), MONO) + 20 + (tag === null ? 0 : textWidth(tag, TEXT) + 20 + 12);
    width = Math.max(
      width,
      containers + 2 * POD_PAD,
      pills + 2 * POD_PAD,
      textWidth(pod.name, NAME) + 2 * POD_PAD,
    );
  }
  return Math.ceil(Math.min(POD_MAX_WIDTH, width));
}

interface VethContext {
  /** Where on the bridge (or its rail) the host end is plugged in. */
  readonly branchY: number;
  /** Path from the bridge's centre to the branch the veth hangs from. */
  readonly toBranch: readonly Point[];
  readonly cbr0Id: string;
}

function layoutPod(
  pod: Pod,
  x: number,
  y: number,
  width: number,
  veth: VethContext | null,
  clusterDnsPods: ReadonlySet<string>,
  b: Builder,
): PodLayout {
  const id = podId(pod);
  const box = rect(x, y, width, POD_HEIGHT);
  const eth0 = pillFrom(x + POD_PAD, y, eth0Text(pod), MONO);
  const tagText = podTagText(pod, clusterDnsPods);
  const tag = tagText === null ? undefined : pillFrom(0, y, tagText, TEXT);
  const placedTag =
    tag === undefined
      ? undefined
      : (() => {
          const tx = x + width - POD_PAD - tag.box.width;
          return {
            box: { ...tag.box, x: tx },
            label: { ...tag.label, x: tx + tag.box.width / 2 },
          };
        })();
  const inner = width - 2 * POD_PAD;
  const title: Label = { text: fitText(pod.name, inner, NAME), x: x + POD_PAD, y: y + 32, ...NAME };
  const status =
    pod.phase === 'Running' && pod.ready
      ? ''
      : ` · ${pod.terminating ? 'Terminating' : pod.phase}${pod.ready ? '' : ', not ready'}`;
  const subtitle: Label = {
    text: fitText(`${pod.namespace}${status}`, inner, TEXT),
    x: x + POD_PAD,
    y: y + 50,
    ...TEXT,
  };
  const netns = rect(x + POD_PAD, y + NETNS_TOP, inner, NETNS_HEIGHT);
  const netnsLabel: Label = {
    text: fitText('shared network namespace', inner - 20, TEXT),
    x: netns.x + 10,
    y: baselineFor(netns.y, FONT.text),
    ...TEXT,
  };
  const localhostLabel: Label = {
    text: 'localhost',
    x: netns.x + netns.width - 10,
    y: baselineFor(netns.y + netns.height, FONT.text),
    anchor: 'end',
    ...MONO,
  };

  const names = containerNames(pod);
  const natural = names.map(containerWidth);
  const room = inner - 2 * NETNS_PAD - (names.length - 1) * CONTAINER_GAP;
  const total = natural.reduce((s, w) => s + w, 0);
  const shrink = total > room ? room / total : 1;
  let cx = netns.x + NETNS_PAD;
  const cy = netns.y + (netns.height - CONTAINER_HEIGHT) / 2;
  const containers: ContainerLayout[] = names.map((name, i) => {
    const w = (natural[i] ?? 0) * shrink;
    const cbox = rect(cx, cy, w, CONTAINER_HEIGHT);
    cx += w + CONTAINER_GAP;
    const cid = `container:${pod.namespace}/${pod.name}/${i === 0 ? '(pause)' : name}`;
    b.boxes.set(cid, { kind: 'container', box: cbox });
    return {
      id: cid,
      box: cbox,
      isPause: i === 0,
      label: {
        text: fitText(name, w - 2 * CONTAINER_TEXT_PAD + 4, TEXT),
        x: cbox.x + w / 2,
        y: baselineFor(cbox.y + CONTAINER_HEIGHT / 2, FONT.text),
        anchor: 'middle',
        ...TEXT,
      },
    };
  });

  const podEth0Id = anchorIds.podEth0(pod);
  const insideId = anchorIds.pod(pod);
  const eth0Center = center(eth0.box);
  b.anchors.set(podEth0Id, eth0Center);
  b.anchors.set(insideId, center(netns));
  b.wires.push(
    makeEdge(`wire:netns:${pod.namespace}/${pod.name}`, podEth0Id, insideId, [
      eth0Center,
      { x: eth0Center.x, y: center(netns).y },
      center(netns),
    ]),
  );
  b.boxes.set(id, { kind: 'pod', box });
  b.boxes.set(podEth0Id, { kind: 'pod-eth0', box: eth0.box });

  let vethLayout: PodLayout['veth'];
  if (veth && !pod.hostNetwork) {
    const vx = eth0Center.x;
    const hostEnd: Point = { x: vx, y: veth.branchY };
    const podEnd: Point = { x: vx, y: eth0.box.y };
    const hostName = pod.hostVeth ?? 'veth';
    const hostLabel: Label = {
      text: fitText(hostName, x + width - vx - 12, MONO),
      x: vx + 8,
      y: veth.branchY + 19,
      ...MONO,
    };
    const hostVethId = anchorIds.hostVeth(pod);
    const edge = makeEdge(vethId(pod), hostVethId, podEth0Id, [hostEnd, podEnd]);
    const vbox = rect(vx - 8, veth.branchY, textWidth(hostLabel.text, MONO) + 20, podEnd.y - veth.branchY);
    b.anchors.set(hostVethId, hostEnd);
    b.wires.push(
      makeEdge(`wire:bridge:${pod.namespace}/${pod.name}`, veth.cbr0Id, hostVethId, [
        ...veth.toBranch,
        { x: vx, y: veth.toBranch[veth.toBranch.length - 1]?.y ?? veth.branchY },
        hostEnd,
      ]),
      makeEdge(`wire:veth:${pod.namespace}/${pod.name}`, hostVethId, podEth0Id, [hostEnd, eth0Center]),
    );
    b.boxes.set(vethId(pod), { kind: 'veth', box: vbox });
    vethLayout = { hostEnd, podEnd, edge, hostLabel, box: vbox };
  }

  return {
    id,
    vethId: vethId(pod),
    namespace: pod.namespace,
    name: pod.name,
    node: pod.nodeName ?? '',
    box,
    eth0,
    title,
    subtitle,
    netns,
    netnsLabel,
    localhostLabel,
    containers,
    ...(placedTag ? { tag: placedTag } : {}),
    ...(vethLayout ? { veth: vethLayout } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Service network

/** Ports as `kubectl get svc` prints them: `80/TCP`, `80:30080/TCP` with a nodePort, joined by commas. */
export function formatServicePorts(svc: Service): string {
  if (svc.ports.length === 0) return '<none>';
  return svc.ports
    .map((p) => `${p.port}${p.nodePort !== undefined ? `:${p.nodePort}` : ''}/${p.protocol}`)
    .join(',');
}

/** Ports for the pill: kubectl's `80/TCP` (with `:nodePort`), plus `→8080` when the targetPort differs. */
function pillPorts(svc: Service): string[] {
  return svc.ports.map((p) => {
    const node = p.nodePort !== undefined ? `:${p.nodePort}` : '';
    const target = p.targetPort !== p.port ? `→${p.targetPort}` : '';
    return `${p.port}${node}/${p.protocol}${target}`;
  });
}

function serviceAddressText(svc: Service): string {
  if (svc.type === 'ExternalName') return `ExternalName → ${svc.externalName ?? '?'}`;
  if (svc.headless || svc.clusterIP === null) return 'ClusterIP None (headless)';
  return `ClusterIP ${svc.clusterIP}`;
}

function layoutServiceNetwork(
  cluster: Cluster,
  x: number,
  top: number,
  nodesBottom: number,
  b: Builder,
): ServiceNetworkLayout {
  const innerWidth = SVC_PILL_WIDTH;
  const heading = `service network ${cluster.network.serviceCIDR}`;
  const rest = wrapText('— no route: nothing in any route table points here', innerWidth, TEXT);
  const caption: Label[] = [
    { text: heading, x: x + SVC_PAD, y: top + 26, ...{ size: FONT.name, bold: true } },
    ...rest.map((t, i) => ({ text: t, x: x + SVC_PAD, y: top + 26 + (i + 1) * LINE, ...TEXT })),
  ];
  const pillsTop = top + 26 + rest.length * LINE + 22;
  const maxBottom = Math.max(nodesBottom, pillsTop + 3 * 96);

  const services: ServiceLayout[] = [];
  let col = 0;
  let py = pillsTop;
  for (const svc of cluster.services) {
    const isClusterDns = svc.clusterIP !== null && svc.clusterIP === cluster.network.dnsServiceIP;
    const lines: string[] = [svc.namespace + '/' + svc.name, serviceAddressText(svc)];
    const portLines = wrapText(pillPorts(svc).join(', '), innerWidth - 20, MONO).map((l) =>
      l.replaceAll(', ', ','),
    );
    if (svc.type !== 'ClusterIP' && svc.type !== 'ExternalName') lines.push(`type ${svc.type}`);
    if (svc.type !== 'ExternalName') lines.push(...portLines);
    const height = 12 + lines.length * LINE + 10;
    // Room above a pill for the tag straddling its top edge.
    if (isClusterDns && py > pillsTop) py += 8;
    if (py + height > maxBottom && py > pillsTop) {
      col += 1;
      py = pillsTop;
    }
    const px = x + SVC_PAD + col * (innerWidth + SVC_GAP);
    const box = rect(px, py, innerWidth, height);
    const labels: Label[] = lines.map((text, i) => {
      const style = i === 0 ? NAME : MONO;
      return {
        text: fitText(text, innerWidth - 20, style),
        x: px + 10,
        y: py + 12 + (i + 1) * LINE - 4,
        ...style,
      };
    });
    const tag = isClusterDns
      ? (() => {
          const t = pillFrom(0, py, 'cluster DNS', TEXT);
          const tx = px + innerWidth - 10 - t.box.width;
          return { box: { ...t.box, x: tx }, label: { ...t.label, x: tx + t.box.width / 2 } };
        })()
      : undefined;
    const id = serviceId(svc);
    const anchor: Point = { x: px, y: py + height / 2 };
    b.boxes.set(id, { kind: 'service', box });
    b.anchors.set(anchorIds.service(svc), anchor);
    services.push({
      id,
      namespace: svc.namespace,
      name: svc.name,
      box,
      lines: labels,
      ...(tag ? { tag } : {}),
      isClusterDns,
      hasClusterIP: svc.clusterIP !== null && !svc.headless,
      anchor,
      endpointLinks: [],
    });
    py += height + SVC_GAP;
  }
  const columns = col + 1;
  const contentBottom = services.reduce((m, s) => Math.max(m, s.box.y + s.box.height), pillsTop);
  const box = rect(
    x,
    top,
    Math.max(innerWidth + 2 * SVC_PAD, columns * (innerWidth + SVC_GAP) - SVC_GAP + 2 * SVC_PAD),
    Math.max(nodesBottom, contentBottom + SVC_PAD) - top,
  );
  b.boxes.set(SERVICE_NETWORK_ID, { kind: 'service-network', box });
  return { id: SERVICE_NETWORK_ID, box, caption, services };
}

const curve = linkHorizontal<{ source: Point; target: Point }, Point>()
  .x((p) => p.x)
  .y((p) => p.y);

function endpointLinks(cluster: Cluster, layout: ServiceLayout, b: Builder): Edge[] {
  const svc = cluster.services.find((s) => s.namespace === layout.namespace && s.name === layout.name);
  if (!svc) return [];
  const links: Edge[] = [];
  for (const pod of endpointPods(cluster, svc)) {
    const target = b.boxes.get(podId(pod));
    if (!target) continue;
    const end: Point = { x: target.box.x + target.box.width, y: target.box.y + target.box.height / 2 };
    links.push({
      id: `endpoint:${layout.namespace}/${layout.name}->${pod.namespace}/${pod.name}`,
      from: layout.id,
      to: podId(pod),
      points: [layout.anchor, end],
      d: curve({ source: layout.anchor, target: end }) ?? '',
    });
  }
  return links;
}
