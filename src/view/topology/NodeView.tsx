import { memo } from 'react';
import type { Layout, NodeLayout, PodLayout } from '../../layout';
import type { ProxyMode } from '../../model/types';
import { textWidth } from '../../layout/text';
import { Selectable } from './Selectable';
import { BoxRect } from './BoxRect';
import { SvgText } from './SvgText';

export const NodeNetworkView = memo(function NodeNetworkView({ layout }: { layout: Layout }) {
  const net = layout.nodeNetwork;
  const cidr = net.label.text.replace(/^node network /, '');
  return (
    <Selectable id={net.id} label={`Node network ${cidr}`} box={net.box} className="node-net">
      <rect className="hit" x={net.box.x} y={net.box.y} width={net.box.width} height={net.box.height} />
      {net.segments.map((s) => (
        <path key={s.id} className="bus" d={s.d} />
      ))}
      {layout.nodes.map((n) => (
        <path key={n.uplink.id} className="wire wire-node-net" d={n.uplink.d} />
      ))}
      <SvgText label={net.label} className="t-muted" />
    </Selectable>
  );
});

export const NodeView = memo(function NodeView({
  layout,
  isGrouped,
  endpointIds,
  proxyMode,
  vtep,
}: {
  layout: NodeLayout;
  isGrouped: boolean;
  /** Pods behind the selected Service. */
  endpointIds: ReadonlySet<string>;
  /** The mode being traced (the store's), which may differ from the cluster's configured one. */
  proxyMode?: ProxyMode;
  /** The node's VXLAN device, in the vxlan CNI mode. */
  vtep?: VtepInfo;
}) {
  const { box, eth0, kubeProxy, bridge } = layout;
  return (
    <g className="node-layer">
      <Selectable
        id={layout.id}
        label={`Node ${layout.name}, ${eth0.label.text}`}
        box={box}
        className="node"
        ringRadius={14}
      >
        <rect className="node-box" x={box.x} y={box.y} width={box.width} height={box.height} rx={12} />
        <SvgText label={layout.title} />
        <BoxRect className="iface iface-node" box={eth0.box} rx={12} />
        <SvgText label={eth0.label} />
      </Selectable>
      <Selectable
        id={kubeProxy.id}
        label={`kube-proxy on ${layout.name}`}
        box={kubeProxy.box}
        className="kube-proxy"
      >
        <BoxRect className="kube-proxy-box" box={kubeProxy.box} rx={4} />
        <SvgText
          label={
            proxyMode === undefined
              ? kubeProxy.label
              : { ...kubeProxy.label, text: `kube-proxy · ${proxyMode}` }
          }
        />
      </Selectable>
      <Selectable
        id={bridge.id}
        label={`Bridge ${bridge.name.text.split(' ')[0] ?? 'bridge'} on ${layout.name}, ${bridge.name.text.split(' ')[1] ?? ''}`}
        box={bridge.box}
        className="bridge"
      >
        {!isGrouped &&
          bridge.rails.map((r, i) => (
            <rect key={i} className="bridge-rail" x={r.x} y={r.y} width={r.width} height={r.height} />
          ))}
        <BoxRect className="bridge-box" box={bridge.box} rx={6} />
        <SvgText label={bridge.name} />
        <SvgText label={bridge.cidr} />
      </Selectable>
      {vtep && <VtepBadge node={layout} vtep={vtep} isCompact={proxyMode === 'ipvs'} />}
      {isGrouped ? (
        <g className="pod-group" data-id={layout.podGroup.id}>
          <rect
            x={layout.podGroup.box.x}
            y={layout.podGroup.box.y}
            width={layout.podGroup.box.width}
            height={layout.podGroup.box.height}
            rx={10}
          />
          <SvgText label={layout.podGroup.title} />
          <SvgText label={layout.podGroup.label} />
        </g>
      ) : (
        layout.pods.map((pod) => <PodView key={pod.id} layout={pod} isEndpoint={endpointIds.has(pod.id)} />)
      )}
    </g>
  );
});

export const PodView = memo(function PodView({
  layout,
  isEndpoint,
}: {
  layout: PodLayout;
  isEndpoint: boolean;
}) {
  const { box, eth0, netns, veth, tag } = layout;
  const key = `${layout.namespace}/${layout.name}`;
  const ip = eth0.label.text.replace(/^(host )?eth0 /, '');
  return (
    <>
      {veth && (
        <Selectable
          id={layout.vethId}
          label={`veth pair of ${key}`}
          box={veth.box}
          className="veth"
          ringRadius={4}
        >
          <BoxRect className="hit" box={veth.box} />
          <path className="veth-line" d={veth.edge.d} />
          <rect
            className="veth-port"
            x={veth.hostEnd.x - 5}
            y={veth.hostEnd.y - 3}
            width={10}
            height={8}
            rx={2}
          />
          <SvgText label={veth.hostLabel} />
        </Selectable>
      )}
      <Selectable
        id={layout.id}
        label={`Pod ${key}, ${ip}`}
        box={box}
        className={isEndpoint ? 'pod is-endpoint' : 'pod'}
        ringRadius={12}
      >
        <rect className="pod-box" x={box.x} y={box.y} width={box.width} height={box.height} rx={10} />
        <SvgText label={layout.title} />
        <SvgText label={layout.subtitle} className="t-muted" />
        <rect className="netns" x={netns.x} y={netns.y} width={netns.width} height={netns.height} rx={8} />
        <rect
          className="netns-legend-bg"
          x={layout.netnsLabel.x - 4}
          y={netns.y - 9}
          width={layout.netnsLabel.text.length * layout.netnsLabel.size * 0.56 + 8}
          height={18}
        />
        <SvgText label={layout.netnsLabel} className="t-muted" />
        <rect
          className="netns-legend-bg"
          x={
            layout.localhostLabel.x -
            layout.localhostLabel.text.length * layout.localhostLabel.size * 0.61 -
            4
          }
          y={netns.y + netns.height - 9}
          width={layout.localhostLabel.text.length * layout.localhostLabel.size * 0.61 + 8}
          height={18}
        />
        <SvgText label={layout.localhostLabel} />
        {layout.containers.map((c) => (
          <g key={c.id} className={c.isPause ? 'container pause' : 'container'}>
            <rect x={c.box.x} y={c.box.y} width={c.box.width} height={c.box.height} rx={4} />
            <SvgText label={c.label} />
          </g>
        ))}
        <BoxRect className="iface iface-pod" box={eth0.box} rx={12} />
        <SvgText label={eth0.label} />
        {tag && (
          <>
            <BoxRect className="tag" box={tag.box} rx={4} />
            <SvgText label={tag.label} />
          </>
        )}
      </Selectable>
    </>
  );
});

export interface VtepInfo {
  readonly device: string;
  /** The VTEP's address (flannel: the podCIDR's network address). */
  readonly address: string;
  readonly vni: number;
  readonly mtu: number;
  readonly port: number;
}

const VTEP_TEXT = { size: 12, mono: true } as const;

/**
 * The node's VXLAN tunnel endpoint, in the node's devices row at the left (kube-ipvs0 takes the right in ipvs
 * mode, so then only the device name fits): where the node wraps pod packets for other nodes.
 */
function VtepBadge({ node, vtep, isCompact }: { node: NodeLayout; vtep: VtepInfo; isCompact: boolean }) {
  const text = isCompact ? vtep.device : `${vtep.device} · VNI ${vtep.vni} · MTU ${vtep.mtu}`;
  const width = textWidth(text, VTEP_TEXT) + 16;
  // In the node's devices row (under the pods); on the bottom edge for a layout without one.
  const row = node.devices;
  const x = row ? row.x : node.box.x + 14;
  const y = row ? row.y + (row.height - 22) / 2 : node.box.y + node.box.height - 11;
  return (
    <g
      className="vtep"
      data-node={node.name}
      role="img"
      aria-label={`VXLAN device ${vtep.device} on ${node.name}: VTEP ${vtep.address}, VNI ${vtep.vni}, MTU ${vtep.mtu}, UDP port ${vtep.port}`}
    >
      <title>{`${vtep.device}: VTEP ${vtep.address}/32, VNI ${vtep.vni}, MTU ${vtep.mtu}, UDP ${vtep.port}`}</title>
      <rect x={x} y={y} width={width} height={22} rx={11} />
      <text x={x + width / 2} y={y + 15.2} textAnchor="middle">
        {text}
      </text>
    </g>
  );
}
