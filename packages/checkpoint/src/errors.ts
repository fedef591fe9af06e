/**
 * Codes of the errors `@litewal/checkpoint` throws.
 *
 * @remarks A closed union: codes change only through a changeset. Branch on `err.code`.
 * `ERR_CHECKPOINT_ABORTED`: the caller's `AbortSignal` fired. `ERR_CHECKPOINT_CORRUPT`: the
 * database, its WAL and its wal-index disagree (SQLite's `SQLITE_CORRUPT`).
 * `ERR_CHECKPOINT_LOCKED`: another connection holds the database file's locks so that a new
 * connection cannot join (SQLite's "database is locked"). `ERR_CHECKPOINT_LOCK_BUDGET`: a
 * scheduler's lock budget is not below the busy timeout it must protect.
 * @public
 */
export type CheckpointErrorCode = 'ERR_CHECKPOINT_ABORTED' | 'ERR_CHECKPOINT_CORRUPT' | 'ERR_CHECKPOINT_LOCKED' | 'ERR_CHECKPOINT_LOCK_BUDGET';

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

/**
 * A {@link CheckpointScheduler}'s lock budget is not a positive number below the busy timeout:
 * a checkpoint could then hold locks until the other connections' busy handlers gave up.
 * @public
 */
export class CheckpointLockBudgetError extends CheckpointError {
  /** The class name, `'CheckpointLockBudgetError'`. */
  static override name = 'CheckpointLockBudgetError';
  /** The class name, `'CheckpointLockBudgetError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'CheckpointLockBudgetError';

  /**
   * @param lockBudgetMs - the budget asked for
   * @param busyTimeoutMs - the busy timeout it must stay below
   */
  constructor(
    /** The budget asked for, in milliseconds. */
    readonly lockBudgetMs: number,
    /** The busy timeout it must stay below, in milliseconds. */
    readonly busyTimeoutMs: number,
  ) {
    super(
      'ERR_CHECKPOINT_LOCK_BUDGET',
      `lockBudgetMs must be above 0 and below busyTimeoutMs ${busyTimeoutMs}, got ${lockBudgetMs}`,
    );
  }
}
