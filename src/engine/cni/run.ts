/**
 * `cniAdd` / `cniDel`: what the container runtime (containerd, through libcni) does to give a pod its
 * network, plugin by plugin, as data. Spec 1.1.0 (containernetworking/cni SPEC.md): ADD runs the list's
 * plugins in order and stops at the first error, each after the first receiving the previous result as
 * `prevResult`; DEL runs them in REVERSE order, each with prevResult = the ADD's final result. The runtime
 * injects `cniVersion` and `name` into each plugin's config, adds `runtimeConfig` for the capabilities the
 * plugin declares (and drops `capabilities`).
 */
import type { Cluster, Node, Pod } from '../../model/types';
import { netnsPath, podUid, sandboxId } from './ids';
import { CNI_PLUGINS } from './plugins';
import type { PluginContext } from './plugins';
import type {
  CniCommand,
  CniError,
  CniResult,
  CniRun,
  CniStep,
  NetworkConfigList,
  PluginConfig,
  PluginStdin,
} from './types';

/** Where kubelet/containerd look for plugin binaries (containerd's default `bin_dir`). */
export const CNI_PATH = '/opt/cni/bin';
export const CNI_VERSION = '1.1.0';
/** What the 1.1.0 reference plugins answer to VERSION (spec, VERSION). */
export const SUPPORTED_CNI_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];

/**
 * The kubenet-like network of a node: bridge `cbr0` as the pods' gateway, no masquerading, hairpin on,
 * host-local over the node's podCIDR with a default route, then portmap and bandwidth chained
 * (pkg/kubelet/dockershim/network/kubenet wrote the same bridge/host-local pair with network name `kubenet`).
 */
export function kubenetConfig(cluster: Cluster, node: Node): NetworkConfigList {
  return {
    cniVersion: CNI_VERSION,
    name: 'kubenet',
    plugins: [
      {
        type: 'bridge',
        bridge: cluster.network.bridgeName,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: node.podCIDR }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'bandwidth', capabilities: { bandwidth: true } },
    ],
  };
}

export interface CniOptions {
  /** CNI_IFNAME; kubelet always asks for `eth0`. */
  readonly ifName?: string;
  /** DEL only: the cached ADD result (default: the result of running ADD now). */
  readonly prevResult?: CniResult;
}

/** libcni pkg/utils ValidateInterfaceName: code 4 (invalid environment variables). */
export function validateInterfaceName(ifName: string, cniVersion = CNI_VERSION): CniError | null {
  const error = (msg: string, details?: string): CniError => ({
    cniVersion,
    code: 4,
    msg,
    ...(details !== undefined ? { details } : {}),
  });
  if (ifName.length === 0) return error('interface name is empty');
  // IFNAMSIZ is 16 including the terminating NUL: at most 15 characters.
  if (ifName.length > 15)
    return error('interface name is too long', 'interface name should be less than 16 characters');
  if (ifName === '.' || ifName === '..') return error('interface name is . or ..');
  if (/[/:\s]/.test(ifName)) return error('interface name contains / or : or whitespace characters');
  return null;
}

/** libcni ValidateNetworkName and skel's version check: codes 7 and 1. */
function validateNetwork(network: NetworkConfigList): { raisedBy: string; error: CniError } | null {
  const cniVersion = network.cniVersion;
  if (network.name === '') {
    return { raisedBy: 'runtime', error: { cniVersion, code: 7, msg: 'missing network name:' } };
  }
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(network.name)) {
    return {
      raisedBy: 'runtime',
      error: { cniVersion, code: 7, msg: 'invalid characters found in network name', details: network.name },
    };
  }
  if (network.plugins.length === 0) {
    // libcni's ConfListFromBytes rejects it before any plugin runs: a Go error, no code.
    return {
      raisedBy: 'runtime',
      error: { cniVersion, msg: 'error parsing configuration list: no plugins in list' },
    };
  }
  return null;
}

function versionError(network: NetworkConfigList, plugin: string): CniError | null {
  if (SUPPORTED_CNI_VERSIONS.includes(network.cniVersion)) return null;
  return {
    cniVersion: network.cniVersion,
    code: 1,
    msg: 'incompatible CNI versions',
    details: `config is "${network.cniVersion}", plugin ${plugin} supports [${SUPPORTED_CNI_VERSIONS.map((v) => `"${v}"`).join(' ')}]`,
  };
}

/** The stdin libcni builds for one plugin (libcni buildOneConfig / injectRuntimeConfig). */
function pluginStdin(
  network: NetworkConfigList,
  conf: PluginConfig,
  prevResult: CniResult | undefined,
  runtime: Readonly<Record<string, unknown>>,
): PluginStdin {
  const { capabilities, ...rest } = conf;
  const runtimeConfig: Record<string, unknown> = {};
  for (const [capability, enabled] of Object.entries(capabilities ?? {})) {
    if (enabled && capability in runtime) runtimeConfig[capability] = runtime[capability];
  }
  return {
    cniVersion: network.cniVersion,
    name: network.name,
    ...rest,
    ...(Object.keys(runtimeConfig).length > 0 ? { runtimeConfig } : {}),
    ...(prevResult ? { prevResult } : {}),
  };
}

function podNode(cluster: Cluster, pod: Pod): Node {
  const node = cluster.nodes.find((n) => n.name === pod.nodeName);
  if (!node) throw new Error(`pod ${pod.namespace}/${pod.name} is not on a node of the cluster`);
  return node;
}

function run(
  command: CniCommand,
  cluster: Cluster,
  pod: Pod,
  config: NetworkConfigList | undefined,
  options: CniOptions,
): CniRun {
  const node = podNode(cluster, pod);
  const network = config ?? kubenetConfig(cluster, node);
  const key = `${pod.namespace}/${pod.name}`;
  const containerId = sandboxId(key);
  const netns = netnsPath(key);
  const ifName = options.ifName ?? 'eth0';
  const env: Record<string, string> = {
    CNI_COMMAND: command,
    CNI_CONTAINERID: containerId,
    CNI_NETNS: netns,
    CNI_IFNAME: ifName,
    // containerd's CRI toCNILabels (IgnoreUnknown lets plugins ignore the ones they don't know); go-cni
    // joins them from a map, so their order varies between runs on a real node.
    CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${pod.namespace};K8S_POD_NAME=${pod.name};K8S_POD_INFRA_CONTAINER_ID=${containerId};K8S_POD_UID=${podUid(key)}`,
    CNI_PATH,
  };
  const base = { command, pod: key, node: node.name, network } as const;
  const invalid =
    validateNetwork(network) ??
    ((e) => (e ? { raisedBy: 'runtime', error: e } : null))(
      validateInterfaceName(ifName, network.cniVersion),
    );
  if (invalid) return { ...base, steps: [], failure: invalid };

  // The runtime's capability arguments. containerd's CRI (cniNamespaceOpts) adds portMappings only when the
  // sandbox has port mappings (`if len(portMappings) > 0`) and bandwidth only for the bandwidth annotations;
  // the model has neither, so none: libcni's injectRuntimeConfig then gives no plugin a runtimeConfig.
  const runtime: Readonly<Record<string, unknown>> = {};
  const order = command === 'ADD' ? network.plugins : [...network.plugins].reverse();
  const addResult =
    command === 'DEL' ? (options.prevResult ?? run('ADD', cluster, pod, config, options).result) : undefined;
  const steps: CniStep[] = [];
  let prev: CniResult | undefined = addResult;
  for (const conf of order) {
    const stdin = pluginStdin(network, conf, command === 'ADD' ? prev : addResult, runtime);
    const plugin = CNI_PLUGINS.get(conf.type);
    if (!plugin) {
      // libcni looks the binary up in CNI_PATH before it can run anything: a Go error, not an error object.
      const error: CniError = {
        cniVersion: network.cniVersion,
        msg: `failed to find plugin "${conf.type}" in path [${CNI_PATH}]`,
      };
      return { ...base, steps, failure: { raisedBy: 'runtime', error }, ...addNote(command) };
    }
    const wrongVersion = versionError(network, conf.type);
    const ctx: PluginContext = {
      cluster,
      pod,
      node,
      network,
      conf,
      stdin,
      ...(stdin.prevResult ? { prevResult: stdin.prevResult as CniResult } : {}),
      containerId,
      netns,
      ifName,
    };
    const outcome = wrongVersion
      ? { actions: [`refuses: ${wrongVersion.msg}`], error: wrongVersion }
      : command === 'ADD'
        ? plugin.add(ctx)
        : plugin.del(ctx);
    steps.push({
      index: steps.length,
      command,
      plugin: conf.type,
      env,
      stdin,
      actions: outcome.actions,
      effects: outcome.effects ?? [],
      ...(outcome.result && command === 'ADD' ? { result: outcome.result } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    for (const d of 'delegated' in outcome ? (outcome.delegated ?? []) : []) {
      steps.push({
        index: steps.length,
        command,
        plugin: d.plugin,
        delegatedBy: conf.type,
        env,
        stdin,
        actions: d.actions,
        effects: d.effects ?? [],
        ...(d.result ? { result: d.result } : {}),
        ...(d.error ? { error: d.error } : {}),
      });
    }
    if (outcome.error) {
      return { ...base, steps, failure: { raisedBy: conf.type, error: outcome.error }, ...addNote(command) };
    }
    if (command === 'ADD' && outcome.result) prev = outcome.result;
  }
  return { ...base, steps, ...(command === 'ADD' && prev ? { result: prev } : {}) };
}

function addNote(command: CniCommand): { note?: string } {
  return command === 'ADD'
    ? {
        note: 'ADD failed: the runtime stops the chain, still calls DEL for the network (every ADD is eventually followed by a DEL), and kubelet retries the sandbox; the pod stays ContainerCreating',
      }
    : {};
}

/** ADD: the pod's network set up plugin by plugin, with the result each prints. */
export function cniAdd(
  cluster: Cluster,
  pod: Pod,
  config?: NetworkConfigList,
  options: CniOptions = {},
): CniRun {
  return run('ADD', cluster, pod, config, options);
}

/** DEL: the plugins in reverse order, each given the ADD's final result as prevResult. */
export function cniDel(
  cluster: Cluster,
  pod: Pod,
  config?: NetworkConfigList,
  options: CniOptions = {},
): CniRun {
  return run('DEL', cluster, pod, config, options);
}
