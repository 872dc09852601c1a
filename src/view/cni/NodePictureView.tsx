import type { NodePicture, PicturePart } from '../../engine/cni';

const W = 600;
const H = 380;

/**
 * The node as one CNI moment leaves it: the host's network namespace (eth0, the bridge with the other pods'
 * veths, the new pod's host veth), the pod's network namespace (lo, eth0, its routes), and host-local's
 * files. What the moment changed is outlined.
 */
export function NodePictureView({
  picture,
  changed,
}: {
  picture: NodePicture;
  changed: readonly PicturePart[];
}) {
  const is = (part: PicturePart) => (changed.includes(part) ? ' is-changed' : '');
  const { bridge, veth, pod } = picture;
  const portX = 440;
  const barY = 76;
  const portY = 128;
  const eth0Y = 256;
  const lowerY = 196;
  const shown = pod.netns.replace('/var/run/netns/', '');
  const netnsLabel = shown.length > 30 ? `${shown.slice(0, 29)}…` : shown;
  const [dirParent, dirName] = splitDir(picture.ipamDir);
  return (
    <svg
      className="cni-picture"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={describe(picture)}
      data-testid="cni-picture"
    >
      {/* host network namespace */}
      <rect className="cni-host" x={4} y={4} width={W - 8} height={180} rx={10} />
      <text className="cni-title" x={18} y={26}>
        {picture.node} · host network namespace
      </text>
      <rect className="cni-iface" x={W - 190} y={12} width={176} height={26} rx={13} />
      <text className="cni-mono" x={W - 102} y={30} textAnchor="middle">
        eth0 {picture.nodeIP}
      </text>
      {bridge.exists ? (
        <g className={`cni-bridge${is('bridge')}${is('gateway')}`}>
          <rect x={18} y={barY - 16} width={W - 44} height={32} rx={6} />
          <text className="cni-mono cni-strong" x={30} y={barY + 5}>
            {bridge.name}
            {bridge.address !== null ? ` ${bridge.address}` : ' (no address yet)'}
          </text>
        </g>
      ) : (
        <text className="cni-muted" x={30} y={barY + 5}>
          no bridge yet (the node&apos;s first pod)
        </text>
      )}
      {bridge.others.map((name, i) => {
        const x = 70 + i * 120;
        return (
          <g key={name} className="cni-other-veth">
            <line x1={x} y1={barY + 16} x2={x} y2={portY} />
            <rect x={x - 6} y={portY - 4} width={12} height={10} rx={2} />
            <text className="cni-mono cni-small" x={x} y={portY + 24} textAnchor="middle">
              {name}
            </text>
          </g>
        );
      })}
      {bridge.others.length > 0 && (
        <text
          className="cni-muted cni-small"
          x={70 + (bridge.others.length - 1) * 60}
          y={portY + 44}
          textAnchor="middle"
        >
          the node&apos;s other pods
        </text>
      )}
      {veth && (
        <g className={`cni-veth${is('veth')}${is('attach')}`} data-attached={veth.attached}>
          {veth.attached && <line className="cni-attach" x1={portX} y1={barY + 16} x2={portX} y2={portY} />}
          <line className="cni-pair" x1={portX} y1={portY} x2={portX} y2={eth0Y - 12} />
          <rect x={portX - 8} y={portY - 5} width={16} height={12} rx={2} />
          <text className="cni-mono cni-small" x={portX + 16} y={portY + 2}>
            {veth.hostVeth}
          </text>
          <text className="cni-muted cni-small" x={portX + 16} y={portY + 18}>
            {veth.attached
              ? veth.hairpin
                ? 'on the bridge, hairpin'
                : 'on the bridge'
              : 'not on the bridge yet'}
          </text>
        </g>
      )}

      {/* host-local's state */}
      <g className={`cni-ipam${is('ipam')}`}>
        <rect x={4} y={lowerY} width={160} height={H - lowerY - 4} rx={8} />
        <text className="cni-title cni-small" x={14} y={lowerY + 20}>
          host-local files
        </text>
        <text className="cni-mono cni-tiny cni-muted" x={14} y={lowerY + 38}>
          {dirParent}
        </text>
        <text className="cni-mono cni-tiny cni-muted" x={14} y={lowerY + 53}>
          {dirName}
        </text>
        {picture.reserved.map((a, i) => (
          <text key={a} className="cni-mono cni-small" x={24} y={lowerY + 76 + i * 20}>
            {a}
          </text>
        ))}
      </g>

      {/* the pod's network namespace */}
      <rect className="cni-netns" x={176} y={lowerY} width={W - 180} height={H - lowerY - 4} rx={10} />
      <text className="cni-title cni-small" x={190} y={lowerY + 20}>
        pod {pod.key}
      </text>
      <text className="cni-muted cni-tiny" x={190} y={lowerY + 37}>
        netns {netnsLabel}
      </text>
      <rect className="cni-lo" x={190} y={eth0Y - 12} width={116} height={26} rx={13} />
      <text className="cni-mono cni-small" x={248} y={eth0Y + 5} textAnchor="middle">
        lo 127.0.0.1/8
      </text>
      {pod.ifName !== null && (
        <g className={`cni-eth0${is('eth0')}${is('address')}`}>
          <rect x={portX - 100} y={eth0Y - 12} width={200} height={26} rx={13} />
          <text className="cni-mono" x={portX} y={eth0Y + 6} textAnchor="middle">
            {pod.ifName} {pod.address ?? '(no address)'}
          </text>
        </g>
      )}
      <g className={`cni-routes${is('routes')}${is('address')}`}>
        <text className="cni-muted cni-tiny" x={190} y={eth0Y + 40}>
          ip route (in the pod)
        </text>
        {pod.routes.length === 0 ? (
          <text className="cni-muted cni-tiny" x={190} y={eth0Y + 60}>
            (empty)
          </text>
        ) : (
          pod.routes.map((r, i) => (
            <text key={r} className="cni-mono cni-tiny" x={190} y={eth0Y + 60 + i * 19}>
              {r}
            </text>
          ))
        )}
      </g>
    </svg>
  );
}

/** `/var/lib/cni/networks/kubenet` → [`/var/lib/cni/`, `networks/kubenet/`], to fit two short lines. */
function splitDir(dir: string): [string, string] {
  const cut = dir.lastIndexOf('/', dir.lastIndexOf('/') - 1);
  return [dir.slice(0, cut + 1), `${dir.slice(cut + 1)}/`];
}

function describe(p: NodePicture): string {
  const parts = [
    `${p.node}: bridge ${p.bridge.exists ? `${p.bridge.name}${p.bridge.address ? ` ${p.bridge.address}` : ''}` : 'absent'}`,
    p.veth
      ? `veth ${p.veth.hostVeth} ${p.veth.attached ? 'attached to the bridge' : 'not attached'}`
      : 'no veth for the pod',
    `pod ${p.pod.key}: ${p.pod.ifName !== null ? `${p.pod.ifName} ${p.pod.address ?? 'without an address'}` : 'only lo'}`,
    `${p.pod.routes.length} routes`,
    `host-local holds ${p.reserved.join(', ') || 'no addresses'}`,
  ];
  return parts.join('; ');
}
