/** The shape every simulated CNI plugin has: one module per plugin type, registered in `plugins/index.ts`. */
import type { Cluster, Node, Pod } from '../../../model/types';
import type { CniEffect, CniError, CniResult, NetworkConfigList, PluginConfig, PluginStdin } from '../types';

export interface PluginContext {
  readonly cluster: Cluster;
  readonly pod: Pod;
  readonly node: Node;
  readonly network: NetworkConfigList;
  /** The plugin's own entry of the configuration list. */
  readonly conf: PluginConfig;
  readonly stdin: PluginStdin;
  readonly prevResult?: CniResult;
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
}

export interface DelegatedRun {
  readonly plugin: string;
  readonly actions: readonly string[];
  readonly effects?: readonly CniEffect[];
  readonly result?: CniResult;
  readonly error?: CniError;
}

export interface PluginOutcome {
  readonly actions: readonly string[];
  /** What the actions change on the node (an action without one changes nothing visible). */
  readonly effects?: readonly CniEffect[];
  readonly result?: CniResult;
  readonly error?: CniError;
  /** Plugins this one executed itself (bridge → its IPAM plugin), in order. */
  readonly delegated?: readonly DelegatedRun[];
}

export interface CniPlugin {
  readonly type: string;
  add(ctx: PluginContext): PluginOutcome;
  del(ctx: PluginContext): PluginOutcome;
}

/** A plain Go error returned from a plugin's cmdAdd/cmdDel: skel prints it as code 999 (types.ErrInternal). */
export function internalError(cniVersion: string, msg: string): CniError {
  return { cniVersion, code: 999, msg };
}
