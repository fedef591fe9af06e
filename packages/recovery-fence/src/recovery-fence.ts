import type { Vfs, VfsFile } from '@litewal/vfs';
import { RecoveryBusyError, RecoveryFenceError } from './errors.js';
import { RECOVER_LOCK_OFFSET } from './format.js';
import type { LockRegistry } from './lock-registry.js';
import type { LockClaim } from './lock-record.js';
import { canonicalPath } from './internal/canonical-path.js';
import { checkTimeout } from './internal/checks.js';
import { lockMutex } from './internal/fence-mutex.js';
import { lockWithin } from './internal/lock-within.js';

/**
 * Options of {@link RecoveryFence.open}.
 * @public
 */
export interface RecoveryFenceOptions {
  /**
   * An open read-write handle on `<db>-shm` through which to take the RECOVER lock. A lock belongs
   * to its handle: if other code unlocks byte {@link RECOVER_LOCK_OFFSET} through the same handle
   * (a wal-index rebuild does), the fence no longer holds it.
   * @defaultValue a handle the fence opens (creating the file if needed) and closes in {@link RecoveryFence.close}
   */
  readonly shm?: VfsFile;
  /** Registry in which the fence records the RECOVER lock while it holds it; its records name the holder in busy errors. */
  readonly registry?: LockRegistry;
  /** Name of this fence in the busy errors other fences of this process get. */
  readonly label?: string;
}

/**
 * Options of {@link RecoveryFence.acquire} and {@link RecoveryFence.run}.
 * @public
 */
export interface AcquireOptions {
  /**
   * Longest wait in milliseconds, in-process queue and RECOVER lock together; 0 makes one attempt.
   * @defaultValue 5000
   */
  readonly timeoutMs?: number;
  /** Cancels the wait with `ERR_RECOVERY_FENCE_ABORTED`. */
  readonly signal?: AbortSignal;
}

/**
 * The right to recover a database, held until {@link RecoveryLease.release}.
 * @public
 */
export interface RecoveryLease {
  /** Canonical path of the database. */
  readonly dbPath: string;
  /** How long the acquisition waited, in ms. */
  readonly waitedMs: number;
  /** False once released. */
  readonly held: boolean;
  /**
   * Unregisters the lock (with a registry), unlocks the RECOVER byte and hands the fence to the
   * next waiter of this process. Releasing again does nothing.
   * @throws `VfsError` or a registry error; the lock and the in-process fence are released all the same.
   */
  release(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5000;
const RECOVER_CLAIM: LockClaim = { file: 'shm', offset: RECOVER_LOCK_OFFSET, length: 1, mode: 'exclusive' };

/**
 * One recoverer at a time for a database: within this process, through a FIFO queue keyed by the
 * database's real path; across processes, through SQLite's RECOVER lock (an exclusive lock on byte
 * {@link RECOVER_LOCK_OFFSET} of `<db>-shm`), which sqlite3 processes and other litewal processes
 * respect.
 *
 * @remarks
 * Every fence of this process for the same database (whatever the spelling of its path, symbolic
 * links included) shares one queue, even across duplicate copies of this package; the fence is
 * handed to the next waiter on release, without polling. The RECOVER lock is then taken through the
 * fence's own `-shm` handle, so that two fences sharing a handle still exclude each other. While the
 * fence is held, a sqlite3 process that needs to rebuild the wal-index gets "database is locked"
 * (`SQLITE_BUSY_RECOVERY`) and so do litewal readers of `@litewal/wal-index`.
 *
 * Keep a SHARED lock on the database file while recovering, as every connection in WAL mode does:
 * SQLite's last closing connection otherwise unlinks `<db>-shm`, and a lock on an unlinked file
 * excludes nobody.
 *
 * Paths of an in-memory vfs are made absolute against the working directory: fences on two
 * in-memory file systems using the same path share one queue (over-exclusion, never under).
 * @public
 */
export class RecoveryFence {
  /** Canonical path of the database: the key of the in-process queue. */
  readonly dbPath: string;
  readonly #shm: VfsFile;
  readonly #ownsShm: boolean;
  readonly #registry: LockRegistry | undefined;
  readonly #label: string | undefined;
  readonly #leases = new Set<Lease>();
  readonly #pending = new Set<Promise<RecoveryLease>>();
  readonly #closing = new AbortController();

  private constructor(dbPath: string, shm: VfsFile, ownsShm: boolean, options: RecoveryFenceOptions) {
    this.dbPath = dbPath;
    this.#shm = shm;
    this.#ownsShm = ownsShm;
    this.#registry = options.registry;
    this.#label = options.label;
  }

  /**
   * Makes a fence for the database at `dbPath`, opening `<dbPath>-shm` unless `options.shm` is given.
   * @throws `VfsError` from resolving the path or opening the file.
   */
  static async open(vfs: Vfs, dbPath: string, options: RecoveryFenceOptions = {}): Promise<RecoveryFence> {
    const canonical = await canonicalPath(dbPath);
    if (options.shm !== undefined) return new RecoveryFence(canonical, options.shm, false, options);
    return new RecoveryFence(canonical, await vfs.open(`${dbPath}-shm`, { create: true }), true, options);
  }

  /** Path of the `-shm` handle the RECOVER lock is taken through. */
  get shmPath(): string {
    return this.#shm.path;
  }

  /**
   * Waits for the right to recover: first the in-process queue, then the RECOVER lock.
   * @throws {@link RecoveryBusyError} when the limit passes (`scope` says which of the two was busy);
   * {@link RecoveryFenceError} `ERR_RECOVERY_FENCE_ABORTED` when `signal` aborts (the reason is the
   * `cause`), `ERR_RECOVERY_FENCE_CLOSED` when the fence is or gets closed; a registry error;
   * `VfsError` from locking.
   * @throws `RangeError` for a `timeoutMs` outside 0..2^31-1.
   */
  acquire(options: AcquireOptions = {}): Promise<RecoveryLease> {
    const attempt = this.#acquire(options);
    const settled = (): void => void this.#pending.delete(attempt);
    this.#pending.add(attempt);
    attempt.then(settled, settled);
    return attempt;
  }

  async #acquire(options: AcquireOptions): Promise<RecoveryLease> {
    const timeoutMs = checkTimeout('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (this.#closing.signal.aborted) throw this.#closedError();
    const { signal } = options;
    const stop = signal === undefined ? this.#closing.signal : AbortSignal.any([signal, this.#closing.signal]);
    const started = performance.now();
    const waited = (): number => Math.round(performance.now() - started);

    const queued = await lockMutex(this.dbPath, this.#label, timeoutMs, stop);
    if (queued.kind === 'aborted') throw this.#abortedError(signal);
    if (queued.kind === 'busy') {
      const { holder } = queued;
      throw new RecoveryBusyError({
        dbPath: this.dbPath,
        scope: 'this-process',
        holderLabel: holder.label,
        heldForMs: Math.max(0, Date.now() - holder.sinceMs),
        owners: [],
        waitedMs: waited(),
        timeoutMs,
      });
    }
    try {
      const locked = await lockWithin(this.#shm, RECOVER_LOCK_OFFSET, 'exclusive', Math.max(0, timeoutMs - waited()), stop);
      if (locked === 'aborted') throw this.#abortedError(signal);
      if (locked === 'timeout') throw await this.#lockBusyError(waited(), timeoutMs);
      try {
        await this.#registry?.register(RECOVER_CLAIM);
      } catch (error) {
        await this.#shm.unlock(RECOVER_LOCK_OFFSET, 1);
        throw error;
      }
    } catch (error) {
      queued.release();
      throw error;
    }
    const lease = new Lease(this.dbPath, waited(), async () => {
      this.#leases.delete(lease);
      try {
        await this.#registry?.unregister(RECOVER_CLAIM);
      } finally {
        try {
          await this.#shm.unlock(RECOVER_LOCK_OFFSET, 1);
        } finally {
          queued.release();
        }
      }
    });
    if (this.#closing.signal.aborted) {
      await lease.release();
      throw this.#closedError();
    }
    this.#leases.add(lease);
    return lease;
  }

  /**
   * Runs `recover` while holding the fence, and releases it whatever happens.
   * @returns what `recover` returns.
   * @throws what {@link RecoveryFence.acquire} or `recover` throws; an `AggregateError` of both
   * when `recover` fails and the release fails too.
   */
  async run<T>(recover: (lease: RecoveryLease) => Promise<T> | T, options?: AcquireOptions): Promise<T> {
    const lease = await this.acquire(options);
    let result: T;
    try {
      result = await recover(lease);
    } catch (error) {
      try {
        await lease.release();
      } catch (releaseError) {
        throw new AggregateError([error, releaseError], `recovery of ${this.dbPath} failed, then releasing its fence failed`);
      }
      throw error;
    }
    await lease.release();
    return result;
  }

  /**
   * Refuses new acquisitions, cancels waiting ones (`ERR_RECOVERY_FENCE_CLOSED`), releases the
   * leases still held and closes the `-shm` handle if the fence opened it. Closing again does nothing.
   * @throws as {@link RecoveryLease.release}, after releasing everything it can.
   */
  async close(): Promise<void> {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort();
    await Promise.allSettled(this.#pending);
    try {
      for (const lease of [...this.#leases]) await lease.release();
    } finally {
      if (this.#ownsShm) await this.#shm.close();
    }
  }

  async #lockBusyError(waitedMs: number, timeoutMs: number): Promise<RecoveryBusyError> {
    const details = {
      dbPath: this.dbPath,
      scope: 'other-process',
      holderLabel: undefined,
      heldForMs: undefined,
      waitedMs,
      timeoutMs,
    } as const;
    if (this.#registry === undefined) return new RecoveryBusyError({ ...details, owners: [] });
    try {
      const records = await this.#registry.list();
      const owners = records.filter(
        (r) => r.file === 'shm' && r.offset <= RECOVER_LOCK_OFFSET && RECOVER_LOCK_OFFSET < r.offset + r.length,
      );
      return new RecoveryBusyError({ ...details, owners });
    } catch (error) {
      return new RecoveryBusyError({ ...details, owners: [] }, { cause: error });
    }
  }

  #abortedError(signal: AbortSignal | undefined): RecoveryFenceError {
    if (signal?.aborted !== true) return this.#closedError();
    return new RecoveryFenceError('ERR_RECOVERY_FENCE_ABORTED', `waiting to recover ${this.dbPath} was aborted`, {
      cause: signal.reason,
    });
  }

  #closedError(): RecoveryFenceError {
    return new RecoveryFenceError('ERR_RECOVERY_FENCE_CLOSED', `the recovery fence of ${this.dbPath} is closed`);
  }
}

class Lease implements RecoveryLease {
  readonly dbPath: string;
  readonly waitedMs: number;
  readonly #release: () => Promise<void>;
  #held = true;

  constructor(dbPath: string, waitedMs: number, release: () => Promise<void>) {
    this.dbPath = dbPath;
    this.waitedMs = waitedMs;
    this.#release = release;
  }

  get held(): boolean {
    return this.#held;
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    await this.#release();
  }
}
