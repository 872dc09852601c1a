/**
 * Every kube-proxy mode, registered by name: one module per mode, the same interface. iptables (the default
 * on Linux) is always here; the others load on demand (`loadProxyMode`) so the app's first picture does not
 * carry four rule engines. Node programs and tests that want them all import `./all`.
 */
import type { ProxyMode } from '../../model/types';
import { iptablesMode } from './iptables';
import type { ProxyModeModule } from './types';

const modules = new Map<ProxyMode, ProxyModeModule>([['iptables', iptablesMode]]);

export { PROXY_MODES } from './modeInfo';

const loaders: Record<ProxyMode, () => Promise<ProxyModeModule>> = {
  iptables: () => Promise.resolve(iptablesMode),
  userspace: () => import('./userspace').then((m) => m.userspaceMode),
  ipvs: () => import('./ipvs').then((m) => m.ipvsMode),
  nftables: () => import('./nftables').then((m) => m.nftablesMode),
};

export class ProxyModeNotLoadedError extends Error {
  override name = 'ProxyModeNotLoadedError';
}

export function registerProxyMode(module: ProxyModeModule): void {
  modules.set(module.mode, module);
}

export function isProxyModeLoaded(mode: ProxyMode): boolean {
  return modules.has(mode);
}

/** Loads (once) and registers a mode's module. */
export async function loadProxyMode(mode: ProxyMode): Promise<ProxyModeModule> {
  const loaded = modules.get(mode);
  if (loaded) return loaded;
  const module = await loaders[mode]();
  registerProxyMode(module);
  return module;
}

/** A registered mode; throws when it has not been loaded yet (see `loadProxyMode`). */
export function proxyModeModule(mode: ProxyMode): ProxyModeModule {
  const module = modules.get(mode);
  if (!module) throw new ProxyModeNotLoadedError(`kube-proxy mode ${mode} is not loaded yet`);
  return module;
}
