import { isBigEndian, checkBytes, checkU32 } from './internal/checks.js';
import { engine, sumRange } from './internal/engine.js';
import type { ByteOrder } from './format.js';

/**
 * SQLite's running checksum: two unsigned 32-bit sums.
 *
 * @public
 */
export interface ChecksumPair {
  /** First sum, an unsigned 32-bit integer. */
  readonly s1: number;
  /** Second sum, an unsigned 32-bit integer. */
  readonly s2: number;
}

const ZERO: ChecksumPair = Object.freeze({ s1: 0, s2: 0 });

/**
 * SQLite's cumulative WAL checksum of `data`, continuing from `seed`.
 *
 * @remarks Reads `data` as u32 word pairs `(x0, x1)` in `byteOrder` and, modulo 2^32, does
 * `s1 += x0 + s2; s2 += x1 + s1` for each pair. The WAL header's checksum is that of its bytes
 * 0..23 from (0, 0); a frame's is that of its header bytes 0..7 and then its page, continuing from
 * the previous frame (the first from the header's). Runs in the WebAssembly kernel unless
 * {@link setChecksumKernel} chose 'ts'; data is copied into the kernel's memory 256 KiB at a time.
 * @param data - bytes to checksum; the length must be a multiple of 8
 * @param byteOrder - byte order of the words ('little' for magic 0x377f0682)
 * @param seed - the running checksum to continue from; (0, 0) when omitted
 * @returns the checksum after the last pair
 * @throws RangeError if `data.length % 8 !== 0` or a seed value is not a u32;
 * TypeError for a bad `byteOrder`
 * @public
 */
export function walChecksum(data: Uint8Array, byteOrder: ByteOrder, seed: ChecksumPair = ZERO): ChecksumPair {
  checkBytes('data', data);
  const bigEndian = isBigEndian(byteOrder);
  if (data.length % 8 !== 0) throw new RangeError(`data length must be a multiple of 8, got ${data.length}`);
  checkU32('seed.s1', seed.s1);
  checkU32('seed.s2', seed.s2);
  const e = engine();
  sumRange(e, data, 0, data.length, bigEndian, seed.s1 | 0, seed.s2 | 0);
  return { s1: e.s1 >>> 0, s2: e.s2 >>> 0 };
}
