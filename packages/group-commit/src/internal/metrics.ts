import type { Counter, Gauge, Histogram, Telemetry } from '@litewal/telemetry';
import { WAKE_REASONS, type GroupCommitStats, type WakeReason } from '../group-commit-stats.js';

const PREFIX = 'litewal_group_commit_';

/** The instruments of a GroupCommit, registered on its Telemetry. */
export class Metrics {
  readonly #telemetry: Telemetry;
  readonly #groups: Counter;
  readonly #failedGroups: Counter;
  readonly #transactions: Counter;
  readonly #frames: Counter;
  readonly #fsyncs: Counter;
  readonly #ratio: Gauge;
  readonly #pending: Gauge;
  readonly #groupTransactions: Histogram;
  readonly #groupFrames: Histogram;
  readonly #flushUs: Histogram;
  readonly #waiterWaitUs: Histogram;
  readonly #commitUs: Histogram;
  readonly #wakes: ReadonlyMap<WakeReason, Counter>;

  constructor(telemetry: Telemetry) {
    const t = telemetry;
    this.#telemetry = t;
    this.#groups = t.counter(`${PREFIX}groups`, 'Commit groups flushed successfully.');
    this.#failedGroups = t.counter(`${PREFIX}failed_groups`, 'Commit groups whose flush failed.');
    this.#transactions = t.counter(`${PREFIX}transactions`, 'Transactions in successful groups.');
    this.#frames = t.counter(`${PREFIX}frames`, 'Frames in successful groups.');
    this.#fsyncs = t.counter(`${PREFIX}fsyncs`, 'Syncs issued by successful group flushes.');
    this.#ratio = t.gauge(`${PREFIX}fsync_reduction_ratio`, 'Transactions per sync (transactions / fsyncs).');
    this.#pending = t.gauge(`${PREFIX}pending`, 'Transactions accepted and not yet settled.');
    this.#groupTransactions = t.histogram(`${PREFIX}group_transactions`, 'Transactions per successful group.', {
      unit: 'transactions',
    });
    this.#groupFrames = t.histogram(`${PREFIX}group_frames`, 'Frames per successful group.', { unit: 'frames' });
    this.#flushUs = t.histogram(`${PREFIX}flush_us`, 'Time in the sink flush (append + sync), microseconds.', { unit: 'us' });
    this.#waiterWaitUs = t.histogram(`${PREFIX}waiter_wait_us`, 'Time a waiter waited for its group, microseconds.', {
      unit: 'us',
    });
    this.#commitUs = t.histogram(`${PREFIX}commit_us`, 'Time from commit() to its outcome, microseconds.', { unit: 'us' });
    this.#wakes = new Map(
      WAKE_REASONS.map((reason) => [
        reason,
        t.counter(`${PREFIX}wake_${reason.replace('-', '_')}`, `Committers woken for the reason "${reason}".`),
      ]),
    );
  }

  joined(): void {
    this.#pending.inc();
  }

  wake(reason: WakeReason): void {
    (this.#wakes.get(reason) as Counter).inc();
  }

  /** A committer got its outcome: `joinedAt` is its Telemetry.now() at commit(). */
  settled(joinedAt: number, waiter: boolean, reason: WakeReason): void {
    this.#pending.dec();
    this.wake(reason);
    this.#telemetry.recordSince(this.#commitUs, joinedAt);
    if (waiter) this.#telemetry.recordSince(this.#waiterWaitUs, joinedAt);
  }

  flushed(transactions: number, frames: number, syncs: number, startedAt: number): void {
    this.#telemetry.recordSince(this.#flushUs, startedAt);
    this.#groups.inc();
    this.#transactions.inc(transactions);
    this.#frames.inc(frames);
    this.#fsyncs.inc(syncs);
    this.#groupTransactions.record(transactions);
    this.#groupFrames.record(frames);
    if (this.#fsyncs.value > 0) this.#ratio.set(this.#transactions.value / this.#fsyncs.value);
  }

  failed(startedAt: number): void {
    this.#telemetry.recordSince(this.#flushUs, startedAt);
    this.#failedGroups.inc();
  }

  stats(): GroupCommitStats {
    const fsyncs = this.#fsyncs.value;
    const wakes = Object.fromEntries(WAKE_REASONS.map((r) => [r, (this.#wakes.get(r) as Counter).value]));
    return {
      groups: this.#groups.value,
      failedGroups: this.#failedGroups.value,
      transactions: this.#transactions.value,
      frames: this.#frames.value,
      fsyncs,
      fsyncReductionRatio: fsyncs === 0 ? 0 : this.#transactions.value / fsyncs,
      wakes: wakes as Record<WakeReason, number>,
    };
  }
}
