/**
 * Options of {@link GroupCommit.commit}.
 * @public
 */
export interface CommitOptions {
  /**
   * Withdraws the transaction if it fires before the transaction's group starts to flush: the
   * commit then rejects with a {@link CommitAbortedError} and nothing of it is written. Once the
   * flush has started the signal is ignored and the commit settles with its group.
   * @defaultValue undefined (the commit cannot be withdrawn)
   */
  readonly signal?: AbortSignal;
}

/**
 * What a committer is told when its transaction is durable (as the sink's sync mode defines it).
 * @public
 */
export interface CommitReceipt {
  /** The epoch (group) the transaction was written in; epoch numbers start at 1 and increase in commit order. */
  readonly epoch: number;
  /** Frame number of the transaction's first frame. */
  readonly firstFrame: number;
  /** Frame number of its commit frame (its last frame). */
  readonly lastFrame: number;
  /** Number of transactions in the group. */
  readonly groupTransactions: number;
  /** Whether the group was synced to stable storage (false when the sink only wrote it). */
  readonly synced: boolean;
  /** Whether this committer ran the group's flush or waited for it. */
  readonly role: 'flusher' | 'waiter';
}
