/**
 * Group commit for SQLite WALs: many concurrent committers, one contiguous append and one sync per
 * group, failures published to every waiter.
 *
 * @remarks
 * {@link GroupCommit} coordinates: epochs, flusher election, pipelining (an epoch is sealed when
 * the previous flush completes, at `maxGroupFrames`, or after `maxDelayMs`), failure fan-out and
 * takeover of a vacant flusher role. A {@link CommitSink} writes: {@link WalFileSink} appends each
 * group to a SQLite WAL with one write (each transaction ending in its own commit frame) and one
 * `fdatasync` under `synchronous: 'full'`, inside an optional cross-process {@link AppendGate}
 * (SQLite's WAL_WRITE lock), and rolls a failed group back so that no committer told "failed"
 * ever finds its frames after a crash.
 *
 * @example
 * ```ts
 * import { NodeVfs } from '@litewal/vfs';
 * import { GroupCommit, WalFileSink } from '@litewal/group-commit';
 *
 * const sink = await WalFileSink.open(new NodeVfs(), 'app.db-wal', { pageSize: 4096, synchronous: 'full' });
 * const group = new GroupCommit(sink, { maxGroupFrames: 256 });
 * const page1 = new Uint8Array(4096); // the new image of page 1
 * const receipts = await Promise.all([
 *   group.commit({ pages: [{ pageNumber: 1, data: page1 }], commitSize: 1 }),
 *   group.commit({ pages: [{ pageNumber: 1, data: page1 }], commitSize: 1 }),
 * ]); // one write, one fdatasync
 * console.log(receipts[1].lastFrame, group.stats().fsyncReductionRatio);
 * await group.close();
 * await sink.close();
 * ```
 * @packageDocumentation
 */
export type { AppendGate } from './append-gate.js';
export type { CommitOptions, CommitReceipt } from './commit-receipt.js';
export type { CommitSink, FlushResult } from './commit-sink.js';
export {
  CommitAbortedError,
  GroupCommitError,
  GroupFailedError,
  OutcomeUnknownError,
  RollbackFailedError,
  SinkBrokenError,
  type GroupCommitErrorCode,
} from './errors.js';
export { GroupCommit } from './group-commit.js';
export {
  DEFAULT_DELAY_CEILING_MS,
  DEFAULT_MAX_GROUP_FRAMES,
  MAX_DELAY_CEILING_MS,
  type GroupCommitConfig,
  type GroupCommitOptions,
} from './group-commit-options.js';
export { WAKE_REASONS, type GroupCommitStats, type WakeReason } from './group-commit-stats.js';
export { WalFileSink } from './wal-file-sink.js';
export type { FlushedGroup, SynchronousMode, WalFileSinkOptions } from './wal-file-sink-options.js';
