import { afterAll, describe, expect, it } from 'vitest';
import { getChecksumKernel, setChecksumKernel, walChecksum, type ByteOrder, type ChecksumKernel } from '../src/index.js';
import {
  PATTERN_64MIB_BE,
  PATTERN_64MIB_LE,
  PATTERN_PAGE0_BE,
  PATTERN_PAGE0_LE,
  SIXTEEN_BYTES,
  SIXTEEN_BYTES_BE,
  SIXTEEN_BYTES_LE,
  benchPattern,
} from './fixtures/vectors.js';
import { fromHex } from './support/hex.js';
import { random } from './support/random.js';
import { refChecksum } from './support/reference.js';

const KERNELS: ChecksumKernel[] = ['wasm', 'ts'];
const ORDERS: ByteOrder[] = ['little', 'big'];

afterAll(() => setChecksumKernel('wasm'));

describe('kernel selection', () => {
  it('defaults to the WebAssembly kernel and switches both ways', () => {
    expect(getChecksumKernel()).toBe('wasm');
    setChecksumKernel('ts');
    expect(getChecksumKernel()).toBe('ts');
    setChecksumKernel('wasm');
    expect(getChecksumKernel()).toBe('wasm');
  });

  it('rejects an unknown kernel name', () => {
    expect(() => setChecksumKernel('c' as ChecksumKernel)).toThrow(TypeError);
    expect(getChecksumKernel()).toBe('wasm');
  });
});

describe.each(KERNELS)('walChecksum with the %s kernel', (kernel) => {
  const sum = (data: Uint8Array, order: ByteOrder, seed?: { s1: number; s2: number }) => {
    setChecksumKernel(kernel);
    return walChecksum(data, order, seed);
  };

  it('matches the seed crate golden vectors', () => {
    expect(sum(fromHex(SIXTEEN_BYTES), 'little')).toEqual(SIXTEEN_BYTES_LE);
    expect(sum(fromHex(SIXTEEN_BYTES), 'big')).toEqual(SIXTEEN_BYTES_BE);
  });

  it('matches the C reference on the benchmark pattern: one page and 64 MiB', () => {
    const big = benchPattern(64 << 20);
    expect(sum(big.subarray(0, 4096), 'little')).toEqual(PATTERN_PAGE0_LE);
    expect(sum(big.subarray(0, 4096), 'big')).toEqual(PATTERN_PAGE0_BE);
    expect(sum(big, 'little')).toEqual(PATTERN_64MIB_LE);
    expect(sum(big, 'big')).toEqual(PATTERN_64MIB_BE);
  });

  it('returns the seed for empty input', () => {
    expect(sum(new Uint8Array(0), 'little', { s1: 7, s2: 0xffffffff })).toEqual({ s1: 7, s2: 0xffffffff });
  });

  it.each(ORDERS)('agrees with the reference for every length up to 4200 bytes (%s)', (order) => {
    const r = random(1000 + ORDERS.indexOf(order));
    const data = r.bytes(4200);
    for (let n = 0; n <= data.length; n += 8) {
      const seed = { s1: r.u32(), s2: r.u32() };
      expect(sum(data.subarray(0, n), order, seed), `length ${n}`).toEqual(refChecksum(data.subarray(0, n), order === 'big', seed));
    }
  });

  it.each(ORDERS)('agrees with the reference at page sizes, stage boundaries and odd alignments (%s)', (order) => {
    const r = random(2000 + ORDERS.indexOf(order));
    const lengths = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 65560, 262136, 262144, 262152, 1048576 + 24];
    for (const n of lengths) {
      for (const misalign of [0, 1, 2, 3, 4, 5, 8]) {
        const backing = r.bytes(n + misalign);
        const data = backing.subarray(misalign);
        const seed = { s1: r.u32(), s2: r.u32() };
        expect(sum(data, order, seed), `length ${n}, offset ${misalign}`).toEqual(refChecksum(data, order === 'big', seed));
      }
    }
  });

  it.each(ORDERS)('chains: the checksum of a ++ b continues from the checksum of a (%s)', (order) => {
    const data = random(3000).bytes(2048);
    const whole = sum(data, order);
    for (let cut = 0; cut <= data.length; cut += 8) {
      expect(sum(data.subarray(cut), order, sum(data.subarray(0, cut), order)), `cut ${cut}`).toEqual(whole);
    }
  });

  it('rejects a length that is not a multiple of 8, a bad byte order and bad seeds', () => {
    setChecksumKernel(kernel);
    expect(() => walChecksum(new Uint8Array(12), 'little')).toThrow(/multiple of 8, got 12/);
    expect(() => walChecksum(new Uint8Array(8), 'middle' as ByteOrder)).toThrow(TypeError);
    expect(() => walChecksum(new Uint8Array(8), 'little', { s1: -1, s2: 0 })).toThrow(/seed.s1 .* got -1/);
    expect(() => walChecksum(new Uint8Array(8), 'little', { s1: 0, s2: 2 ** 32 })).toThrow(RangeError);
    expect(() => walChecksum(new Uint8Array(8), 'little', { s1: 0.5, s2: 0 })).toThrow(RangeError);
    expect(() => walChecksum([1, 2, 3, 4, 5, 6, 7, 8] as unknown as Uint8Array, 'little')).toThrow(TypeError);
  });
});

describe('the two kernels', () => {
  it('agree on random data of many lengths, seeds and alignments, both byte orders', () => {
    const r = random(4000);
    for (let trial = 0; trial < 400; trial++) {
      const n = 8 * r.int(trial < 300 ? 600 : 40000);
      const misalign = r.int(8);
      const data = r.bytes(n + misalign).subarray(misalign);
      const seed = { s1: r.u32(), s2: r.u32() };
      for (const order of ORDERS) {
        setChecksumKernel('wasm');
        const wasm = walChecksum(data, order, seed);
        setChecksumKernel('ts');
        expect(walChecksum(data, order, seed), `trial ${trial}, ${n} bytes, ${order}`).toEqual(wasm);
      }
    }
  });
});
