/** Small formatting helpers shared by the playback panels. */
import type { ConntrackEntry, Phase, Step } from '../../engine/trace';

export const PHASE_LABEL: Record<Phase, string> = { dns: 'DNS', request: 'request', reply: 'reply' };

export const PHASES: readonly Phase[] = ['dns', 'request', 'reply'];

export function endpoint(ip: string, port: number): string {
  return port > 0 ? `${ip}:${port}` : ip;
}

export function hexMark(mark: number): string {
  return `0x${mark.toString(16)}`;
}

/** Where a step happens, in words: `node-1 · pod default/client · eth0`. */
export function whereOf(step: Step): string {
  const { node, netns, device, space } = step.location;
  const parts: string[] = [];
  if (node !== undefined) parts.push(node);
  if (netns.startsWith('pod:')) parts.push(netns.slice(4));
  else if (netns === 'router') parts.push('router');
  else if (node === undefined) parts.push(netns.replace(/^node:/, ''));
  if (device !== undefined) parts.push(device);
  if (space === 'user') parts.push('user space');
  return parts.join(' · ');
}

const PROTOCOL_NUMBER: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132 };

/**
 * One conntrack entry as `conntrack -L` prints it. Timeouts are the counters of a fresh entry: TCP
 * SYN_SENT 120 s (nf_conntrack_tcp_timeout_syn_sent), TCP ESTABLISHED 86400 s (kube-proxy's
 * --conntrack-tcp-timeout-established default of 24h), UDP 30 s (nf_conntrack_udp_timeout).
 */
export function conntrackLine(e: ConntrackEntry): string {
  const proto = e.protocol.toLowerCase();
  const number = PROTOCOL_NUMBER[e.protocol] ?? 0;
  const tcp = e.protocol === 'TCP';
  const timeout = tcp ? (e.state === 'NEW' ? 120 : 86400) : 30;
  const state = tcp ? (e.state === 'NEW' ? 'SYN_SENT ' : 'ESTABLISHED ') : '';
  const unreplied = e.state === 'NEW' ? '[UNREPLIED] ' : '';
  const assured = tcp && e.state === 'ESTABLISHED' ? ' [ASSURED]' : '';
  const o = e.original;
  const r = e.reply;
  return (
    `${proto.padEnd(8)} ${number} ${timeout} ${state}` +
    `src=${o.src.ip} dst=${o.dst.ip} sport=${o.src.port} dport=${o.dst.port} ${unreplied}` +
    `src=${r.src.ip} dst=${r.dst.ip} sport=${r.src.port} dport=${r.dst.port}${assured} mark=0 use=1`
  );
}

/** The short lifecycle badge for a proxy mode, from its module's status sentence. */
export function modeBadge(status: string): string {
  const removed = /removed in (?:Kubernetes )?(v[\d.]+)/.exec(status);
  if (removed) return `removed in ${removed[1]}`;
  const deprecated = /deprecated in (v[\d.]+)/.exec(status);
  if (deprecated) return `deprecated in ${deprecated[1]}`;
  const ga = /GA since (v[\d.]+)/.exec(status);
  if (ga) return `GA in ${ga[1]}`;
  if (/default/.test(status)) return 'default';
  return status;
}
