import { describe, expect, it } from 'vitest';
import { fromHex } from '@litewal/sqlite-fixtures';
import {
  HeaderChecksumError,
  HeaderCopiesDifferError,
  HeaderNotInitializedError,
  ShortWalIndexError,
  WAL_INDEX_VERSION,
  WalIndexVersionError,
  decodeWalIndexHeader,
  decodeWalIndexHeaderCopy,
  decodeWalIndexPageSize,
  encodeWalIndexHeader,
  encodeWalIndexPageSize,
  type WalIndexHeader,
} from '../src/index.js';
import { thrown } from './support/thrown.js';

/**
 * Header copy 1 of the `-shm` that sqlite3 3.40.1 built when recovering a 5-frame WAL
 * (4 KiB pages, PRNG seed 12345), as an x86 (little-endian) host stores it.
 */
const SQLITE_COPY = fromHex(
  '18e22d00 00000000 00000000 01000010 05000000 02000000 bb29d38a 224a38c3 37795e86 df22524b 261e55e5 f24076d2',
);
const SQLITE_HEADER: WalIndexHeader = {
  change: 0,
  byteOrder: 'little',
  pageSize: 4096,
  maxFrame: 5,
  dbSizePages: 2,
  frameChecksum: { s1: 0x8ad329bb, s2: 0xc3384a22 },
  salt1: 0x37795e86,
  salt2: 0xdf22524b,
};

function twoCopies(copy: Uint8Array): Uint8Array {
  const region = new Uint8Array(136);
  region.set(copy, 0);
  region.set(copy, 48);
  return region;
}

describe('wal-index header codec', () => {
  it("decodes SQLite's golden header and re-encodes the same 48 bytes", () => {
    expect(decodeWalIndexHeaderCopy(SQLITE_COPY)).toEqual(SQLITE_HEADER);
    expect(encodeWalIndexHeader(SQLITE_HEADER)).toEqual(SQLITE_COPY);
    expect(decodeWalIndexHeader(twoCopies(SQLITE_COPY))).toEqual(SQLITE_HEADER);
  });

  it('round-trips extreme values, big-endian checksums and 64 KiB pages', () => {
    const header: WalIndexHeader = {
      change: 0xffffffff,
      byteOrder: 'big',
      pageSize: 65536,
      maxFrame: 0xffffffff,
      dbSizePages: 0xfffffffe,
      frameChecksum: { s1: 0xffffffff, s2: 1 },
      salt1: 0x80000000,
      salt2: 0x7fffffff,
    };
    const bytes = encodeWalIndexHeader(header);
    expect(bytes[13]).toBe(1);
    expect(new DataView(bytes.buffer).getUint16(14, true)).toBe(1); // szPage 65536 is stored as 1
    expect(bytes.subarray(32, 40)).toEqual(fromHex('80000000 7fffffff')); // raw big-endian salts
    expect(decodeWalIndexHeaderCopy(bytes)).toEqual(header);
  });

  it('encodes every page size as SQLite does, 65536 as 1', () => {
    for (let size = 512; size <= 65536; size *= 2) {
      const field = encodeWalIndexPageSize(size);
      expect(field).toBe(size === 65536 ? 1 : size);
      expect(decodeWalIndexPageSize(field)).toBe(size);
    }
    expect(encodeWalIndexPageSize(0)).toBe(0);
    expect(() => encodeWalIndexPageSize(1000)).toThrow(RangeError);
    expect(() => encodeWalIndexHeader({ ...SQLITE_HEADER, maxFrame: 2 ** 32 })).toThrow(RangeError);
  });

  it('a flipped bit anywhere in a copy is detected with the observed values', () => {
    for (let byte = 0; byte < 48; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = SQLITE_COPY.slice();
        copy[byte] = (copy[byte] as number) ^ (1 << bit);
        const error = thrown(() => decodeWalIndexHeaderCopy(copy));
        if (byte === 12 && bit === 0) {
          expect(error).toBeInstanceOf(HeaderNotInitializedError);
          expect((error as HeaderNotInitializedError).isInit).toBe(0);
        } else {
          expect(error).toBeInstanceOf(HeaderChecksumError);
        }
      }
    }
  });

  it('reports the stored and computed checksums', () => {
    const copy = SQLITE_COPY.slice();
    copy[40] = 0x27;
    const error = thrown(() => decodeWalIndexHeaderCopy(copy)) as HeaderChecksumError;
    expect(error.expected).toEqual({ s1: 0xe5551e26, s2: 0xd27640f2 });
    expect(error.actual).toEqual({ s1: 0xe5551e27, s2: 0xd27640f2 });
  });

  it('an all-zero header is not initialised', () => {
    expect(() => decodeWalIndexHeader(new Uint8Array(136))).toThrow(HeaderNotInitializedError);
  });

  it('copies that differ are reported at the first differing byte', () => {
    const region = twoCopies(SQLITE_COPY);
    region[48 + 16] = 6; // copy 2 has a newer mxFrame: a writer between its two writes
    const error = thrown(() => decodeWalIndexHeader(region));
    expect(error).toBeInstanceOf(HeaderCopiesDifferError);
    expect(error).toMatchObject({ code: 'ERR_WAL_INDEX_HEADER_COPIES', offset: 16, copy1: 5, copy2: 6 });
  });

  it('a consistent header of another version is refused', () => {
    const copy = encodeWalIndexHeader(SQLITE_HEADER);
    const view = new DataView(copy.buffer);
    view.setUint32(0, WAL_INDEX_VERSION + 1, true);
    const sum = checksumOf(copy);
    view.setUint32(40, sum.s1, true);
    view.setUint32(44, sum.s2, true);
    const error = thrown(() => decodeWalIndexHeaderCopy(copy));
    expect(error).toBeInstanceOf(WalIndexVersionError);
    expect(error).toMatchObject({ code: 'ERR_WAL_INDEX_VERSION', version: WAL_INDEX_VERSION + 1, expected: WAL_INDEX_VERSION });
  });

  it('short input is a typed error with the sizes', () => {
    expect(thrown(() => decodeWalIndexHeaderCopy(SQLITE_COPY.subarray(0, 47)))).toMatchObject({
      code: 'ERR_WAL_INDEX_SHORT',
      expected: 48,
      actual: 47,
    });
    expect(() => decodeWalIndexHeader(new Uint8Array(95))).toThrow(ShortWalIndexError);
  });
});

/** SQLite's checksum of bytes 0..39 with little-endian words, written out independently. */
function checksumOf(bytes: Uint8Array): { s1: number; s2: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 40);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < 40; i += 8) {
    s1 = (s1 + view.getUint32(i, true) + s2) >>> 0;
    s2 = (s2 + view.getUint32(i + 4, true) + s1) >>> 0;
  }
  return { s1, s2 };
}
