/**
 * The loopback network every network namespace has: 127.0.0.0/8 on `lo` (the kernel's `local` table holds
 * `local 127.0.0.0/8 dev lo`). A pod's containers share one network namespace — the sandbox ("pause")
 * container's — so `localhost` in one container reaches a port another container listens on.
 */
import type { Container, Pod, Protocol } from '../../model/types';
import { cidrContainsText } from '../netfilter/ipv4';

export const LOOPBACK_CIDR = '127.0.0.0/8';

export function isLoopbackAddress(ip: string): boolean {
  return cidrContainsText(LOOPBACK_CIDR, ip);
}

/** The container of a pod that declares `port` (containerPort) for `protocol`; null when none does. */
export function listeningContainer(pod: Pod, port: number, protocol: Protocol): Container | null {
  return (
    pod.containers.find((c) => c.ports.some((p) => p.containerPort === port && p.protocol === protocol)) ??
    null
  );
}
