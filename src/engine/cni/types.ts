/**
 * The Container Network Interface as data (spec 1.1.0, containernetworking/cni SPEC.md): the network
 * configuration a runtime reads, what it passes each plugin (environment + stdin), what a plugin prints
 * (a result or an error object). A `CniRun` is one ADD or DEL of a pod, plugin by plugin.
 */

export type CniCommand = 'ADD' | 'DEL';

export interface IpamRange {
  readonly subnet: string;
  readonly rangeStart?: string;
  readonly rangeEnd?: string;
  readonly gateway?: string;
}

export interface IpamConfig {
  readonly type: string;
  /** host-local: a list of range sets; each set yields one address (plugins' host-local README). */
  readonly ranges?: readonly (readonly IpamRange[])[];
  readonly routes?: readonly CniRoute[];
}

/** One plugin of a configuration list: `type` names the binary; the rest is the plugin's own. */
export interface PluginConfig {
  readonly type: string;
  readonly capabilities?: Readonly<Record<string, boolean>>;
  readonly bridge?: string;
  readonly isGateway?: boolean;
  readonly ipMasq?: boolean;
  readonly hairpinMode?: boolean;
  readonly mtu?: number;
  readonly ipam?: IpamConfig;
}

export interface NetworkConfigList {
  readonly cniVersion: string;
  readonly name: string;
  readonly plugins: readonly PluginConfig[];
}

export interface CniInterface {
  readonly name: string;
  readonly mac: string;
  readonly mtu?: number;
  /** The netns path for an interface inside the container; absent for host interfaces. */
  readonly sandbox?: string;
}

export interface CniIp {
  /** CIDR notation: `10.0.1.3/24`. */
  readonly address: string;
  readonly gateway?: string;
  /** Index into `interfaces`; IPAM plugins leave it out. */
  readonly interface?: number;
}

export interface CniRoute {
  readonly dst: string;
  readonly gw?: string;
}

export interface CniDns {
  readonly nameservers?: readonly string[];
  readonly domain?: string;
  readonly search?: readonly string[];
  readonly options?: readonly string[];
}

/** A plugin's success output for ADD (IPAM plugins print the abbreviated form without `interfaces`). */
export interface CniResult {
  readonly cniVersion: string;
  readonly interfaces?: readonly CniInterface[];
  readonly ips: readonly CniIp[];
  readonly routes: readonly CniRoute[];
  readonly dns: CniDns;
}

/**
 * The spec's error object. Well-known codes: 1 incompatible version, 2 unsupported field, 3 container
 * unknown, 4 invalid environment variables, 5 I/O failure, 6 decode failure, 7 invalid network config,
 * 11 try again later, 50/51 only in answer to STATUS; 100+ plugin-specific. libcni's skel wraps a plugin's
 * plain Go error as code 999 (`types.ErrInternal`, pkg/types/types.go).
 */
export interface CniError {
  readonly cniVersion: string;
  /** Absent when the runtime itself failed before any plugin ran (it then has a Go error, not an object). */
  readonly code?: number;
  readonly msg: string;
  readonly details?: string;
}

/** The stdin JSON a plugin receives: its own config plus what the runtime injects. */
export type PluginStdin = Readonly<Record<string, unknown>>;

/**
 * What one action of a plugin changes that a picture of the node shows; `action` indexes the step's
 * `actions`. Actions without an effect (reading state, a no-op) change nothing visible.
 */
export type CniEffect = { readonly action: number } & (
  | { readonly kind: 'bridge-up'; readonly bridge: string }
  /** The pair made from inside the pod's netns: `ifName` stays there, `hostVeth` is born in the host's. */
  | { readonly kind: 'veth-created'; readonly ifName: string; readonly hostVeth: string }
  | {
      readonly kind: 'veth-attached';
      readonly hostVeth: string;
      readonly bridge: string;
      readonly hairpin: boolean;
    }
  /** The plugin executes another (bridge → its IPAM plugin): that plugin's step runs here. */
  | { readonly kind: 'delegate'; readonly plugin: string }
  | { readonly kind: 'address-reserved'; readonly address: string; readonly file: string }
  /** `address` in CIDR notation. */
  | { readonly kind: 'address-set'; readonly ifName: string; readonly address: string }
  | { readonly kind: 'route-added'; readonly ifName: string; readonly dst: string; readonly gw: string }
  | { readonly kind: 'bridge-gateway'; readonly bridge: string; readonly address: string }
  | { readonly kind: 'veth-deleted'; readonly ifName: string; readonly hostVeth: string }
  | { readonly kind: 'address-released'; readonly address: string; readonly file: string }
);

export interface CniStep {
  readonly index: number;
  readonly command: CniCommand;
  /** The plugin's type (its binary in CNI_PATH). */
  readonly plugin: string;
  /** Set for an IPAM plugin that the main plugin executed itself (delegation), with the same stdin. */
  readonly delegatedBy?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: PluginStdin;
  /** What the plugin does, in plain words, in order. */
  readonly actions: readonly string[];
  /** What those actions change on the node, for a picture (see CniEffect). */
  readonly effects: readonly CniEffect[];
  /** ADD: the JSON printed on stdout. DEL prints nothing on success. */
  readonly result?: CniResult;
  readonly error?: CniError;
}

export interface CniRun {
  readonly command: CniCommand;
  /** `namespace/name` */
  readonly pod: string;
  readonly node: string;
  readonly network: NetworkConfigList;
  readonly steps: readonly CniStep[];
  /** ADD: the final result the runtime caches (and passes as prevResult to DEL). */
  readonly result?: CniResult;
  /** The failure that stopped the chain: who raised it and the error. */
  readonly failure?: { readonly raisedBy: string; readonly error: CniError };
  /** What the runtime does next, in words (e.g. a DEL after a failed ADD). */
  readonly note?: string;
}
