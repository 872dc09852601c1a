import type { IpvsScheduler, ProxyMode } from './types';

/** Every kube-proxy mode kube-netviz models, in the order the UI lists them. */
export const PROXY_MODES: readonly ProxyMode[] = ['userspace', 'iptables', 'ipvs', 'nftables'];

/** kube-proxy's IPVSSchedulerMethod values (pkg/proxy/apis/config/types.go). */
export const IPVS_SCHEDULERS: readonly IpvsScheduler[] = [
  'rr',
  'wrr',
  'lc',
  'wlc',
  'lblc',
  'lblcr',
  'sh',
  'dh',
  'sed',
  'nq',
  'mh',
];
