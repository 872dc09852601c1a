/**
 * The `bandwidth` plugin (containernetworking/plugins plugins/meta/bandwidth, README): a chained plugin that
 * shapes traffic with a token-bucket filter — ingress on the host veth, egress through an ifb device — from
 * `runtimeConfig.bandwidth` (the runtime fills it from the pod annotations kubernetes.io/ingress-bandwidth and
 * kubernetes.io/egress-bandwidth: containerd CRI cniNamespaceOpts → toCNIBandWidth). Without rates it changes nothing and passes prevResult on.
 */
import type { CniPlugin } from './plugin';

export const bandwidthPlugin: CniPlugin = {
  type: 'bandwidth',
  add(ctx) {
    const rc = ctx.stdin.runtimeConfig as { bandwidth?: unknown } | undefined;
    if (rc?.bandwidth === undefined) {
      return {
        actions: [
          'no runtimeConfig.bandwidth (the pod has no bandwidth annotations): no tc qdisc, no ifb device',
          'prints prevResult unchanged',
        ],
        ...(ctx.prevResult ? { result: ctx.prevResult } : {}),
      };
    }
    return {
      actions: [
        `adds a tbf qdisc on ${ctx.pod.hostVeth ?? 'the host veth'} and an ifb device for the egress limit`,
        'prints prevResult unchanged',
      ],
      ...(ctx.prevResult ? { result: ctx.prevResult } : {}),
    };
  },
  del() {
    return {
      actions: ['deletes the ifb device it would have created (none here); a missing device is not an error'],
    };
  },
};
