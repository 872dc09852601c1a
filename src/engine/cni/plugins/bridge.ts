/**
 * The `bridge` plugin (containernetworking/plugins plugins/main/bridge, README): ensures the host bridge,
 * creates a veth pair with one end in the container's netns named CNI_IFNAME and the other attached to the
 * bridge, runs the IPAM plugin named in `ipam` (with the same stdin — delegation), puts the address and routes
 * on the container end, and with `isGateway` gives the bridge the gateway address so it routes for the pods
 * (and turns on ip_forward). `hairpinMode` lets a packet leave and re-enter the same bridge port (a pod reaching
 * itself through its Service). `ipMasq: false` adds no SNAT rule. The bridge's default name is `cni0`.
 */
import type { CniResult } from '../types';
import { macAddress } from '../ids';
import { hostLocalPlugin } from './hostLocal';
import { internalError, type CniPlugin, type DelegatedRun } from './plugin';

/** IPAM plugins the bridge can delegate to (only host-local is modelled). */
const IPAM_PLUGINS = new Map([[hostLocalPlugin.type, hostLocalPlugin]]);

export const bridgePlugin: CniPlugin = {
  type: 'bridge',
  add(ctx) {
    const { conf, node, pod } = ctx;
    const bridge = conf.bridge ?? 'cni0';
    const hostVeth = pod.hostVeth ?? 'veth0';
    const actions: string[] = [
      `ensures the bridge ${bridge} exists on ${node.name} and is up`,
      `creates a veth pair in the pod's netns ${ctx.netns}: one end named ${ctx.ifName}, the other ${hostVeth}`,
      `moves ${hostVeth} into the host namespace and attaches it to ${bridge}${conf.hairpinMode === true ? ' with hairpin mode on' : ''}`,
    ];
    const ipamType = conf.ipam?.type;
    const delegated: DelegatedRun[] = [];
    let ipam: CniResult | undefined;
    if (ipamType !== undefined) {
      const plugin = IPAM_PLUGINS.get(ipamType);
      if (!plugin) {
        // invoke.DelegateAdd looks the IPAM binary up in CNI_PATH; the plain error becomes code 999.
        const msg = `failed to find plugin "${ipamType}" in path [/opt/cni/bin]`;
        return {
          actions: [...actions, `fails: ${msg}`],
          error: internalError(ctx.network.cniVersion, msg),
        };
      }
      actions.push(`executes the IPAM plugin ${ipamType} with the same stdin (delegation)`);
      const run = plugin.add(ctx);
      delegated.push({ plugin: ipamType, ...run });
      // A *types.Error from the delegate is passed on unchanged (skel: "don't wrap Error in Error").
      if (run.error) return { actions: [...actions, `fails: ${run.error.msg}`], error: run.error, delegated };
      ipam = run.result;
    }
    const ips = ipam?.ips ?? [];
    const gateway = ips[0]?.gateway;
    const routes = ipam?.routes ?? [];
    actions.push(
      `sets ${ips.map((ip) => ip.address).join(', ') || 'no address'} on ${ctx.ifName} inside the pod`,
      ...routes.map(
        (r) =>
          `adds the route ${r.dst === '0.0.0.0/0' ? 'default' : r.dst} via ${r.gw ?? gateway ?? '?'} dev ${ctx.ifName} inside the pod`,
      ),
    );
    if (conf.isGateway === true && gateway !== undefined) {
      actions.push(
        `isGateway: gives ${bridge} the gateway address ${gateway}${ips[0] ? `/${ips[0].address.split('/')[1] ?? ''}` : ''} and enables net.ipv4.ip_forward`,
      );
    }
    actions.push(
      conf.ipMasq === true
        ? `ipMasq: adds SNAT rules for traffic from ${ips[0]?.address ?? 'the pod'} leaving the pod network`
        : 'ipMasq is false: no SNAT rule (the node network routes pod addresses)',
    );
    const result: CniResult = {
      cniVersion: ctx.network.cniVersion,
      interfaces: [
        { name: bridge, mac: macAddress(`bridge:${node.name}`) },
        { name: hostVeth, mac: macAddress(`host:${pod.namespace}/${pod.name}`) },
        { name: ctx.ifName, mac: macAddress(`pod:${pod.namespace}/${pod.name}`), sandbox: ctx.netns },
      ],
      // The container interface is index 2.
      ips: ips.map((ip) => ({ ...ip, interface: 2 })),
      routes,
      dns: ipam?.dns ?? {},
    };
    return { actions, result, delegated };
  },
  del(ctx) {
    const ipamType = ctx.conf.ipam?.type;
    const delegated: DelegatedRun[] = [];
    const actions: string[] = [];
    if (ipamType !== undefined) {
      actions.push(
        `executes the IPAM plugin ${ipamType} with DEL first, so the address is released even if the netns is gone`,
      );
      const plugin = IPAM_PLUGINS.get(ipamType);
      if (plugin) delegated.push({ plugin: ipamType, ...plugin.del(ctx) });
    }
    actions.push(
      `deletes ${ctx.ifName} inside ${ctx.netns}: deleting one end of a veth pair deletes the other (${ctx.pod.hostVeth ?? 'the host end'}), which leaves ${ctx.conf.bridge ?? 'cni0'}`,
      ctx.conf.ipMasq === true
        ? 'removes its SNAT rules for the pod'
        : 'ipMasq is false: no SNAT rules to remove',
      `leaves the bridge ${ctx.conf.bridge ?? 'cni0'} in place for the node's other pods`,
    );
    return { actions, delegated };
  },
};
