/** A seeded pseudo-random source: each call returns a float in [0, 1). */
export type Prng = () => number;

/**
 * Creates the mulberry32 generator (32-bit state, period 2^32) for `seed` (taken modulo 2^32).
 * Good enough to pick fault plans; not for cryptography.
 */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Returns an integer in [0, bound) drawn from `rng`. */
export function randomBelow(rng: Prng, bound: number): number {
  return Math.floor(rng() * bound);
}
