import type { ChecksumPair } from './checksum.js';
import { WAL_FRAME_HEADER_BYTES, isValidPageSize, type ByteOrder } from './format.js';
import { checkBytes, checkIndex, checkU32, isBigEndian } from './internal/checks.js';
import { engine } from './internal/engine.js';

/**
 * Stamps the salts and computes the chained checksums of `count` contiguous frames in place.
 *
 * @remarks Each frame is `[24-byte header][pageSize bytes of page]` with its page number (never 0)
 * and commit size already set; this writes header bytes 8..23 (salt-1, salt-2, checksum-1,
 * checksum-2, all BE). Frame i's checksum continues from frame i-1's, the first from `seed` (the
 * WAL header's checksum for frame 1). With the WebAssembly kernel the frames are copied into its
 * memory once per batch of up to 256 KiB and every checksum runs there.
 * @param buf - holds the frames
 * @param offset - byte offset of the first frame in `buf`
 * @param count - number of frames
 * @param pageSize - the WAL's page size
 * @param byteOrder - the WAL's checksum byte order
 * @param salt1 - the WAL header's salt-1
 * @param salt2 - the WAL header's salt-2
 * @param seed - the running checksum before the first frame
 * @returns the running checksum after the last frame (`seed` when `count` is 0)
 * @throws RangeError for a bad page size, offset, count, salt or seed, frames that do not fit in
 * `buf`, or a frame whose page number is 0; TypeError for a bad byte order
 * @public
 */
export function sealFrames(
  buf: Uint8Array,
  offset: number,
  count: number,
  pageSize: number,
  byteOrder: ByteOrder,
  salt1: number,
  salt2: number,
  seed: ChecksumPair,
): ChecksumPair {
  checkBytes('buf', buf);
  const bigEndian = isBigEndian(byteOrder);
  if (!isValidPageSize(pageSize)) {
    throw new RangeError(`page size must be a power of two from 512 to 65536, got ${String(pageSize)}`);
  }
  checkIndex('offset', offset);
  checkIndex('count', count);
  checkU32('salt1', salt1);
  checkU32('salt2', salt2);
  checkU32('seed.s1', seed.s1);
  checkU32('seed.s2', seed.s2);
  const frameSize = WAL_FRAME_HEADER_BYTES + pageSize;
  const end = offset + count * frameSize;
  if (end > buf.length) {
    throw new RangeError(`${count} frames of ${frameSize} bytes at offset ${offset} need ${end} bytes, got ${buf.length}`);
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let at = offset; at < end; at += frameSize) {
    if (view.getUint32(at) === 0) {
      throw new RangeError(`frame ${(at - offset) / frameSize + 1} of ${count} (byte ${at}) has page number 0`);
    }
  }

  const littleEndian = !bigEndian;
  const e = engine();
  const batch = Math.floor(e.maxStage / frameSize) * frameSize; // maxStage holds >= 3 frames of 64 KiB
  let s1 = seed.s1 | 0;
  let s2 = seed.s2 | 0;
  for (let first = offset; first < end; first += batch) {
    const last = Math.min(end, first + batch);
    const bias = e.stage(buf, first, last);
    for (let at = first; at < last; at += frameSize) {
      s1 = (s1 + view.getInt32(at, littleEndian) + s2) | 0;
      s2 = (s2 + view.getInt32(at + 4, littleEndian) + s1) | 0;
      e.sum(bias + at + WAL_FRAME_HEADER_BYTES, pageSize, bigEndian, s1, s2);
      s1 = e.s1;
      s2 = e.s2;
      view.setUint32(at + 8, salt1);
      view.setUint32(at + 12, salt2);
      view.setInt32(at + 16, s1);
      view.setInt32(at + 20, s2);
    }
  }
  e.release();
  return { s1: s1 >>> 0, s2: s2 >>> 0 };
}
