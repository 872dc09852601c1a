import type { ReactNode } from 'react';
import { endpointPods, formatServicePorts, podId } from '../../layout';
import { podHostsFile } from '../../engine/dns/hostsFile';
import { serviceEnvVars } from '../../engine/dns/serviceEnv';
import { podResolvConf, renderResolvConf } from '../../engine/dns/resolvConf';
import { routeTable, type NetnsRef } from '../../engine/routing';
import type { Cluster, Labels, Node, Pod, Service } from '../../model/types';
import { selectCluster, selectSelectedElement, selectSelect, type SelectedElement } from '../../store';
import { useNetviz } from '../NetvizContext';
import { PolicyDetails } from './PolicyDetails';
import { PodSendButtons, ServiceSendButtons } from './SendButtons';

export function DetailsPanel() {
  const cluster = useNetviz(selectCluster);
  const element = useNetviz(selectSelectedElement);
  return (
    <aside className="details" aria-label="Details" tabIndex={0}>
      {element ? (
        <ElementDetails cluster={cluster} element={element} />
      ) : (
        <>
          <h2>Nothing selected</h2>
          <p className="hint">
            Click any part of the figure — or focus it with Tab and press Enter — to see its addresses,
            routing table and configuration. Escape clears the selection.
          </p>
          <p className="hint">
            Pods reach each other through their node&apos;s bridge and the router; Services live on a separate
            network that no route points to.
          </p>
        </>
      )}
    </aside>
  );
}

function ElementDetails({ cluster, element }: { cluster: Cluster; element: SelectedElement }) {
  switch (element.kind) {
    case 'router':
      return <RouterDetails cluster={cluster} />;
    case 'node-network':
      return (
        <>
          <h2>Node network {cluster.network.nodeNetwork}</h2>
          <Facts
            rows={[
              ['CIDR', <Mono key="c">{cluster.network.nodeNetwork}</Mono>],
              ['Gateway', <Mono key="g">{cluster.network.router.ip}</Mono>],
              ['Nodes', cluster.nodes.map((n) => `${n.name} ${n.internalIP}`).join(', ')],
            ]}
          />
          <p>
            The nodes&apos; eth0 interfaces share this network; the router forwards pod traffic between nodes.
          </p>
        </>
      );
    case 'service-network':
      return <ServiceNetworkDetails cluster={cluster} />;
    case 'node':
      return <NodeDetails cluster={cluster} node={element.node} />;
    case 'pod-group':
      return <NodeDetails cluster={cluster} node={element.node} />;
    case 'bridge':
      return <BridgeDetails cluster={cluster} node={element.node} />;
    case 'kube-proxy':
      return <KubeProxyDetails cluster={cluster} node={element.node} />;
    case 'veth':
      return <VethDetails cluster={cluster} pod={element.pod} />;
    case 'pod':
      return <PodDetails cluster={cluster} pod={element.pod} />;
    case 'service':
      return <ServiceDetails cluster={cluster} service={element.service} />;
    case 'route':
      return <RouterDetails cluster={cluster} />;
    case 'network-policy':
      return <PolicyDetails cluster={cluster} policy={element.policy} />;
  }
}

// ---------------------------------------------------------------------------------------------------------

function Mono({ children }: { children: ReactNode }) {
  return <code className="mono">{children}</code>;
}

function Facts({ rows }: { rows: readonly (readonly [string, ReactNode])[] }) {
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Chips({ labels }: { labels: Labels | null }) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="chips">
      {entries.map(([k, v]) => (
        <li key={k} className="chip">
          <Mono>
            {k}={v}
          </Mono>
        </li>
      ))}
    </ul>
  );
}

function RoutingTable({ cluster, netns }: { cluster: Cluster; netns: NetnsRef }) {
  const routes = routeTable(cluster, netns);
  return (
    <table className="routes">
      <caption>Routing table</caption>
      <thead>
        <tr>
          <th scope="col">Destination</th>
          <th scope="col">Next hop</th>
          <th scope="col">Device</th>
        </tr>
      </thead>
      <tbody>
        {routes.map((r) => (
          <tr key={`${r.destination} ${r.dev}`}>
            <td>
              <Mono>{r.destination}</Mono>
            </td>
            <td>
              <Mono>{r.via ?? (r.scope === 'link' ? 'direct (link)' : '—')}</Mono>
            </td>
            <td>
              <Mono>{r.dev}</Mono>
            </td>
          </tr>
        ))}
        {routes.length === 0 && (
          <tr>
            <td colSpan={3}>no routes</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function FileBlock({ name, text }: { name: string; text: string }) {
  return (
    <section className="file">
      <h3>
        <Mono>{name}</Mono>
      </h3>
      <pre aria-label={name}>{text}</pre>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------

function RouterDetails({ cluster }: { cluster: Cluster }) {
  const { router } = cluster.network;
  return (
    <>
      <h2>Router {router.name}</h2>
      <Facts
        rows={[
          ['Role', 'gateway of the node network'],
          ['Address', <Mono key="ip">{router.ip}</Mono>],
          ['Node network', <Mono key="n">{cluster.network.nodeNetwork}</Mono>],
        ]}
      />
      <RoutingTable cluster={cluster} netns={{ kind: 'router' }} />
      <p className="note">
        One route per node&apos;s podCIDR, via that node&apos;s eth0. There is no route to the service network{' '}
        <Mono>{cluster.network.serviceCIDR}</Mono>.
      </p>
    </>
  );
}

function ServiceNetworkDetails({ cluster }: { cluster: Cluster }) {
  const withIP = cluster.services.filter((s) => s.clusterIP !== null);
  return (
    <>
      <h2>Service network {cluster.network.serviceCIDR}</h2>
      <Facts
        rows={[
          ['CIDR', <Mono key="c">{cluster.network.serviceCIDR}</Mono>],
          ['Routes to it', <strong key="r">no route</strong>],
          ['ClusterIPs in use', String(withIP.length)],
          ['Cluster DNS', <Mono key="d">{cluster.network.dnsServiceIP}</Mono>],
        ]}
      />
      <p className="note">
        Nothing in any route table points here: a ClusterIP is virtual. A pod sends to it by its default
        route; on the node, kube-proxy&apos;s {cluster.network.proxyMode} rules rewrite the destination to a
        ready endpoint pod before any routing decision is made.
      </p>
    </>
  );
}

function NodeDetails({ cluster, node }: { cluster: Cluster; node: Node }) {
  const pods = cluster.pods.filter((p) => p.nodeName === node.name);
  return (
    <>
      <h2>Node {node.name}</h2>
      <Facts
        rows={[
          ['eth0 (InternalIP)', <Mono key="ip">{node.internalIP}</Mono>],
          ['podCIDR', <Mono key="cidr">{node.podCIDR}</Mono>],
          [
            'Bridge',
            <Mono key="br">
              {node.bridge.name} {node.bridge.ip}
            </Mono>,
          ],
          ['kube-proxy mode', <Mono key="m">{cluster.network.proxyMode}</Mono>],
          ['Pods', String(pods.length)],
        ]}
      />
      <OpenIpamButton />
      <RoutingTable cluster={cluster} netns={{ kind: 'node', name: node.name }} />
    </>
  );
}

/** Opens the IPAM panel: the podCIDR, gateway and addresses of every node, and the ClusterIPs. */
function OpenIpamButton() {
  const openPanel = useNetviz((s) => s.openPanel);
  return (
    <div className="send-buttons">
      <button type="button" onClick={() => openPanel('ipam')}>
        IPAM: addresses in use…
      </button>
    </div>
  );
}

function BridgeDetails({ cluster, node }: { cluster: Cluster; node: Node }) {
  const pods = cluster.pods.filter((p) => p.nodeName === node.name && !p.hostNetwork);
  return (
    <>
      <h2>
        Bridge {node.bridge.name} on {node.name}
      </h2>
      <Facts
        rows={[
          ['Address', <Mono key="ip">{node.bridge.ip}</Mono>],
          ['Subnet', <Mono key="cidr">{node.podCIDR}</Mono>],
          ['Role', "default gateway of the node's pods"],
        ]}
      />
      <OpenIpamButton />
      <h3>Ports (host ends of veth pairs)</h3>
      <ul className="plain">
        {pods.map((p) => (
          <li key={p.name}>
            <Mono>{p.hostVeth ?? 'veth'}</Mono> → {p.namespace}/{p.name} (<Mono>{p.podIP ?? 'no IP'}</Mono>)
          </li>
        ))}
      </ul>
    </>
  );
}

function KubeProxyDetails({ cluster, node }: { cluster: Cluster; node: Node }) {
  return (
    <>
      <h2>kube-proxy on {node.name}</h2>
      <Facts
        rows={[
          ['Mode', <Mono key="m">{cluster.network.proxyMode}</Mono>],
          ['Services watched', String(cluster.services.length)],
          ['EndpointSlices watched', String(cluster.endpointSlices.length)],
        ]}
      />
      <p className="note">
        kube-proxy watches Services and EndpointSlices and programs this node&apos;s kernel so that packets to
        a ClusterIP are rewritten to a ready endpoint pod. It is not in the data path itself (except in the
        old userspace mode).
      </p>
    </>
  );
}

function VethDetails({ cluster, pod }: { cluster: Cluster; pod: Pod }) {
  const node = cluster.nodes.find((n) => n.name === pod.nodeName);
  return (
    <>
      <h2>
        veth pair of {pod.namespace}/{pod.name}
      </h2>
      <Facts
        rows={[
          ['Host end', <Mono key="h">{pod.hostVeth ?? '—'}</Mono>],
          ['Host end attached to', <Mono key="b">{node ? `${node.bridge.name} on ${node.name}` : '—'}</Mono>],
          ['Pod end', <Mono key="p">eth0</Mono>],
          ['Pod end address', <Mono key="ip">{pod.podIP ?? '—'}</Mono>],
          ['Pod', `${pod.namespace}/${pod.name}`],
        ]}
      />
      <p className="note">
        The CNI plugin creates the pair: one end moves into the pod&apos;s network namespace as eth0, the
        other stays in the node&apos;s namespace and is plugged into the bridge.
      </p>
    </>
  );
}

/** Opens the DNS explorer, whose lookup tool starts from the selected pod. */
function OpenDnsPanel({ pod }: { pod: Pod }) {
  const openPanel = useNetviz((s) => s.openPanel);
  if (pod.podIP === null || pod.hostNetwork) return null;
  return (
    <div className="send-buttons">
      <button type="button" onClick={() => openPanel('dns')}>
        DNS lookups from this pod…
      </button>
    </div>
  );
}

function PodDetails({ cluster, pod }: { cluster: Cluster; pod: Pod }) {
  const services = cluster.services.filter((s) =>
    endpointPods(cluster, s).some((p) => p.namespace === pod.namespace && p.name === pod.name),
  );
  return (
    <>
      <h2>
        Pod {pod.namespace}/{pod.name}
      </h2>
      <PodSendButtons pod={pod} />
      <Facts
        rows={[
          ['Node', pod.nodeName ?? 'not scheduled'],
          ['IP (eth0)', <Mono key="ip">{pod.podIP ?? 'none'}</Mono>],
          ['Phase', `${pod.phase}${pod.terminating ? ' (terminating)' : ''}`],
          ['Ready', pod.ready ? 'yes' : 'no'],
          ['Labels', <Chips key="l" labels={pod.labels} />],
          [
            'Behind Services',
            services.length === 0 ? 'none' : services.map((s) => `${s.namespace}/${s.name}`).join(', '),
          ],
        ]}
      />
      <h3>Containers (one network namespace)</h3>
      <ul className="containers">
        <li>
          <strong>pause</strong> <Mono>{pod.pauseImage}</Mono>
          <div className="muted">holds the pod&apos;s network namespace; the others join it</div>
        </li>
        {pod.containers.map((c) => (
          <li key={c.name}>
            <strong>{c.name}</strong> <Mono>{c.image}</Mono>
            {c.ports.length > 0 && (
              <div>
                ports:{' '}
                {c.ports.map((p) => (
                  <Mono key={`${p.containerPort}/${p.protocol}`}>
                    {p.name ? `${p.name} ` : ''}
                    {p.containerPort}/{p.protocol}{' '}
                  </Mono>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
      <RoutingTable cluster={cluster} netns={{ kind: 'pod', namespace: pod.namespace, name: pod.name }} />
      <FileBlock name="/etc/resolv.conf" text={renderResolvConf(podResolvConf(cluster, pod))} />
      <OpenDnsPanel pod={pod} />
      <FileBlock name="/etc/hosts" text={podHostsFile(cluster, pod)} />
      <ServiceEnvBlock cluster={cluster} pod={pod} />
    </>
  );
}

/** The Service variables kubelet puts in every container's environment (the other discovery, besides DNS). */
function ServiceEnvBlock({ cluster, pod }: { cluster: Cluster; pod: Pod }) {
  const vars = serviceEnvVars(cluster, pod);
  return (
    <section className="file">
      <h3>
        Service variables in <Mono>env</Mono>
      </h3>
      <p className="hint">
        Set by kubelet when a container starts, for the Services of namespace {pod.namespace} that exist then
        (a Service created later is only in DNS until the pod restarts).
      </p>
      <pre aria-label="Service environment variables">
        {vars.length === 0 ? '(none)' : vars.map((v) => `${v.name}=${v.value}`).join('\n')}
      </pre>
    </section>
  );
}

function ServiceDetails({ cluster, service }: { cluster: Cluster; service: Service }) {
  const slices = cluster.endpointSlices.filter(
    (s) => s.namespace === service.namespace && s.serviceName === service.name,
  );
  const isDns = service.clusterIP !== null && service.clusterIP === cluster.network.dnsServiceIP;
  const fqdn = `${service.name}.${service.namespace}.svc.${cluster.network.clusterDomain}`;
  return (
    <>
      <h2>
        Service {service.namespace}/{service.name}
      </h2>
      <ServiceSendButtons service={service} />
      <Facts
        rows={[
          ['Type', service.type],
          [
            'ClusterIP',
            <Mono key="ip">{service.headless ? 'None (headless)' : (service.clusterIP ?? 'none')}</Mono>,
          ],
          ...(service.externalName
            ? [['ExternalName', <Mono key="en">{service.externalName}</Mono>] as const]
            : []),
          ['DNS name', <Mono key="dns">{fqdn}</Mono>],
          ...(isDns ? [['Role', 'the cluster DNS Service (kubelet --cluster-dns)'] as const] : []),
          ['Ports', <Mono key="p">{formatServicePorts(service)}</Mono>],
          ['Selector', <Chips key="s" labels={service.selector} />],
          [
            'Session affinity',
            service.sessionAffinity === 'ClientIP'
              ? `ClientIP (timeout ${service.sessionAffinityTimeoutSeconds}s)`
              : 'None',
          ],
          ['externalTrafficPolicy', service.externalTrafficPolicy],
          ['internalTrafficPolicy', service.internalTrafficPolicy],
        ]}
      />
      <table className="ports">
        <caption>Ports</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Port</th>
            <th scope="col">targetPort</th>
            <th scope="col">nodePort</th>
          </tr>
        </thead>
        <tbody>
          {service.ports.map((p) => (
            <tr key={`${p.port}/${p.protocol}`}>
              <td>{p.name ?? '—'}</td>
              <td>
                <Mono>
                  {p.port}/{p.protocol}
                </Mono>
              </td>
              <td>
                <Mono>{p.targetPort}</Mono>
              </td>
              <td>
                <Mono>{p.nodePort ?? '—'}</Mono>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="endpoints">
        <caption>Endpoints (from EndpointSlices)</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Pod</th>
            <th scope="col">Node</th>
            <th scope="col">Ready</th>
          </tr>
        </thead>
        <tbody>
          {slices.flatMap((slice) =>
            slice.endpoints.map((ep) => (
              <tr key={`${slice.name}/${ep.addresses.join(',')}`}>
                <td>
                  <Mono>{ep.addresses.join(', ')}</Mono>
                </td>
                <td>{ep.targetRef ? ep.targetRef.name : '—'}</td>
                <td>{ep.nodeName ?? '—'}</td>
                <td>{ep.conditions.ready ? 'yes' : ep.conditions.terminating ? 'terminating' : 'no'}</td>
              </tr>
            )),
          )}
          {slices.every((s) => s.endpoints.length === 0) && (
            <tr>
              <td colSpan={4}>no endpoints</td>
            </tr>
          )}
        </tbody>
      </table>
      {slices.length > 0 && (
        <p className="muted small">
          EndpointSlice{slices.length > 1 ? 's' : ''}: {slices.map((s) => s.name).join(', ')}
        </p>
      )}
      <SelectPods cluster={cluster} service={service} />
    </>
  );
}

function SelectPods({ cluster, service }: { cluster: Cluster; service: Service }) {
  const select = useNetviz(selectSelect);
  const pods = endpointPods(cluster, service);
  if (pods.length === 0) return null;
  return (
    <p className="small">
      Go to pod:{' '}
      {pods.map((p) => (
        <button key={p.name} type="button" className="link" onClick={() => select(podId(p))}>
          {p.name}
        </button>
      ))}
    </p>
  );
}
