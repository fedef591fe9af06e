import type { TransactionFrames } from '@litewal/wal-file';

/**
 * What a {@link CommitSink} reports for a group it wrote.
 * @public
 */
export interface FlushResult {
  /** Frame number of the first frame of the group. */
  readonly firstFrame: number;
  /** Frame number of the last frame of the group (its last transaction's commit frame). */
  readonly lastFrame: number;
  /** Number of syncs (`fsync`/`fdatasync`) the flush issued. */
  readonly syncs: number;
  /** Whether the frames were synced to stable storage before the flush resolved. */
  readonly synced: boolean;
}

/**
 * Where {@link GroupCommit} sends each sealed group: the part that writes.
 *
 * @remarks
 * Contract: {@link CommitSink.flush} is called for one group at a time, never concurrently. It
 * writes the transactions in the given order, contiguously, starting at `firstFrame`, each ending
 * in its own commit frame, and resolves once they are as durable as the sink promises. When it
 * rejects, none of the group's frames may be in the log, now or after a crash (roll back whatever
 * was written); a sink that cannot guarantee this must reject with a {@link RollbackFailedError}.
 * {@link WalFileSink} is the implementation over a SQLite WAL.
 * @public
 */
export interface CommitSink {
  /** Page size in bytes every page image must have. */
  readonly pageSize: number;
  /**
   * Writes one group of committing transactions (see the contract above).
   * @throws {@link RollbackFailedError} when the group failed and may still be in the log; any
   * other error means the group failed and is not in the log.
   */
  flush(transactions: readonly TransactionFrames[]): Promise<FlushResult>;
}
