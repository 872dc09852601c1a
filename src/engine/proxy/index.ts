/** Every kube-proxy mode, registered by name: one module per mode, the same interface. */
import type { ProxyMode } from '../../model/types';
import { iptablesMode } from './iptables';
import { ipvsMode } from './ipvs';
import { nftablesMode } from './nftables';
import type { ProxyModeModule } from './types';
import { userspaceMode } from './userspace';

const modules: Record<ProxyMode, ProxyModeModule> = {
  userspace: userspaceMode,
  iptables: iptablesMode,
  ipvs: ipvsMode,
  nftables: nftablesMode,
};

export const PROXY_MODES: readonly ProxyMode[] = ['userspace', 'iptables', 'ipvs', 'nftables'];

export function proxyModeModule(mode: ProxyMode): ProxyModeModule {
  return modules[mode];
}
