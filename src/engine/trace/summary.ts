/** Figures that compare one request across kube-proxy modes. */
import type { Trace } from './types';

export interface TraceSummary {
  readonly steps: number;
  /** Moves between devices: veth, bridge, wire, router. */
  readonly hops: number;
  /** Copies between kernel and user space by kube-proxy (userspace mode's cost; 0 in the kernel modes). */
  readonly kernelUserCopies: number;
  /** Rules (iptables/nft lines, IPVS entries) evaluated across every netfilter step. */
  readonly rulesEvaluated: number;
  /** Address rewrites on the way (DNAT, SNAT, REDIRECT, IPVS, conntrack's reverse NAT). */
  readonly rewrites: number;
  /** Extra connection attempts kube-proxy made after a failed one (only userspace retries). */
  readonly retries: number;
}

const HOP_KINDS = new Set(['veth', 'bridge', 'wire', 'router']);

export function summarizeTrace(t: Trace): TraceSummary {
  let hops = 0;
  let copies = 0;
  let rules = 0;
  let rewrites = 0;
  let retries = 0;
  for (const s of t.steps) {
    if (HOP_KINDS.has(s.kind)) hops += 1;
    if (s.kind === 'userspace') {
      if (s.retry === true) retries += 1;
      else copies += 1;
    }
    if (s.kind === 'netfilter' || s.kind === 'ipvs' || (s.kind === 'drop' && s.walked))
      rules += s.walked?.length ?? 0;
    if (s.rewrite) rewrites += 1;
  }
  return { steps: t.steps.length, hops, kernelUserCopies: copies, rulesEvaluated: rules, rewrites, retries };
}
