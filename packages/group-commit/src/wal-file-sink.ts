import type { Vfs } from '@litewal/vfs';
import { StaleAppendWindowError, WalFile, frameOffset, type OpenWalOptions, type TransactionFrames } from '@litewal/wal-file';
import type { AppendGate } from './append-gate.js';
import type { CommitSink, FlushResult } from './commit-sink.js';
import { RollbackFailedError, SinkBrokenError } from './errors.js';
import { BlockingSyncPolicy } from './internal/blocking-sync-policy.js';
import { SYNCHRONOUS_MODES, type FlushedGroup, type SynchronousMode, type WalFileSinkOptions } from './wal-file-sink-options.js';

const DEFAULT_BLOCKING_SYNC_MAX_MS = 1;
/** Largest group buffer kept for the next group (a bigger group allocates its own). */
const MAX_SCRATCH_BYTES = 4 * 1024 * 1024;

/**
 * The {@link CommitSink} of a SQLite WAL: each group is one {@link @litewal/wal-file#WalFile} append (every
 * transaction ending in its own commit frame) and, with `synchronous: 'full'`, one `fdatasync`.
 *
 * @remarks
 * A failed group leaves no trace: when anything fails after the append started (the write, the
 * sync, `afterFlush`), the sink truncates the file back to the end of the last good group, syncs
 * that, and reopens the WalFile if the append had advanced it, before the commits are rejected.
 * The next group then continues from there and no stale frame of the failed group can ever chain
 * after it, even when a committer retries identical pages. A failure before anything is written
 * (the gate; with a gate, the check that the file still continues this log) only fails the group. When
 * the rollback itself fails, the flush rejects with {@link RollbackFailedError}; when that happens
 * or a gate release fails, the sink is broken: every later flush rejects with
 * {@link SinkBrokenError} without writing.
 * @public
 */
export class WalFileSink implements CommitSink {
  /** The sync mode. */
  readonly synchronous: SynchronousMode;
  readonly #vfs: Vfs;
  readonly #openOptions: OpenWalOptions;
  readonly #gate: AppendGate | undefined;
  readonly #afterFlush: ((group: FlushedGroup) => void | Promise<void>) | undefined;
  readonly #blocking: BlockingSyncPolicy;
  /** Frames of the last group, reused for the next one (flushes run one at a time). */
  #scratch: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #wal: WalFile;
  #brokenBy: { readonly cause: unknown } | null = null;
  /** Settles when the last flush (or close) queued so far has finished. */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(vfs: Vfs, wal: WalFile, synchronous: SynchronousMode, openOptions: OpenWalOptions, options: WalFileSinkOptions) {
    this.#vfs = vfs;
    this.#wal = wal;
    this.synchronous = synchronous;
    this.#openOptions = openOptions;
    this.#gate = options.gate;
    this.#afterFlush = options.afterFlush;
    this.#blocking = new BlockingSyncPolicy(options.blockingSyncMaxMs ?? DEFAULT_BLOCKING_SYNC_MAX_MS);
  }

  /**
   * Opens (or creates) the WAL at `path` and recovers it as SQLite would ({@link @litewal/wal-file#WalFile.open}).
   * @throws TypeError for an unknown `synchronous`; RangeError for a `blockingSyncMaxMs` that is
   * negative or not finite, or when the file has no valid header and no `pageSize` was given;
   * `VfsError` from the vfs.
   */
  static async open(vfs: Vfs, path: string, options: WalFileSinkOptions = {}): Promise<WalFileSink> {
    const synchronous = options.synchronous ?? 'full';
    if (!SYNCHRONOUS_MODES.includes(synchronous)) {
      throw new TypeError(`synchronous must be one of ${SYNCHRONOUS_MODES.join(', ')}, got ${String(synchronous)}`);
    }
    const { blockingSyncMaxMs } = options;
    if (blockingSyncMaxMs !== undefined && !(Number.isFinite(blockingSyncMaxMs) && blockingSyncMaxMs >= 0)) {
      throw new RangeError(`blockingSyncMaxMs must be a finite number of milliseconds >= 0, got ${String(blockingSyncMaxMs)}`);
    }
    const openOptions: OpenWalOptions = {
      syncHeader: synchronous !== 'off',
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.byteOrder === undefined ? {} : { byteOrder: options.byteOrder }),
    };
    const wal = await WalFile.open(vfs, path, openOptions);
    if (wal.pageSize === 0) {
      await wal.close();
      throw new RangeError(`${path} has no valid WAL header: give options.pageSize`);
    }
    return new WalFileSink(vfs, wal, synchronous, openOptions, options);
  }

  /**
   * The WAL, for reads and resets between flushes (in `afterFlush`, or with the gate held). A
   * rollback replaces the handle: read this property each time rather than keeping it.
   */
  get wal(): WalFile {
    return this.#wal;
  }

  /** Path of the WAL. */
  get path(): string {
    return this.#wal.path;
  }

  /** Page size of the WAL. */
  get pageSize(): number {
    return this.#wal.pageSize;
  }

  /** Syncs made with a blocking call so far (see `WalFileSinkOptions.blockingSyncMaxMs`). */
  get blockingSyncs(): number {
    return this.#blocking.count;
  }

  /** Whether the sink refuses to write (see the remarks of {@link WalFileSink}). */
  get broken(): boolean {
    return this.#brokenBy !== null;
  }

  /**
   * Appends one group with one write and syncs it per the mode, holding the gate throughout.
   * Concurrent calls are run one after the other.
   * @throws {@link SinkBrokenError}, {@link RollbackFailedError}; `StaleAppendWindowError` when,
   * with a gate, the file no longer continues this log; the gate's, the vfs's or `afterFlush`'s
   * error otherwise (the group is then rolled back); RangeError and `WalFileError` for a batch the
   * WAL refuses.
   */
  flush(transactions: readonly TransactionFrames[]): Promise<FlushResult> {
    return this.#serialise(() => this.#flush(transactions));
  }

  /** Closes the WAL, after the flushes already called. */
  close(): Promise<void> {
    return this.#serialise(() => this.#wal.close());
  }

  #serialise<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(run);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #flush(transactions: readonly TransactionFrames[]): Promise<FlushResult> {
    if (this.#brokenBy !== null) throw new SinkBrokenError(this.path, this.#brokenBy.cause);
    const gate = this.#gate;
    if (gate !== undefined) await gate.acquire();
    let outcome: { readonly result: FlushResult } | { readonly error: unknown };
    try {
      outcome = { result: await this.#write(transactions) };
    } catch (error) {
      outcome = { error };
    }
    if (gate !== undefined) {
      try {
        await gate.release();
      } catch (error) {
        this.#brokenBy ??= { cause: error };
      }
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  async #write(transactions: readonly TransactionFrames[]): Promise<FlushResult> {
    const wal = this.#wal;
    const base = wal.lastFrame; // every group commits, so this is also the committed log
    const prepared = wal.prepareTransactions(transactions, { buffer: this.#scratch });
    if (prepared.bytes.length > this.#scratch.length && prepared.bytes.length <= MAX_SCRATCH_BYTES) this.#scratch = prepared.bytes;
    if (this.#gate !== undefined && !(await wal.isWindowCurrent(prepared))) {
      throw new StaleAppendWindowError(`${this.path} on disk does not continue this log at frame ${base + 1}`);
    }
    wal.finalize(prepared);
    try {
      const append = await wal.appendPrepared(prepared);
      const synced = this.synchronous === 'full';
      if (synced) {
        const blocking = this.#blocking.allows(transactions.length);
        const started = performance.now();
        await wal.sync('data', { blocking });
        if (blocking) this.#blocking.observe(performance.now() - started);
      }
      if (this.#afterFlush !== undefined) await this.#afterFlush({ wal, transactions, append, synced });
      const headerSyncs = append.firstFrame === 1 && this.synchronous !== 'off' ? 1 : 0;
      return { firstFrame: append.firstFrame, lastFrame: append.lastFrame, syncs: headerSyncs + (synced ? 1 : 0), synced };
    } catch (error) {
      await this.#rollback(base, error);
      throw error;
    }
  }

  /** Cuts the file back to `base` frames, durably, and makes the WalFile agree. */
  async #rollback(base: number, cause: unknown): Promise<void> {
    try {
      const keep = frameOffset(base + 1, this.pageSize);
      const file = await this.#vfs.open(this.path);
      try {
        if ((await file.size()) > keep) await file.truncate(keep);
        await file.sync('full');
      } finally {
        await file.close();
      }
      if (this.#wal.lastFrame !== base) {
        const reopened = await WalFile.open(this.#vfs, this.path, this.#openOptions);
        const stale = this.#wal;
        this.#wal = reopened;
        await stale.close();
      }
    } catch (rollbackError) {
      const error = new RollbackFailedError(this.path, base, cause, rollbackError);
      this.#brokenBy = { cause: error };
      throw error;
    }
  }
}
