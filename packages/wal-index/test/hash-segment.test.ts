import { describe, expect, it } from 'vitest';
import {
  HashProbeError,
  WAL_INDEX_SEGMENT_BYTES,
  WalIndexSegment,
  walIndexHashSlot,
  walIndexSegmentBase,
  walIndexSegmentOf,
} from '../src/index.js';
import { thrown } from './support/thrown.js';

const u32 = (bytes: Uint8Array, at: number): number => new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
const u16 = (bytes: Uint8Array, at: number): number => new DataView(bytes.buffer, bytes.byteOffset).getUint16(at, true);

describe('segment arithmetic', () => {
  it('hashes as (P * 383) mod 2^32 & 8191', () => {
    expect([1, 2, 10, 22].map(walIndexHashSlot)).toEqual([383, 766, 3830, 234]);
    for (const page of [0xffffffff, 0x80000000, 11_213_117, 4_000_000_000]) {
      expect(walIndexHashSlot(page)).toBe(Number((BigInt(page) * 383n) % 2n ** 32n) & 8191);
    }
  });

  it('puts 4062 frames in segment 0 and 4096 in each later one', () => {
    expect([1, 4062, 4063, 8158, 8159, 0xffffffff].map(walIndexSegmentOf)).toEqual([0, 0, 1, 1, 2, 1048576]);
    expect([0, 1, 2].map(walIndexSegmentBase)).toEqual([0, 4062, 8158]);
    expect(() => walIndexSegmentOf(0)).toThrow(RangeError);
    expect(() => walIndexSegmentBase(-1)).toThrow(RangeError);
  });
});

describe('WalIndexSegment', () => {
  it('lays entries out as SQLite does: aPgno after the header region, aHash at 16384', () => {
    const image = new Uint8Array(2 * WAL_INDEX_SEGMENT_BYTES);
    WalIndexSegment.of(image, 0).add(1, 10);
    WalIndexSegment.of(image, 1).add(4063, 22);
    expect(u32(image, 136)).toBe(10);
    expect(u16(image, 16384 + 2 * 3830)).toBe(1);
    expect(u32(image, 32768)).toBe(22);
    expect(u16(image, 32768 + 16384 + 2 * 234)).toBe(1);
  });

  it('finds the latest frame of a page within the bounds, through collisions', () => {
    const segment = new WalIndexSegment(0, new Uint8Array(WAL_INDEX_SEGMENT_BYTES));
    // Pages 1 and 8193 share home slot 383; so do all pages 1 + 8192k.
    const pages = [1, 8193, 1, 16385, 5, 1, 8193];
    pages.forEach((page, i) => segment.add(i + 1, page));
    expect(segment.findLatest(1, 1, 7)).toBe(6);
    expect(segment.findLatest(1, 1, 5)).toBe(3);
    expect(segment.findLatest(1, 4, 5)).toBe(0);
    expect(segment.findLatest(8193, 1, 7)).toBe(7);
    expect(segment.findLatest(16385, 1, 7)).toBe(4);
    expect(segment.findLatest(2, 1, 7)).toBe(0);
    expect(segment.pageOf(4)).toBe(16385);
  });

  it("a segment's first frame zeroes whatever the segment held", () => {
    const bytes = new Uint8Array(WAL_INDEX_SEGMENT_BYTES).fill(0xff);
    const segment = new WalIndexSegment(2, bytes);
    segment.add(8159, 42);
    const expected = new Uint8Array(WAL_INDEX_SEGMENT_BYTES);
    new DataView(expected.buffer).setUint32(0, 42, true);
    new DataView(expected.buffer).setUint16(16384 + 2 * walIndexHashSlot(42), 1, true);
    expect(bytes).toEqual(expected);
  });

  it("a slot left filled by a dead writer is cleaned before it is reused (walIndexAppend)", () => {
    const segment = new WalIndexSegment(0, new Uint8Array(WAL_INDEX_SEGMENT_BYTES));
    [3, 4, 5, 6, 7].forEach((page, i) => segment.add(i + 1, page));
    segment.add(3, 9); // frames 3..5 were never committed
    expect(segment.findLatest(5, 1, 10)).toBe(0);
    expect(segment.findLatest(7, 1, 10)).toBe(0);
    expect(segment.findLatest(9, 1, 10)).toBe(3);
    expect(segment.pageOf(4)).toBe(0);
  });

  it('truncate drops every entry past a frame, as walCleanupHash does', () => {
    const bytes = new Uint8Array(WAL_INDEX_SEGMENT_BYTES);
    const segment = new WalIndexSegment(1, bytes);
    for (let f = 4063; f < 4063 + 100; f++) segment.add(f, (f % 7) + 1);
    const reference = new Uint8Array(WAL_INDEX_SEGMENT_BYTES);
    const fresh = new WalIndexSegment(1, reference);
    for (let f = 4063; f < 4063 + 40; f++) fresh.add(f, (f % 7) + 1);
    segment.truncate(4062 + 40);
    expect(bytes).toEqual(reference);
  });

  it('a probe longer than the entries is corruption, with the observed count', () => {
    const bytes = new Uint8Array(WAL_INDEX_SEGMENT_BYTES);
    const segment = new WalIndexSegment(0, bytes);
    segment.add(1, 1);
    new Uint16Array(bytes.buffer, 16384, 8192).fill(1); // every slot claims an entry
    const onAdd = thrown(() => segment.add(2, 5));
    expect(onAdd).toBeInstanceOf(HashProbeError);
    expect(onAdd).toMatchObject({ code: 'ERR_WAL_INDEX_HASH_PROBE', segment: 0, pageNumber: 5, probes: 3, limit: 2 });
    expect(thrown(() => segment.findLatest(5, 1, 1))).toMatchObject({ probes: 8193, limit: 8192 });
  });

  it('rejects frames outside the segment and misplaced bytes', () => {
    const segment = new WalIndexSegment(0, new Uint8Array(WAL_INDEX_SEGMENT_BYTES));
    expect(() => segment.add(4063, 1)).toThrow(RangeError);
    expect(() => segment.add(1, 0)).toThrow(RangeError);
    expect(() => segment.pageOf(0)).toThrow(RangeError);
    expect(() => new WalIndexSegment(0, new Uint8Array(100))).toThrow(RangeError);
    expect(() => new WalIndexSegment(0, new Uint8Array(WAL_INDEX_SEGMENT_BYTES + 2).subarray(2))).toThrow(RangeError);
    expect(() => WalIndexSegment.of(new Uint8Array(WAL_INDEX_SEGMENT_BYTES), 1)).toThrow(RangeError);
  });
});
