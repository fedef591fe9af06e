import type { ErasureCodec } from '../../src/index.js';

/** A small seeded PRNG (mulberry32), returning u32s. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Parameters of {@link lossTrials}. */
export interface LossTrialOptions {
  readonly k: number;
  readonly r: number;
  readonly symbolBytes: number;
  readonly trials: number;
  readonly seed: number;
}

/**
 * Encodes random pages, loses exactly R random source pages, decodes with the surviving pages and
 * all R repair symbols; counts decodes that fail and decodes that return wrong bytes.
 */
export function lossTrials(codec: ErasureCodec, o: LossTrialOptions): { failures: number; wrong: number } {
  const next = mulberry32(o.seed);
  let failures = 0;
  let wrong = 0;
  for (let t = 0; t < o.trials; t++) {
    const pages = Array.from({ length: o.k }, () => Uint8Array.from({ length: o.symbolBytes }, () => next() & 255));
    const { symbols, parameter } = codec.encode(pages, o.r);
    const lost = new Set<number>();
    while (lost.size < Math.min(o.r, o.k)) lost.add(next() % o.k);
    const decoded = codec.decode(pages.map((p, i) => (lost.has(i) ? null : p)), symbols, o.symbolBytes, parameter);
    if (decoded === null) failures++;
    else if (decoded.some((p, i) => Buffer.compare(p, pages[i] as Uint8Array) !== 0)) wrong++;
  }
  return { failures, wrong };
}
