import { mulberry32 } from '@litewal/sqlite-fixtures';

/** Seeded uniform generator in [0, 1) (mulberry32), so every failure is reproducible. */
export function seededRandom(seed: number): () => number {
  const u32 = mulberry32(seed);
  return () => u32() / 2 ** 32;
}

/** The q-quantile by nearest rank, the definition Histogram.quantile estimates. */
export function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}
