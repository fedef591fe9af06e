/**
 * Codes of the errors the engine and the `litewal` CLI raise.
 * @public
 */
export type EngineErrorCode =
  | 'ERR_ENGINE_USAGE'
  | 'ERR_ENGINE_INPUT'
  | 'ERR_ENGINE_BUSY'
  | 'ERR_ENGINE_AT_COMMIT'
  | 'ERR_ENGINE_OUTPUT_EXISTS';

/**
 * Base class of the engine's errors. `ERR_ENGINE_USAGE` is a bad command line and
 * `ERR_ENGINE_INPUT` an input that cannot be used (missing, a directory, not a WAL): the CLI exits 2
 * for both. `ERR_ENGINE_BUSY`: another process holds the database, so the command refused to act;
 * the CLI exits 1. `ERR_ENGINE_AT_COMMIT` ({@link AtCommitError}) asks for a commit the WAL does
 * not have and `ERR_ENGINE_OUTPUT_EXISTS` refuses to replace an existing file: the CLI exits 2.
 * @public
 */
export class EngineError extends Error {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'EngineError';
  /** Class name of this error. */
  override readonly name: string = 'EngineError';
  /** Stable machine-readable code. */
  readonly code: EngineErrorCode;
  /** What the user can do about it, when there is something. */
  readonly hint: string | undefined;

  /** Creates an error with a code, a message naming what was found, and an optional hint. */
  constructor(code: EngineErrorCode, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

/**
 * `litewal export --at-commit N` (or {@link exportSnapshot}'s `atCommit`) named a commit that the
 * valid prefix of the WAL does not have (`ERR_ENGINE_AT_COMMIT`).
 * @public
 */
export class AtCommitError extends EngineError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'AtCommitError';
  /** Class name of this error. */
  override readonly name: string = 'AtCommitError';
  /** The commit asked for. */
  readonly requested: number;
  /** Commits in the valid prefix of the WAL (valid values are 1..available). */
  readonly available: number;

  /** Creates the error from the value asked for and the number of commits there are. */
  constructor(requested: number, available: number) {
    super(
      'ERR_ENGINE_AT_COMMIT',
      available === 0
        ? `--at-commit ${requested}: the WAL has no committed transaction`
        : `--at-commit ${requested} is not a commit of this WAL: it has ${available} commit${available === 1 ? '' : 's'} (1..${available})`,
      'litewal history lists every commit of the valid prefix of the WAL, numbered as --at-commit counts them',
    );
    this.requested = requested;
    this.available = available;
  }
}

/**
 * Codes of the errors the Database API ({@link openDatabase}) raises.
 *
 * @remarks
 * - `ERR_DATABASE_CLOSED`: the database (or the snapshot) was closed.
 * - `ERR_DATABASE_BUSY`: another connection held a lock past the busy timeout (SQLite's `SQLITE_BUSY`).
 * - `ERR_DATABASE_BUSY_SNAPSHOT`: another connection committed after the transaction's snapshot was
 *   taken, so it cannot commit (SQLite's `SQLITE_BUSY_SNAPSHOT`); run it again.
 * - `ERR_DATABASE_COMMIT_FAILED`: the transaction is not in the log, now or after a crash.
 * - `ERR_DATABASE_OUTCOME_UNKNOWN`: a failed group could not be rolled back; the transaction may be in the log.
 * - `ERR_DATABASE_CORRUPT`: the files disagree with SQLite's format (SQLite's `SQLITE_CORRUPT`).
 * - `ERR_DATABASE_NOT_WAL`: the database file is not in WAL mode.
 * - `ERR_DATABASE_TRANSACTION_CLOSED`: a transaction object was used after its callback returned.
 * @public
 */
export type DatabaseErrorCode =
  | 'ERR_DATABASE_CLOSED'
  | 'ERR_DATABASE_BUSY'
  | 'ERR_DATABASE_BUSY_SNAPSHOT'
  | 'ERR_DATABASE_COMMIT_FAILED'
  | 'ERR_DATABASE_OUTCOME_UNKNOWN'
  | 'ERR_DATABASE_CORRUPT'
  | 'ERR_DATABASE_NOT_WAL'
  | 'ERR_DATABASE_TRANSACTION_CLOSED';

/**
 * Base class of the errors of the Database API; `cause` carries the lower-level error, if any.
 * @public
 */
export class DatabaseError extends Error {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'DatabaseError';
  /** Class name of this error. */
  override readonly name: string = 'DatabaseError';
  /** Stable machine-readable code. */
  readonly code: DatabaseErrorCode;

  /** Creates an error with a code, a message naming what was found, and an optional cause. */
  constructor(code: DatabaseErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A write transaction's snapshot went stale: another connection (a `sqlite3` process, another
 * litewal process) committed after the transaction read the database and before it could take
 * SQLite's WAL write lock. Nothing of the transaction was written; run it again.
 * @public
 */
export class BusySnapshotDatabaseError extends DatabaseError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'BusySnapshotDatabaseError';
  /** Class name of this error. */
  override readonly name: string = 'BusySnapshotDatabaseError';
  /** The last frame (mxFrame) of the snapshot the transaction read. */
  readonly snapshotMaxFrame: number;
  /** The last frame of the log when the transaction tried to commit (-1 when unreadable). */
  readonly currentMaxFrame: number;

  /** Creates the error from the two log ends; `options.cause` is the wal-index's `BusySnapshotError`. */
  constructor(snapshotMaxFrame: number, currentMaxFrame: number, options?: ErrorOptions) {
    super(
      'ERR_DATABASE_BUSY_SNAPSHOT',
      `another connection committed since the transaction's snapshot (log end ${snapshotMaxFrame}, now ${currentMaxFrame}); run the transaction again`,
      options,
    );
    this.snapshotMaxFrame = snapshotMaxFrame;
    this.currentMaxFrame = currentMaxFrame;
  }
}

/**
 * Why a commit failed: its own group failed to be written (`group-failed`), or it was staged on
 * top of a transaction whose group failed (`staged-on-failed-group`), so it read pages that never
 * became durable.
 * @public
 */
export type CommitFailureReason = 'group-failed' | 'staged-on-failed-group';

/**
 * A transaction's commit failed and it is not in the log, now or after a crash
 * (`ERR_DATABASE_COMMIT_FAILED`); `cause` is the group's failure.
 * @public
 */
export class CommitFailedError extends DatabaseError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'CommitFailedError';
  /** Class name of this error. */
  override readonly name: string = 'CommitFailedError';
  /** Whether its own group failed or one it was staged on. */
  readonly reason: CommitFailureReason;

  /** Creates the error; `options.cause` is the failure of the group. */
  constructor(reason: CommitFailureReason, options?: ErrorOptions) {
    super(
      'ERR_DATABASE_COMMIT_FAILED',
      reason === 'group-failed'
        ? 'the commit group of the transaction failed; the transaction is not in the log'
        : 'the transaction was staged on top of a transaction whose commit group failed; it is not in the log',
      options,
    );
    this.reason = reason;
  }
}
