/**
 * `trace(cluster, request, options)`: every step of one request as data — the DNS lookup of a name (as the
 * pod's resolver does it, through /etc/hosts and the search list, each query itself trapped by netfilter on
 * its way to CoreDNS), the request to the answer, and the reply back through conntrack's reverse NAT.
 * Deterministic: all randomness (ephemeral ports, iptables' statistic match, IPVS, shuffles) comes from a
 * seeded generator.
 */
import { anchorIds, kubeProxyId, serviceId } from '../../model/elementIds';
import type { Cluster, Pod, Protocol } from '../../model/types';
import { lookupHostsFile, podHostsFile } from '../dns/hostsFile';
import { answerQuery, buildDnsZone, type DnsAnswer } from '../dns/records';
import { podResolvConf, renderResolvConf } from '../dns/resolvConf';
import { ndotsOf, searchCandidates } from '../dns/resolver';
import { lookupRoute, routeTable } from '../routing';
// Pod networking (containers of a pod share one network namespace): see src/engine/cni/loopback.ts.
import { isLoopbackAddress, listeningContainer } from '../cni/loopback';
import { parseIPv4 } from '../netfilter/ipv4';
import { createRng } from '../rng';
import { DEFAULT_TTL, ep, podLocation, replyPacket, send, serviceOf, Sim, type Arrival } from './network';

export { replyPacket };
import { httpRequestPayload, serveIngress } from './ingress';
import type { Outcome, Packet, Phase, Trace, TraceOptions, TraceRequest } from './types';

import { DEFAULT_SEED } from './constants';

export { DEFAULT_SEED };

/** Linux picks ephemeral source ports from net.ipv4.ip_local_port_range, 32768–60999 by default. */
export function ephemeralPort(sim: Sim): number {
  // connect() never reuses a port a live connection holds; the trace keeps every connection it made.
  for (;;) {
    const port = 32768 + Math.floor(sim.rng() * (60999 - 32768 + 1));
    if (!sim.usedPorts.has(port)) {
      sim.usedPorts.add(port);
      return port;
    }
  }
}

export class TraceInputError extends Error {
  override name = 'TraceInputError';
}

function findPod(cluster: Cluster, namespace: string, name: string): Pod {
  const pod = cluster.pods.find((p) => p.namespace === namespace && p.name === name);
  if (!pod) throw new TraceInputError(`no pod ${namespace}/${name} in the cluster`);
  if (pod.podIP === null)
    throw new TraceInputError(`pod ${namespace}/${name} has no IP address (not running)`);
  return pod;
}

/** The Service a resolved address belongs to. */
const serviceFor = serviceOf;

/**
 * Traces one request and its reply.
 * @throws TraceInputError when the request names a pod that doesn't exist or is malformed.
 */
export function trace(cluster: Cluster, request: TraceRequest, options: TraceOptions = {}): Trace {
  const mode = options.mode ?? cluster.network.proxyMode;
  const sim = new Sim(cluster, mode, createRng(options.seed ?? DEFAULT_SEED), options.deadEndpoints ?? []);
  const protocol: Protocol = request.protocol ?? 'TCP';
  const finish = (outcome: Outcome, resolved?: Trace['resolved']): Trace => ({
    mode,
    request,
    steps: sim.steps,
    outcome,
    ...(resolved ? { resolved } : {}),
  });

  if (request.from.kind === 'external') {
    if (parseIPv4(request.to) === null) {
      throw new TraceInputError(
        'an external client has no cluster DNS: give it an IP address (a node IP or a load-balancer IP)',
      );
    }
    const port = request.port ?? 80;
    const packet: Packet = {
      protocol,
      src: request.from.ip,
      sport: ephemeralPort(sim),
      dst: request.to,
      dport: port,
      ttl: DEFAULT_TTL,
      mark: 0,
      payload: request.http
        ? httpRequestPayload(request.http)
        : protocol === 'TCP'
          ? `TCP SYN to ${ep(request.to, port)}`
          : `UDP datagram to ${ep(request.to, port)}`,
    };
    sim.phase = 'request';
    const result = exchange(
      sim,
      { kind: 'external', ip: request.from.ip },
      packet,
      serveRequest(sim, request, protocol),
      'reply',
    );
    return finishExchange(sim, result, finish, { address: request.to }, null);
  }

  const client = findPod(cluster, request.from.namespace, request.from.name);
  let address = request.to;
  let name: string | undefined;
  if (parseIPv4(request.to) === null) {
    name = request.to;
    sim.phase = 'dns';
    const dns = resolveName(sim, client, request.to);
    if (dns.kind === 'failed')
      return finish({ status: 'dropped', reason: dns.reason }, { name, address: '' });
    address = dns.address;
  }

  const svc = serviceFor(cluster, address);
  // Pod networking: to its own addresses a pod's default port is the first one its containers declare.
  const isOwn = isLoopbackAddress(address) || address === client.podIP;
  const ownPort = isOwn
    ? client.containers.flatMap((c) => c.ports).find((p) => p.protocol === protocol)?.containerPort
    : undefined;
  const port = request.port ?? svc?.ports.find((p) => p.protocol === protocol)?.port ?? ownPort ?? 80;
  sim.phase = 'request';
  sim.now += 1;
  const packet: Packet = {
    protocol,
    // The kernel picks the source from the route: `src 127.0.0.1` on lo for the loopback network.
    src: isLoopbackAddress(address) ? '127.0.0.1' : (client.podIP ?? ''),
    sport: ephemeralPort(sim),
    dst: address,
    dport: port,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload: request.http
      ? httpRequestPayload(request.http)
      : protocol === 'TCP'
        ? `TCP SYN: connect to ${ep(address, port)}`
        : `UDP datagram to ${ep(address, port)}`,
  };
  sim.push({
    kind: 'send',
    location: podLocation(client),
    from: anchorIds.pod(client),
    at: anchorIds.pod(client),
    packet,
    before: packet,
    ...(svc ? { highlight: [serviceId(svc)] } : {}),
    caption: `${client.name} ${protocol === 'TCP' ? 'connects' : 'sends'} to ${ep(address, port)}${svc?.clusterIP === address ? `, the ClusterIP of ${svc.namespace}/${svc.name}` : ''}`,
  });
  const result = exchange(
    sim,
    { kind: 'pod', pod: client },
    packet,
    serveRequest(sim, request, protocol),
    'reply',
  );
  return finishExchange(sim, result, finish, { ...(name !== undefined ? { name } : {}), address }, client);
}

function finishExchange(
  sim: Sim,
  result: Exchange,
  finish: (outcome: Outcome, resolved?: Trace['resolved']) => Trace,
  resolved: { name?: string; address: string },
  client: Pod | null,
): Trace {
  const withBackend = result.backend ? { ...resolved, backend: result.backend } : resolved;
  if (result.status === 'dropped') return finish({ status: 'dropped', reason: result.reason }, withBackend);
  const packet = result.reply;
  sim.push({
    kind: 'deliver',
    location: client ? podLocation(client) : { netns: `external:${packet.dst}`, space: 'user' },
    from: client ? anchorIds.podEth0(client) : anchorIds.router,
    at: client ? anchorIds.pod(client) : anchorIds.router,
    packet,
    before: packet,
    caption: `${client ? client.name : `The client ${packet.dst}`} receives the reply from ${ep(packet.src, packet.sport)}${packet.src === resolved.address ? ': the address it dialled' : ''}`,
  });
  return finish({ status: 'delivered' }, withBackend);
}

/** Where a request starts. */
export type Origin =
  { readonly kind: 'pod'; readonly pod: Pod } | { readonly kind: 'external'; readonly ip: string };

/** Pushes what the server does with a request (its own steps) and returns the reply's payload. */
export type Serve = (server: Pod, received: Packet) => string;

export type Exchange =
  | { readonly status: 'answered'; readonly reply: Packet; readonly backend: { ip: string; port: number } }
  | { readonly status: 'dropped'; readonly reason: string; readonly backend?: { ip: string; port: number } };

function sendFrom(sim: Sim, origin: Origin, packet: Packet): Arrival {
  return origin.kind === 'pod'
    ? send.fromPod(sim, packet, origin.pod)
    : send.fromExternal(sim, packet, origin.ip);
}

/**
 * One request and its reply: the packet travels to whoever receives it — a pod directly, or kube-proxy in
 * user space, which then opens its own connection to a backend — the server answers, and the reply travels
 * back through the NAT conntrack remembers. `replyPhase` is the phase the steps after the server belong to.
 */
export function exchange(
  sim: Sim,
  origin: Origin,
  packet: Packet,
  serve: Serve,
  replyPhase: Phase,
): Exchange {
  const arrival = sendFrom(sim, origin, packet);
  if (arrival.kind === 'dropped') return { status: 'dropped', reason: arrival.reason };
  if (arrival.kind === 'external') {
    return { status: 'dropped', reason: `${arrival.packet.dst} is outside the cluster (not modelled)` };
  }
  if (arrival.kind === 'node-process' && arrival.proxied) {
    return viaUserspaceProxy(sim, origin, arrival, serve, replyPhase);
  }
  if (arrival.kind === 'node-process') {
    return {
      status: 'dropped',
      reason: `nothing listens on ${ep(arrival.packet.dst, arrival.packet.dport)} on ${arrival.node}`,
    };
  }
  const server = arrival.pod;
  const received = arrival.packet;
  const backend = { ip: received.dst, port: received.dport };
  if (sim.isDead(received.dst, received.dport)) return deadEnd(sim, server, received, backend);
  // Pod networking: inside one pod the listener is known from the containers' ports.
  if (isWithinPod(received) && !listeningContainer(server, received.dport, received.protocol)) {
    return refusedWithinPod(sim, server, received, backend);
  }
  const payload = serve(server, received);
  sim.phase = replyPhase;
  sim.now += 1;
  const reply = replyPacket(received, payload);
  const back = send.fromPod(sim, reply, server);
  if (back.kind === 'pod' || back.kind === 'external')
    return { status: 'answered', reply: back.packet, backend };
  return {
    status: 'dropped',
    reason: back.kind === 'dropped' ? back.reason : 'the reply did not reach the client',
    backend,
  };
}

/** A packet a pod sent to itself: to the loopback network or from its own address to its own address. */
function isWithinPod(packet: Packet): boolean {
  return isLoopbackAddress(packet.dst) || packet.src === packet.dst;
}

/** No container of the pod declares the port: the kernel answers a TCP SYN with RST (connection refused). */
function refusedWithinPod(
  sim: Sim,
  server: Pod,
  received: Packet,
  backend: { ip: string; port: number },
): Exchange {
  const reason = `nothing in ${server.name} listens on ${ep(received.dst, received.dport)}: ${received.protocol === 'TCP' ? 'the kernel answers RST, connection refused' : 'ICMP port unreachable'}`;
  sim.push({
    kind: 'drop',
    location: podLocation(server),
    from: anchorIds.pod(server),
    at: anchorIds.pod(server),
    packet: received,
    before: received,
    caption: `Dropped: ${reason}`,
  });
  return { status: 'dropped', reason, backend };
}

/** A request that reached an endpoint whose pod is gone: nothing answers, the client's connect times out. */
function deadEnd(sim: Sim, server: Pod, received: Packet, backend: { ip: string; port: number }): Exchange {
  const reason = `${ep(backend.ip, backend.port)} (${server.name}) is gone but still listed as an endpoint: nothing answers, so the ${received.protocol === 'TCP' ? "client's connect times out" : 'datagram is lost'}`;
  sim.push({
    kind: 'drop',
    location: podLocation(server),
    from: anchorIds.podEth0(server),
    at: anchorIds.pod(server),
    packet: received,
    before: received,
    caption: `Dropped: ${reason}`,
  });
  return { status: 'dropped', reason, backend };
}

/** Userspace mode: kube-proxy accepted the connection; it opens a second one from the node to a backend. */
function viaUserspaceProxy(
  sim: Sim,
  origin: Origin,
  arrival: Extract<Arrival, { kind: 'node-process' }>,
  serve: Serve,
  replyPhase: Phase,
): Exchange {
  const accepted = arrival.proxied;
  if (!accepted) throw new Error('viaUserspaceProxy without a proxied connection');
  const node = sim.node(arrival.node);
  const at = anchorIds.nodeEth0(node.name);
  const kubeProxy = kubeProxyId(node.name);
  const userLocation = { node: node.name, netns: `node:${node.name}`, space: 'user' as const };
  sim.push({
    kind: 'userspace',
    location: userLocation,
    from: at,
    at: kubeProxy,
    packet: arrival.packet,
    before: arrival.packet,
    caption: `Kernel → user space: kube-proxy accepts on ${ep(accepted.listen.ip, accepted.listen.port)}, its proxy port for ${accepted.servicePort} — the data is copied up into the process`,
    detail: accepted.summary,
  });
  for (const attempt of accepted.attempts.filter((a) => !a.ok)) {
    sim.push({
      kind: 'userspace',
      location: userLocation,
      from: kubeProxy,
      at: kubeProxy,
      packet: arrival.packet,
      before: arrival.packet,
      retry: true,
      caption: `kube-proxy's dial to ${ep(attempt.ip, attempt.port)} fails; it asks its round-robin for the next endpoint and retries — something the kernel modes cannot do`,
    });
  }
  const connected = accepted.attempts.find((a) => a.ok);
  if (!connected) {
    return {
      status: 'dropped',
      reason: `kube-proxy could not connect to any endpoint of ${accepted.servicePort}`,
    };
  }
  // kube-proxy's own connection: the kernel picks the source address from the route to the backend.
  const route = lookupRoute(routeTable(sim.cluster, { kind: 'node', name: node.name }), connected.ip);
  const srcIp = route?.src ?? (route?.dev === node.bridge.name ? node.bridge.ip : node.internalIP);
  const second: Packet = {
    protocol: arrival.packet.protocol,
    src: srcIp,
    sport: ephemeralPort(sim),
    dst: connected.ip,
    dport: connected.port,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload: arrival.packet.payload,
  };
  sim.push({
    kind: 'userspace',
    location: { ...userLocation, space: 'kernel' },
    from: kubeProxy,
    at,
    packet: second,
    before: arrival.packet,
    rewrite: {
      field: 'dst',
      from: ep(arrival.packet.dst, arrival.packet.dport),
      to: ep(connected.ip, connected.port),
      by: 'proxy',
    },
    caption: `User space → kernel: kube-proxy ${second.protocol === 'TCP' ? 'opens its own connection' : 'sends its own datagram'} from ${ep(second.src, second.sport)} to the pod ${ep(connected.ip, connected.port)}`,
  });
  const toBackend = send.fromNode(sim, second, node.name, 'kube-proxy');
  if (toBackend.kind !== 'pod') {
    return {
      status: 'dropped',
      reason: toBackend.kind === 'dropped' ? toBackend.reason : 'the backend was not reached',
    };
  }
  const backend = { ip: connected.ip, port: connected.port };
  if (sim.isDead(connected.ip, connected.port)) return deadEnd(sim, toBackend.pod, toBackend.packet, backend);
  const payload = serve(toBackend.pod, toBackend.packet);
  sim.phase = replyPhase;
  sim.now += 1;
  const back = send.fromPod(sim, replyPacket(toBackend.packet, payload), toBackend.pod);
  if (back.kind !== 'node-process') {
    return {
      status: 'dropped',
      reason: back.kind === 'dropped' ? back.reason : 'the reply did not reach kube-proxy',
      backend,
    };
  }
  sim.push({
    kind: 'userspace',
    location: userLocation,
    from: at,
    at: kubeProxy,
    packet: back.packet,
    before: back.packet,
    caption: 'Kernel → user space again: kube-proxy reads the reply from its backend connection',
  });
  const clientReply = replyPacket(arrival.packet, payload);
  sim.push({
    kind: 'userspace',
    location: { ...userLocation, space: 'kernel' },
    from: kubeProxy,
    at,
    packet: clientReply,
    before: back.packet,
    caption: `User space → kernel: kube-proxy copies the reply into the client's connection, from ${ep(clientReply.src, clientReply.sport)}`,
  });
  const home = send.fromNode(sim, clientReply, node.name, 'kube-proxy');
  if (home.kind === 'pod' || home.kind === 'external') {
    return { status: 'answered', reply: home.packet, backend };
  }
  void origin;
  return {
    status: 'dropped',
    reason: home.kind === 'dropped' ? home.reason : 'the reply did not reach the client',
    backend,
  };
}

/** Who serves the request: an ingress controller routes an HTTP request (./ingress.ts); others answer. */
function serveRequest(sim: Sim, request: TraceRequest, protocol: Protocol): Serve {
  const app = serveApplication(sim, protocol);
  return request.http ? serveIngress(sim, request, request.http, { exchange, ephemeralPort }, app) : app;
}

/** An address that is no pod's, node's or bridge's: a client outside the cluster. */
function isOutside(sim: Sim, ip: string): boolean {
  if (sim.podsByIP.has(ip) || sim.nodesByIP.has(ip) || isLoopbackAddress(ip)) return false;
  return !sim.cluster.nodes.some((n) => n.bridge.ip === ip);
}

/** The application on the server pod receives a request. */
function serveApplication(sim: Sim, protocol: Protocol): Serve {
  return (server, received) => {
    const within = isWithinPod(received)
      ? listeningContainer(server, received.dport, received.protocol)
      : null;
    sim.push({
      kind: 'deliver',
      location: podLocation(server),
      from: within ? anchorIds.pod(server) : anchorIds.podEth0(server),
      at: anchorIds.pod(server),
      packet: received,
      before: received,
      caption: within
        ? `Delivered inside ${server.name}: its container "${within.name}" listens on port ${received.dport}. The containers of a pod share the pause container's network namespace, so ${isLoopbackAddress(received.dst) ? 'localhost' : 'the pod IP'} reaches the other container without leaving the pod`
        : `Delivered: ${server.name} receives the ${protocol === 'TCP' ? 'connection' : 'datagram'} on ${ep(received.dst, received.dport)}, from ${ep(received.src, received.sport)}${isOutside(sim, received.src) ? ": the outside client's own address" : ''}`,
    });
    sim.phase = 'reply';
    const reply = replyPacket(received, protocol === 'TCP' ? 'TCP SYN-ACK' : 'UDP reply');
    sim.push({
      kind: 'send',
      location: podLocation(server),
      from: anchorIds.pod(server),
      at: anchorIds.pod(server),
      packet: reply,
      before: reply,
      caption: `${server.name} replies from ${ep(reply.src, reply.sport)} to ${ep(reply.dst, reply.dport)}: it answers whoever it saw, never the ClusterIP`,
    });
    return reply.payload;
  };
}

// -----------------------------------------------------------------------------------------------------------
// DNS, as the pod's resolver does it

type Resolution = { kind: 'resolved'; address: string } | { kind: 'failed'; reason: string };

function resolveName(sim: Sim, client: Pod, name: string): Resolution {
  const cluster = sim.cluster;
  const where = podLocation(client);
  const hosts = podHostsFile(cluster, client);
  const fromHosts = lookupHostsFile(hosts, name);
  const idle: Packet = {
    protocol: 'UDP',
    src: client.podIP ?? '',
    sport: 0,
    dst: client.podIP ?? '',
    dport: 0,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload: `getaddrinfo("${name}")`,
  };
  sim.push({
    kind: 'hosts-lookup',
    packetless: true,
    location: where,
    from: anchorIds.pod(client),
    at: anchorIds.pod(client),
    packet: idle,
    before: idle,
    caption: fromHosts
      ? `/etc/hosts answers ${name} → ${fromHosts}: no DNS query is sent`
      : `The resolver checks /etc/hosts first (nsswitch "hosts: files dns"): no entry for ${name}`,
    detail: hosts,
  });
  if (fromHosts) return { kind: 'resolved', address: fromHosts };

  const rc = podResolvConf(cluster, client);
  const nameserver = rc.nameservers[0];
  if (nameserver === undefined)
    return { kind: 'failed', reason: `${client.name} has no nameserver in /etc/resolv.conf` };
  const zone = buildDnsZone(cluster);
  const candidates = searchCandidates(name, rc);
  const ndots = ndotsOf(rc);
  const searchFirst = !name.endsWith('.') && name.split('.').length - 1 < ndots;
  for (const [i, qname] of candidates.entries()) {
    sim.now += 1;
    const query: Packet = {
      protocol: 'UDP',
      src: client.podIP ?? '',
      sport: ephemeralPort(sim),
      dst: nameserver,
      dport: 53,
      ttl: DEFAULT_TTL,
      mark: 0,
      payload: `DNS query A ${qname}`,
    };
    const dnsSvc = serviceFor(cluster, nameserver);
    sim.push({
      kind: 'dns-query',
      location: where,
      from: anchorIds.pod(client),
      at: anchorIds.pod(client),
      packet: query,
      before: query,
      ...(dnsSvc ? { highlight: [serviceId(dnsSvc)] } : {}),
      caption:
        i === 0
          ? `Query DNS for ${name}: ${searchFirst ? `fewer than ${ndots} dots (ndots:${ndots}), so the search list comes first — ` : ''}ask ${nameserver} for ${qname}`
          : `Next candidate from the search list: ask ${nameserver} for ${qname}`,
      detail: renderResolvConf(rc),
    });
    const answer = answerQuery(zone, qname, 'A');
    const result = exchange(
      sim,
      { kind: 'pod', pod: client },
      query,
      (server, received) => answerStep(sim, server, received, answer),
      'dns',
    );
    if (result.status === 'dropped') {
      return { kind: 'failed', reason: `DNS query for ${qname} failed: ${result.reason}` };
    }
    const back = { packet: result.reply };
    const address = answer.answers.find((r) => r.type === 'A')?.data;
    if (answer.rcode === 'NOERROR' && address !== undefined) {
      sim.push({
        kind: 'deliver',
        location: where,
        from: anchorIds.podEth0(client),
        at: anchorIds.pod(client),
        packet: back.packet,
        before: back.packet,
        caption: receivedCaption(sim, client, qname, answer, address, back.packet),
      });
      return { kind: 'resolved', address };
    }
    const cname = answer.answers.find((r) => r.type === 'CNAME');
    if (answer.rcode === 'NOERROR' && cname) {
      // An ExternalName Service: CoreDNS answers the CNAME and, as a recursive resolver would, looks the
      // target up upstream and adds its records (specification.md §2.5) — the search stops here either way.
      sim.push({
        kind: 'deliver',
        location: where,
        from: anchorIds.podEth0(client),
        at: anchorIds.pod(client),
        packet: back.packet,
        before: back.packet,
        caption: `${qname} is a CNAME to ${cname.data}: CoreDNS would resolve that name upstream (not modelled), so the lookup ends here`,
      });
      return {
        kind: 'failed',
        reason: `${qname} is an ExternalName Service (CNAME ${cname.data}); the external address is not modelled`,
      };
    }
    sim.push({
      kind: 'deliver',
      location: where,
      from: anchorIds.podEth0(client),
      at: anchorIds.pod(client),
      packet: back.packet,
      before: back.packet,
      caption: answer.forwarded
        ? `${qname} is outside the cluster domain: CoreDNS would forward it upstream (not modelled)`
        : answer.answers.some((r) => r.type === 'CNAME')
          ? `${qname} is a CNAME to a name outside the cluster domain: CoreDNS would resolve it upstream (not modelled)`
          : `${answer.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'No A record'} for ${qname}: the resolver moves on`,
    });
  }
  return { kind: 'failed', reason: `NXDOMAIN: ${name} did not resolve (tried ${candidates.join(', ')})` };
}

/** A shorter caption for the answers of headless and ExternalName Services (coredns plugin/kubernetes). */
function specialAnswer(server: Pod, answer: DnsAnswer): string | undefined {
  const cname = answer.answers.find((r) => r.type === 'CNAME');
  const addresses = answer.answers.filter((r) => r.type === 'A').map((r) => r.data);
  if (cname)
    return `CoreDNS (${server.name}) answers a CNAME (ExternalName): ${cname.name} → ${cname.data}, and adds the target's A ${addresses.join(', ')}`;
  if (addresses.length > 1)
    return `CoreDNS (${server.name}) answers one A record per ready pod (headless, no ClusterIP): ${addresses.join(', ')}`;
  return undefined;
}

/** What the resolver got back: a ClusterIP, an alias (CNAME) and its address, or pod addresses (headless). */
function receivedCaption(
  sim: Sim,
  client: Pod,
  qname: string,
  answer: DnsAnswer,
  address: string,
  reply: Packet,
): string {
  const from = `answer from ${reply.src}:${reply.sport}, the address ${client.name} asked`;
  const cname = answer.answers.find((r) => r.type === 'CNAME');
  const isClusterIP = serviceFor(sim.cluster, address)?.clusterIP === address;
  if (cname) {
    return `Receive a CNAME: ${qname} → ${cname.data}, whose address is ${address}${isClusterIP ? ' (its ClusterIP)' : ''} — the alias has no ClusterIP or kube-proxy rule of its own`;
  }
  if (isClusterIP) return `Receive the ClusterIP: ${qname} is ${address} (${from})`;
  const all = answer.answers.filter((r) => r.type === 'A').map((r) => r.data);
  // Headless Services: one A record per ready endpoint; getaddrinfo hands the first to connect().
  return all.length > 1
    ? `Receive ${all.length} pod addresses, no ClusterIP (headless): ${all.join(', ')}; ${client.name} connects to the first, ${address} — nothing for kube-proxy to trap`
    : `Receive ${qname} is ${address}: not a ClusterIP, so no kube-proxy rule will touch the packet (${from})`;
}

function answerStep(sim: Sim, server: Pod, query: Packet, answer: DnsAnswer): string {
  const record = answer.answers[0];
  const packet = replyPacket(
    query,
    answer.answers.length > 0
      ? `DNS answer ${answer.answers.map((r) => `${r.type} ${r.data}`).join(', ')}`
      : `DNS answer ${answer.rcode}`,
  );
  sim.push({
    kind: 'dns-answer',
    location: podLocation(server),
    from: anchorIds.podEth0(server),
    at: anchorIds.pod(server),
    packet,
    before: query,
    ...(record
      ? { rule: { text: `${record.name} ${record.ttl} IN ${record.type} ${record.data}`, id: record.id } }
      : {}),
    caption:
      answer.rcode === 'NOERROR' && record
        ? (specialAnswer(server, answer) ??
          `CoreDNS (${server.name}) answers from its kubernetes plugin: ${record.name} ${record.type} ${record.data}`)
        : `CoreDNS (${server.name}): ${answer.explanation}`,
    detail: answer.explanation,
  });
  return packet.payload;
}
