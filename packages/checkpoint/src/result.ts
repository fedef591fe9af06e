/**
 * What a checkpoint reports: the three columns of `PRAGMA wal_checkpoint(MODE)`.
 *
 * @remarks After a successful TRUNCATE: `0|0|0`. When another connection is checkpointing (the
 * CKPT lock is busy) or the wal-index header could not be read for a lock another connection
 * holds: `1|-1|-1`, as SQLite.
 * @public
 */
export interface CheckpointResult {
  /**
   * 1 when the checkpoint could not do all its mode asks: FULL, RESTART or TRUNCATE that could
   * not take the writer lock, left frames uncopied, or (RESTART, TRUNCATE) found readers still
   * on the WAL; 0 otherwise. PASSIVE reports 0 even when readers limited the copy.
   */
  readonly busy: 0 | 1;
  /** mxFrame: frames in the log when the checkpoint read it (0 after a TRUNCATE; -1 when busy before reading). */
  readonly log: number;
  /** nBackfill: frames of the log now copied into the database (-1 when busy before reading). */
  readonly checkpointed: number;
}

/**
 * A result as the `sqlite3` CLI prints `PRAGMA wal_checkpoint(MODE)`: `busy|log|checkpointed`.
 * @example `formatCheckpointResult({ busy: 0, log: 2, checkpointed: 0 })` is `'0|2|0'`.
 * @public
 */
export function formatCheckpointResult(result: CheckpointResult): string {
  return `${result.busy}|${result.log}|${result.checkpointed}`;
}

/** The result when the checkpoint could not start: `1|-1|-1`. @internal */
export const BUSY_BEFORE_START: CheckpointResult = Object.freeze({ busy: 1, log: -1, checkpointed: -1 });
