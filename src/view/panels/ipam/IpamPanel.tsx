import { useMemo } from 'react';
import { ipamUsage, type Band, type HeldAddress, type NodeIpam } from '../../../model/ipamUsage';
import { selectCluster } from '../../../store';
import { useNetviz } from '../../NetvizContext';
import '../docker0Panels.css';

const count = (n: number) => n.toLocaleString('en');

/**
 * IPAM: per node, the podCIDR, its bridge (the pods' gateway), the addresses pods hold and how many are left;
 * then the Service CIDR's ClusterIPs in the two KEP-3070 bands. With Docker's default bridge the same
 * addresses show up on every node — the panel says which.
 */
export default function IpamPanel() {
  const cluster = useNetviz(selectCluster);
  const usage = useMemo(() => ipamUsage(cluster), [cluster]);
  const docker = cluster.network.cniMode === 'docker-bridge';
  // Where else each repeated address is held: `172.17.0.2` → node-1, node-2.
  const repeated = new Map(
    usage.repeated.map((ip) => [
      ip,
      usage.nodes.filter((n) => n.used.some((u) => u.ip === ip)).map((n) => n.node),
    ]),
  );
  return (
    <div className="nv-ipam">
      {docker ? (
        <p className="nv-callout nv-callout-warn">
          <strong>Docker&apos;s default bridge:</strong> every node&apos;s{' '}
          {usage.nodes[0]?.bridge.name ?? 'docker0'} is <code>{usage.nodes[0]?.bridge.ip}</code> on{' '}
          <code>{usage.nodes[0]?.podCIDR}</code>, and each node&apos;s Docker hands out addresses on its own.{' '}
          {usage.repeated.length > 0 ? (
            <>
              {usage.repeated.map((ip, i) => (
                <span key={ip}>
                  {i > 0 ? ', ' : ''}
                  <code>{ip}</code>
                </span>
              ))}{' '}
              {usage.repeated.length === 1 ? 'is' : 'are'} held on more than one node: no route can say which
              one a packet means.
            </>
          ) : (
            'Addresses can repeat from node to node.'
          )}
        </p>
      ) : (
        <p className="nv-callout">
          The node IPAM controller cuts one podCIDR per node from clusterCIDR{' '}
          <code>{cluster.network.clusterCIDR}</code> (a /{cluster.network.nodeCIDRMaskSize} each); the bridge
          takes its first address and host-local IPAM gives the next free one to each pod — no address is on
          two nodes, so the router can hold one route per node.
        </p>
      )}
      <div className="nv-ipam-nodes">
        {usage.nodes.map((n) => (
          <NodeCard key={n.node} node={n} repeated={repeated} />
        ))}
      </div>
      <section className="nv-ipam-services" aria-labelledby="nv-ipam-svc">
        <h3 id="nv-ipam-svc">
          Service CIDR <code>{usage.services.serviceCIDR}</code>
          <span className="muted">
            {' '}
            · {count(usage.services.capacity - usage.services.free)} ClusterIPs used,{' '}
            {count(usage.services.free)} free of {count(usage.services.capacity)}
          </span>
        </h3>
        <div className="nv-ipam-bands">
          <BandTable
            title="Static band"
            band={usage.services.static}
            note="For ClusterIPs set by hand (kube-dns's, kubeadm's choice); the allocator uses it only when the dynamic band is full (KEP-3070)."
          />
          <BandTable
            title="Dynamic band"
            band={usage.services.dynamic}
            note="Where the API server's allocator picks a free ClusterIP for a Service that names none."
          />
        </div>
      </section>
    </div>
  );
}

function NodeCard({ node, repeated }: { node: NodeIpam; repeated: ReadonlyMap<string, readonly string[]> }) {
  const headingId = `nv-ipam-${node.node}`;
  return (
    <section className="nv-ipam-node" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {node.node} <code>{node.podCIDR}</code>
      </h3>
      <p className="nv-ipam-gw">
        Gateway: <code>{node.bridge.name}</code> <code>{node.bridge.ip}</code>
      </p>
      <AddressTable
        caption={`Addresses held in ${node.podCIDR} on ${node.node}`}
        used={node.used}
        repeated={repeated}
        node={node.node}
      />
      <p className="nv-ipam-count">
        <strong>{count(node.used.length)}</strong> used · <strong>{count(node.free)}</strong> free of{' '}
        {count(node.capacity)}
      </p>
    </section>
  );
}

function AddressTable({
  caption,
  used,
  repeated,
  node,
}: {
  caption: string;
  used: readonly HeldAddress[];
  /** Address → the nodes holding it, for addresses held on more than one node. */
  repeated: ReadonlyMap<string, readonly string[]>;
  node?: string;
}) {
  return (
    <table className="nv-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Address</th>
          <th scope="col">Held by</th>
        </tr>
      </thead>
      <tbody>
        {used.map((u) => (
          <tr key={`${u.ip} ${u.owner}`} className={repeated.has(u.ip) ? 'nv-repeated' : undefined}>
            <td>
              <code>{u.ip}</code>
            </td>
            <td>
              {u.kind === 'bridge' ? `bridge ${u.owner} (gateway)` : u.owner}
              {repeated.has(u.ip) && (
                <span className="nv-badge">
                  also on {(repeated.get(u.ip) ?? []).filter((n) => n !== node).join(', ')}
                </span>
              )}
            </td>
          </tr>
        ))}
        {used.length === 0 && (
          <tr>
            <td colSpan={2} className="muted">
              none
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function BandTable({ title, band, note }: { title: string; band: Band; note: string }) {
  return (
    <div className="nv-ipam-band">
      <h4>
        {title}{' '}
        {band.first !== null && (
          <code>
            {band.first} – {band.last}
          </code>
        )}
        <span className="muted"> · {count(band.size)} addresses</span>
      </h4>
      <p className="muted nv-ipam-note">{note}</p>
      <AddressTable caption={`${title}: ClusterIPs in use`} used={band.used} repeated={new Map()} />
    </div>
  );
}
