import { WAL_FRAME_HEADER_BYTES, type ChecksumPair } from '@litewal/checksum';
import { PageSizeMismatchError, WalFileError } from './errors.js';
import { frameBytes } from './format.js';

/**
 * One page image to log: the page number (1-based) and exactly one page of bytes.
 * @public
 */
export interface PageWrite {
  /** Page number, 1..4294967295. */
  readonly pageNumber: number;
  /** The page image: exactly one page of bytes. */
  readonly data: Uint8Array;
}

/**
 * Which generation of a WAL frames belong to: the checkpoint sequence and both salts of its header.
 * @remarks A reset that keeps the salts but bumps the sequence is a new generation.
 * @public
 */
export interface WalGeneration {
  /** Checkpoint sequence (header bytes 12..15). */
  readonly checkpointSequence: number;
  /** Salt-1 (header bytes 16..19). */
  readonly salt1: number;
  /** Salt-2 (header bytes 20..23). */
  readonly salt2: number;
}

/**
 * A batch of frames serialised by {@link WalFile.prepare}, waiting to be finalised and appended.
 * @remarks `bytes` holds `count` whole frames; their salts and checksums are filled in by
 * {@link WalFile.finalize}. A prepared batch is tied to the frame it starts at and the generation
 * it was prepared for; appending it anywhere else is refused.
 * @public
 */
export interface PreparedFrames {
  /** The frames, contiguous, exactly as they will be written. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Number of frames. */
  readonly count: number;
  /** The frame number of the first frame. */
  readonly startFrame: number;
  /** Database size in pages written into the last frame; 0 when the batch does not commit. */
  readonly commitSize: number;
  /** The generation the frames were prepared for. */
  readonly generation: WalGeneration;
  /** The running checksum after the last frame, once finalised; null before. */
  readonly finalChecksum: ChecksumPair | null;
}

/** Mutable form used inside the package. */
export interface MutablePreparedFrames extends PreparedFrames {
  finalChecksum: ChecksumPair | null;
}

/** Serialises page images into frames (page number, commit size, page data; salts and checksums zero). */
export function serialiseFrames(
  pages: readonly PageWrite[],
  pageSize: number,
  commitSize: number,
): Uint8Array<ArrayBuffer> {
  if (pages.length === 0) throw new RangeError('a batch needs at least one page');
  if (!Number.isInteger(commitSize) || commitSize < 0 || commitSize > 0xffff_ffff) {
    throw new RangeError(`commit size ${commitSize} is not a u32`);
  }
  const size = frameBytes(pageSize);
  const bytes = new Uint8Array(pages.length * size);
  const view = new DataView(bytes.buffer);
  pages.forEach((page, i) => {
    if (page.data.length !== pageSize) throw new PageSizeMismatchError(pageSize, page.data.length);
    const n = page.pageNumber;
    if (!Number.isInteger(n) || n < 1 || n > 0xffff_ffff) {
      throw new WalFileError('ERR_WAL_FILE_PAGE_NUMBER', `page number ${n} is outside 1..4294967295`);
    }
    view.setUint32(i * size, n, false);
    bytes.set(page.data, i * size + WAL_FRAME_HEADER_BYTES);
  });
  view.setUint32((pages.length - 1) * size + 4, commitSize, false);
  return bytes;
}
