/**
 * A small seeded pseudo-random number generator for the engine.
 *
 * The engine never calls `Math.random`: whatever is random in the real system (iptables' `statistic
 * --mode random`, shuffles) draws from a generator created here, so the same seed gives the same trace.
 * The algorithm is mulberry32 (Tommy Ettinger's 32-bit generator, public domain): tiny, fast, and good
 * enough for picking backends; it is not for cryptography.
 */

/** A source of uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

/** Creates a generator from a 32-bit seed (other numbers are truncated to 32 bits). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
