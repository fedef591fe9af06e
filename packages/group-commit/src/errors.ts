/**
 * Codes of the errors `@litewal/group-commit` produces.
 *
 * @remarks
 * - `ERR_GROUP_COMMIT_FAILED`: the transaction's group failed; none of its frames is in the log,
 *   now or after a crash ({@link GroupFailedError}).
 * - `ERR_GROUP_COMMIT_OUTCOME_UNKNOWN`: the group failed and its frames could not be removed; they
 *   may or may not appear after a crash ({@link OutcomeUnknownError}).
 * - `ERR_GROUP_COMMIT_ROLLBACK_FAILED`: thrown by a sink whose flush failed and whose rollback
 *   failed too ({@link RollbackFailedError}).
 * - `ERR_GROUP_COMMIT_SINK_BROKEN`: the sink refuses to write after an earlier unrecoverable
 *   failure ({@link SinkBrokenError}).
 * - `ERR_GROUP_COMMIT_ABORTED`: the commit was withdrawn through its `AbortSignal` before its group
 *   started to flush ({@link CommitAbortedError}).
 * - `ERR_GROUP_COMMIT_CLOSED`: {@link GroupCommit.commit} after {@link GroupCommit.close}.
 *
 * @public
 */
export type GroupCommitErrorCode =
  | 'ERR_GROUP_COMMIT_FAILED'
  | 'ERR_GROUP_COMMIT_OUTCOME_UNKNOWN'
  | 'ERR_GROUP_COMMIT_ROLLBACK_FAILED'
  | 'ERR_GROUP_COMMIT_SINK_BROKEN'
  | 'ERR_GROUP_COMMIT_ABORTED'
  | 'ERR_GROUP_COMMIT_CLOSED';

/**
 * Base class of every error `@litewal/group-commit` produces; branch on {@link GroupCommitError.code}.
 * @public
 */
export class GroupCommitError extends Error {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'GroupCommitError';
  /** Class name of this error. */
  override readonly name: string = 'GroupCommitError';
  /** Stable machine-readable code. */
  readonly code: GroupCommitErrorCode;

  /** Creates an error with a code, a message and optionally its cause. */
  constructor(code: GroupCommitErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The group a transaction belonged to failed: the transaction is not in the log and will not
 * appear after a crash. `cause` is what the sink threw.
 * @public
 */
export class GroupFailedError extends GroupCommitError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'GroupFailedError';
  /** Class name of this error. */
  override readonly name: string = 'GroupFailedError';
  /** The epoch (group) that failed. */
  readonly epoch: number;
  /** Number of transactions in that group, every one of them told this error. */
  readonly transactions: number;

  /** @param epoch - the failed group. @param transactions - its size. @param cause - the sink's error. */
  constructor(epoch: number, transactions: number, cause: unknown) {
    super('ERR_GROUP_COMMIT_FAILED', `group ${epoch} of ${transactions} transaction(s) failed: ${describe(cause)}`, { cause });
    this.epoch = epoch;
    this.transactions = transactions;
  }
}

/**
 * The group a transaction belonged to failed and the sink could not remove its frames: the
 * transaction is not visible to this process, but it may or may not appear after a crash (all of
 * it or none of it). `cause` is the sink's {@link RollbackFailedError}.
 * @public
 */
export class OutcomeUnknownError extends GroupCommitError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'OutcomeUnknownError';
  /** Class name of this error. */
  override readonly name: string = 'OutcomeUnknownError';
  /** The epoch (group) that failed. */
  readonly epoch: number;
  /** Number of transactions in that group, every one of them told this error. */
  readonly transactions: number;

  /** @param epoch - the failed group. @param transactions - its size. @param cause - the sink's error. */
  constructor(epoch: number, transactions: number, cause: unknown) {
    super(
      'ERR_GROUP_COMMIT_OUTCOME_UNKNOWN',
      `group ${epoch} of ${transactions} transaction(s) failed and could not be rolled back: ${describe(cause)}`,
      { cause },
    );
    this.epoch = epoch;
    this.transactions = transactions;
  }
}

/**
 * Thrown by a sink whose flush failed after it may have written, and whose rollback failed too.
 * `cause` is the flush's error; {@link RollbackFailedError.rollbackError} the rollback's.
 * @public
 */
export class RollbackFailedError extends GroupCommitError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'RollbackFailedError';
  /** Class name of this error. */
  override readonly name: string = 'RollbackFailedError';
  /** The file the group was written to. */
  readonly path: string;
  /** The frames the log should have been cut back to. */
  readonly committedFrames: number;
  /** Why the rollback failed. */
  readonly rollbackError: unknown;

  /**
   * @param path - the log file. @param committedFrames - the frames to keep.
   * @param cause - the flush's error. @param rollbackError - the rollback's error.
   */
  constructor(path: string, committedFrames: number, cause: unknown, rollbackError: unknown) {
    super(
      'ERR_GROUP_COMMIT_ROLLBACK_FAILED',
      `${path}: could not cut the log back to ${committedFrames} frame(s) after "${describe(cause)}": ${describe(rollbackError)}`,
      { cause },
    );
    this.path = path;
    this.committedFrames = committedFrames;
    this.rollbackError = rollbackError;
  }
}

/**
 * The sink refuses to write: an earlier rollback or gate release failed, so the state of the log
 * or of the cross-process lock is unknown. Reopen (recover) the log to go on. `cause` is that failure.
 * @public
 */
export class SinkBrokenError extends GroupCommitError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'SinkBrokenError';
  /** Class name of this error. */
  override readonly name: string = 'SinkBrokenError';
  /** The log file. */
  readonly path: string;

  /** @param path - the log file. @param cause - the failure that broke the sink. */
  constructor(path: string, cause: unknown) {
    super('ERR_GROUP_COMMIT_SINK_BROKEN', `${path}: the sink refuses to write after: ${describe(cause)}`, { cause });
    this.path = path;
  }
}

/**
 * The commit was withdrawn through its `AbortSignal` before its group started to flush; none of
 * its frames was written. `cause` is the signal's reason.
 * @public
 */
export class CommitAbortedError extends GroupCommitError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'CommitAbortedError';
  /** Class name of this error. */
  override readonly name: string = 'CommitAbortedError';

  /** @param reason - the signal's reason. */
  constructor(reason: unknown) {
    super('ERR_GROUP_COMMIT_ABORTED', `the commit was aborted before its group was flushed: ${describe(reason)}`, { cause: reason });
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
