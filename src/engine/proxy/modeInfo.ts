/**
 * What the UI says about each kube-proxy mode without loading its rules engine. Sources: userspace removed
 * in v1.26 (kubernetes/kubernetes PR #112133); iptables the default since v1.2; IPVS GA in v1.11, deprecated in
 * v1.35 (PR #134539, KEP-5495); nftables GA in v1.33 (KEP-3866).
 */
import type { ProxyMode } from '../../model/types';

export interface ProxyModeInfo {
  /** The kube-proxy release whose behaviour kube-netviz follows for this mode. */
  readonly followsVersion: string;
  /** Lifecycle in plain words. */
  readonly status: string;
  /** A short badge for tight spaces. */
  readonly badge: string;
}

export const PROXY_MODE_INFO: Readonly<Record<ProxyMode, ProxyModeInfo>> = {
  userspace: {
    followsVersion: 'v1.25',
    status: 'removed in Kubernetes v1.26 (kube-proxy --mode userspace now fails)',
    badge: 'removed in v1.26',
  },
  iptables: { followsVersion: 'v1.33', status: 'the default mode on Linux since v1.2', badge: 'default' },
  ipvs: {
    followsVersion: 'v1.33',
    status: 'GA since v1.11; deprecated in v1.35 (kube-proxy warns at start-up and recommends nftables)',
    badge: 'deprecated in v1.35',
  },
  nftables: {
    followsVersion: 'v1.33',
    status: 'GA since v1.33; iptables stays the default',
    badge: 'GA in v1.33',
  },
};

export { PROXY_MODES } from '../../model/constants';
