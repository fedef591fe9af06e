/**
 * SQLite's four checkpoint modes (PASSIVE, FULL, RESTART, TRUNCATE) with SQLite's results, run
 * beside live SQLite processes through the wal-index lock protocol.
 *
 * @remarks
 * {@link checkpoint} works on a connection's open `WalIndex` and the database and WAL files, so
 * an engine that keeps its own wal-index calls it without conflicting with its own locks.
 * {@link checkpointDatabase} opens everything for a database path (recovering the wal-index when
 * nobody else has the database open), checkpoints and closes, leaving the WAL in place. Both
 * return `{ busy, log, checkpointed }` exactly as `PRAGMA wal_checkpoint(MODE)` would
 * ({@link formatCheckpointResult} prints it as the `sqlite3` CLI does). The copy reads the WAL
 * in large sequential chunks and writes runs of consecutive pages in one write each, with
 * bounded buffers whatever the WAL's size. The recovery fence of `@litewal/recovery-fence`
 * guards the end: before nBackfill may reach mxFrame (which lets any writer restart the WAL) and
 * before a TRUNCATE empties the WAL, the database is `fsync`ed and every page copied is read back
 * and compared with its frame by XXH3-128; a failure refuses and leaves the WAL needed.
 *
 * @example
 * ```ts
 * import { NodeVfs } from '@litewal/vfs';
 * import { checkpointDatabase, formatCheckpointResult } from '@litewal/checkpoint';
 *
 * const result = await checkpointDatabase(new NodeVfs(), 'app.db', {
 *   mode: 'truncate',
 *   busyTimeoutMs: 5000,
 *   onProgress: ({ pagesWritten, pagesTotal }) => console.error(`${pagesWritten}/${pagesTotal}`),
 * });
 * console.log(formatCheckpointResult(result)); // '0|0|0': everything copied, app.db-wal is 0 bytes
 * ```
 *
 * {@link CheckpointScheduler} decides when and how far to checkpoint (a commit threshold, a WAL
 * size past which it truncates, a lock budget below the busy timeout) and reports outcomes an
 * application can act on (`nothing-pending`, `completed`, `partial`, `pinned` with the read mark
 * and its holder, `busy`), counted in `@litewal/telemetry`.
 * @packageDocumentation
 */
export { checkpoint, type CheckpointFiles } from './checkpoint.js';
export { checkpointDatabase } from './checkpoint-database.js';
export {
  CheckpointAbortedError,
  CheckpointCorruptError,
  CheckpointError,
  CheckpointLockBudgetError,
  CheckpointLockedError,
  type CheckpointErrorCode,
} from './errors.js';
export type { CheckpointMode, CheckpointOptions, CheckpointProgress, Synchronous } from './options.js';
export { formatCheckpointResult, type CheckpointResult } from './result.js';
export { CheckpointScheduler } from './scheduler.js';
export {
  CHECKPOINT_OUTCOMES,
  type CheckpointDatabase,
  type CheckpointOutcome,
  type CheckpointOutcomeKind,
  type CheckpointPin,
  type CheckpointSchedulerOptions,
} from './scheduler-options.js';
