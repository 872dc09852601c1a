/** Every kube-proxy mode, registered by name: one module per mode, the same interface. */
import type { ProxyMode } from '../../model/types';
import { iptablesMode } from './iptables';
import { ipvsMode } from './ipvs';
import type { ProxyModeModule } from './types';
import { userspaceMode } from './userspace';

const modules: Partial<Record<ProxyMode, ProxyModeModule>> = {
  userspace: userspaceMode,
  iptables: iptablesMode,
  ipvs: ipvsMode,
};

export const PROXY_MODES: readonly ProxyMode[] = ['userspace', 'iptables', 'ipvs', 'nftables'];

export function proxyModeModule(mode: ProxyMode): ProxyModeModule {
  const module = modules[mode];
  if (!module) throw new Error(`kube-proxy mode ${mode} is not available yet`);
  return module;
}
