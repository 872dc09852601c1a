/**
 * kube-proxy's nftables chain and set names.
 *
 * Source: kubernetes/kubernetes pkg/proxy/nftables/proxier.go (hashAndTruncate, servicePortChainNameBase,
 * servicePortEndpointChainNameBase and the `*ChainNamePrefix` constants). Unlike the iptables mode, whose
 * names are `KUBE-SVC-` + 16 characters of base32(sha256) because iptables chain names are limited to 28
 * characters, nftables names may be 256 characters long: kube-proxy keeps the readable
 * `ns/svc/proto/port` and prefixes it with only the first 8 characters of the same base32(sha256) of
 * that readable text (`service-ULMVA6XW-ns1/svc1/tcp/p80`).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Protocol } from '../../../model/types';
import { base32Prefix } from '../kubeProxyNames';

export const SERVICE_CHAIN_PREFIX = 'service-';
export const LOCAL_CHAIN_PREFIX = 'local-';
export const EXTERNAL_CHAIN_PREFIX = 'external-';
export const ENDPOINT_CHAIN_PREFIX = 'endpoint-';
export const AFFINITY_SET_PREFIX = 'affinity-';
export const FIREWALL_CHAIN_PREFIX = 'firewall-';

/** knftables.NameLengthMax (256) minus kube-proxy's chainNamePrefixLengthMax (16). */
export const CHAIN_NAME_BASE_LENGTH_MAX = 256 - 16;

const hashCache = new Map<string, string>();
const HASH_CACHE_LIMIT = 200_000;

/**
 * `hashAndTruncate`: the first 8 characters of base32(sha256(name)), a hyphen, then the name itself,
 * cut to 240 characters with a trailing `...` when longer.
 */
export function hashAndTruncate(name: string): string {
  let result = hashCache.get(name);
  if (result === undefined) {
    result = `${base32Prefix(sha256(utf8ToBytes(name)), 8)}-${name}`;
    if (result.length > CHAIN_NAME_BASE_LENGTH_MAX) {
      result = `${result.slice(0, CHAIN_NAME_BASE_LENGTH_MAX - 3)}...`;
    }
    if (hashCache.size >= HASH_CACHE_LIMIT) hashCache.clear();
    hashCache.set(name, result);
  }
  return result;
}

function lower(protocol: Protocol | Lowercase<Protocol>): string {
  return protocol.toLowerCase();
}

/**
 * `servicePortChainNameBase`: `HASH-namespace/service/protocol/portName` (the port name is empty for an
 * unnamed port, leaving a trailing slash: `riset/hellopod-np-svc/tcp/`).
 */
export function servicePortChainNameBase(
  namespace: string,
  service: string,
  protocol: Protocol | Lowercase<Protocol>,
  portName: string | undefined,
): string {
  return hashAndTruncate(`${namespace}/${service}/${lower(protocol)}/${portName ?? ''}`);
}

/**
 * `servicePortEndpointChainNameBase`: `HASH-namespace/service/protocol/portName__ip/port`; an IPv6
 * address has its colons replaced by dots (colons are not allowed in chain names).
 */
export function endpointChainNameBase(
  namespace: string,
  service: string,
  protocol: Protocol | Lowercase<Protocol>,
  portName: string | undefined,
  endpointIP: string,
  endpointPort: number,
): string {
  const ip = endpointIP.replaceAll(':', '.');
  return hashAndTruncate(
    `${namespace}/${service}/${lower(protocol)}/${portName ?? ''}__${ip}/${endpointPort}`,
  );
}

export interface NftServiceChainNames {
  /** `service-…`: endpoints for "Cluster" traffic policy. */
  readonly cluster: string;
  /** `local-…`: node-local endpoints for "Local" traffic policy. */
  readonly local: string;
  /** `external-…`: NodePort, externalIPs and LoadBalancer IPs. */
  readonly external: string;
  /** `firewall-…`: loadBalancerSourceRanges. */
  readonly firewall: string;
}

/** The four per-service-port chains share one base name (newServiceInfo). */
export function nftServiceChainNames(
  namespace: string,
  service: string,
  protocol: Protocol | Lowercase<Protocol>,
  portName: string | undefined,
): NftServiceChainNames {
  const base = servicePortChainNameBase(namespace, service, protocol, portName);
  return {
    cluster: SERVICE_CHAIN_PREFIX + base,
    local: LOCAL_CHAIN_PREFIX + base,
    external: EXTERNAL_CHAIN_PREFIX + base,
    firewall: FIREWALL_CHAIN_PREFIX + base,
  };
}

export interface NftEndpointNames {
  /** `endpoint-…` */
  readonly chain: string;
  /** `affinity-…`: the ClientIP affinity set of this endpoint. */
  readonly affinitySet: string;
}

/** newEndpointInfo: the endpoint chain and its affinity set share one base name. */
export function nftEndpointNames(
  namespace: string,
  service: string,
  protocol: Protocol | Lowercase<Protocol>,
  portName: string | undefined,
  endpointIP: string,
  endpointPort: number,
): NftEndpointNames {
  const base = endpointChainNameBase(namespace, service, protocol, portName, endpointIP, endpointPort);
  return { chain: ENDPOINT_CHAIN_PREFIX + base, affinitySet: AFFINITY_SET_PREFIX + base };
}
