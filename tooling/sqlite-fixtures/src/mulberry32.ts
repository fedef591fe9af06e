/**
 * Creates the seeded mulberry32 generator (32-bit state, period 2^32): each call returns the next
 * u32, the same sequence for the same `seed` (taken modulo 2^32) on every run, so a failing random
 * test can be replayed. Divide by 2^32 for a float in [0, 1). Not for cryptography.
 *
 * @public
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
