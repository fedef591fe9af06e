/**
 * Codes of the errors `@litewal/checkpoint` throws.
 *
 * @remarks A closed union: codes change only through a changeset. Branch on `err.code`.
 * `ERR_CHECKPOINT_ABORTED`: the caller's `AbortSignal` fired. `ERR_CHECKPOINT_CORRUPT`: the
 * database, its WAL and its wal-index disagree (SQLite's `SQLITE_CORRUPT`).
 * `ERR_CHECKPOINT_LOCKED`: another connection holds the database file's locks so that a new
 * connection cannot join (SQLite's "database is locked").
 * @public
 */
export type CheckpointErrorCode = 'ERR_CHECKPOINT_ABORTED' | 'ERR_CHECKPOINT_CORRUPT' | 'ERR_CHECKPOINT_LOCKED';

/**
 * Base class of every error `@litewal/checkpoint` throws; branch on {@link CheckpointError.code}.
 * @public
 */
export class CheckpointError extends Error {
  /** The class name, `'CheckpointError'`. */
  static override name = 'CheckpointError';
  /** The class name, `'CheckpointError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'CheckpointError';
  /** Stable machine-readable code. */
  readonly code: CheckpointErrorCode;

  /**
   * @param code - what went wrong
   * @param message - the observed values and the limits
   * @param options - `cause`
   */
  constructor(code: CheckpointErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The checkpoint was cancelled through its `AbortSignal` (SQLite's `SQLITE_INTERRUPT`): nBackfill
 * did not move, the WAL is untouched, every lock is released; pages already copied (see
 * `onProgress`) hold committed content and are copied again by the next checkpoint.
 * @public
 */
export class CheckpointAbortedError extends CheckpointError {
  /** The class name, `'CheckpointAbortedError'`. */
  static override name = 'CheckpointAbortedError';
  /** The class name, `'CheckpointAbortedError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'CheckpointAbortedError';

  /** @param options - `cause`: the signal's reason */
  constructor(options?: ErrorOptions) {
    super('ERR_CHECKPOINT_ABORTED', 'checkpoint aborted through its AbortSignal', options);
  }
}

/**
 * The database, its WAL and its wal-index disagree, so nothing more is copied (SQLite's
 * `SQLITE_CORRUPT`): a WAL page size other than the database's, a database far smaller than the
 * size the log commits, a WAL shorter than the frames the wal-index lists, or a frame whose
 * header does not match the wal-index.
 * @public
 */
export class CheckpointCorruptError extends CheckpointError {
  /** The class name, `'CheckpointCorruptError'`. */
  static override name = 'CheckpointCorruptError';
  /** The class name, `'CheckpointCorruptError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'CheckpointCorruptError';

  /** @param reason - what disagrees, with the observed values */
  constructor(
    /** What disagrees, with the observed values. */
    readonly reason: string,
  ) {
    super('ERR_CHECKPOINT_CORRUPT', `cannot checkpoint: ${reason}`);
  }
}

/**
 * Another connection holds the database file's PENDING or EXCLUSIVE lock (it is closing the
 * database or leaving WAL mode), so {@link checkpointDatabase} cannot join as a connection.
 * @public
 */
export class CheckpointLockedError extends CheckpointError {
  /** The class name, `'CheckpointLockedError'`. */
  static override name = 'CheckpointLockedError';
  /** The class name, `'CheckpointLockedError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'CheckpointLockedError';

  /** @param path - the database file */
  constructor(
    /** The database file. */
    readonly path: string,
  ) {
    super('ERR_CHECKPOINT_LOCKED', `${path}: database is locked (another connection holds its PENDING or EXCLUSIVE lock)`);
  }
}
