import { crc32c } from '@node-rs/crc32';
import { createXXHash128 } from 'hash-wasm';
import xxhash from 'xxhash-wasm';
import { checkBytes, checkU32 } from './internal/checks.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * Synchronous hash functions, ready after one asynchronous {@link createHashes}.
 *
 * @public
 */
export interface Hashes {
  /**
   * XXH3-128 (seed 0) of `data`.
   *
   * @remarks Canonical big-endian form, as `xxhsum -H2` prints it: `[u64 BE high64][u64 BE low64]`.
   * The page trailer stores the reverse (a little-endian u128).
   * @param data - the bytes to hash
   * @returns 16 new bytes
   */
  xxh3_128(data: Uint8Array): Uint8Array<ArrayBuffer>;
  /**
   * XXH64 of `data`.
   *
   * @param data - the bytes to hash
   * @param seed - a u64; 0 when omitted
   * @returns the hash as a u64
   * @throws RangeError for a seed outside 0..2^64-1
   */
  xxh64(data: Uint8Array, seed?: bigint): bigint;
  /**
   * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of `data`.
   *
   * @remarks Chains: `crc32c(b, crc32c(a))` equals `crc32c(a ++ b)`.
   * @param data - the bytes to checksum
   * @param initial - the CRC of the bytes before `data`; 0 when omitted
   * @returns the CRC as a u32
   * @throws RangeError for an `initial` that is not a u32
   */
  crc32c(data: Uint8Array, initial?: number): number;
}

/**
 * Loads the hash implementations: XXH3-128 from hash-wasm, XXH64 from xxhash-wasm (both
 * WebAssembly), CRC-32C from \@node-rs/crc32 (native, SSE4.2 where available).
 *
 * @remarks Each call compiles fresh instances; create one {@link Hashes} and keep it, or use
 * {@link sharedHashes}.
 * @example
 * ```ts
 * const hashes = await createHashes();
 * hashes.crc32c(new TextEncoder().encode('123456789')).toString(16); // 'e3069283'
 * ```
 * @returns the loaded functions
 * @public
 */
export async function createHashes(): Promise<Hashes> {
  const [xxh128, xx] = await Promise.all([createXXHash128(), xxhash()]);
  return Object.freeze({
    xxh3_128(data: Uint8Array): Uint8Array<ArrayBuffer> {
      checkBytes('data', data);
      const digest = new Uint8Array(16);
      digest.set(xxh128.init().update(data).digest('binary'));
      return digest;
    },
    xxh64(data: Uint8Array, seed = 0n): bigint {
      checkBytes('data', data);
      if (typeof seed !== 'bigint' || seed < 0n || seed > U64_MAX) {
        throw new RangeError(`seed must be a bigint from 0 to 2^64-1, got ${String(seed)}`);
      }
      return xx.h64Raw(data, seed);
    },
    crc32c(data: Uint8Array, initial = 0): number {
      checkBytes('data', data);
      checkU32('initial', initial);
      return crc32c(data, initial) >>> 0;
    },
  });
}
