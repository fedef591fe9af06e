import type { CheckpointMode, CheckpointResult } from '@litewal/checkpoint';
import type { WalFileSink } from '@litewal/group-commit';
import type { Telemetry, TelemetrySnapshot } from '@litewal/telemetry';
import { SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, type Vfs, type VfsFile } from '@litewal/vfs';
import { walIndexLockOffset, type WalIndex } from '@litewal/wal-index';
import { DatabaseError } from '../errors.js';
import type { CheckpointRunner } from './checkpoint-runner.js';
import type { FecProtector } from './fec-protector.js';
import { busyOrSame } from './internal/error-codes.js';
import type { DatabaseMetrics } from './internal/metrics.js';
import { pageCountOf } from './internal/page-io.js';
import type { DatabaseSynchronous } from './options.js';
import { ReadSnapshot, type ReaderPool, type Snapshot } from './snapshot.js';
import type { Writer } from './writer.js';
import type { WriteTransaction } from './write-transaction.js';

/**
 * An open SQLite database in WAL mode, from {@link openDatabase}: durable concurrent write
 * transactions through group commit, read snapshots, checkpoints and metrics, sharing the
 * database with live SQLite processes through SQLite's own lock protocol.
 *
 * @remarks Like a SQLite connection in WAL mode, it holds the database file's SHARED lock and
 * the wal-index's dead-man switch (shared) until {@link Database.close}.
 * @public
 */
export interface Database {
  /** Path of the database file (`<path>-wal` and `<path>-shm` are beside it). */
  readonly path: string;
  /** Page size in bytes. */
  readonly pageSize: number;
  /** The sync mode (SQLite's `PRAGMA synchronous`). */
  readonly synchronous: DatabaseSynchronous;
  /** Where the metrics and events are recorded; {@link Database.metrics} is its snapshot. */
  readonly telemetry: Telemetry;
  /** True once {@link Database.close} was called. */
  readonly closed: boolean;
  /**
   * Runs a write transaction: `fn` reads and stages pages through `txn`; when it returns, the
   * pages are committed as one transaction.
   *
   * @remarks Transactions of this process are staged one at a time, each on top of all earlier
   * ones, but are made durable in groups: the next transaction starts as soon as this one is
   * handed to group commit, and this promise resolves once its group is written, synced (as
   * `synchronous` says) and published to the wal-index (from then on every reader, `sqlite3`
   * included, sees it). Transactions of this process commit in the order their callbacks ran. A
   * transaction that wrote nothing commits nothing. If `fn` throws, nothing is written and the
   * error is rethrown.
   *
   * SQLite's WAL write lock is taken when the first transaction of a burst commits and held until
   * no transaction is staged or in flight (then released on the next turn of the event loop):
   * writers of other connections, `sqlite3` included, get their turn between bursts and at each
   * auto-checkpoint, and wait (with their busy handler) meanwhile. A transaction that starts while
   * the lock is free reads a snapshot and takes the lock when `fn` returns, as SQLite's deferred
   * transactions do.
   * @returns what `fn` returned.
   * @throws {@link BusySnapshotDatabaseError} when another connection committed after the
   * transaction's snapshot was taken (only possible when this database did not hold SQLite's
   * write lock when the transaction started); {@link CommitFailedError} when its group, or a group
   * it was staged on, failed; {@link DatabaseError} `ERR_DATABASE_BUSY` when another connection
   * held the write lock past the busy timeout, `ERR_DATABASE_OUTCOME_UNKNOWN`,
   * `ERR_DATABASE_CORRUPT`, `ERR_DATABASE_CLOSED`; what `fn` throws.
   */
  write<T>(fn: (txn: WriteTransaction) => T | Promise<T>): Promise<T>;
  /**
   * Takes a read snapshot of the latest durable, published commit (of this process or any other).
   * @throws {@link DatabaseError} `ERR_DATABASE_BUSY` when the wal-index is being rebuilt by
   * another connection or no read mark can be had, `ERR_DATABASE_CLOSED`.
   */
  read(): Promise<Snapshot>;
  /**
   * Checkpoints as SQLite's `PRAGMA wal_checkpoint(MODE)` does and returns its result
   * `{ busy, log, checkpointed }`, after the commits in flight are durable and with new
   * transactions waiting until it ends (this database's own WAL write lock and read mark are
   * released for it). FULL, RESTART and TRUNCATE wait up to the busy timeout for other writers
   * and readers, this database's own snapshots included.
   * @param mode - @defaultValue `'passive'`
   * @throws `CheckpointError` of `@litewal/checkpoint`; {@link DatabaseError} `ERR_DATABASE_CLOSED`.
   */
  checkpoint(mode?: CheckpointMode): Promise<CheckpointResult>;
  /** A snapshot of the telemetry: the database's counters, gauges, histograms and recent events. */
  metrics(): TelemetrySnapshot;
  /**
   * Closes the database after every transaction in flight has settled; snapshots still held are
   * released. When no other connection has the database open (it can take the SHARED lock and
   * then the dead-man switch exclusively), it checkpoints and deletes `-shm` and `-wal`, as
   * SQLite's last connection does (and the `-wal-fec` sidecar with them); otherwise it just
   * releases its locks. With `fec` on, it first waits until every commit group is protected.
   * Closing again returns the same promise.
   * @throws the first error met while closing (every step is attempted), an `AggregateError` when several.
   */
  close(): Promise<void>;
}

/** Everything an open database holds. @internal */
export interface DatabaseParts {
  readonly vfs: Vfs;
  readonly path: string;
  readonly pageSize: number;
  readonly synchronous: DatabaseSynchronous;
  readonly metrics: DatabaseMetrics;
  readonly db: VfsFile;
  readonly wal: VfsFile;
  readonly sink: WalFileSink;
  readonly writer: Writer;
  readonly writerIndex: WalIndex;
  readonly checkpointIndex: WalIndex;
  readonly checkpoints: CheckpointRunner;
  readonly readers: ReaderPool;
  /** The protection worker, when `fec` is on. */
  readonly fec: FecProtector | null;
}

/** The {@link Database} implementation. @internal */
export class LitewalDatabase implements Database {
  readonly path: string;
  readonly pageSize: number;
  readonly synchronous: DatabaseSynchronous;
  readonly telemetry: Telemetry;
  readonly #parts: DatabaseParts;
  readonly #snapshots = new Set<ReadSnapshot>();
  #closing: Promise<void> | null = null;

  constructor(parts: DatabaseParts) {
    this.#parts = parts;
    this.path = parts.path;
    this.pageSize = parts.pageSize;
    this.synchronous = parts.synchronous;
    this.telemetry = parts.metrics.telemetry;
  }

  get closed(): boolean {
    return this.#closing !== null;
  }

  write<T>(fn: (txn: WriteTransaction) => T | Promise<T>): Promise<T> {
    if (this.#closing !== null) return Promise.reject(closedError());
    return this.#parts.writer.write(fn);
  }

  async read(): Promise<Snapshot> {
    if (this.#closing !== null) throw closedError();
    const { readers, db, wal, pageSize, metrics } = this.#parts;
    const index = await readers.acquire();
    let snapshot;
    let pageCount: number;
    try {
      snapshot = await index.beginRead();
    } catch (error) {
      readers.release(index);
      throw busyOrSame(error, 'starting a read snapshot');
    }
    try {
      pageCount = await pageCountOf(snapshot.header, db, pageSize);
    } catch (error) {
      await index.endRead();
      readers.release(index);
      throw error;
    }
    const held = new ReadSnapshot(index, snapshot, pageCount, { db, wal, pageSize }, async (s) => {
      this.#snapshots.delete(s);
      metrics.openSnapshots.set(this.#snapshots.size);
      await index.endRead();
      readers.release(index);
    });
    this.#snapshots.add(held);
    metrics.snapshots.inc();
    metrics.openSnapshots.set(this.#snapshots.size);
    return held;
  }

  checkpoint(mode: CheckpointMode = 'passive'): Promise<CheckpointResult> {
    if (this.#closing !== null) return Promise.reject(closedError());
    return this.#parts.writer.exclusive(() => this.#parts.checkpoints.run(mode, 'explicit'));
  }

  metrics(): TelemetrySnapshot {
    return this.telemetry.snapshot();
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const p = this.#parts;
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<void>): Promise<void> => {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    };
    await attempt(() => p.writer.close());
    const fec = p.fec;
    if (fec !== null) await attempt(() => fec.close()); // every group flushed is queued by now: protect it all
    for (const snapshot of [...this.#snapshots]) await attempt(() => snapshot.release());
    let lastUser = false;
    await attempt(async () => {
      if (!(await p.db.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'exclusive'))) return;
      const result = await p.checkpoints.run('passive', 'close');
      lastUser = result.busy === 0 && result.checkpointed === result.log;
    });
    await attempt(() => p.readers.close());
    await attempt(() => p.writerIndex.close());
    await attempt(() => p.checkpointIndex.close());
    await attempt(() => p.sink.close());
    await attempt(() => p.wal.close());
    if (lastUser) await attempt(() => this.#deleteWalFiles());
    await attempt(() => p.db.close());
    p.metrics.telemetry.event('database.close', { lastUser, errors: errors.length });
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `closing ${this.path} failed in ${errors.length} steps`);
  }

  /**
   * SQLite's last close, with the database's SHARED range held exclusively and every frame
   * checkpointed: if the dead-man switch can be taken exclusively too (no connection uses the
   * wal-index), deletes `-shm`, then `-wal`, then `-wal-fec` if there is one.
   */
  async #deleteWalFiles(): Promise<void> {
    const { vfs, path } = this.#parts;
    const shm = await vfs.open(`${path}-shm`);
    try {
      if (!(await shm.tryLock(walIndexLockOffset('dms'), 1, 'exclusive'))) return;
      await vfs.delete(`${path}-shm`);
      await vfs.delete(`${path}-wal`);
      // The sidecar protected the WAL just deleted. One that cannot be deleted (a directory, say)
      // is harmless: the next WAL's first protected group truncates it.
      if (await vfs.exists(`${path}-wal-fec`)) await vfs.delete(`${path}-wal-fec`).catch(() => undefined);
    } finally {
      await shm.close();
    }
  }
}

function closedError(): DatabaseError {
  return new DatabaseError('ERR_DATABASE_CLOSED', 'the database is closed');
}
