/**
 * SQLite's checkpoint modes (`PRAGMA wal_checkpoint(MODE)`).
 *
 * @remarks `passive`: copy what no reader needs, never wait, never take the writer lock. `full`:
 * also take the writer lock (waiting with the busy handler) so that no commit races the copy,
 * and report busy unless every frame was copied. `restart`: `full`, then wait until no reader
 * uses the WAL, so that the next writer starts it again at frame 1. `truncate`: `restart`, then
 * restart the wal-index header and truncate the WAL to 0 bytes.
 * @public
 */
export type CheckpointMode = 'passive' | 'full' | 'restart' | 'truncate';

/**
 * `PRAGMA synchronous` as it applies to a checkpoint.
 *
 * @remarks `off`: no sync, except the database's before a TRUNCATE empties the WAL (the recovery
 * fence's rule; SQLite would not sync). `normal` and `full`: sync the WAL (`fdatasync`, as SQLite
 * on Linux) before copying, and the database (`fsync`, which the fence requires) after a copy
 * that reached the end of the log; SQLite does the same in both modes, they differ only for
 * commits.
 * @public
 */
export type Synchronous = 'off' | 'normal' | 'full';

/**
 * How far a checkpoint's copy has got, reported after each write.
 * @public
 */
export interface CheckpointProgress {
  /** Database pages written so far. */
  readonly pagesWritten: number;
  /** Database pages this checkpoint copies in all (each page's latest safe frame, once). */
  readonly pagesTotal: number;
}

/**
 * Options of {@link checkpoint} and {@link checkpointDatabase}.
 * @public
 */
export interface CheckpointOptions {
  /**
   * The checkpoint mode.
   * @defaultValue `'passive'`
   */
  readonly mode?: CheckpointMode;
  /**
   * How long FULL, RESTART and TRUNCATE may wait for the writer lock and for readers, in
   * milliseconds, with the pauses of SQLite's default busy handler (1, 2, 5, 10, 15, 20, 25, 25,
   * 25, 50, 50, 100 ms, then 100 ms each). PASSIVE never waits. 0: no busy handler, as the
   * `sqlite3` CLI without `.timeout`.
   * @defaultValue 0
   */
  readonly busyTimeoutMs?: number;
  /**
   * Which syncs the checkpoint makes (SQLite's `PRAGMA synchronous`).
   * @defaultValue `'normal'`
   */
  readonly synchronous?: Synchronous;
  /**
   * The most frames past nBackfill that this checkpoint may copy: a bounded step. The copy stops
   * at frame nBackfill + maxFrames as if a reader's read mark stood there (nBackfill advances to
   * it, the database is not synced, the log is not reset), so a later checkpoint carries on where
   * this one stopped. FULL, RESTART and TRUNCATE report busy when the bound left frames uncopied.
   * A positive integer.
   * @defaultValue no bound
   */
  readonly maxFrames?: number;
  /** Called after each write to the database file with the pages written so far. */
  readonly onProgress?: (progress: CheckpointProgress) => void;
  /**
   * Cancels the checkpoint between two writes or during a busy wait: it then rejects with
   * {@link CheckpointAbortedError} and leaves nBackfill and the WAL as they were.
   */
  readonly signal?: AbortSignal;
}

/** {@link CheckpointOptions} with defaults applied and values checked. @internal */
export interface ResolvedOptions {
  readonly mode: CheckpointMode;
  readonly busyTimeoutMs: number;
  readonly sync: boolean;
  /** {@link CheckpointOptions.maxFrames}; Infinity when unbounded. */
  readonly maxFrames: number;
  readonly onProgress: ((progress: CheckpointProgress) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

const MODES: readonly CheckpointMode[] = ['passive', 'full', 'restart', 'truncate'];
const SYNCHRONOUS: readonly Synchronous[] = ['off', 'normal', 'full'];

/**
 * Applies the defaults of {@link CheckpointOptions}.
 * @throws TypeError for an unknown mode or synchronous setting; RangeError for a busy timeout
 * that is not a non-negative finite number or a maxFrames that is not a positive integer.
 * @internal
 */
export function resolveOptions(options: CheckpointOptions): ResolvedOptions {
  const mode = options.mode ?? 'passive';
  if (!MODES.includes(mode)) throw new TypeError(`mode must be one of ${MODES.join(', ')}, got ${String(mode)}`);
  const synchronous = options.synchronous ?? 'normal';
  if (!SYNCHRONOUS.includes(synchronous)) {
    throw new TypeError(`synchronous must be one of ${SYNCHRONOUS.join(', ')}, got ${String(synchronous)}`);
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? 0;
  if (!Number.isFinite(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError(`busyTimeoutMs must be a non-negative number of milliseconds, got ${busyTimeoutMs}`);
  }
  const maxFrames = options.maxFrames ?? Number.POSITIVE_INFINITY;
  if (maxFrames !== Number.POSITIVE_INFINITY && !(Number.isSafeInteger(maxFrames) && maxFrames > 0)) {
    throw new RangeError(`maxFrames must be a positive integer, got ${maxFrames}`);
  }
  return { mode, busyTimeoutMs, sync: synchronous !== 'off', maxFrames, onProgress: options.onProgress, signal: options.signal };
}
