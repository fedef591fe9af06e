// Runs in its own module graph (vitest isolates test files): the kernel has not been loaded yet.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChecksumError, getChecksumKernel, setChecksumKernel, walChecksum } from '../src/index.js';
import { SIXTEEN_BYTES, SIXTEEN_BYTES_BE, SIXTEEN_BYTES_LE } from './fixtures/vectors.js';
import { fromHex } from './support/hex.js';

describe('without WebAssembly (e.g. node --jitless)', () => {
  beforeAll(() => {
    vi.stubGlobal('WebAssembly', undefined);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });

  it('falls back to the TypeScript kernel by itself', () => {
    expect(getChecksumKernel()).toBe('ts');
    expect(walChecksum(fromHex(SIXTEEN_BYTES), 'little')).toEqual(SIXTEEN_BYTES_LE);
    expect(walChecksum(fromHex(SIXTEEN_BYTES), 'big')).toEqual(SIXTEEN_BYTES_BE);
  });

  it('refuses to select the WebAssembly kernel, with a typed error', () => {
    let caught: unknown;
    try {
      setChecksumKernel('wasm');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ChecksumError);
    expect((caught as ChecksumError).code).toBe('ERR_CHECKSUM_WASM_UNAVAILABLE');
    expect((caught as ChecksumError).message).toMatch(/WebAssembly is not available/);
    expect(getChecksumKernel()).toBe('ts');
  });
});
