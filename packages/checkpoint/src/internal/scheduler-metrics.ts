import type { Counter, Gauge, Histogram, Telemetry } from '@litewal/telemetry';
import { CHECKPOINT_OUTCOMES, type CheckpointOutcome, type CheckpointOutcomeKind } from '../scheduler-options.js';

const PREFIX = 'litewal_checkpoint_';

/** The instruments of a CheckpointScheduler, registered on its Telemetry. */
export class SchedulerMetrics {
  readonly #telemetry: Telemetry;
  readonly #outcomes: ReadonlyMap<CheckpointOutcomeKind, Counter>;
  readonly #blockedWriterUs: Histogram;
  readonly #blockedReaderUs: Histogram;
  readonly #runUs: Histogram;
  readonly #frameCostNs: Gauge;

  constructor(telemetry: Telemetry) {
    const t = telemetry;
    this.#telemetry = t;
    this.#outcomes = new Map(
      CHECKPOINT_OUTCOMES.map((outcome) => [
        outcome,
        t.counter(`${PREFIX}outcome_${outcome.replace('-', '_')}`, `Scheduled checkpoint runs whose outcome was "${outcome}".`),
      ]),
    );
    this.#blockedWriterUs = t.histogram(`${PREFIX}blocked_writer_us`, 'Microseconds a scheduled checkpoint held the WAL_WRITE lock (writers would wait).', { unit: 'us' });
    this.#blockedReaderUs = t.histogram(`${PREFIX}blocked_reader_us`, 'Microseconds a scheduled checkpoint held reader locks exclusive (readers would wait).', { unit: 'us' });
    this.#runUs = t.histogram(`${PREFIX}run_us`, 'Microseconds per scheduled checkpoint run.', { unit: 'us' });
    this.#frameCostNs = t.gauge(`${PREFIX}frame_cost_ns`, 'Estimated nanoseconds to checkpoint one frame (running estimate).');
  }

  /** Counts one run and records its durations; `frameCostMs` is the estimate after it. */
  record(outcome: CheckpointOutcome, frameCostMs: number): void {
    (this.#outcomes.get(outcome.outcome) as Counter).inc();
    this.#runUs.record(outcome.durationMs * 1000);
    if (outcome.outcome !== 'nothing-pending') {
      this.#blockedWriterUs.record(outcome.blockedWriterMs * 1000);
      this.#blockedReaderUs.record(outcome.blockedReaderMs * 1000);
    }
    this.#frameCostNs.set(Math.round(frameCostMs * 1e6));
    const pin = outcome.pinnedBy;
    this.#telemetry.event('checkpoint.scheduled', {
      outcome: outcome.outcome,
      mode: outcome.mode,
      framesBackfilled: outcome.framesBackfilled,
      framesPending: outcome.framesPending,
      blockedWriterMs: outcome.blockedWriterMs,
      blockedReaderMs: outcome.blockedReaderMs,
      durationMs: outcome.durationMs,
      ...(pin === undefined ? {} : { readMark: pin.readMark, pinnedFrame: pin.frame, holder: pin.holder }),
      ...(pin?.pid === undefined ? {} : { holderPid: pin.pid }),
      ...(outcome.busyOn === undefined ? {} : { busyOn: outcome.busyOn }),
    });
  }
}
