/**
 * Counters, gauges, fixed-memory histograms, an event ring buffer with an observer, JSON snapshots
 * and Prometheus text exposition for litewal.
 *
 * @remarks
 * A {@link Telemetry} is a registry: `counter`, `gauge` and `histogram` get or create a metric by
 * its Prometheus name. Histograms keep {@link HISTOGRAM_BUCKETS} log-linear buckets whatever the
 * number of samples, report p50/p95/p99 within {@link HISTOGRAM_RELATIVE_ERROR} (1/64) of the exact
 * value and keep count, sum and max exact, plus {@link Histogram.recentMax}, the largest of the last
 * 769 to 1024 samples. Events go to a fixed-capacity ring (oldest dropped and counted) and to a
 * {@link TelemetryObserver}, whose errors are counted, never rethrown. {@link Telemetry.snapshot}
 * is plain JSON; {@link Telemetry.prometheus} is the text format 0.0.4, histograms as summaries.
 *
 * With `timing: false`, {@link Telemetry.now} returns 0 and {@link Telemetry.recordSince} returns at
 * once, so timed code costs nothing measurable.
 *
 * @example
 * ```ts
 * import { Telemetry } from '@litewal/telemetry';
 *
 * const telemetry = new Telemetry({ labels: { db: 'app.db' } });
 * const commits = telemetry.counter('litewal_commits', 'Transactions committed.');
 * const syncUs = telemetry.histogram('litewal_wal_sync_latency', 'WAL sync time, microseconds.', { unit: 'us' });
 *
 * const start = telemetry.now();
 * // ... sync the WAL ...
 * telemetry.recordSince(syncUs, start);
 * commits.inc();
 * telemetry.event('group-commit.flush', { transactions: 12, bytes: 49_152 });
 *
 * console.log(syncUs.quantile(0.99), JSON.stringify(telemetry.snapshot()));
 * process.stdout.write(telemetry.prometheus()); // litewal_commits_total{db="app.db"} 1 ...
 * ```
 * @packageDocumentation
 */
export type { Counter } from './counter.js';
export {
  InvalidNameError,
  InvalidValueError,
  MetricConflictError,
  TelemetryError,
  type MetricKind,
  type TelemetryErrorCode,
} from './errors.js';
export { NOOP_OBSERVER, type TelemetryEvent, type TelemetryEventFields, type TelemetryObserver } from './events.js';
export type { Gauge } from './gauge.js';
export {
  HISTOGRAM_BUCKETS,
  HISTOGRAM_RECENT_SLOTS,
  HISTOGRAM_RECENT_SLOT_SAMPLES,
  HISTOGRAM_RELATIVE_ERROR,
  MAX_HISTOGRAM_VALUE,
  type Histogram,
  type HistogramOptions,
  type HistogramSnapshot,
} from './histogram.js';
export type { TelemetrySnapshot } from './snapshot.js';
export { MAX_EVENT_CAPACITY, Telemetry, type TelemetryOptions } from './telemetry.js';
