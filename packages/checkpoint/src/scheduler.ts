import { setTimeout as sleep } from 'node:timers/promises';
import { Telemetry } from '@litewal/telemetry';
import { WalIndexHeaderError, readLock, walIndexLockOffset, type CheckpointInfo, type WalIndexHeader } from '@litewal/wal-index';
import { runCheckpoint, type CheckpointFiles, type CheckpointRun } from './checkpoint.js';
import { withDatabaseFiles } from './checkpoint-database.js';
import { CheckpointLockBudgetError } from './errors.js';
import { FrameCost } from './internal/frame-cost.js';
import { LockClock } from './internal/lock-clock.js';
import { findLockHolder } from './internal/lock-holder.js';
import { SchedulerMetrics } from './internal/scheduler-metrics.js';
import type { CheckpointMode, Synchronous } from './options.js';
import type { CheckpointDatabase, CheckpointOutcome, CheckpointOutcomeKind, CheckpointSchedulerOptions } from './scheduler-options.js';

const DEFAULT_THRESHOLD_FRAMES = 1000;
const DEFAULT_TRUNCATE_ABOVE_BYTES = 64 * 1024 * 1024;
const DEFAULT_INITIAL_FRAME_COST_MS = 0.05;
/** The default lock budget, as a share of the busy timeout. */
const DEFAULT_BUDGET_SHARE = 0.25;
/** Lock-free reads of the wal-index header before giving up (a writer may be publishing). */
const HEADER_READ_ATTEMPTS = 5;

/** What the run saw before taking any lock. */
interface Before {
  readonly header: WalIndexHeader;
  readonly info: CheckpointInfo;
  readonly walBytes: number;
}

/**
 * Decides when to checkpoint and how far, and runs checkpoints without keeping other connections
 * waiting past a lock budget: the auto-checkpoint of an engine, or of any process that shares a
 * SQLite database.
 *
 * @remarks
 * - {@link CheckpointScheduler.noteCommit} after each commit says whether a run is due: once
 *   `thresholdFrames` frames were committed since the last run (as SQLite's wal_autocheckpoint),
 *   or at once after a `partial` run. It does no I/O.
 * - {@link CheckpointScheduler.run} reads the wal-index header, nBackfill and the WAL's size
 *   (no lock), then picks the mode and the bound: PASSIVE, or TRUNCATE when the `-wal` file is
 *   larger than `truncateAboveBytes`. The copy time is estimated as frames to copy x the running
 *   cost per frame (measured on every run that copied, starting from `initialFrameCostMs`); when
 *   it passes `lockBudgetMs`, the run is a PASSIVE step bounded to the frames the budget allows
 *   (`maxFrames` of {@link checkpoint}), leaving TRUNCATE to a later run. A TRUNCATE gets what
 *   the copy leaves of the budget as its busy timeout, for the writer lock and for readers to
 *   leave, and reports `busy` when that is not enough (having still copied what PASSIVE could).
 * - Each run is counted in the telemetry: counters `litewal_checkpoint_outcome_<outcome>`
 *   (`nothing_pending`, `completed`, `partial`, `pinned`, `busy`), histograms
 *   `litewal_checkpoint_blocked_writer_us`, `litewal_checkpoint_blocked_reader_us` and
 *   `litewal_checkpoint_run_us`, the gauge `litewal_checkpoint_frame_cost_ns`, and an event
 *   `checkpoint.scheduled` with the outcome's fields.
 * - The budget bounds an estimate made before the locks are taken: a disk that suddenly slows
 *   down can overrun it once, which the measured `blockedWriterMs` / `blockedReaderMs` show and
 *   the cost estimate then absorbs. PASSIVE never holds the WAL_WRITE lock.
 *
 * @example
 * ```ts
 * const scheduler = new CheckpointScheduler({ index, db, wal }, { busyTimeoutMs: 5000 });
 * // after each commit, off the commit's critical path:
 * if (scheduler.noteCommit(header.maxFrame)) {
 *   const outcome = await scheduler.run();
 *   if (outcome.outcome === 'pinned') console.warn('a reader pins the WAL', outcome.pinnedBy);
 * }
 * ```
 * @public
 */
export class CheckpointScheduler {
  /** Where the outcome counters and histograms are recorded. */
  readonly telemetry: Telemetry;
  /** The run's lock budget in milliseconds. */
  readonly lockBudgetMs: number;
  /** Frames after which a run is due. */
  readonly thresholdFrames: number;
  /** WAL size above which a run escalates to TRUNCATE. */
  readonly truncateAboveBytes: number;
  readonly #target: CheckpointFiles | CheckpointDatabase;
  readonly #synchronous: Synchronous;
  readonly #cost: FrameCost;
  readonly #metrics: SchedulerMetrics;
  /** mxFrame at the last run (0 once the log restarted). */
  #base = 0;
  /** The last run was bounded by the budget: the next is due at once. */
  #carryOn = false;
  #running: Promise<CheckpointOutcome> | null = null;

  /**
   * @param target - a connection's open files (the engine's checkpoint connection, outside any
   * transaction), or a database to open for each run
   * @param options - see {@link CheckpointSchedulerOptions}
   * @throws {@link CheckpointLockBudgetError} unless `0 < lockBudgetMs < busyTimeoutMs`;
   * RangeError for another option out of range.
   */
  constructor(target: CheckpointFiles | CheckpointDatabase, options: CheckpointSchedulerOptions) {
    const { busyTimeoutMs } = options;
    if (!(Number.isFinite(busyTimeoutMs) && busyTimeoutMs >= 0)) {
      throw new RangeError(`busyTimeoutMs must be a non-negative number of milliseconds, got ${busyTimeoutMs}`);
    }
    const lockBudgetMs = options.lockBudgetMs ?? busyTimeoutMs * DEFAULT_BUDGET_SHARE;
    if (!(lockBudgetMs > 0 && lockBudgetMs < busyTimeoutMs)) throw new CheckpointLockBudgetError(lockBudgetMs, busyTimeoutMs);
    this.thresholdFrames = options.thresholdFrames ?? DEFAULT_THRESHOLD_FRAMES;
    if (!(Number.isSafeInteger(this.thresholdFrames) && this.thresholdFrames >= 0)) {
      throw new RangeError(`thresholdFrames must be a non-negative integer, got ${this.thresholdFrames}`);
    }
    this.truncateAboveBytes = options.truncateAboveBytes ?? DEFAULT_TRUNCATE_ABOVE_BYTES;
    if (!(this.truncateAboveBytes >= 0)) throw new RangeError(`truncateAboveBytes must be a non-negative number of bytes, got ${this.truncateAboveBytes}`);
    const initialCost = options.initialFrameCostMs ?? DEFAULT_INITIAL_FRAME_COST_MS;
    if (!(Number.isFinite(initialCost) && initialCost > 0)) throw new RangeError(`initialFrameCostMs must be a positive number, got ${initialCost}`);
    this.lockBudgetMs = lockBudgetMs;
    this.#target = target;
    this.#synchronous = options.synchronous ?? 'normal';
    this.#cost = new FrameCost(initialCost);
    this.telemetry = options.telemetry ?? new Telemetry();
    this.#metrics = new SchedulerMetrics(this.telemetry);
  }

  /** The running estimate of milliseconds per frame checkpointed. */
  get frameCostMs(): number {
    return this.#cost.msPerFrame;
  }

  /**
   * Notes a commit that left the log at `maxFrame` frames and says whether a run is due: at
   * least `thresholdFrames` frames since the last run (a smaller `maxFrame` means the log
   * restarted), or the last run was `partial`. No I/O, no allocation.
   */
  noteCommit(maxFrame: number): boolean {
    if (maxFrame < this.#base) this.#base = 0;
    if (this.thresholdFrames === 0) return false;
    return this.#carryOn || maxFrame - this.#base >= this.thresholdFrames;
  }

  /**
   * Runs one checkpoint as the class describes and reports its outcome. A call while a run is in
   * progress returns that run's outcome.
   * @throws the errors of {@link checkpoint} (the run then counts nothing); {@link checkpointDatabase}'s
   * when the target is a database path; `WalIndexHeaderError` when the wal-index header stays
   * unreadable over several lock-free attempts.
   */
  run(): Promise<CheckpointOutcome> {
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(): Promise<CheckpointOutcome> {
    const started = performance.now();
    const target = this.#target;
    const outcome =
      'index' in target
        ? await this.#runOn(target, started)
        : ((await withDatabaseFiles(target.vfs, target.dbPath, (files) => this.#runOn(files, started))) ?? nothingPending(started));
    this.#metrics.record(outcome, this.#cost.msPerFrame);
    return outcome;
  }

  async #runOn(files: CheckpointFiles, started: number): Promise<CheckpointOutcome> {
    const before = await readBefore(files);
    const pending = Math.max(0, before.header.maxFrame - before.info.backfilled);
    const truncate = before.walBytes > this.truncateAboveBytes;
    this.#base = before.header.maxFrame;
    this.#carryOn = false;
    if (pending === 0 && !truncate) return nothingPending(started);
    const estimateMs = this.#cost.estimate(pending);
    const mode: CheckpointMode = truncate && estimateMs < this.lockBudgetMs ? 'truncate' : 'passive';
    const maxFrames = estimateMs > this.lockBudgetMs ? Math.max(1, Math.floor(this.lockBudgetMs / this.#cost.msPerFrame)) : null;
    const clock = new LockClock(files.index);
    const copyStarted = performance.now();
    const run = await runCheckpoint(
      { index: clock, db: files.db, wal: files.wal },
      {
        mode,
        synchronous: this.#synchronous,
        busyTimeoutMs: mode === 'truncate' ? Math.floor(this.lockBudgetMs - estimateMs) : 0,
        ...(maxFrames === null ? {} : { maxFrames }),
      },
    );
    const copyMs = performance.now() - copyStarted;
    const { framesBackfilled, framesPending } = progress(before, run, mode);
    if (framesBackfilled > 0 && run.busyOn === null) this.#cost.observe(framesBackfilled, copyMs);
    const kind = classify(run, framesPending, maxFrames);
    this.#carryOn = kind === 'partial';
    if (run.result.log > this.#base) this.#base = run.result.log;
    const common = {
      outcome: kind,
      mode,
      result: run.result,
      maxFrames: kind === 'partial' ? maxFrames : null,
      framesBackfilled,
      framesPending,
      blockedWriterMs: clock.writerMs,
      blockedReaderMs: clock.readerMs,
    };
    if (kind === 'pinned' && run.pin !== null) {
      const holder = await findLockHolder(files.index.path, walIndexLockOffset(readLock(run.pin.slot)));
      return { ...common, pinnedBy: { readMark: run.pin.slot, frame: run.pin.frame, ...holder }, durationMs: performance.now() - started };
    }
    if (kind === 'busy' && run.busyOn !== null) return { ...common, busyOn: run.busyOn, durationMs: performance.now() - started };
    return { ...common, durationMs: performance.now() - started };
  }
}

/**
 * The header, checkpoint information and WAL size, without locks. A header caught between its two
 * copies by a writer publishing is read again a few times, as SQLite's readers retry.
 */
async function readBefore(files: CheckpointFiles): Promise<Before> {
  for (let attempt = 1; ; attempt++) {
    try {
      const header = await files.index.readHeader();
      return { header, info: await files.index.readCheckpointInfo(), walBytes: await files.wal.size() };
    } catch (error) {
      if (!(error instanceof WalIndexHeaderError) || attempt >= HEADER_READ_ATTEMPTS) throw error;
      await sleep(attempt);
    }
  }
}

function nothingPending(started: number): CheckpointOutcome {
  return {
    outcome: 'nothing-pending',
    mode: 'passive',
    result: null,
    maxFrames: null,
    framesBackfilled: 0,
    framesPending: 0,
    blockedWriterMs: 0,
    blockedReaderMs: 0,
    durationMs: performance.now() - started,
  };
}

/** Frames copied by the run and frames left; a TRUNCATE that restarted the log copied all. */
function progress(before: Before, run: CheckpointRun, mode: CheckpointMode): { framesBackfilled: number; framesPending: number } {
  const { result } = run;
  if (result.log < 0) return { framesBackfilled: 0, framesPending: Math.max(0, before.header.maxFrame - before.info.backfilled) };
  if (mode === 'truncate' && result.busy === 0) {
    return { framesBackfilled: Math.max(0, before.header.maxFrame - before.info.backfilled), framesPending: 0 };
  }
  return { framesBackfilled: Math.max(0, result.checkpointed - before.info.backfilled), framesPending: result.log - result.checkpointed };
}

function classify(run: CheckpointRun, framesPending: number, maxFrames: number | null): CheckpointOutcomeKind {
  if (run.busyOn === 'checkpointer') return 'busy';
  if (run.pin !== null && framesPending > 0) return 'pinned';
  if (run.busyOn !== null) return 'busy';
  if (framesPending > 0 && maxFrames !== null) return 'partial';
  return framesPending > 0 ? 'partial' : 'completed';
}
