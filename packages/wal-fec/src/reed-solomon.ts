import type { ErasureCodec, RepairSymbols } from './codec.js';
import { MAX_REPAIR_SYMBOLS } from './format.js';
import { gfInv, gfInvert, gfMulAdd } from './internal/gf256.js';

/**
 * Most symbols (source + repair) in one Reed–Solomon protection group.
 * @public
 */
export const MAX_REED_SOLOMON_SYMBOLS = 255;

/** Cauchy coefficient of source i in repair row j: 1 / (x_j + y_i), x_j = j, y_i = 255 − i. */
function coefficient(row: number, source: number): number {
  return gfInv(row ^ (255 - source));
}

function checkShape(k: number, r: number): void {
  if (!Number.isInteger(r) || r < 1 || r > MAX_REPAIR_SYMBOLS) {
    throw new RangeError(`repair symbols must be an integer from 1 to ${MAX_REPAIR_SYMBOLS}, got ${r}`);
  }
  if (k < 1 || k + r > MAX_REED_SOLOMON_SYMBOLS) {
    throw new RangeError(`Reed–Solomon needs 1 <= K and K + R <= ${MAX_REED_SOLOMON_SYMBOLS}, got K=${k} R=${r}`);
  }
}

function checkLengths(symbols: readonly (Uint8Array | null)[], symbolBytes: number): void {
  for (const s of symbols) {
    if (s !== null && s.length !== symbolBytes) {
      throw new RangeError(`every symbol must be ${symbolBytes} bytes, got ${s.length}`);
    }
  }
}

/**
 * A systematic Reed–Solomon code over GF(2^8) (polynomial 0x11d) with a Cauchy generator.
 *
 * @remarks Repair symbol j (0-based) is `Σ_i c(j,i)·page_i` with `c(j,i) = 1 / (j ⊕ (255 − i))`.
 * Every square submatrix of a Cauchy matrix is invertible, so any K of the K + R symbols rebuild
 * the group: up to R lost pages are always recovered. The row for j does not depend on R, so the
 * first R′ symbols of an R-symbol group are those of an R′-symbol group. Limit: K + R ≤ 255.
 * Encode costs K·R and decode up to e·K page multiply-adds for e lost pages.
 * @returns a stateless codec
 * @public
 */
export function createReedSolomonCodec(): ErasureCodec {
  return Object.freeze({
    name: 'reed-solomon' as const,
    id: 1,
    maxSourceSymbols(repairSymbols: number): number {
      return MAX_REED_SOLOMON_SYMBOLS - repairSymbols;
    },
    encode(sources: readonly Uint8Array[], repairSymbols: number): RepairSymbols {
      checkShape(sources.length, repairSymbols);
      const symbolBytes = (sources[0] as Uint8Array).length;
      checkLengths(sources, symbolBytes);
      const symbols = Array.from({ length: repairSymbols }, () => new Uint8Array(symbolBytes));
      // Page by page, so that each page is read while it is in cache for all R symbols.
      sources.forEach((page, i) => symbols.forEach((out, j) => gfMulAdd(out, page, coefficient(j, i))));
      return { symbols, parameter: 0 };
    },
    decode(
      sources: readonly (Uint8Array | null)[],
      repairs: readonly (Uint8Array | null)[],
      symbolBytes: number,
      parameter: number,
    ): Uint8Array[] | null {
      checkShape(sources.length, repairs.length);
      checkLengths(sources, symbolBytes);
      checkLengths(repairs, symbolBytes);
      if (parameter !== 0) return null;
      const lost: number[] = [];
      sources.forEach((s, i) => {
        if (s === null) lost.push(i);
      });
      const out = sources.map((s) => s ?? new Uint8Array(symbolBytes));
      if (lost.length === 0) return out;
      const rows: number[] = [];
      repairs.forEach((r, j) => {
        if (r !== null && rows.length < lost.length) rows.push(j);
      });
      if (rows.length < lost.length) return null;
      // Syndromes: each chosen repair symbol minus the contribution of the surviving pages.
      const syndromes = rows.map((j) => {
        const s = (repairs[j] as Uint8Array).slice();
        sources.forEach((page, i) => {
          if (page !== null) gfMulAdd(s, page, coefficient(j, i));
        });
        return s;
      });
      const matrix = rows.map((j) => Uint8Array.from(lost, (i) => coefficient(j, i)));
      const inverse = gfInvert(matrix, lost.length);
      if (inverse === null) return null; // cannot happen for a Cauchy matrix; kept as a guard
      lost.forEach((i, c) => {
        const page = out[i] as Uint8Array;
        syndromes.forEach((s, r) => gfMulAdd(page, s, (inverse[c] as Uint8Array)[r] as number));
      });
      return out;
    },
  });
}
