import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  encodeFrameHeader,
  sealFrames,
  setChecksumKernel,
  validateWalChain,
  type ByteOrder,
  type ChecksumKernel,
} from '../src/index.js';
import { firstDifference } from './support/hex.js';
import { random } from './support/random.js';
import { refBuildWal, refChecksum, type RefFrame } from './support/reference.js';

afterAll(() => setChecksumKernel('wasm'));

describe.each(['wasm', 'ts'] as ChecksumKernel[])('sealFrames with the %s kernel', (kernel) => {
  beforeEach(() => setChecksumKernel(kernel));

  it.each(['little', 'big'] as ByteOrder[])('writes exactly the salts and checksums of a reference WAL (%s)', (order) => {
    const r = random(51);
    for (const [pageSize, count] of [[512, 7], [4096, 70], [65536, 9]] as const) {
      const bigEndian = order === 'big';
      const list: RefFrame[] = Array.from({ length: count }, (_, i) => ({
        pageNumber: 1 + r.int(1000),
        commitSize: i % 3 === 2 ? 10 + i : 0,
        page: r.bytes(pageSize),
      }));
      const salt1 = r.u32();
      const salt2 = r.u32();
      const want = refBuildWal({ pageSize, bigEndian, salt1, salt2, frames: list });
      // The same frames with salts and checksums zeroed, at an odd offset in a bigger buffer.
      const misalign = 1 + r.int(7);
      const backing = new Uint8Array(misalign + 40 + want.length - 32 + 16).fill(0x5a);
      const buf = backing.subarray(misalign);
      buf.set(want.subarray(32), 40);
      for (let i = 0; i < count; i++) buf.fill(0, 40 + i * (pageSize + 24) + 8, 40 + i * (pageSize + 24) + 24);
      const seed = refChecksum(want.subarray(0, 24), bigEndian);

      const last = sealFrames(buf, 40, count, pageSize, order, salt1, salt2, seed);

      expect(firstDifference(buf.subarray(40, 40 + want.length - 32), want.subarray(32))).toBe(-1);
      const view = new DataView(want.buffer);
      expect(last).toEqual({ s1: view.getUint32(want.length - pageSize - 8), s2: view.getUint32(want.length - pageSize - 4) });
      expect(buf.subarray(0, 40).every((b) => b === 0x5a)).toBe(true);
      expect(buf.subarray(40 + want.length - 32).every((b) => b === 0x5a)).toBe(true);
    }
  });

  it('continues a chain: sealing in several calls equals sealing at once, and validates', () => {
    const r = random(52);
    const header = refBuildWal({ pageSize: 1024, bigEndian: false, salt1: 8, salt2: 9, frames: [] });
    const frames = new Uint8Array(10 * 1048);
    for (let i = 0; i < 10; i++) {
      encodeFrameHeader({ pageNumber: i + 1, commitSize: i === 9 ? 10 : 0, salt1: 0, salt2: 0, checksum1: 0, checksum2: 0 }, frames, i * 1048);
      frames.set(r.bytes(1024), i * 1048 + 24);
    }
    const view = new DataView(header.buffer);
    const seed = { s1: view.getUint32(24), s2: view.getUint32(28) };
    const once = Uint8Array.from(frames);
    const end = sealFrames(once, 0, 10, 1024, 'little', 8, 9, seed);
    let running = seed;
    for (const [from, count] of [[0, 3], [3, 0], [3, 1], [4, 6]] as const) {
      running = sealFrames(frames, from * 1048, count, 1024, 'little', 8, 9, running);
    }
    expect(frames).toEqual(once);
    expect(running).toEqual(end);
    const wal = new Uint8Array(32 + frames.length);
    wal.set(header);
    wal.set(frames, 32);
    expect(validateWalChain(wal).result).toMatchObject({ chained: 10, committed: 10, chainedChecksum: end });
  });

  it('returns the seed for zero frames and touches nothing', () => {
    const buf = new Uint8Array(8);
    expect(sealFrames(buf, 8, 0, 512, 'big', 1, 2, { s1: 3, s2: 4 })).toEqual({ s1: 3, s2: 4 });
    expect(buf.every((b) => b === 0)).toBe(true);
  });

  it('rejects bad arguments before writing anything', () => {
    const buf = new Uint8Array(2 * 536);
    encodeFrameHeader({ pageNumber: 1, commitSize: 0, salt1: 0, salt2: 0, checksum1: 0, checksum2: 0 }, buf, 0);
    const copy = Uint8Array.from(buf);
    const seed = { s1: 0, s2: 0 };
    expect(() => sealFrames(buf, 0, 2, 512, 'little', 1, 2, seed)).toThrow(/frame 2 of 2 \(byte 536\) has page number 0/);
    expect(buf).toEqual(copy);
    expect(() => sealFrames(buf, 0, 3, 512, 'little', 1, 2, seed)).toThrow(/3 frames of 536 bytes at offset 0 need 1608 bytes, got 1072/);
    expect(() => sealFrames(buf, 1, 2, 512, 'little', 1, 2, seed)).toThrow(RangeError);
    expect(() => sealFrames(buf, 0, 1, 1000, 'little', 1, 2, seed)).toThrow(/power of two/);
    expect(() => sealFrames(buf, 0, 1, 512, 'little', -1, 2, seed)).toThrow(/salt1/);
    expect(() => sealFrames(buf, 0, 1, 512, 'little', 1, 2 ** 32, seed)).toThrow(/salt2/);
    expect(() => sealFrames(buf, 0, 1, 512, 'little', 1, 2, { s1: 1.5, s2: 0 })).toThrow(/seed.s1/);
    expect(() => sealFrames(buf, -536, 1, 512, 'little', 1, 2, seed)).toThrow(RangeError);
    expect(() => sealFrames(buf, 0, 1, 512, 'sideways' as ByteOrder, 1, 2, seed)).toThrow(TypeError);
    expect(buf).toEqual(copy);
  });
});
