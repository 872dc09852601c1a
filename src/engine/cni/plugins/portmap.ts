/**
 * The `portmap` plugin (containernetworking/plugins plugins/meta/portmap, README): a chained plugin that
 * implements hostPort with iptables DNAT (the CNI-HOSTPORT-DNAT chain) from `runtimeConfig.portMappings`,
 * which the runtime injects because the plugin declares `capabilities: {portMappings: true}` — containerd
 * only when the pod has hostPorts. With no mappings it changes nothing and passes prevResult on (portmap
 * cmdAdd: `if len(netConf.RuntimeConfig.PortMaps) == 0` → PrintResult(prevResult)).
 */
import type { CniPlugin } from './plugin';

interface PortMapping {
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: string;
}

function mappings(stdin: Readonly<Record<string, unknown>>): readonly PortMapping[] {
  const rc = stdin.runtimeConfig as { portMappings?: readonly PortMapping[] } | undefined;
  return rc?.portMappings ?? [];
}

export const portmapPlugin: CniPlugin = {
  type: 'portmap',
  add(ctx) {
    const maps = mappings(ctx.stdin);
    if (maps.length === 0) {
      return {
        actions: [
          'no runtimeConfig.portMappings (no container declares a hostPort, so the runtime passes none): nothing to map',
          'prints prevResult unchanged',
        ],
        ...(ctx.prevResult ? { result: ctx.prevResult } : {}),
      };
    }
    return {
      actions: [
        ...maps.map(
          (m) =>
            `adds a DNAT rule in CNI-HOSTPORT-DNAT: ${m.protocol} hostPort ${m.hostPort} → ${ctx.pod.podIP ?? ''}:${m.containerPort}`,
        ),
        'prints prevResult unchanged',
      ],
      ...(ctx.prevResult ? { result: ctx.prevResult } : {}),
    };
  },
  del(ctx) {
    return {
      actions: [
        `removes the iptables chains it made for container ${ctx.containerId.slice(0, 12)}… (none: there were no port mappings)`,
      ],
    };
  },
};
