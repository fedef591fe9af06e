/**
 * Why a committer woke up.
 *
 * @remarks
 * A flusher wakes to flush its group when the group is sealed, for one of four reasons:
 * `idle` (no flush was in progress and `maxDelayMs` is 0: it flushes at once), `pipeline` (the
 * previous group's flush completed), `frame-limit` (the group reached `maxGroupFrames`) or `delay`
 * (`maxDelayMs` ran out). `takeover`: a waiter became the flusher of a group whose flusher
 * withdrew. A waiter wakes with `durable` (its group is durable), `failed` (its group failed) or
 * `aborted` (it withdrew); the flusher is told `durable` or `failed` too.
 * @public
 */
export type WakeReason = 'idle' | 'pipeline' | 'frame-limit' | 'delay' | 'takeover' | 'durable' | 'failed' | 'aborted';

/**
 * Every {@link WakeReason}, in a fixed order.
 * @public
 */
export const WAKE_REASONS: readonly WakeReason[] = Object.freeze([
  'idle',
  'pipeline',
  'frame-limit',
  'delay',
  'takeover',
  'durable',
  'failed',
  'aborted',
]);

/**
 * Totals of a {@link GroupCommit} (of every instance sharing its telemetry), from its counters.
 * @public
 */
export interface GroupCommitStats {
  /** Groups flushed successfully. */
  readonly groups: number;
  /** Groups whose flush failed. */
  readonly failedGroups: number;
  /** Transactions in successful groups. */
  readonly transactions: number;
  /** Frames in successful groups. */
  readonly frames: number;
  /** Syncs issued by successful flushes. */
  readonly fsyncs: number;
  /** `transactions / fsyncs`: how many commits one sync served; 0 before the first sync. */
  readonly fsyncReductionRatio: number;
  /** Wake-ups by reason. */
  readonly wakes: Readonly<Record<WakeReason, number>>;
}
