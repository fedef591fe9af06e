import { describe, expect, it } from 'vitest';
import {
  ChecksumError,
  WAL_FORMAT_VERSION,
  WAL_HEADER_BYTES,
  WAL_MAGIC_BE,
  WAL_MAGIC_LE,
  WalHeaderChecksumError,
  WalHeaderError,
  decodeWalHeader,
  encodeWalHeader,
  type ByteOrder,
  type WalHeaderErrorCode,
  type WalHeaderInit,
} from '../src/index.js';
import { HEADER_BE_CHECKSUM, HEADER_INIT, HEADER_LE_HEX } from './fixtures/vectors.js';
import { fromHex, toHex } from './support/hex.js';
import { random } from './support/random.js';
import { refChecksum } from './support/reference.js';

function decodeError(bytes: Uint8Array): WalHeaderError {
  try {
    decodeWalHeader(bytes);
  } catch (error) {
    if (error instanceof WalHeaderError) return error;
    throw error;
  }
  throw new Error('decodeWalHeader accepted the header');
}

/** A header with arbitrary field values and a correct checksum (for the checks after the checksum). */
function headerWith(fields: { magic?: number; version?: number; pageSize?: number }): Uint8Array<ArrayBuffer> {
  const bytes = fromHex(HEADER_LE_HEX);
  const view = new DataView(bytes.buffer);
  if (fields.magic !== undefined) view.setUint32(0, fields.magic);
  if (fields.version !== undefined) view.setUint32(4, fields.version);
  if (fields.pageSize !== undefined) view.setUint32(8, fields.pageSize);
  const sum = refChecksum(bytes.subarray(0, 24), (view.getUint32(0) & 1) === 1);
  view.setUint32(24, sum.s1);
  view.setUint32(28, sum.s2);
  return bytes;
}

describe('encodeWalHeader / decodeWalHeader', () => {
  it('encodes the golden header byte for byte', () => {
    expect(toHex(encodeWalHeader({ byteOrder: 'little', ...HEADER_INIT }))).toBe(HEADER_LE_HEX.replaceAll(' ', ''));
    const be = decodeWalHeader(encodeWalHeader({ byteOrder: 'big', ...HEADER_INIT }));
    expect({ s1: be.checksum1, s2: be.checksum2 }).toEqual(HEADER_BE_CHECKSUM);
  });

  it('decodes the golden header', () => {
    expect(decodeWalHeader(fromHex(HEADER_LE_HEX))).toEqual({
      magic: WAL_MAGIC_LE,
      byteOrder: 'little',
      version: WAL_FORMAT_VERSION,
      pageSize: 4096,
      checkpointSequence: 0,
      salt1: 0x11112222,
      salt2: 0x33334444,
      checksum1: 0xf7091424,
      checksum2: 0xf3351efc,
    });
  });

  it('round-trips random headers of every page size and both byte orders', () => {
    const r = random(11);
    for (let shift = 9; shift <= 16; shift++) {
      for (const byteOrder of ['little', 'big'] as ByteOrder[]) {
        const init: WalHeaderInit = { byteOrder, pageSize: 2 ** shift, checkpointSequence: r.u32(), salt1: r.u32(), salt2: r.u32() };
        const bytes = encodeWalHeader(init);
        expect(bytes).toHaveLength(WAL_HEADER_BYTES);
        const sum = refChecksum(bytes.subarray(0, 24), byteOrder === 'big');
        expect(decodeWalHeader(bytes)).toEqual({
          ...init,
          magic: byteOrder === 'big' ? WAL_MAGIC_BE : WAL_MAGIC_LE,
          version: WAL_FORMAT_VERSION,
          checksum1: sum.s1,
          checksum2: sum.s2,
        });
      }
    }
  });

  it('reads only the first 32 bytes, at any byte offset', () => {
    const backing = new Uint8Array(3 + 32 + 100).fill(0xee);
    backing.set(fromHex(HEADER_LE_HEX), 3);
    expect(decodeWalHeader(backing.subarray(3)).salt2).toBe(0x33334444);
  });

  it('rejects every truncation of a valid header with ERR_CHECKSUM_SHORT_HEADER', () => {
    const header = fromHex(HEADER_LE_HEX);
    for (let n = 0; n < WAL_HEADER_BYTES; n++) {
      const error = decodeError(header.subarray(0, n));
      expect(error.code).toBe('ERR_CHECKSUM_SHORT_HEADER');
      expect(error.message).toBe(`WAL header needs 32 bytes, got ${n}`);
    }
  });

  it('maps one flipped bit in each field to the error SQLite would hit first', () => {
    // SQLite checks magic, then page size, then the checksum (which covers the version, sequence and
    // salts), and the version last.
    const fields: [string, number, (bit: number) => WalHeaderErrorCode][] = [
      ['magic', 0, (bit) => (bit === 0 ? 'ERR_CHECKSUM_HEADER_CHECKSUM' : 'ERR_CHECKSUM_BAD_MAGIC')],
      ['version', 4, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      ['page size', 8, () => 'ERR_CHECKSUM_BAD_PAGE_SIZE'],
      ['checkpoint sequence', 12, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      ['salt-1', 16, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      ['salt-2', 20, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      ['checksum-1', 24, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
      ['checksum-2', 28, () => 'ERR_CHECKSUM_HEADER_CHECKSUM'],
    ];
    for (const order of ['little', 'big'] as ByteOrder[]) {
      const header = encodeWalHeader({ byteOrder: order, ...HEADER_INIT });
      for (const [field, offset, expected] of fields) {
        for (let bit = 0; bit < 32; bit++) {
          const flipped = Uint8Array.from(header);
          flipped[offset + 3 - (bit >> 3)]! ^= 1 << (bit & 7);
          const error = decodeError(flipped);
          expect(error.code, `${order}: ${field} bit ${bit}`).toBe(expected(bit));
          expect(error).toBeInstanceOf(ChecksumError);
        }
      }
    }
  });

  it('states the observed value and the limit in each message', () => {
    expect(decodeError(headerWith({ magic: 0x377f0684 })).message).toBe(
      'bad WAL magic 0x377f0684: expected 0x377f0682 or 0x377f0683',
    );
    for (const pageSize of [0, 256, 1000, 3072, 131072, 0xffffffff]) {
      const error = decodeError(headerWith({ pageSize }));
      expect(error.code).toBe('ERR_CHECKSUM_BAD_PAGE_SIZE');
      expect(error.message).toBe(`WAL page size ${pageSize} is not a power of two from 512 to 65536`);
    }
    const version = decodeError(headerWith({ version: 3007001 }));
    expect(version.code).toBe('ERR_CHECKSUM_BAD_VERSION');
    expect(version.message).toBe('WAL format version 3007001 is not the supported 3007000');
  });

  it('reports the stored and computed checksums on a mismatch', () => {
    const header = fromHex(HEADER_LE_HEX);
    header[31]! ^= 0x01;
    const error = decodeError(header);
    expect(error).toBeInstanceOf(WalHeaderChecksumError);
    expect(error.name).toBe('WalHeaderChecksumError');
    const mismatch = error as WalHeaderChecksumError;
    expect(mismatch.stored).toEqual({ s1: 0xf7091424, s2: 0xf3351efd });
    expect(mismatch.computed).toEqual({ s1: 0xf7091424, s2: 0xf3351efc });
    expect(mismatch.message).toBe(
      'WAL header checksum mismatch: stored (0xf7091424, 0xf3351efd), computed (0xf7091424, 0xf3351efc)',
    );
  });

  it('accepts a 65536-byte page size stored as is', () => {
    expect(decodeWalHeader(headerWith({ pageSize: 65536 })).pageSize).toBe(65536);
  });

  it('rejects bad fields on encode', () => {
    const good: WalHeaderInit = { byteOrder: 'little', ...HEADER_INIT };
    expect(() => encodeWalHeader({ ...good, pageSize: 1000 })).toThrow(/power of two from 512 to 65536, got 1000/);
    expect(() => encodeWalHeader({ ...good, pageSize: 131072 })).toThrow(RangeError);
    expect(() => encodeWalHeader({ ...good, salt1: -1 })).toThrow(/salt1 .* got -1/);
    expect(() => encodeWalHeader({ ...good, salt2: 2 ** 32 })).toThrow(RangeError);
    expect(() => encodeWalHeader({ ...good, checkpointSequence: 1.5 })).toThrow(RangeError);
    expect(() => encodeWalHeader({ ...good, byteOrder: 'native' as ByteOrder })).toThrow(TypeError);
  });
});
