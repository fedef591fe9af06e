import { WalFileSink } from '@litewal/group-commit';
import { RecoveryFence } from '@litewal/recovery-fence';
import type { Vfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { WalIndex, type ClosableWalIndexSource } from '@litewal/wal-index';
import { DatabaseError } from '../errors.js';
import { CheckpointRunner } from './checkpoint-runner.js';
import { LitewalDatabase, type Database } from './database.js';
import { joinDatabase, readDatabasePageSize } from './database-file.js';
import { FecProtector } from './fec-protector.js';
import { repairFromSidecar } from './fec-recovery.js';
import { waitWithBusyHandler } from './internal/busy.js';
import { errorCode } from './internal/error-codes.js';
import { sharedMemoryVfs } from './internal/shared-memory-vfs.js';
import { DatabaseMetrics } from './internal/metrics.js';
import { resolveDatabaseOptions, type DatabaseOptions } from './options.js';
import { ReaderPool } from './snapshot.js';
import { Writer } from './writer.js';

/**
 * Opens (or creates) a SQLite database in WAL mode for writing and reading with litewal, as a
 * SQLite connection opens it, and runs recovery.
 *
 * @remarks The steps:
 * 1. SQLite's SHARED lock on the database file (PENDING shared for an instant, then the SHARED
 *    range shared), held until close, so that no SQLite connection closing meanwhile deletes the WAL.
 * 2. A missing (or empty) database file becomes a valid empty SQLite database in WAL mode (page
 *    1: the 100-byte header with file format versions 2/2 and `pageSize`, an empty
 *    `sqlite_schema` leaf), written and synced under the SHARED range held exclusively.
 * 3. Recovery, inside the recovery fence of `@litewal/recovery-fence` (one recoverer at a time for
 *    the database, in this process and, through SQLite's RECOVER lock, across processes): the WAL
 *    is opened and its valid prefix recovered exactly as SQLite does (a torn or uncommitted tail
 *    is ignored and later overwritten). Before that, when a `<path>-wal-fec` sidecar exists and no
 *    other connection has the database open, the WAL's damaged frames are rebuilt from it (nothing
 *    is changed when a group is beyond repair; see `DatabaseFecOptions` for the events).
 * 4. The wal-index connections (the writer's, the checkpointer's; readers' later, one per
 *    snapshot held), each joining the dead-man switch as SQLite does: when no other connection
 *    uses the `-shm`, the first rebuilds it from the WAL just recovered, under SQLite's RECOVER
 *    lock; otherwise the `-shm` is trusted as it is.
 * @throws {@link DatabaseError} `ERR_DATABASE_BUSY` when another connection holds a lock past the
 * busy timeout (a last connection closing, another recoverer, a wal-index being initialised);
 * `ERR_DATABASE_NOT_WAL` for a database not in WAL mode; `ERR_DATABASE_CORRUPT` for a file that
 * is not a SQLite database or a WAL whose page size is not the database's; `VfsError` from the
 * file system; TypeError and RangeError for invalid options.
 * @public
 */
export async function openDatabase(path: string, options: DatabaseOptions = {}): Promise<Database> {
  const opts = resolveDatabaseOptions(options);
  const { vfs, telemetry, busyTimeoutMs, synchronous } = opts;
  const metrics = new DatabaseMetrics(telemetry);
  const started = telemetry.now();
  const walPath = `${path}-wal`;
  const opened: { close(): Promise<void> }[] = [];
  try {
    const db = await vfs.open(path, { create: true });
    opened.push(db);
    const created = await joinDatabase(db, opts.pageSize, busyTimeoutMs);
    const pageSize = await readDatabasePageSize(db);

    // No AppendGate: the writer holds SQLite's WAL_WRITE lock from the first transaction of a
    // pipeline until it drains, around every flush, and catches up when it takes it.
    let writer!: Writer; // assigned below, before any transaction can reach the sink
    let fec: FecProtector | null = null;
    const sink = await recoverWal(vfs, path, busyTimeoutMs, async () => {
      await repairFromSidecar(vfs, path, db, telemetry);
      return WalFileSink.open(vfs, walPath, {
        pageSize,
        synchronous,
        afterFlush: async (group) => {
          await writer.publish(group);
          fec?.enqueue(group);
        },
      });
    });
    opened.push(sink);
    if (sink.pageSize !== pageSize) {
      throw new DatabaseError('ERR_DATABASE_CORRUPT', `${walPath} has ${sink.pageSize}-byte pages, the database ${pageSize}-byte pages`);
    }

    const shmVfs = sharedMemoryVfs(vfs);
    let recovering = true;
    const writerIndex = await openWalIndex(shmVfs, path, busyTimeoutMs, async () => {
      if (!recovering) return WalFile.open(vfs, walPath, { readOnly: true });
      await sink.wal.refresh(); // frames a connection appended since the recovery, if any
      return sourceOf(sink.wal);
    });
    recovering = false;
    opened.push(writerIndex);
    const readOnlySource = (): Promise<WalFile> => WalFile.open(vfs, walPath, { readOnly: true });
    const checkpointIndex = await openWalIndex(shmVfs, path, busyTimeoutMs, readOnlySource);
    opened.push(checkpointIndex);
    const wal = await vfs.open(walPath);
    opened.push(wal);

    const checkpoints = new CheckpointRunner(checkpointIndex, db, wal, { synchronous, busyTimeoutMs, autoCheckpoint: opts.autoCheckpoint }, metrics);
    writer = new Writer({
      index: writerIndex,
      sink,
      groupCommit: { ...opts.groupCommit, telemetry },
      checkpoints,
      db,
      wal,
      pageSize,
      busyTimeoutMs,
      cachePages: opts.cachePages,
      metrics,
    });
    const readers = new ReaderPool(() => openWalIndex(shmVfs, path, busyTimeoutMs, readOnlySource));
    if (opts.fec !== null) {
      fec = new FecProtector(path, opts.fec, telemetry);
      opened.push(fec);
    }

    const { recovery } = sink.wal;
    metrics.recoveryFrames.set(sink.wal.validFrames);
    metrics.recoveryCommittedFrames.set(recovery.committed);
    metrics.recoveryRebuiltIndex.set(writerIndex.rebuiltOnOpen ? 1 : 0);
    metrics.logFrames.set(sink.wal.committedFrames);
    telemetry.recordSince(metrics.recoveryUs, started);
    telemetry.event('database.open', {
      path,
      created,
      pageSize,
      synchronous,
      frames: sink.wal.validFrames,
      committedFrames: recovery.committed,
      stop: recovery.stop.reason,
      rebuiltWalIndex: writerIndex.rebuiltOnOpen,
    });
    return new LitewalDatabase({
      vfs,
      path,
      pageSize,
      synchronous,
      metrics,
      db,
      wal,
      sink,
      writer,
      writerIndex,
      checkpointIndex,
      checkpoints,
      readers,
      fec,
    });
  } catch (error) {
    for (const file of opened.reverse()) await file.close().catch(() => undefined);
    throw error;
  }
}

/** Runs the WAL's recovery inside the database's recovery fence. */
async function recoverWal(vfs: Vfs, path: string, busyTimeoutMs: number, recover: () => Promise<WalFileSink>): Promise<WalFileSink> {
  const fence = await RecoveryFence.open(vfs, path, { label: `litewal openDatabase(${path})` });
  try {
    return await fence.run(recover, { timeoutMs: busyTimeoutMs });
  } catch (error) {
    if (errorCode(error) !== 'ERR_RECOVERY_FENCE_BUSY') throw error;
    throw new DatabaseError('ERR_DATABASE_BUSY', `another connection is recovering ${path}`, { cause: error });
  } finally {
    await fence.close();
  }
}

/** Opens a wal-index connection, waiting with the busy handler while another connection initialises the `-shm`. */
async function openWalIndex(
  vfs: Vfs,
  path: string,
  busyTimeoutMs: number,
  openSource: () => Promise<ClosableWalIndexSource>,
): Promise<WalIndex> {
  let index: WalIndex | undefined;
  let busy: unknown;
  const opened = await waitWithBusyHandler(busyTimeoutMs, async () => {
    try {
      index = await WalIndex.open(vfs, path, { openSource });
      return true;
    } catch (error) {
      if (errorCode(error) !== 'ERR_WAL_INDEX_BUSY') throw error;
      busy = error;
      return false;
    }
  });
  if (!opened) {
    throw new DatabaseError('ERR_DATABASE_BUSY', `another connection kept initialising ${path}-shm for ${busyTimeoutMs} ms`, { cause: busy });
  }
  return index as WalIndex;
}

/** A WAL as a wal-index source, without handing over its closing. */
function sourceOf(wal: WalFile): ClosableWalIndexSource {
  return {
    header: wal.header,
    committedFrames: wal.committedFrames,
    committedChecksum: wal.committedChecksum,
    dbSizePages: wal.dbSizePages,
    validFrames: wal.validFrames,
    pageOf: (frame) => wal.pageOf(frame),
  };
}
