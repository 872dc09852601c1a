/**
 * Explorer panels: larger views a scenario (or a button) opens over the topology — the Service registration
 * story, a CNI ADD/DEL run, the DNS records browser, the plugin table, the scale chart, IPAM. Each is loaded
 * on first use; the store's `panel` says which one is open (`openPanel`).
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { PanelId } from '../../scenarios/catalog';

export interface PanelProps {
  /** Closes the panel (the host does the same on Escape). */
  readonly onClose: () => void;
}

export interface PanelEntry {
  /** The dialog's title (and accessible name). */
  readonly title: string;
  /** Extra class on the dialog, for its size. */
  readonly className?: string;
  readonly load: () => Promise<{ default: ComponentType<PanelProps> }>;
}

/** Every panel that exists so far; a panel id without an entry cannot be opened. */
export const PANELS: Partial<Record<PanelId, PanelEntry>> = {
  // — registration panels —
  registration: {
    title: 'Service registration',
    className: 'nv-reg-dialog',
    load: () => import('../registration/RegistrationPanel'),
  },
  // — cni panels —
  cni: {
    title: 'CNI: a pod gets its network (ADD / DEL)',
    load: () => import('../cni/CniPanel'),
  },
  // — dns panels —
  dns: { title: 'DNS for Services and Pods', className: 'dns-dialog', load: () => import('../dns/DnsPanel') },
  // — docker0 panels —
  ipam: { title: 'IPAM: addresses per node and ClusterIPs', load: () => import('./ipam/IpamPanel') },
  plugins: { title: 'CNI plugins compared', load: () => import('./plugins/PluginsPanel') },
  scale: { title: 'kube-proxy at scale: rules written and walked', load: () => import('./scale/ScalePanel') },
};

const lazyPanels = new Map<PanelId, LazyExoticComponent<ComponentType<PanelProps>>>();

/** The lazy component of a panel (one per id, so React keeps its state). */
export function lazyPanel(id: PanelId): LazyExoticComponent<ComponentType<PanelProps>> | null {
  const entry = PANELS[id];
  if (!entry) return null;
  let component = lazyPanels.get(id);
  if (!component) {
    component = lazy(entry.load);
    lazyPanels.set(id, component);
  }
  return component;
}
