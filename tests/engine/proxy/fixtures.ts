import type {
  Cluster,
  Endpoint,
  EndpointPort,
  EndpointSlice,
  Node,
  Service,
  ServicePort,
} from '../../../src/model/types';

/** kube-proxy's test conventions (proxier_test.go): pods 10.0.0.0/8, node 192.168.0.2. */
export const TEST_NODE = 'test-node';
export const TEST_NODE_IP = '192.168.0.2';

export function makeNode(name: string, internalIP: string, podCIDR: string): Node {
  const first = podCIDR.replace(/0\/\d+$/, '1');
  return { kind: 'Node', name, labels: {}, internalIP, podCIDR, bridge: { name: 'cbr0', ip: first } };
}

export function makeService(
  namespace: string,
  name: string,
  ports: readonly ServicePort[],
  overrides: Partial<Service> = {},
): Service {
  return {
    kind: 'Service',
    name,
    namespace,
    labels: {},
    type: 'ClusterIP',
    clusterIP: null,
    headless: false,
    ports,
    selector: null,
    sessionAffinity: 'None',
    sessionAffinityTimeoutSeconds: 10800,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    ...overrides,
  };
}

export function tcpPort(
  name: string | undefined,
  port: number,
  extra: Partial<ServicePort> = {},
): ServicePort {
  return { ...(name !== undefined ? { name } : {}), protocol: 'TCP', port, targetPort: port, ...extra };
}

export interface EndpointSpec {
  readonly ip: string;
  readonly nodeName?: string;
  readonly ready?: boolean;
  readonly serving?: boolean;
  readonly terminating?: boolean;
}

export function makeEndpoint(spec: EndpointSpec): Endpoint {
  return {
    addresses: [spec.ip],
    conditions: {
      ready: spec.ready ?? true,
      serving: spec.serving ?? true,
      terminating: spec.terminating ?? false,
    },
    ...(spec.nodeName !== undefined ? { nodeName: spec.nodeName } : {}),
  };
}

export function makeSlice(
  namespace: string,
  serviceName: string,
  endpoints: readonly EndpointSpec[],
  ports: readonly EndpointPort[],
  sliceName = `${serviceName}-1`,
): EndpointSlice {
  return {
    kind: 'EndpointSlice',
    name: sliceName,
    namespace,
    labels: { 'kubernetes.io/service-name': serviceName },
    serviceName,
    addressType: 'IPv4',
    ports,
    endpoints: endpoints.map(makeEndpoint),
    derived: false,
  };
}

export function makeCluster(parts: {
  readonly services: readonly Service[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly nodes?: readonly Node[];
  readonly clusterCIDR?: string;
}): Cluster {
  return {
    name: 'test',
    network: {
      clusterCIDR: parts.clusterCIDR ?? '10.0.0.0/8',
      nodeCIDRMaskSize: 24,
      serviceCIDR: '172.30.0.0/16',
      nodeNetwork: '192.168.0.0/24',
      clusterDomain: 'cluster.local',
      dnsServiceIP: '172.30.0.10',
      nodePortRange: { min: 30000, max: 32767 },
      router: { name: 'router', ip: '192.168.0.1', routes: [] },
      proxyMode: 'iptables',
      ipvsScheduler: 'rr',
      userspaceProxyPorts: [],
      cniMode: 'gateway-routes',
      bridgeName: 'cbr0',
    },
    nodes: parts.nodes ?? [
      makeNode(TEST_NODE, TEST_NODE_IP, '10.180.0.0/24'),
      makeNode('other-node', '192.168.0.3', '10.180.1.0/24'),
    ],
    pods: [],
    services: parts.services,
    endpointSlices: parts.endpointSlices,
    deployments: [],
    networkPolicies: [],
  };
}

/**
 * A test-side copy of proxier_test.go's sortIPTablesRules normalisation: tables by name, chains with
 * KUBE-NODEPORTS first, KUBE-SERVICES second, then alphabetical; KUBE-NODEPORTS and KUBE-SERVICES rules
 * stably sorted by the service name in their comment (the nat "must be the last rule" rule stays last).
 */
export function sortLikeProxierTest(text: string): string {
  interface ParsedTable {
    name: string;
    chains: string[];
    rules: Map<string, string[]>;
  }
  const tables: ParsedTable[] = [];
  let current: ParsedTable | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('*')) {
      current = { name: line.slice(1), chains: [], rules: new Map() };
      tables.push(current);
    } else if (line === 'COMMIT') {
      current = undefined;
    } else if (current && line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0] ?? '';
      current.chains.push(chain);
      current.rules.set(chain, []);
    } else if (current && line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      current.rules.get(chain)?.push(line);
    }
  }
  const commentService = (rule: string): string | null => {
    const m = /--comment (?:"([^"]*)"|(\S+))/.exec(rule);
    const value = m ? (m[1] ?? m[2] ?? '') : null;
    if (value === null) return null;
    const cut = value.search(/[ :]/);
    return cut === -1 ? value : value.slice(0, cut);
  };
  const byService = (a: string, b: string): number => {
    const na = commentService(a);
    const nb = commentService(b);
    if (na === null || nb === null) return 0;
    return na < nb ? -1 : na > nb ? 1 : 0;
  };
  const rank = (c: string): number =>
    c === 'KUBE-NODEPORTS' ? 0 : c === 'KUBE-SERVICES' ? 1 : c.startsWith('KUBE-') ? 2 : 3;
  const out: string[] = [];
  for (const table of [...tables].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const chains = [...table.chains].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const chain of ['KUBE-NODEPORTS', 'KUBE-SERVICES']) {
      const rules = table.rules.get(chain);
      if (!rules) continue;
      rules.sort((a, b) => {
        const lastA = a.includes('must be the last rule');
        const lastB = b.includes('must be the last rule');
        if (lastA !== lastB) return lastA ? 1 : -1;
        return byService(a, b);
      });
    }
    out.push(`*${table.name}`);
    for (const chain of chains) out.push(`:${chain} - [0:0]`);
    for (const chain of chains) out.push(...(table.rules.get(chain) ?? []));
    out.push('COMMIT');
  }
  return out.join('\n');
}

const p80 = { name: 'p80', protocol: 'TCP' as const, port: 80 };

/**
 * The Services of kube-proxy's TestOverallIPTablesRules and TestOverallNFTablesRules (proxier_test.go, v1.33; the
 * two tests use the same ones): ClusterIP; LoadBalancer eTP=Local without local endpoints; NodePort; externalIP
 * with two endpoints; LoadBalancer with source ranges and ClientIP affinity; no endpoints.
 */
export function overallTestCluster(): Cluster {
  return makeCluster({
    services: [
      makeService('ns1', 'svc1', [tcpPort('p80', 80)], { clusterIP: '172.30.0.41' }),
      makeService('ns2', 'svc2', [tcpPort('p80', 80, { nodePort: 3001 })], {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        clusterIP: '172.30.0.42',
        loadBalancerIPs: ['1.2.3.4'],
        externalIPs: ['192.168.99.22'],
        healthCheckNodePort: 30000,
      }),
      makeService('ns3', 'svc3', [tcpPort('p80', 80, { nodePort: 3003 })], {
        type: 'NodePort',
        clusterIP: '172.30.0.43',
      }),
      makeService('ns4', 'svc4', [tcpPort('p80', 80)], {
        type: 'NodePort',
        clusterIP: '172.30.0.44',
        externalIPs: ['192.168.99.33'],
      }),
      makeService('ns5', 'svc5', [tcpPort('p80', 80, { nodePort: 3002 })], {
        type: 'LoadBalancer',
        clusterIP: '172.30.0.45',
        loadBalancerIPs: ['5.6.7.8'],
        healthCheckNodePort: 30000,
        loadBalancerSourceRanges: [' 203.0.113.0/25'],
        sessionAffinity: 'ClientIP',
        sessionAffinityTimeoutSeconds: 10800,
      }),
      makeService('ns6', 'svc6', [tcpPort('p80', 80)], { clusterIP: '172.30.0.46' }),
    ],
    endpointSlices: [
      makeSlice('ns1', 'svc1', [{ ip: '10.180.0.1' }], [p80]),
      makeSlice('ns2', 'svc2', [{ ip: '10.180.0.2' }], [p80]),
      makeSlice('ns3', 'svc3', [{ ip: '10.180.0.3' }], [p80]),
      makeSlice('ns4', 'svc4', [{ ip: '10.180.0.4' }, { ip: '10.180.0.5', nodeName: TEST_NODE }], [p80]),
      makeSlice('ns5', 'svc5', [{ ip: '10.180.0.3' }], [p80]),
    ],
  });
}
