import { mulberry32 } from '@litewal/sqlite-fixtures';
import type { ErasureCodec } from '../../src/index.js';

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
