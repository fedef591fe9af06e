import { describe, expect, it } from 'vitest';
import {
  ChecksumError,
  FrameHeaderError,
  WAL_FRAME_HEADER_BYTES,
  decodeFrameHeader,
  encodeFrameHeader,
  type FrameHeader,
} from '../src/index.js';
import { fromHex, toHex } from './support/hex.js';
import { random } from './support/random.js';

const GOLDEN: FrameHeader = {
  pageNumber: 1,
  commitSize: 2,
  salt1: 0x11112222,
  salt2: 0x33334444,
  checksum1: 0xdeadbeef,
  checksum2: 0x01020304,
};
const GOLDEN_HEX = '00000001 00000002 11112222 33334444 deadbeef 01020304'.replaceAll(' ', '');

function decodeError(bytes: Uint8Array, offset?: number): FrameHeaderError {
  try {
    decodeFrameHeader(bytes, offset);
  } catch (error) {
    if (error instanceof FrameHeaderError) return error;
    throw error;
  }
  throw new Error('decodeFrameHeader accepted the bytes');
}

describe('encodeFrameHeader / decodeFrameHeader', () => {
  it('encodes and decodes the golden bytes (all fields big-endian)', () => {
    const target = new Uint8Array(WAL_FRAME_HEADER_BYTES);
    encodeFrameHeader(GOLDEN, target, 0);
    expect(toHex(target)).toBe(GOLDEN_HEX);
    expect(decodeFrameHeader(fromHex(GOLDEN_HEX))).toEqual(GOLDEN);
  });

  it('round-trips random headers at random offsets, touching only its 24 bytes', () => {
    const r = random(21);
    for (let trial = 0; trial < 200; trial++) {
      const header: FrameHeader = {
        pageNumber: r.u32(),
        commitSize: r.u32(),
        salt1: r.u32(),
        salt2: r.u32(),
        checksum1: r.u32(),
        checksum2: r.u32(),
      };
      const misalign = r.int(5);
      const offset = r.int(64);
      const backing = new Uint8Array(misalign + offset + WAL_FRAME_HEADER_BYTES + 8).fill(0xa5);
      const target = backing.subarray(misalign);
      encodeFrameHeader(header, target, offset);
      expect(decodeFrameHeader(target, offset)).toEqual(header);
      expect(target.subarray(0, offset).every((b) => b === 0xa5)).toBe(true);
      expect(target.subarray(offset + WAL_FRAME_HEADER_BYTES).every((b) => b === 0xa5)).toBe(true);
    }
  });

  it('changes exactly the flipped field for one flipped bit in each field', () => {
    const names = ['pageNumber', 'commitSize', 'salt1', 'salt2', 'checksum1', 'checksum2'] as const;
    names.forEach((name, field) => {
      for (let bit = 0; bit < 32; bit++) {
        const bytes = fromHex(GOLDEN_HEX);
        bytes[field * 4 + 3 - (bit >> 3)]! ^= 1 << (bit & 7);
        expect(decodeFrameHeader(bytes)).toEqual({ ...GOLDEN, [name]: (GOLDEN[name] ^ (2 ** bit)) >>> 0 });
      }
    });
  });

  it('rejects every short input with ERR_CHECKSUM_SHORT_FRAME_HEADER, with and without an offset', () => {
    const bytes = fromHex(GOLDEN_HEX);
    for (let n = 0; n < WAL_FRAME_HEADER_BYTES; n++) {
      const error = decodeError(bytes.subarray(0, n));
      expect(error.code).toBe('ERR_CHECKSUM_SHORT_FRAME_HEADER');
      expect(error.message).toBe(`frame header needs 24 bytes, got ${n}`);
      expect(error).toBeInstanceOf(ChecksumError);
      expect(decodeError(bytes, WAL_FRAME_HEADER_BYTES - n).message).toBe(`frame header needs 24 bytes, got ${n}`);
    }
    expect(decodeError(bytes, 100).message).toBe('frame header needs 24 bytes, got 0');
  });

  it('rejects bad arguments', () => {
    const target = new Uint8Array(30);
    expect(() => encodeFrameHeader(GOLDEN, target, 7)).toThrow(/needs 24 bytes at offset 7, the target has 30/);
    expect(() => encodeFrameHeader(GOLDEN, target, -1)).toThrow(RangeError);
    expect(() => encodeFrameHeader({ ...GOLDEN, pageNumber: 2 ** 32 }, target, 0)).toThrow(/pageNumber/);
    expect(() => encodeFrameHeader({ ...GOLDEN, checksum2: -5 }, target, 0)).toThrow(/checksum2/);
    expect(() => decodeFrameHeader(fromHex(GOLDEN_HEX), -1)).toThrow(RangeError);
    expect(() => decodeFrameHeader(fromHex(GOLDEN_HEX), 0.5)).toThrow(RangeError);
  });
});
