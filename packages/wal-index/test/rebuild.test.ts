import { describe, expect, it } from 'vitest';
import {
  READ_MARK_NOT_USED,
  decodeCheckpointInfo,
  decodeWalIndexHeader,
  rebuildWalIndex,
  recoveredWalIndexHeader,
} from '../src/index.js';
import { SYNTHETIC_HEADER, syntheticSource } from './support/synthetic-source.js';

describe('rebuildWalIndex', () => {
  it('a WAL without a header gives a zero header with isInit, version and checksum only', () => {
    const image = rebuildWalIndex({ header: null, committedFrames: 0, dbSizePages: 0, committedChecksum: { s1: 5, s2: 6 }, pageOf: () => 1 });
    expect(image.length).toBe(32768);
    expect(decodeWalIndexHeader(image)).toEqual({
      change: 0,
      byteOrder: 'little',
      pageSize: 0,
      maxFrame: 0,
      dbSizePages: 0,
      frameChecksum: { s1: 0, s2: 0 },
      salt1: 0,
      salt2: 0,
    });
    expect(image.subarray(136)).toEqual(new Uint8Array(32768 - 136));
    expect(decodeCheckpointInfo(image).readMarks).toEqual([0, ...Array(4).fill(READ_MARK_NOT_USED)]);
  });

  it('a header without commits keeps its salts and byte order but no page size or checksum', () => {
    const header = { ...SYNTHETIC_HEADER, byteOrder: 'big' as const };
    const source = { header, committedFrames: 0, dbSizePages: 0, committedChecksum: { s1: 11, s2: 12 }, pageOf: () => 1 };
    expect(recoveredWalIndexHeader(source)).toMatchObject({
      byteOrder: 'big',
      pageSize: 0,
      salt1: header.salt1,
      salt2: header.salt2,
      frameChecksum: { s1: 0, s2: 0 },
    });
  });

  it('allocates one segment per 4096 frames after the first 4062', () => {
    expect(rebuildWalIndex(syntheticSource(4062, () => 1)).length).toBe(32768);
    expect(rebuildWalIndex(syntheticSource(4063, () => 1)).length).toBe(65536);
    expect(rebuildWalIndex(syntheticSource(8159, () => 1)).length).toBe(98304);
  });

  it('sets the recovered checkpoint information and header', () => {
    const image = rebuildWalIndex(syntheticSource(77, (f) => f));
    expect(decodeCheckpointInfo(image)).toEqual({
      backfilled: 0,
      readMarks: [0, 77, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED],
      backfillAttempted: 77,
    });
    expect(decodeWalIndexHeader(image)).toMatchObject({ change: 0, maxFrame: 77, dbSizePages: 400, pageSize: 4096 });
    expect(image.subarray(120, 128)).toEqual(new Uint8Array(8));
  });

  it('rejects an inconsistent source', () => {
    const base = syntheticSource(10, () => 1);
    expect(() => rebuildWalIndex({ ...base, header: null })).toThrow(RangeError);
    expect(() => rebuildWalIndex({ ...base, validFrames: 9 })).toThrow(RangeError);
    expect(() => rebuildWalIndex({ ...base, pageOf: () => 0 })).toThrow(RangeError);
  });
});
