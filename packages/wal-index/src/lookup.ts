import { decodeCheckpointInfo } from './checkpoint-info.js';
import { ShortWalIndexError } from './errors.js';
import { WalIndexSegment, walIndexSegmentOf } from './hash-segment.js';
import { decodeWalIndexHeader } from './index-header.js';
import { WAL_INDEX_SEGMENT_BYTES } from './format.js';

/**
 * Frame bounds of a lookup.
 * @public
 */
export interface FrameRange {
  /** Lowest frame to consider. @defaultValue nBackfill + 1 of the image */
  readonly minFrame?: number;
  /** Highest frame to consider (the reader's snapshot). @defaultValue mxFrame of the image */
  readonly maxFrame?: number;
}

/**
 * The latest frame holding `pageNumber` within `[minFrame, maxFrame]`, or 0 when the page must be
 * read from the database file, looked up in a whole wal-index image as a SQLite reader does:
 * segments from the one holding `maxFrame` down to the one holding `minFrame`, stopping at the
 * first segment with a match.
 * @throws the header errors of {@link decodeWalIndexHeader} (when a bound comes from the image),
 * {@link ShortWalIndexError} when the image lacks a segment the range needs,
 * {@link HashProbeError} for a corrupt hash table.
 * @public
 */
export function findFrame(image: Uint8Array, pageNumber: number, range: FrameRange = {}): number {
  const maxFrame = range.maxFrame ?? decodeWalIndexHeader(image).maxFrame;
  const minFrame = Math.max(1, range.minFrame ?? decodeCheckpointInfo(image).backfilled + 1);
  if (maxFrame < minFrame) return 0;
  for (let k = walIndexSegmentOf(maxFrame); k >= walIndexSegmentOf(minFrame); k--) {
    const frame = segmentOfImage(image, k).findLatest(pageNumber, minFrame, maxFrame);
    if (frame !== 0) return frame;
  }
  return 0;
}

/**
 * Drops the hash entries of every frame after `maxFrame` from a wal-index image, as SQLite's
 * walCleanupHash does after a rollback: only the segment holding `maxFrame` is cleaned (later
 * segments are zeroed when their first frame is added); nothing happens when `maxFrame` is 0.
 * @throws {@link ShortWalIndexError} when the image lacks that segment.
 * @public
 */
export function truncateWalIndex(image: Uint8Array, maxFrame: number): void {
  if (maxFrame === 0) return;
  segmentOfImage(image, walIndexSegmentOf(maxFrame)).truncate(maxFrame);
}

function segmentOfImage(image: Uint8Array, index: number): WalIndexSegment {
  const end = (index + 1) * WAL_INDEX_SEGMENT_BYTES;
  if (image.length < end) throw new ShortWalIndexError(`wal-index segment ${index}`, end, image.length);
  return WalIndexSegment.of(image, index);
}
