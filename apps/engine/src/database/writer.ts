import { frameBytes, type TransactionFrames, type WalFile } from '@litewal/wal-file';
import { GroupCommit, type CommitSink, type FlushResult, type FlushedGroup, type GroupCommitOptions, type WalFileSink } from '@litewal/group-commit';
import type { VfsFile } from '@litewal/vfs';
import type { WalHeader } from '@litewal/checksum';
import type { WalIndex, WalIndexHeader } from '@litewal/wal-index';
import { BusySnapshotDatabaseError, CommitFailedError, DatabaseError } from '../errors.js';
import type { CheckpointRunner } from './checkpoint-runner.js';
import { errorCode } from './internal/error-codes.js';
import type { DatabaseMetrics } from './internal/metrics.js';
import { Mutex } from './internal/mutex.js';
import { PageArena } from './internal/page-arena.js';
import { PageCache } from './internal/page-cache.js';
import { pageCountOf, readDatabasePage, readWalPage, sameHeader } from './internal/page-io.js';
import { StagingTransaction, type PageSource, type WriteTransaction } from './write-transaction.js';
import { WriterLock } from './writer-lock.js';

/**
 * Staged transactions that are handed to group commit without waiting for the end of the
 * event-loop turn (see `Writer.#handOff`).
 */
const HANDOFF_BATCH = 32;

/** Longest a lone writer's chain of commits may keep the event loop from turning, in milliseconds. */
const MAX_LOOP_HOLD_MS = 1;

/** What the writer works with. @internal */
export interface WriterParts {
  /** The writer's wal-index connection: its read transaction and SQLite's WAL_WRITE lock. */
  readonly index: WalIndex;
  readonly sink: WalFileSink;
  /** Options of the writer's `GroupCommit` (its telemetry included). */
  readonly groupCommit: GroupCommitOptions;
  readonly checkpoints: CheckpointRunner;
  readonly db: VfsFile;
  /** A plain handle on the WAL, for reads at a snapshot. */
  readonly wal: VfsFile;
  readonly pageSize: number;
  readonly busyTimeoutMs: number;
  readonly cachePages: number;
  readonly metrics: DatabaseMetrics;
}

/** A transaction handed to group commit and not settled yet. */
interface Staged {
  readonly frames: TransactionFrames;
  readonly seq: number;
  /** Its group's flush failed. */
  failedGroup: boolean;
  /** A group it was staged on failed (the cause), so it must not be written. */
  doomedBy: { readonly cause: unknown } | null;
}

/**
 * The write side of a database: transactions staged one at a time under an in-process mutex,
 * committed through group commit, published to the wal-index, with SQLite's WAL_WRITE lock held
 * from the first transaction until the pipeline drains.
 *
 * @remarks
 * A transaction that starts while the lock is not held runs on a snapshot (a read transaction of
 * the writer's connection) and takes the lock when its callback returns: if another connection
 * committed since the snapshot, that is SQLite's busy-snapshot case and it fails with
 * {@link BusySnapshotDatabaseError}. On taking the lock the writer catches up with what other
 * connections did to the log (commits, resets) and drops its cache if anything changed.
 *
 * While the lock is held, a transaction starts at once on top of everything staged before it:
 * pages of transactions not yet durable come from an in-memory overlay (`pending`), committed
 * pages from a cache, the WAL or the database file. Its frames go to group commit and the mutex
 * passes to the next transaction immediately; `write()` resolves when its group is durable and
 * published. When a group fails, it and every transaction staged on top of it fail, the overlay
 * is dropped, and new transactions wait until all of them have settled.
 *
 * The lock is released once no transaction is staged or in flight, on the next turn of the event
 * loop (so that a writer awaiting each commit keeps it), letting other connections write. It is
 * also released for checkpoints: an auto-checkpoint pauses new transactions, drains the pipeline
 * and runs the checkpoint scheduler with no lock held by this connection, so that its read mark
 * does not hold the copy back, and the next transaction restarts the log when every frame was copied.
 * @internal
 */
export class Writer {
  /** The group commit transactions go through. */
  readonly group: GroupCommit;
  readonly #parts: WriterParts;
  readonly #index: WalIndex;
  readonly #metrics: DatabaseMetrics;
  readonly #mutex = new Mutex();
  readonly #cache: PageCache;
  readonly #lock: WriterLock;
  readonly #arena = new PageArena();
  readonly #pending = new Map<number, { readonly image: Uint8Array; readonly seq: number }>();
  readonly #staged = new Map<TransactionFrames, Staged>();
  readonly #idleWaiters: (() => void)[] = [];
  /** Staged transactions waiting for the end of the event-loop turn to join group commit. */
  readonly #handoff: { readonly staged: Staged; readonly resolve: () => void; readonly reject: (error: unknown) => void }[] = [];
  #handoffTimer: NodeJS.Immediate | null = null;
  /** When the event loop last turned (see `#loopStarved`), and the probe that records it. */
  #turnedAt = performance.now();
  #turnProbe: NodeJS.Immediate | null = null;
  /** The header the cache holds pages of (null: nothing known). */
  #cacheHeader: WalIndexHeader | null = null;
  /** Transactions staged and not settled: the lock is kept while any. */
  #holders = 0;
  #seq = 0;
  /** Database size after the latest staged transaction, and after the latest durable one. */
  #pageCount = 0;
  #durablePageCount = 0;
  /** Bumped by each group failure: a transaction staging across one is doomed too. */
  #generation = 0;
  #failure: { readonly cause: unknown } | null = null;
  /** The cause of the latest group failure, kept after the failure has settled. */
  #lastFailureCause: unknown = undefined;
  #checkpointDue = false;
  #release: NodeJS.Immediate | null = null;
  #closed = false;

  constructor(parts: WriterParts) {
    this.#parts = parts;
    this.#index = parts.index;
    this.#metrics = parts.metrics;
    this.#cache = new PageCache(parts.cachePages);
    this.#lock = new WriterLock({
      index: parts.index,
      sink: parts.sink,
      checkpoints: parts.checkpoints,
      busyTimeoutMs: parts.busyTimeoutMs,
      metrics: parts.metrics,
      onRestarted: (before, after) => {
        if (sameHeader(before, this.#cacheHeader)) this.#cacheHeader = after;
      },
    });
    const sink: CommitSink = { pageSize: parts.pageSize, flush: (transactions) => this.#flush(transactions) };
    this.group = new GroupCommit(sink, parts.groupCommit);
  }

  /** Runs one write transaction (see {@link Database.write}). */
  async write<T>(fn: (txn: WriteTransaction) => T | Promise<T>): Promise<T> {
    const started = this.#metrics.telemetry.now();
    await this.#mutex.lock();
    let committed: Promise<void> | null = null;
    let value: T;
    try {
      this.#checkOpen();
      await this.#prepare();
      const generation = this.#generation;
      const txn = new StagingTransaction(this.#source(), this.#pageCount, this.#parts.pageSize, this.#arena);
      let pages;
      try {
        value = await fn(txn);
      } finally {
        pages = txn.end();
      }
      if (pages.length === 0) {
        this.#metrics.readOnly.inc();
        await this.#lock.endSnapshot();
      } else {
        if (generation !== this.#generation) {
          this.#metrics.failed.inc();
          throw new CommitFailedError('staged-on-failed-group', { cause: this.#lastFailureCause });
        }
        await this.#lock.upgrade();
        committed = this.#stage({ pages, commitSize: txn.pageCount });
      }
    } catch (error) {
      await this.#lock.endSnapshot();
      throw error;
    } finally {
      this.#mutex.unlock();
      this.#scheduleRelease();
    }
    if (committed !== null) await committed;
    this.#metrics.telemetry.recordSince(this.#metrics.writeUs, started);
    return value;
  }

  /**
   * Runs `fn` with no transaction staged or in flight and the WAL write lock released, new
   * transactions waiting meanwhile (checkpoints, close).
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.#mutex.lock();
    try {
      this.#checkOpen();
      await this.#whenIdle();
      await this.#lock.release();
      return await fn();
    } finally {
      this.#mutex.unlock();
    }
  }

  /** Waits for every transaction to settle, closes the group commit, releases the lock and refuses new transactions. */
  async close(): Promise<void> {
    await this.#mutex.lock();
    try {
      if (this.#closed) return;
      this.#closed = true;
      if (this.#release !== null) clearImmediate(this.#release);
      this.#release = null;
      await this.#whenIdle();
      await this.group.close();
      await this.#lock.release();
    } finally {
      this.#mutex.unlock();
    }
  }

  /**
   * The sink's `afterFlush`: publishes the group to the wal-index (hash entries, header copy 2,
   * copy 1), so that readers, `sqlite3` ones included, see it from now on.
   */
  async publish(group: FlushedGroup): Promise<void> {
    const m = this.#metrics;
    const started = m.telemetry.now();
    const pages: number[] = [];
    for (const t of group.transactions) for (const p of t.pages) pages.push(p.pageNumber);
    const commitSize = (group.transactions[group.transactions.length - 1] as TransactionFrames).commitSize;
    const header = await this.#index.publish({
      pages,
      dbSizePages: commitSize,
      frameChecksum: group.append.checksum,
      walHeader: group.wal.header as WalHeader,
    });
    m.telemetry.recordSince(m.publishUs, started);
    m.publishes.inc();
    m.walFrames.inc(pages.length);
    m.walBytes.inc(pages.length * frameBytes(this.#parts.pageSize));
    m.logFrames.set(header.maxFrame);
    this.#cacheHeader = header;
    this.#durablePageCount = commitSize;
    if (this.#parts.checkpoints.noteCommit(header.maxFrame)) this.#checkpointDue = true;
  }

  async #flush(transactions: readonly TransactionFrames[]): Promise<FlushResult> {
    for (const t of transactions) {
      const doomed = this.#staged.get(t)?.doomedBy ?? null;
      if (doomed !== null) throw new CommitFailedError('staged-on-failed-group', { cause: doomed.cause });
    }
    try {
      return await this.#parts.sink.flush(transactions);
    } catch (error) {
      this.#groupFailed(transactions, error);
      throw error;
    }
  }

  #groupFailed(transactions: readonly TransactionFrames[], cause: unknown): void {
    for (const t of transactions) {
      const staged = this.#staged.get(t);
      if (staged !== undefined) staged.failedGroup = true;
    }
    for (const staged of this.#staged.values()) if (!staged.failedGroup) staged.doomedBy = { cause };
    this.#failure ??= { cause };
    this.#lastFailureCause = cause;
    this.#generation++;
    this.#pending.clear();
    this.#pageCount = this.#durablePageCount;
    this.#metrics.pendingPages.set(0);
    this.#metrics.telemetry.event('database.group-failed', { transactions: transactions.length, staged: this.#staged.size, code: errorCode(cause) ?? 'unknown' });
  }

  /** Makes the connection ready to stage: failures settled, maintenance done, a snapshot or the lock. */
  async #prepare(): Promise<void> {
    while (this.#failure !== null) await this.#whenIdle();
    if (this.#checkpointDue) await this.#maintenance();
    if (this.#release !== null) {
      clearImmediate(this.#release);
      this.#release = null;
    }
    if (this.#lock.state === 'none') await this.#beginSnapshot();
  }

  /** Starts a snapshot to stage on; the cache and the database size follow its header. */
  async #beginSnapshot(): Promise<void> {
    const header = await this.#lock.beginSnapshot();
    if (!sameHeader(header, this.#cacheHeader)) {
      this.#cache.clear();
      this.#cacheHeader = header;
    }
    this.#pageCount = await pageCountOf(header, this.#parts.db, this.#parts.pageSize);
    this.#durablePageCount = this.#pageCount;
  }

  /** Drains the pipeline, releases the lock and runs the auto-checkpoint. */
  async #maintenance(): Promise<void> {
    await this.#whenIdle();
    await this.#lock.release();
    this.#checkpointDue = false;
    try {
      await this.#parts.checkpoints.auto();
    } catch (error) {
      this.#metrics.telemetry.event('database.background-error', { task: 'auto-checkpoint', error: String(error) });
    }
  }


  /**
   * Stages a transaction for group commit; the promise settles with its group. Transactions staged
   * in one turn of the event loop join group commit together at its end (see `#handOff`).
   */
  #stage(frames: TransactionFrames): Promise<void> {
    const seq = ++this.#seq;
    for (const p of frames.pages) this.#pending.set(p.pageNumber, { image: p.data, seq });
    this.#pageCount = frames.commitSize;
    const staged: Staged = { frames, seq, failedGroup: false, doomedBy: null };
    this.#staged.set(frames, staged);
    this.#holders++;
    this.#metrics.pendingPages.set(this.#pending.size);
    const settled = new Promise<void>((resolve, reject) => this.#handoff.push({ staged, resolve, reject }));
    if (this.#handoff.length >= HANDOFF_BATCH || (this.#handoff.length === 1 && !this.#mutex.contended && !this.#loopStarved())) this.#handOff();
    else this.#handoffTimer ??= setImmediate(() => this.#handOff());
    return settled;
  }

  /**
   * Whether the event loop has not turned for {@link MAX_LOOP_HOLD_MS}: a lone writer whose
   * commits complete without real waits (small blocking writes and syncs) would otherwise chain
   * them in microtasks and starve every I/O callback of the process, so its next transaction then
   * waits for the end of the turn instead. A probe scheduled for the end of each turn records when
   * the loop last turned.
   */
  #loopStarved(): boolean {
    this.#turnProbe ??= setImmediate(() => {
      this.#turnProbe = null;
      this.#turnedAt = performance.now();
    });
    return performance.now() - this.#turnedAt > MAX_LOOP_HOLD_MS;
  }

  /**
   * Hands the staged transactions to group commit, in staging order. Group commit seals a group
   * once the committers of the current microtask burst have joined, and writers released by one
   * flush restage over many microtasks: transactions are handed over at the end of the event-loop
   * turn, so that they form one group rather than a lone first transaction and the rest (each
   * group costs a write, a sync and a publish). That is also before any sync in progress can end,
   * so transactions staged during a flush still join the group that goes next. Once
   * `HANDOFF_BATCH` are waiting they go at once: with many writers, a group then starts its write
   * and sync while the rest are still staging, instead of all of them staging first and the disk
   * idling. A transaction staged alone, with no `write()` waiting for the mutex, goes at once too:
   * concurrent writers queue on the mutex before the first of them stages (`write()` takes it
   * first thing), so no one is about to join, and a lone writer does not pay a turn of the loop
   * (unless it has kept the loop from turning for too long, see `#loopStarved`).
   */
  #handOff(): void {
    if (this.#handoffTimer !== null) clearImmediate(this.#handoffTimer);
    this.#handoffTimer = null;
    for (const { staged, resolve, reject } of this.#handoff.splice(0)) {
      this.group.commit(staged.frames).then(
        () => {
          this.#settle(staged, null);
          resolve();
        },
        (error: unknown) => reject(this.#settle(staged, error)),
      );
    }
  }

  /** Records the outcome of a staged transaction; returns the error for its `write()`, if it failed. */
  #settle(staged: Staged, error: unknown): unknown {
    this.#staged.delete(staged.frames);
    let failure: unknown = null;
    if (error === null) {
      // Groups settle their members in any order (the flusher last), so only the newest staged
      // image of a page may move from the overlay to the cache: an older transaction settling after
      // a newer one must not put its stale image back.
      for (const p of staged.frames.pages) {
        if (this.#pending.get(p.pageNumber)?.seq !== staged.seq) continue;
        this.#pending.delete(p.pageNumber);
        this.#cache.set(p.pageNumber, p.data);
      }
      this.#metrics.commits.inc();
    } else {
      this.#metrics.failed.inc();
      failure = commitError(staged, error);
    }
    this.#metrics.pendingPages.set(this.#pending.size);
    this.#metrics.cachedPages.set(this.#cache.size);
    this.#drop();
    return failure;
  }

  #drop(): void {
    this.#holders--;
    if (this.#holders > 0) return;
    this.#failure = null;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
    this.#scheduleRelease();
  }

  /** Resolves once nothing is in group commit. */
  #whenIdle(): Promise<void> {
    return this.#holders === 0 ? Promise.resolve() : new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The pages a transaction stages on: the overlay and committed state, or its snapshot. */
  #source(): PageSource {
    const { db, wal, pageSize } = this.#parts;
    const cache = this.#cache;
    if (this.#lock.state === 'write') {
      const pending = this.#pending;
      const sink = this.#parts.sink;
      return async (pageNumber) => {
        const image = pending.get(pageNumber)?.image ?? cache.get(pageNumber);
        if (image !== undefined) return image;
        const log: WalFile = sink.wal;
        const frame = log.findFrame(pageNumber);
        const read = frame === 0 ? await readDatabasePage(db, pageNumber, pageSize) : (await log.readFrame(frame)).page;
        cache.set(pageNumber, read);
        return read;
      };
    }
    const index = this.#index;
    return async (pageNumber) => {
      const image = cache.get(pageNumber);
      if (image !== undefined) return image;
      const frame = await index.findFrame(pageNumber);
      const read = frame === 0 ? await readDatabasePage(db, pageNumber, pageSize) : await readWalPage(wal, frame, pageSize);
      cache.set(pageNumber, read);
      return read;
    };
  }

  /** Releases the lock once the pipeline is idle, on the next turn of the event loop. */
  #scheduleRelease(): void {
    if (this.#holders > 0 || this.#lock.state !== 'write' || this.#release !== null || this.#closed) return;
    this.#release = setImmediate(() => {
      this.#release = null;
      void this.#idleRelease();
    });
  }

  async #idleRelease(): Promise<void> {
    if (this.#holders > 0 || this.#mutex.locked || this.#lock.state !== 'write') return;
    await this.#mutex.lock();
    try {
      if (this.#holders > 0 || this.#lock.state !== 'write') return;
      await this.#lock.release();
      if (this.#checkpointDue) await this.#maintenance();
    } catch (error) {
      this.#metrics.telemetry.event('database.background-error', { task: 'release-write-lock', error: String(error) });
    } finally {
      this.#mutex.unlock();
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new DatabaseError('ERR_DATABASE_CLOSED', 'the database is closed');
  }
}

/** The error `write()` rejects with for a transaction whose commit failed. */
function commitError(staged: Staged, error: unknown): DatabaseError {
  if (errorCode(error) === 'ERR_GROUP_COMMIT_OUTCOME_UNKNOWN') {
    return new DatabaseError('ERR_DATABASE_OUTCOME_UNKNOWN', 'the commit group failed and could not be rolled back: the transaction may be in the log', {
      cause: error,
    });
  }
  if (!staged.failedGroup && staged.doomedBy !== null) return new CommitFailedError('staged-on-failed-group', { cause: staged.doomedBy.cause });
  return new CommitFailedError('group-failed', { cause: error });
}
