import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/index.js';

describe('mulberry32', () => {
  it('gives the published mulberry32 sequence (seed 0 starts 0.2664292086847126 as a float)', () => {
    const next = mulberry32(0);
    expect([next(), next(), next()]).toEqual([1144304738, 1416247, 958946056]);
    expect(1144304738 / 2 ** 32).toBeCloseTo(0.2664292086847126, 15);
  });

  it('repeats per seed, differs between seeds, and takes the seed modulo 2^32', () => {
    const a = mulberry32(2024);
    const b = mulberry32(2024);
    const first = [a(), a(), a()];
    expect(first).toEqual([b(), b(), b()]);
    expect(first).toEqual([3486492848, 3052955074, 2793987405]);
    expect(mulberry32(2 ** 32 + 5)()).toBe(mulberry32(5)());
    expect(mulberry32(1)()).not.toBe(mulberry32(0)());
  });
});
