import type { ChecksumPair, WalHeader } from '@litewal/checksum';
import { encodeCheckpointInfo, recoveredCheckpointInfo } from './checkpoint-info.js';
import { WalIndexSegment, walIndexSegmentOf } from './hash-segment.js';
import { encodeWalIndexHeader, type WalIndexHeader } from './index-header.js';
import {
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_MAX_FRAME,
  WAL_INDEX_SEGMENT_BYTES,
} from './format.js';

/**
 * What a rebuild needs to know about a WAL: its recovered valid prefix. `WalFile` from
 * `@litewal/wal-file` satisfies it as it is.
 * @public
 */
export interface WalIndexSource {
  /** The WAL header, or null when the WAL has none or an invalid one. */
  readonly header: WalHeader | null;
  /** mxFrame: the last valid commit frame (0 when there is none). */
  readonly committedFrames: number;
  /** The commit size of frame `committedFrames` (0 when there is none). */
  readonly dbSizePages: number;
  /** The running checksum after frame `committedFrames`. */
  readonly committedChecksum: ChecksumPair;
  /**
   * Frames that pass SQLite's checks, including a valid uncommitted tail after
   * `committedFrames`: SQLite's recovery puts every one of them in the hash tables (readers
   * ignore the tail; the next writer clears it).
   * @defaultValue `committedFrames`
   */
  readonly validFrames?: number;
  /** The page number held by `frame`, for frames 1 to `validFrames`. */
  pageOf(frame: number): number;
}

/**
 * A {@link WalIndexSource} that may keep a file open until a rebuild has read it (`WalFile` from
 * `@litewal/wal-file` is one).
 * @public
 */
export interface ClosableWalIndexSource extends WalIndexSource {
  /** Called once the rebuild has read what it needs. */
  close?(): Promise<void>;
}

/**
 * The wal-index header SQLite's recovery writes for a WAL: iChange 0; page size, nPage and
 * aFrameCksum from the last commit (all 0 without one); salts and checksum byte order from the
 * WAL header (0 without one).
 * @throws RangeError when the source has commits but no header.
 * @public
 */
export function recoveredWalIndexHeader(source: WalIndexSource): WalIndexHeader {
  const { header, committedFrames } = source;
  if (header === null && committedFrames !== 0) {
    throw new RangeError(`a WAL without a header cannot have ${committedFrames} committed frames`);
  }
  const committed = committedFrames > 0 && header !== null;
  return {
    change: 0,
    byteOrder: header?.byteOrder ?? 'little',
    pageSize: committed ? header.pageSize : 0,
    maxFrame: committedFrames,
    dbSizePages: committed ? source.dbSizePages : 0,
    frameChecksum: committed ? source.committedChecksum : { s1: 0, s2: 0 },
    salt1: header?.salt1 ?? 0,
    salt2: header?.salt2 ?? 0,
  };
}

/**
 * Builds the `-shm` file SQLite's recovery builds for a WAL, byte for byte: one 32 KiB segment per
 * 4096 indexed frames (4062 in the first, at least one segment), every valid frame in the hash
 * tables, both header copies from {@link recoveredWalIndexHeader}, and the checkpoint information
 * of {@link recoveredCheckpointInfo}. The lock bytes 120..127 stay zero.
 *
 * @remarks Known divergence, invisible to readers: when the first frame of a segment fails
 * validation (the valid frames end exactly at a segment boundary, or a WAL longer than its header
 * has no valid frame), SQLite copies a reused, uninitialised buffer into that segment's tables;
 * this rebuild leaves them zero (and writes no segment past the last valid frame's). SQLite also
 * reads the WAL header only from a WAL longer than 32 bytes, and takes its salts and byte order
 * before checking its checksum: for a header-only WAL, or one whose header fails its checksum,
 * the salts and byte order of the rebuilt header (with mxFrame 0) follow `source.header` instead.
 * @throws RangeError when the source is inconsistent (counts out of range, a page number of 0).
 * @throws {@link HashProbeError} only if the source reports frames that overflow a hash table,
 * which no valid source can.
 * @public
 */
export function rebuildWalIndex(source: WalIndexSource): Uint8Array<ArrayBuffer> {
  const header = recoveredWalIndexHeader(source);
  const indexed = source.validFrames ?? source.committedFrames;
  if (!Number.isInteger(indexed) || indexed < source.committedFrames || indexed > WAL_INDEX_MAX_FRAME) {
    throw new RangeError(`validFrames ${indexed} must be an integer from committedFrames (${source.committedFrames}) to ${WAL_INDEX_MAX_FRAME}`);
  }
  const segments = indexed === 0 ? 1 : walIndexSegmentOf(indexed) + 1;
  const image = new Uint8Array(segments * WAL_INDEX_SEGMENT_BYTES);
  let segment = WalIndexSegment.of(image, 0);
  for (let frame = 1; frame <= indexed; frame++) {
    if (frame > segment.base + segment.capacity) segment = WalIndexSegment.of(image, segment.index + 1);
    segment.add(frame, source.pageOf(frame));
  }
  const copy = encodeWalIndexHeader(header);
  image.set(copy, WAL_INDEX_HEADER_COPY1_OFFSET);
  image.set(copy, WAL_INDEX_HEADER_COPY2_OFFSET);
  encodeCheckpointInfo(recoveredCheckpointInfo(header.maxFrame), image);
  return image;
}
