import type { VfsFile } from '@litewal/vfs';
import { WalIndexBusyError, type WalIndex, type WalIndexCheckpoint, type WalIndexHeader } from '@litewal/wal-index';
import { backfillList } from './backfill-iterator.js';
import { copyFrames } from './copy-frames.js';
import { CheckpointAbortedError } from './errors.js';
import { CheckpointFence } from './fence.js';
import { BusyHandler, lockWithBusyHandler } from './internal/busy-handler.js';
import { checkDatabaseSize, checkPageSize } from './internal/database-checks.js';
import { resolveOptions, type CheckpointOptions, type ResolvedOptions } from './options.js';
import { planSafeFrame, type ReaderPin } from './plan.js';
import { resetLog } from './reset.js';
import { BUSY_BEFORE_START, type CheckpointResult } from './result.js';

/**
 * The files a checkpoint works on, all open for writing by the caller.
 * @public
 */
export interface CheckpointFiles {
  /**
   * The connection's wal-index, outside any transaction. The checkpoint's locks are taken through
   * it, so an engine passes its own connection and never conflicts with its own locks.
   */
  readonly index: WalIndex;
  /** The database file. */
  readonly db: VfsFile;
  /** The WAL, `<db>-wal`. */
  readonly wal: VfsFile;
}

/**
 * Checkpoints a database as SQLite's `PRAGMA wal_checkpoint(MODE)` does, on a connection's
 * wal-index, and returns what that pragma returns for the same situation.
 *
 * @remarks The steps (SQLite's sqlite3WalCheckpoint and walCheckpoint):
 * 1. CKPT lock, without waiting (busy: `1|-1|-1`). FULL, RESTART and TRUNCATE also take the
 *    writer lock, waiting with the busy handler; failing that they go on as PASSIVE and report busy.
 * 2. mxSafeFrame from the read marks (see `busyTimeoutMs`); nothing is copied that a reader's
 *    snapshot still reads from the database.
 * 3. Under READ(0) exclusive (a reader on the database alone makes the copy wait or be skipped):
 *    nBackfillAttempted = mxSafeFrame; sync the WAL; write each page's latest frame up to
 *    mxSafeFrame in ascending page order, skipping pages past nPage, in large reads and
 *    coalesced writes; when that reached the end of the log, truncate the database to
 *    nPage x pageSize, `fsync` it and verify it (the recovery fence: every page copied is read
 *    back and compared by XXH3-128 with its frame); then nBackfill = mxSafeFrame.
 * 4. FULL and up report busy unless nBackfill = mxFrame; RESTART and TRUNCATE then wait until no
 *    reader uses the WAL; TRUNCATE restarts the wal-index header and truncates the WAL to 0
 *    bytes, once the fence has seen the database synced and verified (with synchronous off too,
 *    where SQLite would not sync).
 * @throws {@link CheckpointCorruptError}, {@link CheckpointAbortedError}; `RecoveryFenceError`
 * (`ERR_RECOVERY_FENCE_DB_SYNC_FAILED`, `ERR_RECOVERY_FENCE_CHECKPOINT_MISMATCH`) when the copy
 * cannot be proven durable: nBackfill then stays and the WAL is kept; `WalIndexError` from the
 * wal-index (e.g. `ERR_WAL_INDEX_STATE` when the connection is in a transaction); `VfsError` from
 * the files. Locks are released whatever happens.
 * @public
 */
export async function checkpoint(files: CheckpointFiles, options: CheckpointOptions = {}): Promise<CheckpointResult> {
  return (await runCheckpoint(files, options)).result;
}

/**
 * What a wal-index connection must offer a checkpoint (a `WalIndex`, or a wrapper that watches
 * the session's locks).
 * @internal
 */
export interface CheckpointSource {
  beginCheckpoint(): Promise<WalIndexCheckpoint | null>;
}

/**
 * What stood in a checkpoint's way when it reported busy: `checkpointer` (another connection
 * holds the CKPT lock, or the header's lock), `writer` (the WAL_WRITE lock), `readers` (readers
 * still on the WAL when RESTART or TRUNCATE wanted to reset it).
 * @internal
 */
export type BusyOn = 'checkpointer' | 'writer' | 'readers';

/**
 * One checkpoint as {@link checkpoint} runs it, with what SQLite's result does not say.
 * @internal
 */
export interface CheckpointRun {
  /** SQLite's result. */
  readonly result: CheckpointResult;
  /** The read mark whose reader kept the copy short, if one did. */
  readonly pin: ReaderPin | null;
  /** The lock that made the checkpoint busy, if one did. */
  readonly busyOn: BusyOn | null;
}

/**
 * {@link checkpoint}, reporting also the reader that pinned the copy and the lock that was busy.
 * @internal
 */
export async function runCheckpoint(
  files: Omit<CheckpointFiles, 'index'> & { readonly index: CheckpointSource },
  options: CheckpointOptions = {},
): Promise<CheckpointRun> {
  const opts = resolveOptions(options);
  if (opts.signal?.aborted === true) throw new CheckpointAbortedError({ cause: opts.signal.reason });
  const session = await files.index.beginCheckpoint();
  if (session === null) return BUSY_ON_CHECKPOINTER;
  try {
    return await run(session, files, opts);
  } finally {
    await session.end();
  }
}

const BUSY_ON_CHECKPOINTER: CheckpointRun = Object.freeze({ result: BUSY_BEFORE_START, pin: null, busyOn: 'checkpointer' });

async function run(session: WalIndexCheckpoint, files: Omit<CheckpointFiles, 'index'>, opts: ResolvedOptions): Promise<CheckpointRun> {
  let busy = opts.mode !== 'passive' && opts.busyTimeoutMs > 0 ? new BusyHandler(opts.busyTimeoutMs, opts.signal) : null;
  let exclusive = opts.mode !== 'passive';
  if (exclusive && !(await lockWithBusyHandler(() => session.tryLockWriter(), busy))) {
    exclusive = false;
    busy = null;
  }
  let header: WalIndexHeader;
  try {
    header = await session.readHeader();
  } catch (error) {
    if (error instanceof WalIndexBusyError) return BUSY_ON_CHECKPOINTER;
    throw error;
  }
  if (header.maxFrame > 0) await checkPageSize(files.db, header.pageSize);
  const fence = await CheckpointFence.open(files.db);
  const guarded = { ...files, db: fence.db };
  const start = await session.readCheckpointInfo();
  let pin: ReaderPin | null = null;
  if (start.backfilled < header.maxFrame) {
    ({ busy, pin } = await backfill(session, guarded, fence, opts, header, start.backfilled, busy));
  }
  let log = header.maxFrame;
  let incomplete = false;
  let busyOn: BusyOn | null = opts.mode !== 'passive' && !exclusive ? 'writer' : null;
  if (exclusive) {
    incomplete = (await session.readCheckpointInfo()).backfilled < header.maxFrame;
    if (!incomplete && (opts.mode === 'restart' || opts.mode === 'truncate')) {
      const reset = await resetLog(session, {
        truncate: opts.mode === 'truncate',
        maxFrame: header.maxFrame,
        busy,
        wal: files.wal,
        beforeTruncate: () => fence.beforeWalTruncate(header.pageSize),
      });
      incomplete = reset.busy;
      if (reset.busy) busyOn = 'readers';
      log = reset.maxFrame;
    }
  }
  const busyFlag = incomplete || busyOn !== null ? 1 : 0;
  return { result: { busy: busyFlag, log, checkpointed: (await session.readCheckpointInfo()).backfilled }, pin, busyOn };
}

/**
 * Steps 2 and 3 (see {@link checkpoint}); returns the busy handler for the rest of the checkpoint
 * (null once a reader held a mark back, as SQLite drops it) and the read mark that kept the copy
 * short (mark 0 when a reader of the database alone kept it from starting).
 */
async function backfill(
  session: WalIndexCheckpoint,
  files: Omit<CheckpointFiles, 'index'>,
  fence: CheckpointFence,
  opts: ResolvedOptions,
  header: WalIndexHeader,
  backfilled: number,
  busy: BusyHandler | null,
): Promise<{ busy: BusyHandler | null; pin: ReaderPin | null }> {
  const plan = await planSafeFrame(session, Math.min(header.maxFrame, backfilled + opts.maxFrames), busy);
  if (backfilled >= plan.safeFrame) return plan;
  const list = backfillList(await session.framePages(backfilled + 1, header.maxFrame), backfilled + 1, plan.safeFrame, header.dbSizePages);
  if (!(await lockWithBusyHandler(() => session.tryLockReaders([0]), plan.busy))) {
    return { busy: plan.busy, pin: { slot: 0, frame: backfilled } };
  }
  try {
    await session.writeBackfillAttempted(plan.safeFrame);
    if (opts.sync) await files.wal.sync('data');
    await checkDatabaseSize(files.db, header);
    await copyFrames({
      wal: files.wal,
      db: files.db,
      pageSize: header.pageSize,
      salt1: header.salt1,
      salt2: header.salt2,
      list,
      onPage: plan.safeFrame === header.maxFrame ? fence.recorder(list) : undefined,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    if (plan.safeFrame === (await session.currentMaxFrame())) {
      await files.db.truncate(header.dbSizePages * header.pageSize);
      if (opts.sync) await fence.seal(header.pageSize);
    }
    await session.writeBackfill(plan.safeFrame);
  } finally {
    await session.unlockReaders([0]);
  }
  return plan;
}
