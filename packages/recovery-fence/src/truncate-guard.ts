import type { LockMode, LockOptions, SyncMode, VfsFile } from '@litewal/vfs';
import { DbNotSyncedError, DbSyncFailedError } from './errors.js';
import { WriteLedger } from './internal/write-ledger.js';
import { requireVerified, type CheckpointedPages, type VerificationReport } from './verify-checkpoint.js';

/**
 * Enforces "the database is fsynced after the last checkpoint write, before the WAL is truncated
 * or reset": route every database write of a checkpoint through {@link TruncateGuard.file}, sync
 * with {@link TruncateGuard.sync}, and ask {@link TruncateGuard.authorizeWalTruncate} (or
 * {@link TruncateGuard.assertSynced}) right before truncating or resetting the WAL.
 *
 * @remarks
 * The guard counts writes and truncates made through {@link TruncateGuard.file} and remembers how
 * many had completed when the last successful full sync (`fsync`, which also makes the file size
 * durable after a truncate) began. A write still running, or completed after that sync began,
 * makes the file unsynced; a data-only sync does not count. A guard that never synced refuses:
 * writes made before it existed, or through other handles, are unknown to it.
 *
 * A failed sync (full or data-only, through the guard or its file) poisons the guard for good:
 * after a failed `fsync` the kernel may have dropped the dirty pages and marked them clean, so a
 * later successful `fsync` would prove nothing. Reopen the database and checkpoint again with a new
 * guard.
 * @public
 */
export class TruncateGuard {
  /** The database file as given, with every write, truncate and sync observed by the guard. */
  readonly file: VfsFile;
  readonly #db: VfsFile;
  readonly #ledger = new WriteLedger();

  /** Guards `db`, the database file a checkpoint writes. */
  constructor(db: VfsFile) {
    this.#db = db;
    this.file = new GuardedFile(db, this.#ledger);
  }

  /** Writes and truncates through {@link TruncateGuard.file} not yet covered by a full sync (running ones included). */
  get writesSinceSync(): number {
    const ledger = this.#ledger;
    return ledger.completed - Math.max(ledger.syncedThrough, 0) + ledger.inFlight;
  }

  /** Whether a WAL truncate or reset would be allowed now (before page verification). */
  get synced(): boolean {
    const ledger = this.#ledger;
    return ledger.failure === undefined && ledger.syncedThrough === ledger.completed && ledger.inFlight === 0;
  }

  /**
   * `fsync`s the database file (mode `full`).
   * @throws {@link DbSyncFailedError} when the sync fails (the guard then refuses for good).
   */
  async sync(): Promise<void> {
    try {
      await this.file.sync('full');
    } catch (error) {
      throw new DbSyncFailedError(this.#db.path, { cause: error });
    }
  }

  /**
   * Refuses, with a typed error, unless a full sync through the guard has covered every write made
   * through it and none failed.
   * @throws {@link DbSyncFailedError} after a failed sync; {@link DbNotSyncedError} otherwise.
   */
  assertSynced(): void {
    const { failure, syncedThrough } = this.#ledger;
    if (failure !== undefined) throw new DbSyncFailedError(this.#db.path, { cause: failure.error });
    if (!this.synced) throw new DbNotSyncedError(this.#db.path, this.writesSinceSync, syncedThrough < 0);
  }

  /**
   * The last step before truncating or resetting the WAL: checks that the database is synced, reads
   * back the pages the checkpoint copied and compares them with the WAL frames
   * ({@link requireVerified}), then checks again that nothing was written meanwhile.
   * @returns the verification report (always `ok`).
   * @throws {@link DbNotSyncedError}, {@link DbSyncFailedError}, {@link CheckpointMismatchError};
   * as {@link verifyCheckpointedPrefix}.
   */
  async authorizeWalTruncate(checkpointed: CheckpointedPages): Promise<VerificationReport> {
    this.assertSynced();
    const report = await requireVerified({ ...checkpointed, dbFile: this.#db });
    this.assertSynced();
    return report;
  }
}

/** A {@link VfsFile} that reports writes, truncates and syncs to its guard. */
class GuardedFile implements VfsFile {
  readonly path: string;
  readonly #inner: VfsFile;
  readonly #ledger: WriteLedger;

  constructor(inner: VfsFile, ledger: WriteLedger) {
    this.path = inner.path;
    this.#inner = inner;
    this.#ledger = ledger;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.#inner.read(buffer, position);
  }

  write(data: Uint8Array, position: number): Promise<void> {
    return this.#ledger.write(() => this.#inner.write(data, position));
  }

  size(): Promise<number> {
    return this.#inner.size();
  }

  truncate(size: number): Promise<void> {
    return this.#ledger.write(() => this.#inner.truncate(size));
  }

  sync(mode: SyncMode = 'full'): Promise<void> {
    return this.#ledger.sync(mode, () => this.#inner.sync(mode));
  }

  tryLock(offset: number, length: number, mode: LockMode): Promise<boolean> {
    return this.#inner.tryLock(offset, length, mode);
  }

  lock(offset: number, length: number, mode: LockMode, options?: LockOptions): Promise<void> {
    return this.#inner.lock(offset, length, mode, options);
  }

  unlock(offset: number, length: number): Promise<void> {
    return this.#inner.unlock(offset, length);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
