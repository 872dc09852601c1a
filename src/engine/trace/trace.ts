/**
 * `trace(cluster, request, options)`: every step of one request as data — the DNS lookup of a name (as the
 * pod's resolver does it, through /etc/hosts and the search list, each query itself trapped by netfilter on
 * its way to CoreDNS), the request to the answer, and the reply back through conntrack's reverse NAT.
 * Deterministic: all randomness (ephemeral ports, iptables' statistic match, IPVS, shuffles) comes from a
 * seeded generator.
 */
import { anchorIds, serviceId } from '../../model/elementIds';
import type { Cluster, Pod, Protocol, Service } from '../../model/types';
import { lookupHostsFile, podHostsFile } from '../dns/hostsFile';
import { answerQuery, buildDnsZone, type DnsAnswer } from '../dns/records';
import { podResolvConf, renderResolvConf } from '../dns/resolvConf';
import { ndotsOf, searchCandidates } from '../dns/resolver';
import { lookupRoute, routeTable } from '../routing';
import { parseIPv4 } from '../netfilter/ipv4';
import { createRng } from '../rng';
import { DEFAULT_TTL, ep, send, Sim, type Arrival } from './network';
import type { Outcome, Packet, Trace, TraceOptions, TraceRequest } from './types';

export const DEFAULT_SEED = 1;

/** Linux picks ephemeral source ports from net.ipv4.ip_local_port_range, 32768–60999 by default. */
function ephemeralPort(sim: Sim): number {
  return 32768 + Math.floor(sim.rng() * (60999 - 32768 + 1));
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
function serviceFor(cluster: Cluster, ip: string): Service | undefined {
  return cluster.services.find(
    (s) => s.clusterIP === ip || s.externalIPs.includes(ip) || s.loadBalancerIPs.includes(ip),
  );
}

/**
 * Traces one request and its reply.
 * @throws TraceInputError when the request names a pod that doesn't exist or is malformed.
 */
export function trace(cluster: Cluster, request: TraceRequest, options: TraceOptions = {}): Trace {
  const mode = options.mode ?? cluster.network.proxyMode;
  const sim = new Sim(cluster, mode, createRng(options.seed ?? DEFAULT_SEED));
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
      payload:
        protocol === 'TCP' ? `TCP SYN to ${ep(request.to, port)}` : `UDP datagram to ${ep(request.to, port)}`,
    };
    sim.phase = 'request';
    const arrival = send.fromExternal(sim, packet, request.from.ip);
    return finishRequest(sim, packet, arrival, finish, { address: request.to });
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
  const port = request.port ?? svc?.ports.find((p) => p.protocol === protocol)?.port ?? 80;
  sim.phase = 'request';
  sim.now += 1;
  const packet: Packet = {
    protocol,
    src: client.podIP ?? '',
    sport: ephemeralPort(sim),
    dst: address,
    dport: port,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload:
      protocol === 'TCP'
        ? `TCP SYN: connect to ${ep(address, port)}`
        : `UDP datagram to ${ep(address, port)}`,
  };
  sim.push({
    kind: 'send',
    location: {
      ...(client.nodeName !== null ? { node: client.nodeName } : {}),
      netns: `pod:${client.namespace}/${client.name}`,
      space: 'user',
    },
    from: anchorIds.pod(client),
    at: anchorIds.pod(client),
    packet,
    before: packet,
    ...(svc ? { highlight: [serviceId(svc)] } : {}),
    caption: `${client.name} ${protocol === 'TCP' ? 'connects' : 'sends'} to ${ep(address, port)}${svc?.clusterIP === address ? `, the ClusterIP of ${svc.namespace}/${svc.name}` : ''}`,
  });
  const arrival = send.fromPod(sim, packet, client);
  return finishRequest(sim, packet, arrival, finish, { ...(name !== undefined ? { name } : {}), address });
}

/** Delivers the request (through kube-proxy in user space when the mode says so) and traces the reply. */
function finishRequest(
  sim: Sim,
  original: Packet,
  arrival: Arrival,
  finish: (outcome: Outcome, resolved?: Trace['resolved']) => Trace,
  resolved: { name?: string; address: string },
): Trace {
  if (arrival.kind === 'dropped') return finish({ status: 'dropped', reason: arrival.reason }, resolved);
  if (arrival.kind === 'external') {
    return finish(
      { status: 'dropped', reason: `${arrival.packet.dst} is outside the cluster (not modelled)` },
      resolved,
    );
  }
  if (arrival.kind === 'node-process' && arrival.proxied) {
    return userspaceLeg(sim, original, arrival, finish, resolved);
  }
  if (arrival.kind === 'node-process') {
    return finish(
      {
        status: 'dropped',
        reason: `nothing listens on ${ep(arrival.packet.dst, arrival.packet.dport)} on ${arrival.node}`,
      },
      resolved,
    );
  }
  const server = arrival.pod;
  const received = arrival.packet;
  sim.push({
    kind: 'deliver',
    location: {
      ...(server.nodeName !== null ? { node: server.nodeName } : {}),
      netns: `pod:${server.namespace}/${server.name}`,
      space: 'user',
    },
    from: anchorIds.podEth0(server),
    at: anchorIds.pod(server),
    packet: received,
    before: received,
    caption: `Delivered: ${server.name} receives the ${original.protocol === 'TCP' ? 'connection' : 'datagram'} on ${ep(received.dst, received.dport)}, from ${ep(received.src, received.sport)}`,
  });
  const backend = { ip: received.dst, port: received.dport };
  const reply = replyTo(sim, received, server);
  if (reply.kind === 'dropped')
    return finish({ status: 'dropped', reason: reply.reason }, { ...resolved, backend });
  return finish({ status: 'delivered' }, { ...resolved, backend });
}

/** The server answers; the reply walks back and conntrack undoes the NAT on the way. */
function replyTo(sim: Sim, received: Packet, server: Pod): Arrival {
  sim.phase = 'reply';
  sim.now += 1;
  const reply: Packet = {
    protocol: received.protocol,
    src: received.dst,
    sport: received.dport,
    dst: received.src,
    dport: received.sport,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload: received.protocol === 'TCP' ? 'TCP SYN-ACK' : 'UDP reply',
  };
  sim.push({
    kind: 'send',
    location: {
      ...(server.nodeName !== null ? { node: server.nodeName } : {}),
      netns: `pod:${server.namespace}/${server.name}`,
      space: 'user',
    },
    from: anchorIds.pod(server),
    at: anchorIds.pod(server),
    packet: reply,
    before: reply,
    caption: `${server.name} replies from ${ep(reply.src, reply.sport)} to ${ep(reply.dst, reply.dport)} — it never saw the ClusterIP`,
  });
  const arrival = send.fromPod(sim, reply, server);
  if (arrival.kind === 'pod') landReply(sim, arrival.pod, arrival.packet);
  return arrival;
}

function landReply(sim: Sim, client: Pod, packet: Packet): void {
  sim.push({
    kind: 'deliver',
    location: {
      ...(client.nodeName !== null ? { node: client.nodeName } : {}),
      netns: `pod:${client.namespace}/${client.name}`,
      space: 'user',
    },
    from: anchorIds.podEth0(client),
    at: anchorIds.pod(client),
    packet,
    before: packet,
    caption: `${client.name} receives the reply from ${ep(packet.src, packet.sport)}: the address it dialled`,
  });
}

/** Userspace mode: kube-proxy accepted the connection; it opens a second one from the node to a backend. */
function userspaceLeg(
  sim: Sim,
  original: Packet,
  arrival: Extract<Arrival, { kind: 'node-process' }>,
  finish: (outcome: Outcome, resolved?: Trace['resolved']) => Trace,
  resolved: { name?: string; address: string },
): Trace {
  const accepted = arrival.proxied;
  if (!accepted) throw new Error('userspaceLeg without a proxied connection');
  const node = sim.node(arrival.node);
  const at = anchorIds.nodeEth0(node.name);
  const kubeProxy = `kube-proxy:${node.name}`;
  sim.push({
    kind: 'userspace',
    location: { node: node.name, netns: `node:${node.name}`, space: 'user' },
    from: at,
    at: kubeProxy,
    packet: arrival.packet,
    before: arrival.packet,
    caption: `Kernel → user space: kube-proxy accepts the connection on ${ep(accepted.listen.ip, accepted.listen.port)} (its proxy port for ${accepted.servicePort}) — the data is copied up into the process`,
    detail: accepted.summary,
  });
  const connected = accepted.attempts.find((a) => a.ok);
  for (const attempt of accepted.attempts.filter((a) => !a.ok)) {
    sim.push({
      kind: 'userspace',
      location: { node: node.name, netns: `node:${node.name}`, space: 'user' },
      from: kubeProxy,
      at: kubeProxy,
      packet: arrival.packet,
      before: arrival.packet,
      caption: `kube-proxy's dial to ${ep(attempt.ip, attempt.port)} fails; it retries with the next endpoint — something the kernel modes cannot do`,
    });
  }
  if (!connected) {
    return finish(
      {
        status: 'dropped',
        reason: `kube-proxy could not connect to any endpoint of ${accepted.servicePort}`,
      },
      resolved,
    );
  }
  // The second connection starts in kube-proxy; the kernel picks the source address from the route.
  const route = lookupRoute(routeTable(sim.cluster, { kind: 'node', name: node.name }), connected.ip);
  const srcIp = route?.src ?? (route?.dev === node.bridge.name ? node.bridge.ip : node.internalIP);
  const second: Packet = {
    protocol: original.protocol,
    src: srcIp,
    sport: ephemeralPort(sim),
    dst: connected.ip,
    dport: connected.port,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload:
      original.protocol === 'TCP'
        ? `TCP SYN: kube-proxy connects to ${ep(connected.ip, connected.port)}`
        : 'UDP datagram',
  };
  sim.push({
    kind: 'userspace',
    location: { node: node.name, netns: `node:${node.name}`, space: 'kernel' },
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
    caption: `User space → kernel: kube-proxy opens its own connection from ${ep(second.src, second.sport)} to the pod ${ep(connected.ip, connected.port)}`,
  });
  const toBackend = send.fromNode(sim, second, node.name, 'kube-proxy');
  if (toBackend.kind !== 'pod') {
    return finish(
      {
        status: 'dropped',
        reason: toBackend.kind === 'dropped' ? toBackend.reason : 'the backend was not reached',
      },
      resolved,
    );
  }
  const server = toBackend.pod;
  sim.push({
    kind: 'deliver',
    location: {
      ...(server.nodeName !== null ? { node: server.nodeName } : {}),
      netns: `pod:${server.namespace}/${server.name}`,
      space: 'user',
    },
    from: anchorIds.podEth0(server),
    at: anchorIds.pod(server),
    packet: toBackend.packet,
    before: toBackend.packet,
    caption: `Delivered: ${server.name} receives kube-proxy's connection — from the node's address, not the client's`,
  });
  const backend = { ip: connected.ip, port: connected.port };
  const back = replyTo(sim, toBackend.packet, server);
  if (back.kind !== 'node-process') {
    return finish(
      {
        status: 'dropped',
        reason: back.kind === 'dropped' ? back.reason : 'the reply did not reach kube-proxy',
      },
      { ...resolved, backend },
    );
  }
  sim.push({
    kind: 'userspace',
    location: { node: node.name, netns: `node:${node.name}`, space: 'user' },
    from: at,
    at: kubeProxy,
    packet: back.packet,
    before: back.packet,
    caption: 'Kernel → user space again: kube-proxy reads the reply from the backend connection',
  });
  const clientReply: Packet = {
    protocol: original.protocol,
    src: arrival.packet.dst,
    sport: arrival.packet.dport,
    dst: arrival.packet.src,
    dport: arrival.packet.sport,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload: original.protocol === 'TCP' ? 'TCP SYN-ACK' : 'UDP reply',
  };
  sim.push({
    kind: 'userspace',
    location: { node: node.name, netns: `node:${node.name}`, space: 'kernel' },
    from: kubeProxy,
    at,
    packet: clientReply,
    before: back.packet,
    caption: `User space → kernel: kube-proxy copies the reply into the client's connection, from ${ep(clientReply.src, clientReply.sport)}`,
  });
  const home = send.fromNode(sim, clientReply, node.name, 'kube-proxy');
  if (home.kind !== 'pod') {
    return finish(
      {
        status: 'dropped',
        reason: home.kind === 'dropped' ? home.reason : 'the reply did not reach the client',
      },
      { ...resolved, backend },
    );
  }
  landReply(sim, home.pod, home.packet);
  return finish({ status: 'delivered' }, { ...resolved, backend });
}

// -----------------------------------------------------------------------------------------------------------
// DNS, as the pod's resolver does it

type Resolution = { kind: 'resolved'; address: string } | { kind: 'failed'; reason: string };

function resolveName(sim: Sim, client: Pod, name: string): Resolution {
  const cluster = sim.cluster;
  const where = {
    ...(client.nodeName !== null ? { node: client.nodeName } : {}),
    netns: `pod:${client.namespace}/${client.name}`,
    space: 'user' as const,
  };
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
    const arrival = send.fromPod(sim, query, client);
    if (arrival.kind !== 'pod') {
      const reason =
        arrival.kind === 'dropped'
          ? arrival.reason
          : `the nameserver ${nameserver} is outside the cluster (not modelled)`;
      return { kind: 'failed', reason: `DNS query for ${qname} failed: ${reason}` };
    }
    const server = arrival.pod;
    const answer = answerQuery(zone, qname, 'A');
    const answered = answerStep(sim, server, arrival.packet, answer);
    const back = replyDns(sim, arrival.packet, server, answered);
    if (back.kind !== 'pod') {
      return {
        kind: 'failed',
        reason: `DNS answer for ${qname} was lost: ${back.kind === 'dropped' ? back.reason : 'left the cluster'}`,
      };
    }
    const address = answer.answers.find((r) => r.type === 'A')?.data;
    if (answer.rcode === 'NOERROR' && address !== undefined) {
      sim.push({
        kind: 'deliver',
        location: where,
        from: anchorIds.podEth0(client),
        at: anchorIds.pod(client),
        packet: back.packet,
        before: back.packet,
        caption: `Receive the ClusterIP: ${qname} is ${address} (answer from ${back.packet.src}:${back.packet.sport}, the address ${client.name} asked)`,
      });
      return { kind: 'resolved', address };
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
        : `${answer.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'No A record'} for ${qname}: the resolver moves on`,
    });
  }
  return { kind: 'failed', reason: `NXDOMAIN: ${name} did not resolve (tried ${candidates.join(', ')})` };
}

function answerStep(sim: Sim, server: Pod, query: Packet, answer: DnsAnswer): Packet {
  const record = answer.answers[0];
  const packet: Packet = {
    ...query,
    payload:
      answer.answers.length > 0
        ? `DNS answer ${answer.answers.map((r) => `${r.type} ${r.data}`).join(', ')}`
        : `DNS answer ${answer.rcode}`,
  };
  sim.push({
    kind: 'dns-answer',
    location: {
      ...(server.nodeName !== null ? { node: server.nodeName } : {}),
      netns: `pod:${server.namespace}/${server.name}`,
      space: 'user',
    },
    from: anchorIds.podEth0(server),
    at: anchorIds.pod(server),
    packet,
    before: query,
    ...(record
      ? { rule: { text: `${record.name} ${record.ttl} IN ${record.type} ${record.data}`, id: record.id } }
      : {}),
    caption:
      answer.rcode === 'NOERROR' && record
        ? `CoreDNS (${server.name}) answers from its kubernetes plugin: ${record.name} ${record.type} ${record.data}`
        : `CoreDNS (${server.name}): ${answer.explanation}`,
    detail: answer.explanation,
  });
  return packet;
}

function replyDns(sim: Sim, query: Packet, server: Pod, answered: Packet): Arrival {
  sim.now += 1;
  const reply: Packet = {
    protocol: 'UDP',
    src: query.dst,
    sport: query.dport,
    dst: query.src,
    dport: query.sport,
    ttl: DEFAULT_TTL,
    mark: 0,
    payload: answered.payload,
  };
  return send.fromPod(sim, reply, server);
}
