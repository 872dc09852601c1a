/**
 * LoadBalancerRR, the userspace proxier's load balancer (kubernetes/kubernetes v1.25,
 * pkg/proxy/userspace/roundrobin.go), with its state kept across connections.
 *
 * - When a service port's endpoints are set (OnEndpointsAdd/Update) the "ip:port" list is SHUFFLED
 *   (util.ShuffleStrings, a rand.Perm permutation) and the round-robin index reset to 0. The shuffle draws
 *   from the seeded rng the first time the port is used.
 * - NextEndpoint: with ClientIP affinity and no reset, a client IP seen less than `ttlSeconds` ago gets its
 *   last endpoint again (and its lastUsed is refreshed); otherwise the endpoint at the index is taken, the
 *   index moves on `(index + 1) % len`, and with affinity on, the client's entry now points to it.
 * - The affinity timeout is in SECONDS (service.spec.sessionAffinityConfig.clientIP.timeoutSeconds); 0 means
 *   v1.DefaultClientIPServiceAffinitySeconds, 10800 s (3 hours). Very old releases kept it in minutes
 *   (180), the same three hours. Quirk not modelled: newServiceInternal only sets the timeout when it
 *   creates the state, so when a port's endpoints reached the balancer before the service was merged, the
 *   default stayed in force; here the service's own timeout is always used.
 */
import type { Rng } from '../../rng';

/** v1.DefaultClientIPServiceAffinitySeconds */
export const DEFAULT_AFFINITY_SECONDS = 10800;

interface AffinityState {
  endpoint: string;
  /** Seconds on the trace clock. */
  lastUsed: number;
}

interface BalancerState {
  /** "ip:port" in the shuffled order. */
  readonly endpoints: readonly string[];
  index: number;
  readonly clientIPAffinity: boolean;
  readonly ttlSeconds: number;
  readonly affinity: Map<string, AffinityState>;
}

export interface NextEndpoint {
  readonly endpoint: string;
  /** Why this endpoint: the client's affinity entry, or the round-robin turn. */
  readonly by: 'affinity' | 'round-robin';
}

/**
 * Go's math/rand Perm(n): m[i] = i, then for each i swap in a j drawn from [0, i]. util.ShuffleStrings
 * then places s[i] at position perm[i].
 */
export function shuffleLikeKubeProxy<T>(items: readonly T[], rng: Rng): T[] {
  const n = items.length;
  const perm: number[] = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const j = Math.floor(rng() * (i + 1));
    perm[i] = perm[j] ?? 0;
    perm[j] = i;
  }
  const shuffled: T[] = new Array<T>(n);
  for (let i = 0; i < n; i++) {
    const item = items[i];
    const to = perm[i];
    if (item !== undefined && to !== undefined) shuffled[to] = item;
  }
  return shuffled;
}

export interface ServiceSetup {
  /** "ip:port" of the usable endpoints (any order; they are shuffled). */
  readonly endpoints: readonly string[];
  readonly clientIPAffinity: boolean;
  /** 0: the default, 10800 s. */
  readonly ttlSeconds: number;
}

export class LoadBalancerRR {
  private readonly services = new Map<string, BalancerState>();

  /** The service port's state, created (endpoints shuffled) on first use. */
  private state(servicePort: string, setup: ServiceSetup, rng: Rng): BalancerState {
    let state = this.services.get(servicePort);
    if (!state) {
      state = {
        endpoints: shuffleLikeKubeProxy(setup.endpoints, rng),
        index: 0,
        clientIPAffinity: setup.clientIPAffinity,
        ttlSeconds: setup.ttlSeconds === 0 ? DEFAULT_AFFINITY_SECONDS : setup.ttlSeconds,
        affinity: new Map(),
      };
      this.services.set(servicePort, state);
    }
    return state;
  }

  /** The endpoint order after the shuffle (creating the state if needed). */
  order(servicePort: string, setup: ServiceSetup, rng: Rng): readonly string[] {
    return this.state(servicePort, setup, rng).endpoints;
  }

  /**
   * NextEndpoint. Returns null when the service port has no endpoints (ErrMissingEndpoints).
   * `now` is the trace clock in seconds.
   */
  next(
    servicePort: string,
    setup: ServiceSetup,
    clientIP: string,
    sessionAffinityReset: boolean,
    now: number,
    rng: Rng,
  ): NextEndpoint | null {
    const state = this.state(servicePort, setup, rng);
    if (state.endpoints.length === 0) return null;
    if (state.clientIPAffinity && !sessionAffinityReset) {
      const entry = state.affinity.get(clientIP);
      // int(time.Since(lastUsed).Seconds()) < ttlSeconds
      if (entry && Math.floor(now - entry.lastUsed) < state.ttlSeconds) {
        entry.lastUsed = now;
        return { endpoint: entry.endpoint, by: 'affinity' };
      }
    }
    const endpoint = state.endpoints[state.index] ?? '';
    state.index = (state.index + 1) % state.endpoints.length;
    if (state.clientIPAffinity) state.affinity.set(clientIP, { endpoint, lastUsed: now });
    return { endpoint, by: 'round-robin' };
  }
}
