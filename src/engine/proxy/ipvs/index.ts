/**
 * kube-proxy's IPVS mode as a dataplane: the IPVS virtual/real servers (virtualServers.ts), the ipsets and
 * the few iptables rules that stay (ruleset.ts), printed as `ipvsadm -Ln`, `ipset list`, `ip addr show
 * kube-ipvs0` and `iptables-save`, and walked by packets hook by hook.
 *
 * Where IPVS sits among the netfilter hooks (net/netfilter/ipvs/ip_vs_core.c ip_vs_ops4):
 * - LOCAL_IN, ip_vs_remote_request4 at NF_IP_PRI_NAT_SRC - 2: after the filter INPUT chain (priority 0),
 *   before nat INPUT (100). A packet to a virtual server is scheduled, DNATed (Masq) and sent on, so nat
 *   INPUT never sees it.
 * - LOCAL_OUT, ip_vs_local_request4 at NF_IP_PRI_NAT_DST + 1: after nat OUTPUT (-100), before filter
 *   OUTPUT (0), for connections the node itself opens to a service address.
 *
 * The trace engine builds a dataplane per node for every trace. Everything static (per cluster object,
 * node and scheduler) is cached in `IpvsStatic`; each dataplane starts with its own empty connection
 * table, counters at 0, fresh scheduler state and no persistence templates.
 */
import { PROXY_MODE_INFO } from '../modeInfo';
import type { Cluster, IpvsScheduler } from '../../../model/types';
import { traverse } from '../../netfilter/evaluate';
import type { RecentTable } from '../../netfilter/evaluate';
import type { Hook, Rule, Ruleset, TableName } from '../../netfilter/types';
import { renderIptablesSave } from '../../render/iptablesSave';
import type { DestinationCounters, RenderedIpvsLine } from '../../render/ipvsadm';
import {
  formatRealServerLine,
  formatVirtualServerLine,
  renderIpAddrShow,
  renderIpsetList,
  renderIpvsadmList,
  renderIpvsModeSaveRule,
} from '../../render/ipvsadm';
import { joinHostPort } from '../kubeProxyNames';
import type {
  HookContext,
  HookResult,
  NfPacket,
  NodeDataplane,
  ProxyBuildOptions,
  ProxyModeModule,
  RulesView,
  WalkedRule,
} from '../types';
import type { IpsetTable } from './ipsets';
import { buildIpvsIptablesRuleset } from './ruleset';
import type { Destination, SchedulerState } from './schedulers';
import { createSchedulerState, scheduleDestination } from './schedulers';
import type { IpvsState, IpvsVirtualServer } from './virtualServers';
import { buildIpvsState, DEFAULT_SCHEDULER, DUMMY_DEVICE, virtualServerId } from './virtualServers';

export type { IpvsRealServer, IpvsState, IpvsVirtualServer } from './virtualServers';
export { buildIpvsState } from './virtualServers';

/** Tables at each hook, in priority order; `ipvs` marks where IPVS runs (see the file comment). */
const TABLES_AT_HOOK: Readonly<Record<Hook, readonly (TableName | 'ipvs')[]>> = {
  PREROUTING: ['nat'],
  INPUT: ['filter', 'ipvs', 'nat'],
  FORWARD: ['filter'],
  OUTPUT: ['nat', 'ipvs', 'filter'],
  POSTROUTING: ['nat'],
};

interface PersistentTemplate {
  readonly destination: number;
  lastUsed: number;
}

interface ServiceRuntime {
  readonly vs: IpvsVirtualServer;
  readonly dests: Destination[];
  readonly state: SchedulerState;
  /** Persistence templates: client address → destination (ip_vs_sched_persist). */
  readonly templates: Map<string, PersistentTemplate>;
}

export interface IpvsDataplane extends NodeDataplane {
  /** The IPVS services, ipsets and kube-ipvs0 addresses the dataplane was built from. */
  readonly ipvs: IpvsState;
  /** A real server's current connection counters. */
  counters(realServerId: string): DestinationCounters;
}

/** A locally administered unicast MAC derived from the node name (the real dummy device's is random). */
function dummyMac(node: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < node.length; i++) h = Math.imul(h ^ node.charCodeAt(i), 0x01000193) >>> 0;
  const bytes = [
    0x02 | (h & 0xfc),
    (h >>> 8) & 0xff,
    (h >>> 16) & 0xff,
    (h >>> 24) & 0xff,
    node.length & 0xff,
    0x4f,
  ];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function tupleKey(p: NfPacket): string {
  return `${p.protocol} ${joinHostPort(p.src, p.sport)} ${joinHostPort(p.dst, p.dport)}`;
}

/**
 * Everything of a node's IPVS dataplane that depends only on the cluster, the node and the scheduler:
 * the IPVS services and ipsets, the remaining iptables rules, their lookup indexes and rendered texts.
 * Shared by every dataplane built from the same cluster object; holds no connection state.
 */
class IpvsStatic {
  readonly ruleset: Ruleset;
  readonly bareProtocolRules: ReadonlySet<string>;
  readonly rulesById = new Map<string, Rule>();
  private readonly textCache = new Map<string, string>();
  readonly localAddresses: readonly string[];
  readonly extraLocalAddresses: readonly { readonly ip: string; readonly device: string }[];
  readonly virtualServersById = new Map<string, IpvsVirtualServer>();
  /** Real server id → the id of its virtual server. */
  readonly virtualServerOfRealServer = new Map<string, string>();
  readonly ipsetContains: (set: string, packet: NfPacket, flags: readonly ('src' | 'dst')[]) => boolean;
  /** `ipvsadm -Ln` with every counter at 0, and where each real server's line is in it. */
  private ipvsadmAtRest?: { lines: readonly RenderedIpvsLine[]; indexOf: ReadonlyMap<string, number> };
  private staticSections?: {
    readonly ipset: readonly RenderedIpvsLine[];
    readonly ipAddr: readonly RenderedIpvsLine[];
    readonly save: readonly { readonly text: string; readonly id?: string }[];
  };
  private readonly vsLineText = new Map<string, string>();

  constructor(
    cluster: Cluster,
    readonly node: string,
    readonly ipvs: IpvsState,
  ) {
    const ipsets: IpsetTable = ipvs.ipsets;
    const built = buildIpvsIptablesRuleset(ipsets, { clusterCIDR: cluster.network.clusterCIDR || null });
    this.ruleset = built.ruleset;
    this.bareProtocolRules = built.bareProtocolRules;
    for (const table of this.ruleset.tables)
      for (const chain of table.chains) for (const rule of chain.rules) this.rulesById.set(rule.id, rule);
    this.extraLocalAddresses = ipvs.boundAddresses.map((ip) => ({ ip, device: DUMMY_DEVICE }));
    const nodeObj = cluster.nodes.find((n) => n.name === node);
    this.localAddresses = [
      ...(nodeObj ? [nodeObj.internalIP, nodeObj.bridge.ip] : []),
      ...ipvs.boundAddresses,
    ];
    for (const vs of ipvs.virtualServers) {
      this.virtualServersById.set(vs.id, vs);
      for (const rs of vs.realServers) this.virtualServerOfRealServer.set(rs.id, vs.id);
    }
    this.ipsetContains = (set, packet, flags) => ipsets.contains(set, packet, flags);
  }

  /** The rule's line as this node's iptables-save prints it. */
  text(ruleId: string): string {
    let text = this.textCache.get(ruleId);
    if (text === undefined) {
      const rule = this.rulesById.get(ruleId);
      text = rule ? renderIpvsModeSaveRule(rule, this.bareProtocolRules.has(ruleId)) : ruleId;
      this.textCache.set(ruleId, text);
    }
    return text;
  }

  virtualServerText(vs: IpvsVirtualServer): string {
    let text = this.vsLineText.get(vs.id);
    if (text === undefined) {
      text = formatVirtualServerLine(vs);
      this.vsLineText.set(vs.id, text);
    }
    return text;
  }

  /** `ipvsadm -Ln` before any connection: the listing a dataplane patches with its live counters. */
  ipvsadmListing(): { lines: readonly RenderedIpvsLine[]; indexOf: ReadonlyMap<string, number> } {
    if (!this.ipvsadmAtRest) {
      const lines = renderIpvsadmList(this.ipvs.virtualServers);
      const indexOf = new Map<string, number>();
      lines.forEach((line, i) => {
        if (line.id !== undefined && this.virtualServerOfRealServer.has(line.id)) indexOf.set(line.id, i);
      });
      this.ipvsadmAtRest = { lines, indexOf };
    }
    return this.ipvsadmAtRest;
  }

  /** The sections that do not change with traffic: `ipset list`, `ip addr show kube-ipvs0`, `iptables-save`. */
  sections(): NonNullable<IpvsStatic['staticSections']> {
    if (!this.staticSections) {
      const references = new Map<string, number>();
      for (const rule of this.rulesById.values())
        for (const m of rule.matches)
          if (m.kind === 'set') references.set(m.name, (references.get(m.name) ?? 0) + 1);
      const ipset = renderIpsetList(this.ipvs.ipsets.list(), (name) => references.get(name) ?? 0);
      const ipAddr = renderIpAddrShow({
        name: DUMMY_DEVICE,
        // lo 1, eth0 2, the bridge 3, then kube-proxy's dummy device [derived].
        index: 4,
        mac: dummyMac(this.node),
        addresses: this.ipvs.boundAddresses,
      });
      const save = renderIptablesSave(this.ruleset).map((l) =>
        l.ruleId ? { text: this.text(l.ruleId), id: l.ruleId } : { text: l.text },
      );
      this.staticSections = { ipset, ipAddr, save };
    }
    return this.staticSections;
  }
}

/** Cache of the static part per cluster object, keyed by `<node> <scheduler>`. */
const cache = new WeakMap<Cluster, Map<string, IpvsStatic>>();

function ipvsStatic(cluster: Cluster, nodeName: string, scheduler: IpvsScheduler): IpvsStatic {
  let perNode = cache.get(cluster);
  if (!perNode) {
    perNode = new Map();
    cache.set(cluster, perNode);
  }
  const key = `${nodeName} ${scheduler}`;
  let entry = perNode.get(key);
  if (!entry) {
    entry = new IpvsStatic(cluster, nodeName, buildIpvsState(cluster, nodeName, scheduler));
    perNode.set(key, entry);
  }
  return entry;
}

class IpvsNodeDataplane implements IpvsDataplane {
  readonly mode = 'ipvs' as const;
  readonly node: string;
  readonly ipvs: IpvsState;
  readonly extraLocalAddresses: readonly { readonly ip: string; readonly device: string }[];
  private readonly recent: RecentTable = new Map();
  /** Per virtual server, created when a packet first reaches it: counters, scheduler state, templates. */
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly destinationsById = new Map<string, Destination>();
  /** IPVS connection table: original tuple → (service id, destination index). */
  private readonly connections = new Map<
    string,
    { readonly service: string; readonly destination: number }
  >();

  constructor(private readonly shared: IpvsStatic) {
    this.node = shared.node;
    this.ipvs = shared.ipvs;
    this.extraLocalAddresses = shared.extraLocalAddresses;
  }

  /** The runtime of a virtual server, created (counters at 0, scheduler state empty) on first use. */
  private service(id: string): ServiceRuntime | undefined {
    let runtime = this.services.get(id);
    if (runtime === undefined) {
      const vs = this.shared.virtualServersById.get(id);
      if (vs === undefined) return undefined;
      const dests = vs.realServers.map((server) => ({ server, activeConns: 0, inactConns: 0 }));
      for (const d of dests) this.destinationsById.set(d.server.id, d);
      runtime = { vs, dests, state: createSchedulerState(), templates: new Map() };
      this.services.set(id, runtime);
    }
    return runtime;
  }

  counters(realServerId: string): DestinationCounters {
    const d = this.destinationsById.get(realServerId);
    return { activeConns: d?.activeConns ?? 0, inactConns: d?.inactConns ?? 0 };
  }

  private walked(ruleId: string, matched: boolean): WalkedRule {
    const rule = this.shared.rulesById.get(ruleId);
    return { id: ruleId, table: rule?.table, chain: rule?.chain, text: this.shared.text(ruleId), matched };
  }

  rules(): RulesView {
    const atRest = this.shared.ipvsadmListing();
    let ipvsadm = atRest.lines;
    // Only the real servers this dataplane has scheduled to can show counters other than 0.
    for (const d of this.destinationsById.values()) {
      if (d.activeConns === 0 && d.inactConns === 0) continue;
      const index = atRest.indexOf.get(d.server.id);
      if (index === undefined) continue;
      if (ipvsadm === atRest.lines) ipvsadm = [...atRest.lines];
      (ipvsadm as RenderedIpvsLine[])[index] = { text: formatRealServerLine(d.server, d), id: d.server.id };
    }
    const { ipset, ipAddr, save } = this.shared.sections();
    return {
      mode: 'ipvs',
      node: this.node,
      sections: [
        { command: 'ipvsadm -Ln', lines: ipvsadm },
        { command: 'ipset list', lines: ipset },
        { command: `ip addr show ${DUMMY_DEVICE}`, lines: ipAddr },
        { command: 'iptables-save', lines: save },
      ],
    };
  }

  hook(hook: Hook, packet: NfPacket, ctx: HookContext): HookResult {
    const walked: WalkedRule[] = [];
    const tables: string[] = [];
    let current = packet;
    let decidedBy: WalkedRule | null = null;
    let masquerade = false;
    let ipvs: HookResult['ipvs'];
    let dnat: HookResult['dnat'];
    let summary: string | undefined;
    for (const table of TABLES_AT_HOOK[hook]) {
      if (table === 'ipvs') {
        const service = this.service(virtualServerId(current.protocol, current.dst, current.dport));
        if (!service) continue;
        tables.push('ipvs');
        const picked = this.schedule(service, current, ctx);
        const vsLine: WalkedRule = {
          id: service.vs.id,
          table: 'ipvs',
          text: this.shared.virtualServerText(service.vs),
          matched: true,
        };
        if (!picked) {
          // ip_vs_leave: no destination → ICMP port unreachable to the client, packet dropped.
          return {
            hook,
            tables,
            walked,
            decidedBy: vsLine,
            verdict: 'REJECT',
            packet: current,
            summary: `IPVS: virtual server ${joinHostPort(service.vs.ip, service.vs.port)} has no real server available; the kernel answers ICMP port unreachable`,
          };
        }
        const { destination, persistent } = picked;
        const rs = destination.server;
        const rsLine: WalkedRule & { readonly ip: string; readonly port: number } = {
          id: rs.id,
          table: 'ipvs',
          text: formatRealServerLine(rs, destination),
          matched: true,
          ip: rs.ip,
          port: rs.port,
        };
        ipvs = {
          virtualServer: vsLine,
          realServer: rsLine,
          scheduler: service.vs.scheduler,
          ...(service.vs.persistentTimeout !== undefined ? { persistent: service.vs.persistentTimeout } : {}),
        };
        dnat = { ip: rs.ip, port: rs.port };
        decidedBy = rsLine;
        current = { ...current, dst: rs.ip, dport: rs.port };
        summary = `IPVS ${service.vs.scheduler}${persistent ? ' (persistent)' : ''}: ${joinHostPort(service.vs.ip, service.vs.port)} → ${joinHostPort(rs.ip, rs.port)} (Masq)`;
        // At LOCAL_IN the scheduled packet is transmitted straight away (ip_vs_nat_xmit): the rest of INPUT is skipped.
        if (hook === 'INPUT') break;
        continue;
      }
      if (table === 'nat' && ctx.conntrack.state !== 'NEW') continue;
      tables.push(table);
      const result = traverse(this.shared.ruleset, table, hook, current, {
        localAddresses: this.shared.localAddresses,
        rng: ctx.rng,
        recent: this.recent,
        now: ctx.now,
        conntrack: ctx.conntrack,
        ipsetContains: this.shared.ipsetContains,
      });
      for (const step of result.steps) walked.push(this.walked(step.ruleId, step.matched));
      current = result.packet;
      if (result.decidedBy !== null) decidedBy = this.walked(result.decidedBy, true);
      if (result.masquerade) masquerade = true;
      if (result.verdict !== 'ACCEPT') {
        return { hook, tables, walked, decidedBy, verdict: result.verdict, packet: current };
      }
    }
    return {
      hook,
      tables,
      walked,
      decidedBy,
      verdict: 'ACCEPT',
      packet: current,
      ...(dnat ? { dnat } : {}),
      ...(masquerade ? { masquerade } : {}),
      ...(ipvs ? { ipvs } : {}),
      ...(summary ? { summary } : {}),
    };
  }

  /**
   * ip_vs_in for one packet: an existing IPVS connection keeps its destination; a new one goes through the
   * persistence template (ip_vs_sched_persist) or the scheduler (ip_vs_schedule), and the destination's
   * counters count it (TCP/SCTP as active — they reach ESTABLISHED — UDP as inactive, as ipvsadm shows them).
   */
  private schedule(
    service: ServiceRuntime,
    packet: NfPacket,
    ctx: HookContext,
  ): { destination: Destination; persistent: boolean } | null {
    const key = tupleKey(packet);
    const existing = this.connections.get(key);
    if (ctx.conntrack.state !== 'NEW' && existing && existing.service === service.vs.id) {
      const destination = service.dests[existing.destination];
      if (destination) return { destination, persistent: false };
    }
    let index = -1;
    let persistent = false;
    const timeout = service.vs.persistentTimeout;
    if (timeout !== undefined) {
      const template = service.templates.get(packet.src);
      const d = template ? service.dests[template.destination] : undefined;
      if (template && d && d.server.weight > 0 && ctx.now - template.lastUsed <= timeout) {
        index = template.destination;
        persistent = true;
        template.lastUsed = ctx.now;
      }
    }
    if (index < 0) {
      index = scheduleDestination(service.vs.scheduler, service.dests, service.state, {
        src: packet.src,
        sport: packet.sport,
        dst: packet.dst,
      });
      if (index < 0) return null;
      if (timeout !== undefined) service.templates.set(packet.src, { destination: index, lastUsed: ctx.now });
    }
    const destination = service.dests[index];
    if (!destination) return null;
    if (packet.protocol === 'UDP') destination.inactConns += 1;
    else destination.activeConns += 1;
    this.connections.set(key, { service: service.vs.id, destination: index });
    return { destination, persistent };
  }
}

/** Builds the IPVS-mode dataplane of one node. */
export function buildIpvsDataplane(
  cluster: Cluster,
  nodeName: string,
  options: ProxyBuildOptions = {},
): IpvsDataplane {
  const scheduler: IpvsScheduler =
    options.ipvsScheduler ?? cluster.network.ipvsScheduler ?? DEFAULT_SCHEDULER;
  return new IpvsNodeDataplane(ipvsStatic(cluster, nodeName, scheduler));
}

export const ipvsMode: ProxyModeModule = {
  mode: 'ipvs',
  followsVersion: PROXY_MODE_INFO.ipvs.followsVersion,
  status: PROXY_MODE_INFO.ipvs.status,
  build: (cluster, nodeName, options) => buildIpvsDataplane(cluster, nodeName, options),
};
