import { mulberry32 } from '@litewal/sqlite-fixtures';
import { describe, expect, it } from 'vitest';
import { createRaptorQCodec, createReedSolomonCodec, MAX_REED_SOLOMON_SYMBOLS, type ErasureCodec } from '../src/index.js';
import { lossTrials } from './support/loss-trials.js';

/** GF(2^8)/0x11d multiplication by shift-and-add: an oracle independent of the codec's tables. */
function slowMul(a: number, b: number): number {
  let p = 0;
  for (; b > 0; b >>= 1) {
    if (b & 1) p ^= a;
    a <<= 1;
    if (a & 0x100) a ^= 0x11d;
  }
  return p;
}
function slowInv(a: number): number {
  for (let x = 1; x < 256; x++) if (slowMul(a, x) === 1) return x;
  throw new Error('no inverse');
}

function randomPages(k: number, bytes: number, seed: number): Uint8Array[] {
  const next = mulberry32(seed);
  return Array.from({ length: k }, () => Uint8Array.from({ length: bytes }, () => next() & 255));
}

describe('Reed–Solomon', () => {
  const rs = createReedSolomonCodec();

  it('repair symbol j is Σ 1/(j ⊕ (255 − i)) · page_i, byte by byte', () => {
    const pages = randomPages(5, 64, 1);
    const { symbols, parameter } = rs.encode(pages, 3);
    expect(parameter).toBe(0);
    symbols.forEach((symbol, j) => {
      const expected = new Uint8Array(64);
      pages.forEach((page, i) => page.forEach((b, x) => (expected[x] = (expected[x] as number) ^ slowMul(slowInv(j ^ (255 - i)), b))));
      expect(symbol).toEqual(expected);
    });
  });

  it('rebuilds every combination of up to R lost pages (K = 6, R = 3), also from unaligned buffers', () => {
    const pages = randomPages(6, 72, 2);
    const { symbols } = rs.encode(pages, 3);
    for (let mask = 0; mask < 1 << 9; mask++) {
      const lost = [...Array(9).keys()].filter((b) => mask & (1 << b));
      if (lost.length > 3) continue;
      const sources = pages.map((p, i) => (lost.includes(i) ? null : new Uint8Array(p.buffer.slice(0), 0, 72).subarray(0)));
      const repairs = symbols.map((s, j) => (lost.includes(6 + j) ? null : Buffer.concat([Buffer.alloc(1), s]).subarray(1)));
      expect(rs.decode(sources, repairs, 72, 0)).toEqual(pages);
    }
  });

  it('refuses more losses than repair symbols and groups beyond 255 symbols', () => {
    const pages = randomPages(4, 8, 3);
    const { symbols } = rs.encode(pages, 2);
    expect(rs.decode([null, null, null, pages[3] as Uint8Array], symbols, 8, 0)).toBeNull();
    expect(rs.maxSourceSymbols(2)).toBe(MAX_REED_SOLOMON_SYMBOLS - 2);
    expect(() => rs.encode(randomPages(254, 8, 4), 2)).toThrow(/K \+ R <= 255, got K=254 R=2/);
    expect(() => rs.encode(pages, 256)).toThrow(/from 1 to 255, got 256/);
  });
});

describe('RaptorQ (npm raptorq)', () => {
  const rq = createRaptorQCodec();

  it('stores K′ as the parameter and rebuilds lost pages from repair symbols', () => {
    for (const k of [1, 8, 10, 16, 64]) {
      const pages = randomPages(k, 64, k);
      const { symbols, parameter } = rq.encode(pages, 4);
      expect(symbols).toHaveLength(4);
      expect(parameter).toBeGreaterThanOrEqual(k); // RFC 6330 K′ ≥ K: 10 for K=8, 18 for K=16, 69 for K=64
      const sources = pages.map((p, i) => (i < Math.min(k, 2) ? null : p));
      expect(rq.decode(sources, symbols, 64, parameter)).toEqual(pages);
    }
    expect(rq.encode(randomPages(8, 64, 9), 1).parameter).toBe(10);
    expect(rq.encode(randomPages(16, 64, 9), 1).parameter).toBe(18);
  });

  it('returns null (never throws, never wrong bytes) for a bad parameter or too few symbols', () => {
    const pages = randomPages(8, 64, 5);
    const { symbols, parameter } = rq.encode(pages, 2);
    expect(rq.decode([null, null, null, ...pages.slice(3)], symbols, 64, parameter)).toBeNull();
    expect(rq.decode([null, ...pages.slice(1)], symbols, 64, 5000)).toBeNull();
  });
});

describe('success rate with exactly R random losses', () => {
  // K = 16 pages of 64 bytes, R = 2: every trial loses 2 random pages. The full-size figures
  // (4 KiB pages, more trials) come from bench/success-rate.mjs.
  const trials = 1500;
  const cases: [string, ErasureCodec][] = [
    ['reed-solomon', createReedSolomonCodec()],
    ['raptorq', createRaptorQCodec()],
  ];
  for (const [name, codec] of cases) {
    it(`${name}: K=16 R=2, ${trials} trials`, () => {
      const r = lossTrials(codec, { k: 16, r: 2, symbolBytes: 64, trials, seed: 7 });
      expect(r.wrong).toBe(0); // a decode that returns data returns the right data
      if (name === 'reed-solomon') expect(r.failures).toBe(0);
      else expect(r.failures / trials).toBeLessThan(0.03);
    });
  }
});
