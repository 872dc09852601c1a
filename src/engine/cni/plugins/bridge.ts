/**
 * The `bridge` plugin (containernetworking/plugins plugins/main/bridge, README): ensures the host bridge,
 * creates a veth pair with one end in the container's netns named CNI_IFNAME and the other attached to the
 * bridge (pkg/ip/link_linux.go: made from inside the container's netns, the peer created in the host's),
 * runs the IPAM plugin named in `ipam` (with the same stdin — delegation), puts the address and routes
 * on the container end, and with `isGateway` gives the bridge the gateway address so it routes for the pods
 * (and turns on ip_forward). `hairpinMode` lets a packet leave and re-enter the same bridge port (a pod reaching
 * itself through its Service). `ipMasq: false` adds no SNAT rule. The bridge's default name is `cni0`.
 */
import type { CniEffect, CniResult } from '../types';
import { macAddress } from '../ids';
import { hostLocalPlugin } from './hostLocal';
import { internalError, type CniPlugin, type DelegatedRun } from './plugin';

/** IPAM plugins the bridge can delegate to (only host-local is modelled). */
const IPAM_PLUGINS = new Map([[hostLocalPlugin.type, hostLocalPlugin]]);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const bridgePlugin: CniPlugin = {
  type: 'bridge',
  add(ctx) {
    const { conf, node, pod } = ctx;
    const bridge = conf.bridge ?? 'cni0';
    const hostVeth = pod.hostVeth ?? 'veth0';
    const actions: string[] = [];
    const effects: CniEffect[] = [];
    const act = (text: string, effect?: DistributiveOmit<CniEffect, 'action'>) => {
      if (effect) effects.push({ ...effect, action: actions.length } as CniEffect);
      actions.push(text);
    };
    act(`ensures the bridge ${bridge} exists on ${node.name} and is up`, { kind: 'bridge-up', bridge });
    // pkg/ip/link_linux.go makeVethPair: called inside the container's netns, one netlink request makes the
    // pair with the container end named CNI_IFNAME and the peer created straight in the host's netns
    // (PeerNamespace); the peer's name is "veth" + 8 random hex digits (RandomVethName).
    act(
      `creates a veth pair from inside the pod's netns: one end, named ${ctx.ifName}, stays in the pod; the other, ${hostVeth}, is created in the host namespace`,
      { kind: 'veth-created', ifName: ctx.ifName, hostVeth },
    );
    act(
      `attaches ${hostVeth} to ${bridge} and sets it up${conf.hairpinMode === true ? ', with hairpin mode on' : ''}`,
      { kind: 'veth-attached', hostVeth, bridge, hairpin: conf.hairpinMode === true },
    );
    const ipamType = conf.ipam?.type;
    const delegated: DelegatedRun[] = [];
    let ipam: CniResult | undefined;
    if (ipamType !== undefined) {
      const plugin = IPAM_PLUGINS.get(ipamType);
      if (!plugin) {
        // invoke.DelegateAdd looks the IPAM binary up in CNI_PATH; the plain error becomes code 999.
        const msg = `failed to find plugin "${ipamType}" in path [/opt/cni/bin]`;
        act(`fails: ${msg}`);
        return { actions, effects, error: internalError(ctx.network.cniVersion, msg) };
      }
      act(`executes the IPAM plugin ${ipamType} with the same stdin (delegation)`, {
        kind: 'delegate',
        plugin: ipamType,
      });
      const run = plugin.add(ctx);
      delegated.push({ plugin: ipamType, ...run });
      // A *types.Error from the delegate is passed on unchanged (skel: "don't wrap Error in Error").
      if (run.error) {
        act(`fails: ${run.error.msg}`);
        return { actions, effects, error: run.error, delegated };
      }
      ipam = run.result;
    }
    const ips = ipam?.ips ?? [];
    const gateway = ips[0]?.gateway;
    const routes = ipam?.routes ?? [];
    // ipam.ConfigureIface: the addresses, then the routes, on the container interface.
    for (const ip of ips) {
      act(`sets ${ip.address} on ${ctx.ifName} inside the pod`, {
        kind: 'address-set',
        ifName: ctx.ifName,
        address: ip.address,
      });
    }
    if (ips.length === 0) act(`sets no address on ${ctx.ifName}`);
    for (const r of routes) {
      const gw = r.gw ?? gateway ?? '?';
      act(
        `adds the route ${r.dst === '0.0.0.0/0' ? 'default' : r.dst} via ${gw} dev ${ctx.ifName} inside the pod`,
        { kind: 'route-added', ifName: ctx.ifName, dst: r.dst, gw },
      );
    }
    if (conf.isGateway === true && gateway !== undefined) {
      const address = `${gateway}${ips[0] ? `/${ips[0].address.split('/')[1] ?? ''}` : ''}`;
      act(`isGateway: gives ${bridge} the gateway address ${address} and enables net.ipv4.ip_forward`, {
        kind: 'bridge-gateway',
        bridge,
        address,
      });
    }
    act(
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
    return { actions, effects, result, delegated };
  },
  del(ctx) {
    const ipamType = ctx.conf.ipam?.type;
    const bridge = ctx.conf.bridge ?? 'cni0';
    const hostVeth = ctx.pod.hostVeth ?? 'veth0';
    const delegated: DelegatedRun[] = [];
    const actions: string[] = [];
    const effects: CniEffect[] = [];
    // bridge cmdDel: the link inside the netns goes first, then ipam.ExecDel ("call ipam.ExecDel after
    // clean up device in netns", plugins #702, v1.1.1), then the masquerade rules.
    effects.push({ action: actions.length, kind: 'veth-deleted', ifName: ctx.ifName, hostVeth });
    actions.push(
      `deletes ${ctx.ifName} inside ${ctx.netns}: deleting one end of a veth pair deletes the other (${hostVeth}), which leaves ${bridge}`,
    );
    if (ipamType !== undefined) {
      effects.push({ action: actions.length, kind: 'delegate', plugin: ipamType });
      actions.push(
        `executes the IPAM plugin ${ipamType} with DEL (after the device is gone, so the address cannot be handed out while still in use)`,
      );
      const plugin = IPAM_PLUGINS.get(ipamType);
      if (plugin) delegated.push({ plugin: ipamType, ...plugin.del(ctx) });
    }
    actions.push(
      ctx.conf.ipMasq === true
        ? 'removes its SNAT rules for the pod'
        : 'ipMasq is false: no SNAT rules to remove',
      `leaves the bridge ${bridge} in place for the node's other pods`,
    );
    return { actions, effects, delegated };
  },
};
