/**
 * What the userspace kube-proxy (v1.25, the last release that had it; pkg/proxy/userspace/proxier.go)
 * sets up on a node: one proxy socket per service port, and the iptables "portals" that steer a
 * Service's traffic into that socket.
 *
 * Rules, as proxier.go writes them (every one with `iptables -N` / `iptables -A|-I`, never
 * iptables-restore, so they are all `ensured` rules here):
 * - iptablesInit: nat KUBE-PORTALS-CONTAINER (jumped to from PREROUTING, prepended) and KUBE-PORTALS-HOST
 *   (from OUTPUT, prepended), both with the comment "handle ClusterIPs; NOTE: this must be before the
 *   NodePort rules"; nat KUBE-NODEPORT-CONTAINER / KUBE-NODEPORT-HOST (from PREROUTING / OUTPUT, appended,
 *   `-m addrtype --dst-type LOCAL` and "handle service NodePorts; NOTE: this must be the last rule in the
 *   chain"); filter KUBE-NODEPORT-NON-LOCAL (from INPUT, prepended, "Ensure that non-local NodePort traffic
 *   can flow").
 * - openPortal per service port: the cluster IP, then each externalIP, then each load-balancer ingress IP,
 *   then the NodePort; each portal appends a from-containers rule and a from-host rule.
 * - iptablesCommonPortalArgs: `-m comment --comment <ns/svc:port> -p <proto> -m <proto> --dport <port>
 *   [-d <ip>/32] [-m physdev ! --physdev-is-in] [-m addrtype --dst-type LOCAL]`; from containers with
 *   listenIP 0.0.0.0: `-j REDIRECT --to-ports <proxyPort>`; from the host: `-j DNAT --to-destination
 *   <hostIP>:<proxyPort>` (REDIRECT and DNAT to 127.0.0.1 do not work for locally generated packets, say
 *   the code comments), hostIP being the interface utilnet.ChooseHostInterface picks: the node's InternalIP.
 */
import type { Cluster, Node } from '../../../model/types';
import { TableBuilder, buildRuleset } from '../../netfilter/builder';
import type { Match, Ruleset, Target } from '../../netfilter/types';
import type { EndpointInfo, ServicePortInfo } from '../endpoints';
import { listServicePorts } from '../endpoints';
import type { ProxyPortAssignment, SocketProtocol } from './proxyPorts';
import { KUBE_PROXY_HEALTHZ_PORT, KUBE_PROXY_METRICS_PORT, assignProxyPorts } from './proxyPorts';

export const KUBE_PORTALS_CONTAINER = 'KUBE-PORTALS-CONTAINER';
export const KUBE_PORTALS_HOST = 'KUBE-PORTALS-HOST';
export const KUBE_NODEPORT_CONTAINER = 'KUBE-NODEPORT-CONTAINER';
export const KUBE_NODEPORT_HOST = 'KUBE-NODEPORT-HOST';
export const KUBE_NODEPORT_NON_LOCAL = 'KUBE-NODEPORT-NON-LOCAL';

const PORTALS_COMMENT = 'handle ClusterIPs; NOTE: this must be before the NodePort rules';
const NODEPORTS_COMMENT = 'handle service NodePorts; NOTE: this must be the last rule in the chain';
const NON_LOCAL_COMMENT = 'Ensure that non-local NodePort traffic can flow';

/** kube-proxy `--bind-address` default: the proxy sockets listen on every address. */
export const LISTEN_IP = '0.0.0.0';

/** One service port the userspace proxier serves on this node. */
export interface UserspaceServicePort {
  readonly info: ServicePortInfo;
  /** `ns/svc:port` */
  readonly name: string;
  readonly protocol: SocketProtocol;
  readonly proxyPort: number;
  readonly proxyPortChosenBy: ProxyPortAssignment['chosenBy'];
  /**
   * The endpoints the load balancer gets: v1.25's userspace proxier still reads v1 Endpoints, whose
   * `addresses` hold only READY pods (util.BuildPortsToEndpointsMap); no terminating fallback and no
   * traffic policies (the userspace proxier never implemented them). Sorted by "ip:port".
   */
  readonly endpoints: readonly EndpointInfo[];
  /** ClientIP affinity timeout in seconds (LoadBalancerRR: 0 means v1.DefaultClientIPServiceAffinitySeconds). */
  readonly affinityTimeoutSeconds: number;
}

/** A socket kube-proxy holds open on the node, as `ss` lists it. */
export interface KubeProxySocket {
  readonly protocol: SocketProtocol;
  /** `*` for Go's dual-stack wildcard listener ([::] with IPV6_V6ONLY off), else the bound address. */
  readonly address: string;
  readonly port: number;
  readonly purpose: 'proxy' | 'claim' | 'healthz' | 'metrics';
  readonly servicePort?: string;
  /** Opening order, from 0 (the renderer turns it into an illustrative fd number). */
  readonly order: number;
}

export interface UserspaceProxier {
  readonly node: Node;
  /** The address the from-host rules DNAT to (ChooseHostInterface: the node's InternalIP). */
  readonly hostIP: string;
  /** The node's own addresses (eth0 and the bridge), LOCAL for `-m addrtype`. */
  readonly localAddresses: readonly string[];
  readonly servicePorts: readonly UserspaceServicePort[];
  readonly sockets: readonly KubeProxySocket[];
  readonly ruleset: Ruleset;
}

function lower(protocol: SocketProtocol): 'tcp' | 'udp' {
  return protocol === 'TCP' ? 'tcp' : 'udp';
}

/** iptablesCommonPortalArgs, as matches in kube-proxy's argument order. */
function commonPortalMatches(
  destIP: string | null,
  addDstLocalMatch: boolean,
  destPort: number,
  protocol: SocketProtocol,
  servicePort: string,
): Match[] {
  const matches: Match[] = [
    { kind: 'comment', text: servicePort },
    { kind: 'protocol', protocol: lower(protocol) },
    { kind: 'dport', port: destPort },
  ];
  // utilproxy.ToCIDR: a bare address becomes <ip>/32.
  if (destIP !== null) matches.push({ kind: 'destination', cidr: `${destIP}/32` });
  if (addDstLocalMatch) matches.push({ kind: 'addrtype', direction: 'dst', type: 'LOCAL' });
  return matches;
}

/**
 * Rules are collected per chain in the order kube-proxy appended them and written with the builder's
 * `prependEnsured` in reverse, so every rule keeps the `ensured` origin of an `iptables -A/-I` call.
 */
class EnsuredRules {
  private readonly chains = new Map<string, { matches: Match[]; target: Target }[]>();

  constructor(private readonly table: TableBuilder) {}

  ensureChain(name: string): void {
    this.table.ensureChain(name);
  }

  append(chain: string, matches: Match[], target: Target): void {
    let rules = this.chains.get(chain);
    if (!rules) {
      rules = [];
      this.chains.set(chain, rules);
    }
    rules.push({ matches, target });
  }

  prepend(chain: string, matches: Match[], target: Target): void {
    this.append(chain, matches, target);
    const rules = this.chains.get(chain);
    const rule = rules?.pop();
    if (rules && rule) rules.unshift(rule);
  }

  flush(): void {
    for (const [chain, rules] of this.chains) {
      for (const rule of [...rules].reverse()) this.table.prependEnsured(chain, rule.matches, rule.target);
    }
  }
}

/** Builds the userspace proxier's sockets and iptables rules for one node. */
export function buildUserspaceProxier(cluster: Cluster, nodeName: string): UserspaceProxier {
  const node = cluster.nodes.find((n) => n.name === nodeName);
  if (!node) throw new Error(`userspace proxier: no node named ${nodeName}`);
  const hostIP = node.internalIP;
  const localAddresses = [node.internalIP, node.bridge.ip];

  // newProxySocket knows TCP and UDP only; for SCTP it fails and mergeService skips the port
  // ("Failed to start proxy"). Only IPv4 ports: the userspace proxier never worked for IPv6 portals.
  const proxied = listServicePorts(cluster, nodeName).filter(
    (sp): sp is ServicePortInfo & { protocol: SocketProtocol } =>
      (sp.protocol === 'TCP' || sp.protocol === 'UDP') && !sp.clusterIP.includes(':'),
  );
  const ports = assignProxyPorts(
    cluster,
    nodeName,
    proxied.map((sp) => ({ servicePort: sp.name, protocol: sp.protocol })),
  );
  const portByName = new Map(ports.map((p) => [p.servicePort, p]));

  const nat = new TableBuilder('nat');
  const filter = new TableBuilder('filter');
  const natRules = new EnsuredRules(nat);
  const filterRules = new EnsuredRules(filter);

  // iptablesInit, in its order.
  natRules.ensureChain(KUBE_PORTALS_CONTAINER);
  natRules.prepend('PREROUTING', [{ kind: 'comment', text: PORTALS_COMMENT }], {
    kind: 'jump',
    chain: KUBE_PORTALS_CONTAINER,
  });
  natRules.ensureChain(KUBE_PORTALS_HOST);
  natRules.prepend('OUTPUT', [{ kind: 'comment', text: PORTALS_COMMENT }], {
    kind: 'jump',
    chain: KUBE_PORTALS_HOST,
  });
  const nodePortJump: Match[] = [
    { kind: 'addrtype', direction: 'dst', type: 'LOCAL' },
    { kind: 'comment', text: NODEPORTS_COMMENT },
  ];
  natRules.ensureChain(KUBE_NODEPORT_CONTAINER);
  natRules.append('PREROUTING', nodePortJump, { kind: 'jump', chain: KUBE_NODEPORT_CONTAINER });
  natRules.ensureChain(KUBE_NODEPORT_HOST);
  natRules.append('OUTPUT', nodePortJump, { kind: 'jump', chain: KUBE_NODEPORT_HOST });
  filterRules.ensureChain(KUBE_NODEPORT_NON_LOCAL);
  filterRules.prepend('INPUT', [{ kind: 'comment', text: NON_LOCAL_COMMENT }], {
    kind: 'jump',
    chain: KUBE_NODEPORT_NON_LOCAL,
  });

  // kube-proxy's own listeners open first (healthz and metrics servers start before the first sync).
  const sockets: KubeProxySocket[] = [
    { protocol: 'TCP', address: '*', port: KUBE_PROXY_HEALTHZ_PORT, purpose: 'healthz', order: 0 },
    { protocol: 'TCP', address: '127.0.0.1', port: KUBE_PROXY_METRICS_PORT, purpose: 'metrics', order: 1 },
  ];
  const claimed = new Set<string>();
  const claim = (protocol: SocketProtocol, address: string, port: number, servicePort: string): void => {
    // claimNodePort: hold the real port open (a listening socket) so nothing else takes it.
    const key = `${protocol} ${address}:${port}`;
    if (claimed.has(key)) return;
    claimed.add(key);
    sockets.push({ protocol, address, port, purpose: 'claim', servicePort, order: sockets.length });
  };

  const servicePorts: UserspaceServicePort[] = [];
  // The real proxier walks a Go map (random order); service ports are taken in listServicePorts' order.
  for (const sp of proxied) {
    const assignment = portByName.get(sp.name);
    if (!assignment) continue;
    const proxyPort = assignment.port;
    sockets.push({
      protocol: sp.protocol,
      address: '*',
      port: proxyPort,
      purpose: 'proxy',
      servicePort: sp.name,
      order: sockets.length,
    });
    servicePorts.push({
      info: sp,
      name: sp.name,
      protocol: sp.protocol,
      proxyPort,
      proxyPortChosenBy: assignment.chosenBy,
      endpoints: sp.endpoints.filter((ep) => ep.ready),
      affinityTimeoutSeconds: sp.sessionAffinityClientIP ? sp.stickyMaxAgeSeconds : 0,
    });

    // With listenIP 0.0.0.0 the from-containers rules REDIRECT: the kernel rewrites the destination to
    // the primary address of the incoming interface (cbr0's 10.0.1.1 for a pod's packet on node-1) and
    // the port to the proxy port (iptables-extensions(8), REDIRECT). The seed's figure says the client
    // "really connects to 10.100.0.2:10400" (eth0's address); that is what a from-HOST connection gets
    // through the DNAT below, while a pod's connection lands on cbr0's address. The trace engine applies
    // the address; the rule (and the HookResult's `redirect`) only carries the port.
    const redirect: Target = { kind: 'redirect', toPort: proxyPort };
    const dnatToHost: Target = { kind: 'dnat', ip: hostIP, port: proxyPort };
    const port = sp.port.port;

    const openOnePortal = (ip: string, isExternal: boolean): void => {
      if (localAddresses.includes(ip)) claim(sp.protocol, ip, port, sp.name);
      // [Gap] For an external IP kube-proxy's first from-containers rule also carries
      // `-m physdev ! --physdev-is-in` (only packets that did not come in through a bridge port). The
      // netfilter model has no physdev match yet, so the rule is written without it.
      natRules.append(
        KUBE_PORTALS_CONTAINER,
        commonPortalMatches(ip, false, port, sp.protocol, sp.name),
        redirect,
      );
      if (isExternal) {
        natRules.append(
          KUBE_PORTALS_CONTAINER,
          commonPortalMatches(ip, true, port, sp.protocol, sp.name),
          redirect,
        );
        natRules.append(
          KUBE_PORTALS_HOST,
          commonPortalMatches(ip, true, port, sp.protocol, sp.name),
          dnatToHost,
        );
        return;
      }
      natRules.append(
        KUBE_PORTALS_HOST,
        commonPortalMatches(ip, false, port, sp.protocol, sp.name),
        dnatToHost,
      );
    };

    openOnePortal(sp.clusterIP, false);
    for (const ip of sp.externalIPs) openOnePortal(ip, true);
    for (const ip of sp.loadBalancerVIPs) openOnePortal(ip, false);
    if (sp.nodePort !== 0) {
      claim(sp.protocol, '*', sp.nodePort, sp.name);
      natRules.append(
        KUBE_NODEPORT_CONTAINER,
        commonPortalMatches(null, false, sp.nodePort, sp.protocol, sp.name),
        redirect,
      );
      natRules.append(
        KUBE_NODEPORT_HOST,
        commonPortalMatches(null, false, sp.nodePort, sp.protocol, sp.name),
        dnatToHost,
      );
      // iptablesNonLocalNodePortArgs: note the PROXY port, then `-m state --state NEW -j ACCEPT`.
      // [Gap] The netfilter model has no `state` match; `-m conntrack --ctstate NEW` matches the very
      // same packets (both read the conntrack state) but prints differently.
      filterRules.append(
        KUBE_NODEPORT_NON_LOCAL,
        [
          ...commonPortalMatches(null, false, proxyPort, sp.protocol, sp.name),
          { kind: 'conntrack', states: ['NEW'] },
        ],
        { kind: 'accept' },
      );
    }
  }

  natRules.flush();
  filterRules.flush();
  return {
    node,
    hostIP,
    localAddresses,
    servicePorts,
    sockets,
    ruleset: buildRuleset([filter, nat]),
  };
}
