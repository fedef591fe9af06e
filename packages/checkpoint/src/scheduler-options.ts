import type { Telemetry } from '@litewal/telemetry';
import type { Vfs } from '@litewal/vfs';
import type { CheckpointFiles } from './checkpoint.js';
import type { CheckpointMode, Synchronous } from './options.js';
import type { CheckpointResult } from './result.js';

/**
 * A database for {@link CheckpointScheduler} to open for each run, as {@link checkpointDatabase}
 * does (the other target is a connection's open {@link CheckpointFiles}).
 * @public
 */
export interface CheckpointDatabase {
  /** The file system. */
  readonly vfs: Vfs;
  /** The database file; its WAL is `<dbPath>-wal`, its wal-index `<dbPath>-shm`. */
  readonly dbPath: string;
}

/**
 * Options of {@link CheckpointScheduler}.
 * @public
 */
export interface CheckpointSchedulerOptions {
  /**
   * The busy timeout of the connections the checkpoints share the database with, in
   * milliseconds: how long a writer or reader waits for a lock before it fails. The lock budget
   * must stay below it.
   */
  readonly busyTimeoutMs: number;
  /**
   * How long one run may keep writers or readers waiting, in milliseconds: a positive number
   * below `busyTimeoutMs`. Before taking locks a run estimates its copy time (frames to copy x
   * the running cost per frame); past the budget it copies only a bounded prefix, and it gives
   * TRUNCATE only what is left of the budget to wait for the writer lock and readers, reporting
   * `busy` rather than waiting longer.
   * @defaultValue a quarter of `busyTimeoutMs`
   */
  readonly lockBudgetMs?: number;
  /**
   * Frames committed since the last run after which {@link CheckpointScheduler.noteCommit}
   * reports a run due (SQLite's `PRAGMA wal_autocheckpoint`); 0: never.
   * @defaultValue 1000
   */
  readonly thresholdFrames?: number;
  /**
   * WAL file size in bytes above which a run escalates from PASSIVE to TRUNCATE, so that the
   * `-wal` file shrinks to 0 bytes (SQLite keeps a restarted WAL at its largest size; compare
   * `PRAGMA journal_size_limit`).
   * @defaultValue 67108864 (64 MiB)
   */
  readonly truncateAboveBytes?: number;
  /**
   * Initial estimate of the milliseconds one frame takes to checkpoint, until runs have measured
   * it (deliberately pessimistic: about ten times what 4 KiB frames take on a local SSD).
   * @defaultValue 0.05
   */
  readonly initialFrameCostMs?: number;
  /**
   * The checkpoints' syncs (see {@link CheckpointOptions.synchronous}).
   * @defaultValue `'normal'`
   */
  readonly synchronous?: Synchronous;
  /** Where the outcome counters and duration histograms go. @defaultValue a new `Telemetry` */
  readonly telemetry?: Telemetry;
}

/**
 * What a {@link CheckpointScheduler.run} came to.
 *
 * @remarks
 * - `nothing-pending`: every frame was already in the database and the WAL is within its size
 *   limit; no lock was taken.
 * - `completed`: every frame is now in the database (after a TRUNCATE, the WAL is 0 bytes).
 * - `partial`: the lock budget bounded the step; frames remain and the next
 *   {@link CheckpointScheduler.noteCommit} reports a run due at once.
 * - `pinned`: a reader's snapshot kept frames from being copied (see
 *   {@link CheckpointOutcome.pinnedBy}); ending that read transaction frees them.
 * - `busy`: a lock could not be had within the budget: the WAL_WRITE lock or readers leaving for
 *   a TRUNCATE, or another connection was checkpointing (see {@link CheckpointOutcome.busyOn}).
 * @public
 */
export type CheckpointOutcomeKind = 'nothing-pending' | 'completed' | 'partial' | 'pinned' | 'busy';

/**
 * Every {@link CheckpointOutcomeKind}, in the order of their telemetry counters.
 * @public
 */
export const CHECKPOINT_OUTCOMES: readonly CheckpointOutcomeKind[] = Object.freeze(['nothing-pending', 'completed', 'partial', 'pinned', 'busy']);

/**
 * The read mark that held a checkpoint back, and who holds it.
 * @public
 */
export interface CheckpointPin {
  /**
   * The read mark, 1..4 (a reader whose snapshot ends at {@link CheckpointPin.frame}), or 0 (a
   * reader of the database file alone, which keeps any frame from being copied).
   */
  readonly readMark: number;
  /** The frame the reader's snapshot ends at: frames after it stay in the WAL. */
  readonly frame: number;
  /**
   * Who holds the read lock, from `queryLocks` of `@litewal/vfs` (Linux's `/proc/locks`):
   * `live process` (another process; its pid is given when the lock is a POSIX lock, as SQLite's
   * are), `this process` (a connection of this process, e.g. an open snapshot of the
   * application's own), `unknown` (released meanwhile, or not Linux).
   */
  readonly holder: 'live process' | 'this process' | 'unknown';
  /** The process id of the holder, when known. */
  readonly pid?: number;
}

/**
 * One run of a {@link CheckpointScheduler}.
 * @public
 */
export interface CheckpointOutcome {
  /** What the run came to. */
  readonly outcome: CheckpointOutcomeKind;
  /** The mode run: `passive`, or `truncate` when the WAL was past `truncateAboveBytes` and the budget allowed it. */
  readonly mode: CheckpointMode;
  /** What `PRAGMA wal_checkpoint(MODE)` would have printed; null when no checkpoint ran. */
  readonly result: CheckpointResult | null;
  /** The bound on frames copied when the budget limited the step (`partial`), else null. */
  readonly maxFrames: number | null;
  /** Frames this run copied into the database (nBackfill's advance, or the whole log for a TRUNCATE). */
  readonly framesBackfilled: number;
  /** Frames still to copy after the run (mxFrame - nBackfill). */
  readonly framesPending: number;
  /** For `pinned`: the read mark and its holder. */
  readonly pinnedBy?: CheckpointPin;
  /** For `busy`: what could not be had (`checkpointer`: another connection holds the CKPT lock). */
  readonly busyOn?: 'checkpointer' | 'writer' | 'readers';
  /**
   * Milliseconds the run held the WAL_WRITE lock: any writer (SQLite or litewal) that tried to
   * begin a write transaction meanwhile had to wait. 0 for PASSIVE, which never takes it.
   */
  readonly blockedWriterMs: number;
  /**
   * Milliseconds the run held at least one reader lock (READ(0)..READ(4)) exclusive: the copy
   * under READ(0), each read mark it moved, the wait for readers before a TRUNCATE. A reader
   * starting a transaction then waits or takes another slot.
   */
  readonly blockedReaderMs: number;
  /** Milliseconds the whole run took, estimation included. */
  readonly durationMs: number;
}
