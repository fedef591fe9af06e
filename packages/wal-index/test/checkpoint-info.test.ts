import { describe, expect, it } from 'vitest';
import { fromHex } from '@litewal/sqlite-fixtures';
import {
  READ_MARK_NOT_USED,
  ShortWalIndexError,
  decodeCheckpointInfo,
  encodeCheckpointInfo,
  readMarkOffset,
  recoveredCheckpointInfo,
} from '../src/index.js';

/** Bytes 96..135 of the `-shm` sqlite3 3.40.1 built recovering a 5-frame WAL (x86). */
const SQLITE_CKPT = fromHex('00000000 00000000 05000000 ffffffff ffffffff ffffffff 00000000 00000000 05000000 00000000');

function region(ckpt: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(136);
  bytes.set(ckpt, 96);
  return bytes;
}

describe('checkpoint information', () => {
  it("decodes SQLite's golden bytes", () => {
    expect(decodeCheckpointInfo(region(SQLITE_CKPT))).toEqual({
      backfilled: 0,
      readMarks: [0, 5, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED],
      backfillAttempted: 5,
    });
    expect(recoveredCheckpointInfo(5)).toEqual(decodeCheckpointInfo(region(SQLITE_CKPT)));
  });

  it('encodes at SQLite offsets and never touches the lock bytes or the unused word', () => {
    const target = new Uint8Array(136).fill(0xaa);
    encodeCheckpointInfo({ backfilled: 7, readMarks: [0, 9, 8, READ_MARK_NOT_USED, 1], backfillAttempted: 9 }, target);
    expect(target.subarray(96, 120)).toEqual(fromHex('07000000 00000000 09000000 08000000 ffffffff 01000000'));
    expect(target.subarray(120, 128)).toEqual(new Uint8Array(8).fill(0xaa));
    expect(target.subarray(128, 132)).toEqual(fromHex('09000000'));
    expect(target.subarray(132, 136)).toEqual(new Uint8Array(4).fill(0xaa));
    expect(target.subarray(0, 96)).toEqual(new Uint8Array(96).fill(0xaa));
  });

  it('after recovering an empty log, mark 1 is not used', () => {
    expect(recoveredCheckpointInfo(0).readMarks).toEqual([0, ...Array(4).fill(READ_MARK_NOT_USED)]);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => decodeCheckpointInfo(new Uint8Array(131))).toThrow(ShortWalIndexError);
    expect(() => encodeCheckpointInfo({ backfilled: 0, readMarks: [0], backfillAttempted: 0 }, new Uint8Array(136))).toThrow(RangeError);
    expect(() => encodeCheckpointInfo(recoveredCheckpointInfo(1), new Uint8Array(100))).toThrow(RangeError);
    expect(() => encodeCheckpointInfo({ ...recoveredCheckpointInfo(1), backfilled: -1 }, new Uint8Array(136))).toThrow(RangeError);
    expect(readMarkOffset(4)).toBe(116);
    expect(() => readMarkOffset(5)).toThrow(RangeError);
  });
});
