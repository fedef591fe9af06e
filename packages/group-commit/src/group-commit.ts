import { Telemetry } from '@litewal/telemetry';
import type { TransactionFrames } from '@litewal/wal-file';
import type { CommitOptions, CommitReceipt } from './commit-receipt.js';
import type { CommitSink, FlushResult } from './commit-sink.js';
import { CommitAbortedError, GroupCommitError, GroupFailedError, OutcomeUnknownError } from './errors.js';
import { resolveGroupCommitConfig, type GroupCommitConfig, type GroupCommitOptions } from './group-commit-options.js';
import type { GroupCommitStats, WakeReason } from './group-commit-stats.js';
import { checkTransaction } from './internal/check-transaction.js';
import { Epoch, Member, type Outcome, type SealReason } from './internal/epoch.js';
import { Metrics } from './internal/metrics.js';

/**
 * Group commit: many concurrent committers, one contiguous append and one sync per group.
 *
 * @remarks
 * Each {@link GroupCommit.commit} joins the filling epoch (group); the first committer of an
 * epoch is its flusher, the others wait. An epoch is sealed when the previous group's flush
 * completes (pipelining: batches that arrive during a flush go to the next epoch and never wait
 * for it), when it reaches `maxGroupFrames`, or when `maxDelayMs` has run out; with the default
 * `maxDelayMs` of 0 and no flush in progress it is sealed as soon as the committers of the current
 * tick have joined. Timers only bound the wait, they never set the pace. The flusher then hands the
 * whole group to the {@link CommitSink} (one write, one sync) and every member learns the outcome
 * together: all durable, or, when the flush fails, all rejected with the same error (none is told
 * durable). A flusher that withdraws (its `signal` fired) before the flush starts hands the role
 * to the next member of its epoch (a takeover). Transactions are written in the order their
 * commit() calls joined.
 *
 * Metrics on {@link GroupCommit.telemetry}, all prefixed `litewal_group_commit_`: counters
 * `groups`, `failed_groups`, `transactions`, `frames`, `fsyncs`, `wake_<reason>` (one per
 * {@link WakeReason}, `-` written `_`); gauges `fsync_reduction_ratio` (transactions / fsyncs) and
 * `pending`; histograms `group_transactions`, `group_frames`, `flush_us`, `waiter_wait_us` and
 * `commit_us`. Events `group-commit.failed` and `group-commit.takeover`.
 * @public
 */
export class GroupCommit {
  /** The configuration in force (defaults applied, delay clamped). */
  readonly config: GroupCommitConfig;
  /** Where the metrics and events are recorded. */
  readonly telemetry: Telemetry;
  readonly #sink: CommitSink;
  readonly #metrics: Metrics;
  /** Epochs not flushing yet, oldest first; only the last one may still be filling. */
  readonly #queue: Epoch[] = [];
  #flushing: Epoch | null = null;
  #nextEpoch = 1;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #checkQueued = false;
  #closed = false;
  #pending = 0;
  readonly #drained: (() => void)[] = [];

  /**
   * Coordinates commits into `sink`.
   * @throws RangeError for an invalid option (see {@link GroupCommitOptions}).
   */
  constructor(sink: CommitSink, options: GroupCommitOptions = {}) {
    this.config = resolveGroupCommitConfig(options);
    this.telemetry = options.telemetry ?? new Telemetry();
    this.#sink = sink;
    this.#metrics = new Metrics(this.telemetry);
  }

  /** Transactions accepted by {@link GroupCommit.commit} and not settled yet. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Commits one transaction with the next group; resolves once the group is durable as the sink
   * defines it. The page images must not change until the promise settles.
   * @param transaction - its page images and the database size in pages after it (\>= 1).
   * @throws {@link GroupFailedError} when its group failed (it is not in the log);
   * {@link OutcomeUnknownError} when the group failed and could not be rolled back;
   * {@link CommitAbortedError} when withdrawn through `options.signal`; a {@link GroupCommitError}
   * `ERR_GROUP_COMMIT_CLOSED` after {@link GroupCommit.close}; RangeError for a malformed transaction.
   */
  async commit(transaction: TransactionFrames, options: CommitOptions = {}): Promise<CommitReceipt> {
    if (this.#closed) throw new GroupCommitError('ERR_GROUP_COMMIT_CLOSED', 'commit() was called after close()');
    const frames = checkTransaction(transaction, this.#sink.pageSize);
    const { signal } = options;
    if (signal?.aborted === true) throw new CommitAbortedError(signal.reason);
    const member = this.#join(transaction, frames);
    const onAbort = (): void => this.#withdraw(member, signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if ((await member.signalled) === 'lead') await this.#flush(member.epoch);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const outcome = member.outcome as Outcome;
    if ('error' in outcome) throw outcome.error;
    return outcome.receipt;
  }

  /** Totals so far, from the counters (see {@link GroupCommitStats}). */
  stats(): GroupCommitStats {
    return this.#metrics.stats();
  }

  /**
   * Refuses new commits and resolves once every accepted one has settled. The sink stays open.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#pending > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  #join(transaction: TransactionFrames, frames: number): Member {
    const max = this.config.maxGroupFrames;
    let epoch = this.#queue.at(-1);
    if (epoch === undefined || epoch.state !== 'filling' || epoch.frames + frames > max) {
      if (epoch?.state === 'filling') epoch.seal('frame-limit');
      epoch = new Epoch(this.#nextEpoch++, performance.now());
      this.#queue.push(epoch);
    }
    const member = new Member(transaction, frames, epoch, this.telemetry.now());
    epoch.add(member);
    this.#pending++;
    this.#metrics.joined();
    if (epoch.frames >= max) epoch.seal('frame-limit');
    this.#queueCheck();
    return member;
  }

  /** Withdraws an aborted committer unless its epoch is already flushing. */
  #withdraw(member: Member, reason: unknown): void {
    const { epoch } = member;
    if (epoch.state === 'flushing') return;
    const wasFlusher = epoch.flusher === member;
    epoch.remove(member);
    if (epoch.members.length === 0) {
      this.#queue.splice(this.#queue.indexOf(epoch), 1);
    } else if (wasFlusher) {
      this.#metrics.wake('takeover');
      this.telemetry.event('group-commit.takeover', { epoch: epoch.id, transactions: epoch.members.length });
    }
    this.#settle(member, { error: new CommitAbortedError(reason) }, 'aborted', false);
    this.#queueCheck();
  }

  /** Looks for an epoch to flush once the committers of the current tick have joined. */
  #queueCheck(): void {
    if (this.#flushing !== null || this.#checkQueued) return;
    this.#checkQueued = true;
    queueMicrotask(() => {
      this.#checkQueued = false;
      this.#startNext('idle');
    });
  }

  /** Starts flushing the oldest epoch if no flush is in progress and it may be sealed now. */
  #startNext(trigger: Extract<SealReason, 'idle' | 'pipeline' | 'delay'>): void {
    if (this.#flushing !== null) return;
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const head = this.#queue[0];
    if (head === undefined) return;
    if (head.state === 'filling') {
      const wait = trigger === 'delay' ? 0 : head.openedAt + this.config.maxDelayMs - performance.now();
      if (wait > 0) {
        this.#timer = setTimeout(() => {
          this.#timer = null;
          this.#startNext('delay');
        }, wait);
        return;
      }
      head.seal(trigger);
    }
    this.#queue.shift();
    head.state = 'flushing';
    this.#flushing = head;
    this.#metrics.wake(head.sealReason);
    head.flusher.lead();
  }

  /** Run by the epoch's flusher: one sink flush, every member's outcome, then the next epoch. */
  async #flush(epoch: Epoch): Promise<void> {
    const startedAt = this.telemetry.now();
    const { members } = epoch;
    let result: FlushResult;
    try {
      result = await this.#sink.flush(members.map((m) => m.transaction));
    } catch (error) {
      this.#flushing = null;
      this.#metrics.failed(startedAt);
      const failure = isRollbackFailure(error)
        ? new OutcomeUnknownError(epoch.id, members.length, error)
        : new GroupFailedError(epoch.id, members.length, error);
      this.telemetry.event('group-commit.failed', { epoch: epoch.id, transactions: members.length, code: failure.code });
      for (const m of members) this.#settle(m, { error: failure }, 'failed', m !== epoch.flusher);
      this.#startNext('pipeline');
      return;
    }
    this.#flushing = null;
    this.#metrics.flushed(members.length, epoch.frames, result.syncs, startedAt);
    let frame = result.firstFrame;
    for (const m of members) {
      const role = m === epoch.flusher ? 'flusher' : 'waiter';
      const receipt: CommitReceipt = {
        epoch: epoch.id,
        firstFrame: frame,
        lastFrame: frame + m.frames - 1,
        groupTransactions: members.length,
        synced: result.synced,
        role,
      };
      frame += m.frames;
      this.#settle(m, { receipt }, 'durable', role === 'waiter');
    }
    this.#startNext('pipeline');
  }

  #settle(member: Member, outcome: Outcome, reason: WakeReason, waiter: boolean): void {
    member.settle(outcome);
    this.#metrics.settled(member.joinedAt, waiter, reason);
    this.#pending--;
    if (this.#pending === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }
}

function isRollbackFailure(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_GROUP_COMMIT_ROLLBACK_FAILED';
}
