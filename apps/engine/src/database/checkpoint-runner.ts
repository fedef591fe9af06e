import { checkpoint, CheckpointScheduler, type CheckpointMode, type CheckpointOutcome, type CheckpointResult } from '@litewal/checkpoint';
import type { VfsFile } from '@litewal/vfs';
import type { WalIndex, WalIndexHeader } from '@litewal/wal-index';
import { errorCode } from './internal/error-codes.js';
import type { DatabaseMetrics } from './internal/metrics.js';
import type { DatabaseSynchronous } from './options.js';

/**
 * The auto-checkpoint's lock budget is a quarter of the busy timeout, and never under a quarter of
 * this (a busy timeout of 0 must not leave the scheduler a budget of 0).
 */
const MIN_SCHEDULER_TIMEOUT_MS = 100;

/** READ(1)..READ(4): the locks of readers that use the WAL. */
const WAL_READERS = [1, 2, 3, 4] as const;

/**
 * Runs checkpoints and WAL restarts on the database's checkpoint connection (a wal-index
 * connection of its own, never in a read transaction, so its locks never meet the writer's).
 * @internal
 */
export class CheckpointRunner {
  readonly #index: WalIndex;
  readonly #db: VfsFile;
  readonly #wal: VfsFile;
  readonly #synchronous: DatabaseSynchronous;
  readonly #busyTimeoutMs: number;
  readonly #metrics: DatabaseMetrics;
  /** The auto-checkpoint: when a run is due, its mode, bound and outcome (null: auto-checkpoints off). */
  readonly #scheduler: CheckpointScheduler | null;

  constructor(
    index: WalIndex,
    db: VfsFile,
    wal: VfsFile,
    options: { readonly synchronous: DatabaseSynchronous; readonly busyTimeoutMs: number; readonly autoCheckpoint: number },
    metrics: DatabaseMetrics,
  ) {
    this.#index = index;
    this.#db = db;
    this.#wal = wal;
    this.#synchronous = options.synchronous;
    this.#busyTimeoutMs = options.busyTimeoutMs;
    this.#metrics = metrics;
    this.#scheduler =
      options.autoCheckpoint === 0
        ? null
        : new CheckpointScheduler(
            { index, db, wal },
            {
              busyTimeoutMs: Math.max(options.busyTimeoutMs, MIN_SCHEDULER_TIMEOUT_MS),
              thresholdFrames: options.autoCheckpoint,
              synchronous: options.synchronous,
              telemetry: metrics.telemetry,
            },
          );
  }

  /** Notes a published commit; true when an auto-checkpoint is due (no I/O). */
  noteCommit(maxFrame: number): boolean {
    return this.#scheduler?.noteCommit(maxFrame) ?? false;
  }

  /**
   * The auto-checkpoint: the scheduler's run (PASSIVE, a bounded PASSIVE step within the lock
   * budget, or TRUNCATE once the WAL file passes its size limit), recorded in the telemetry.
   */
  async auto(): Promise<CheckpointOutcome | null> {
    const scheduler = this.#scheduler;
    if (scheduler === null) return null;
    const m = this.#metrics;
    let outcome: CheckpointOutcome;
    try {
      outcome = await scheduler.run();
    } catch (error) {
      this.#failed('auto', 'auto', error);
      throw error;
    }
    if (outcome.result !== null) {
      if (m.telemetry.timing) m.checkpointUs.record(outcome.durationMs * 1000);
      this.#count(outcome.result);
    }
    m.telemetry.event('database.checkpoint', {
      mode: outcome.mode,
      trigger: 'auto',
      outcome: outcome.outcome,
      framesBackfilled: outcome.framesBackfilled,
      framesPending: outcome.framesPending,
      ...(outcome.pinnedBy === undefined ? {} : { pinnedReadMark: outcome.pinnedBy.readMark, pinnedFrame: outcome.pinnedBy.frame, pinnedBy: outcome.pinnedBy.holder }),
      ...(outcome.busyOn === undefined ? {} : { busyOn: outcome.busyOn }),
    });
    return outcome;
  }

  /** One checkpoint with `@litewal/checkpoint`, recorded in the telemetry. */
  async run(mode: CheckpointMode, trigger: 'explicit' | 'close'): Promise<CheckpointResult> {
    const m = this.#metrics;
    const started = m.telemetry.now();
    let result: CheckpointResult;
    try {
      result = await checkpoint(
        { index: this.#index, db: this.#db, wal: this.#wal },
        { mode, busyTimeoutMs: mode === 'passive' ? 0 : this.#busyTimeoutMs, synchronous: this.#synchronous },
      );
    } catch (error) {
      this.#failed(mode, trigger, error);
      throw error;
    }
    m.telemetry.recordSince(m.checkpointUs, started);
    this.#count(result);
    m.telemetry.event('database.checkpoint', { mode, trigger, busy: result.busy, log: result.log, checkpointed: result.checkpointed });
    return result;
  }

  /** Counts a checkpoint that threw. */
  #failed(mode: CheckpointMode | 'auto', trigger: 'auto' | 'explicit' | 'close', error: unknown): void {
    this.#metrics.checkpointErrors.inc();
    this.#metrics.telemetry.event('database.checkpoint-failed', { mode, trigger, error: String(error) });
  }

  /** Counts a checkpoint that ran: runs, busy results, and the log and checkpointed gauges. */
  #count(result: CheckpointResult): void {
    const m = this.#metrics;
    m.checkpoints.inc();
    if (result.busy === 1) m.checkpointsBusy.inc();
    if (result.log >= 0) {
      m.logFrames.set(result.log);
      m.checkpointedFrames.set(result.checkpointed);
    }
  }

  /**
   * Restarts the log as SQLite's next writer does once every frame is in the database and no
   * reader uses the WAL: with the CKPT, WAL_WRITE and READ(1..4) locks held, the wal-index header
   * goes to mxFrame 0 with new salts, and `onRestarted` runs (still under the locks) to point the
   * writer's WAL at frame 1. Does nothing, and returns false, when any lock is busy or frames
   * remain to be copied.
   */
  async restart(onRestarted: (before: WalIndexHeader, after: WalIndexHeader) => Promise<void>): Promise<boolean> {
    const session = await this.#index.beginCheckpoint();
    if (session === null) return false;
    try {
      if (!(await session.tryLockWriter())) return false;
      const before = await session.readHeader();
      const { backfilled } = await session.readCheckpointInfo();
      if (before.maxFrame === 0 || backfilled !== before.maxFrame) return false;
      if (!(await session.tryLockReaders(WAL_READERS))) return false;
      const after = await session.restartHeader();
      await onRestarted(before, after);
      this.#metrics.walRestarts.inc();
      this.#metrics.logFrames.set(0);
      this.#metrics.checkpointedFrames.set(0);
      return true;
    } catch (error) {
      if (errorCode(error) === 'ERR_WAL_INDEX_BUSY') return false;
      throw error;
    } finally {
      await session.end();
    }
  }
}
