/** The CNI plugins kube-netviz can run, by type (the binary names a runtime finds in CNI_PATH). */
import { bandwidthPlugin } from './bandwidth';
import { bridgePlugin } from './bridge';
import { hostLocalPlugin } from './hostLocal';
import type { CniPlugin } from './plugin';
import { portmapPlugin } from './portmap';

export const CNI_PLUGINS: ReadonlyMap<string, CniPlugin> = new Map(
  [bridgePlugin, hostLocalPlugin, portmapPlugin, bandwidthPlugin].map((p) => [p.type, p]),
);

export type { CniPlugin, PluginContext, PluginOutcome } from './plugin';
