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

/**
 * One transaction's frames in a batch: its page images and the database size in pages after it
 * (written into its last frame, making that a commit frame), or 0 when it does not commit.
 * @public
 */
export interface TransactionFrames {
  /** The page images, in the order they are logged. */
  readonly pages: readonly PageWrite[];
  /** Database size in pages after this transaction, or 0 for frames that do not commit yet. */
  readonly commitSize: number;
}

/**
 * Serialises transactions into contiguous frames (page number, commit size on each transaction's
 * last frame, page data; salts and checksums left for `finalize`), into the start of `buffer`
 * when it is large enough, else into a new array.
 */
export function serialiseFrames(transactions: readonly TransactionFrames[], pageSize: number, buffer?: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  let count = 0;
  for (const { pages, commitSize } of transactions) {
    if (pages.length === 0) throw new RangeError('a transaction needs at least one page');
    if (commitSize === 0 && transactions.length > 1) {
      throw new RangeError(`in a batch of ${transactions.length} transactions every one must commit (commit size 0 found)`);
    }
    if (!Number.isInteger(commitSize) || commitSize < 0 || commitSize > 0xffff_ffff) {
      throw new RangeError(`commit size ${commitSize} is not a u32`);
    }
    count += pages.length;
  }
  if (count === 0) throw new RangeError('a batch needs at least one page');
  const size = frameBytes(pageSize);
  const bytes = buffer !== undefined && buffer.length >= count * size ? buffer.subarray(0, count * size) : new Uint8Array(count * size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 0;
  for (const { pages, commitSize } of transactions) {
    for (const page of pages) {
      if (page.data.length !== pageSize) throw new PageSizeMismatchError(pageSize, page.data.length);
      const n = page.pageNumber;
      if (!Number.isInteger(n) || n < 1 || n > 0xffff_ffff) {
        throw new WalFileError('ERR_WAL_FILE_PAGE_NUMBER', `page number ${n} is outside 1..4294967295`);
      }
      view.setUint32(at, n, false);
      view.setUint32(at + 4, 0, false);
      bytes.set(page.data, at + WAL_FRAME_HEADER_BYTES);
      at += size;
    }
    view.setUint32(at - size + 4, commitSize, false);
  }
  return bytes;
}
