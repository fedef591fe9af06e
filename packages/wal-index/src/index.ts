/**
 * SQLite's wal-index (`<db>-shm`) byte for byte, and the lock protocol that lets litewal share a
 * live database with SQLite processes.
 *
 * @remarks
 * The format: two header copies with their native-order checksum, the checkpoint information
 * (nBackfill, read marks, nBackfillAttempted), and 32 KiB hash segments
 * ({@link encodeWalIndexHeader}, {@link decodeWalIndexHeader}, {@link decodeCheckpointInfo},
 * {@link WalIndexSegment}, {@link findFrame}, {@link truncateWalIndex}). {@link rebuildWalIndex}
 * builds the file SQLite's recovery builds from any {@link WalIndexSource} (a `WalFile` from
 * `@litewal/wal-file` is one). {@link publishCommit} makes appended frames visible in SQLite's
 * order (hash entries, header copy 2, copy 1). {@link WalIndex} runs the whole protocol on a live
 * file: dead-man switch, read marks and READ locks, the write lock, busy-snapshot detection, and
 * the wal-index side of a checkpoint ({@link WalIndex.beginCheckpoint}).
 *
 * @example
 * ```ts
 * import { NodeVfs } from '@litewal/vfs';
 * import { WalFile } from '@litewal/wal-file';
 * import { WalIndex } from '@litewal/wal-index';
 *
 * const vfs = new NodeVfs();
 * const index = await WalIndex.open(vfs, 'app.db', {
 *   openSource: () => WalFile.open(vfs, 'app.db-wal', { readOnly: true }),
 * });
 * const snapshot = await index.beginRead();
 * const frame = await index.findFrame(1); // 0: read page 1 from app.db
 * console.log(snapshot.header.maxFrame, frame);
 * await index.endRead();
 * await index.close();
 * ```
 * @packageDocumentation
 */
export { decodeCheckpointInfo, encodeCheckpointInfo, readMarkOffset, recoveredCheckpointInfo, type CheckpointInfo } from './checkpoint-info.js';
export type { WalIndexCheckpoint } from './checkpointer.js';
export {
  BusySnapshotError,
  HashProbeError,
  HeaderChecksumError,
  HeaderCopiesDifferError,
  HeaderNotInitializedError,
  ShortWalIndexError,
  WalIndexBusyError,
  WalIndexError,
  WalIndexHeaderError,
  WalIndexProtocolError,
  WalIndexStateError,
  WalIndexVersionError,
  type WalIndexErrorCode,
  type WalIndexHeaderErrorCode,
} from './errors.js';
export {
  READ_MARK_NOT_USED,
  WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET,
  WAL_INDEX_BACKFILL_OFFSET,
  WAL_INDEX_DMS_OFFSET,
  WAL_INDEX_FIRST_SEGMENT_FRAMES,
  WAL_INDEX_HASH_MULTIPLIER,
  WAL_INDEX_HASH_OFFSET,
  WAL_INDEX_HASH_SLOTS,
  WAL_INDEX_HEADER_BYTES,
  WAL_INDEX_HEADER_CHECKSUMMED_BYTES,
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_LOCKS_OFFSET,
  WAL_INDEX_LOCK_COUNT,
  WAL_INDEX_MAX_FRAME,
  WAL_INDEX_READ_MARKS_OFFSET,
  WAL_INDEX_READ_MARK_COUNT,
  WAL_INDEX_SEGMENT_BYTES,
  WAL_INDEX_SEGMENT_FRAMES,
  WAL_INDEX_VERSION,
} from './format.js';
export { WalIndexSegment, walIndexHashSlot, walIndexSegmentBase, walIndexSegmentOf } from './hash-segment.js';
export {
  decodeWalIndexHeader,
  decodeWalIndexHeaderCopy,
  decodeWalIndexPageSize,
  encodeWalIndexHeader,
  encodeWalIndexPageSize,
  type WalIndexHeader,
} from './index-header.js';
export { readLock, walIndexLockOffset, type WalIndexLock } from './locks.js';
export { findFrame, truncateWalIndex, type FrameRange } from './lookup.js';
export { committedWalIndexHeader, publishCommit, type WalIndexCommit } from './publish.js';
export type { WalIndexSnapshot } from './reader.js';
export {
  rebuildWalIndex,
  recoveredWalIndexHeader,
  type ClosableWalIndexSource,
  type WalIndexSource,
} from './rebuild.js';
export { WalIndex, type WalIndexOptions } from './wal-index.js';
