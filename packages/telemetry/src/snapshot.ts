import type { TelemetryEvent } from './events.js';
import type { HistogramSnapshot } from './histogram.js';

/**
 * Everything a {@link Telemetry} holds at one moment, from {@link Telemetry.snapshot}.
 *
 * @remarks
 * Plain JSON: only objects, arrays, strings, finite numbers and booleans, so
 * `JSON.parse(JSON.stringify(snapshot))` is deeply equal to `snapshot`. Metrics are keyed by the
 * name they were created with, in creation order.
 * @public
 */
export interface TelemetrySnapshot {
  /** When the snapshot was taken, in milliseconds since the Unix epoch. */
  readonly takenAt: number;
  /** The constant labels of {@link TelemetryOptions.labels}. */
  readonly labels: Readonly<Record<string, string>>;
  /** Counter values by name. */
  readonly counters: Readonly<Record<string, number>>;
  /** Gauge values by name. */
  readonly gauges: Readonly<Record<string, number>>;
  /** Histogram summaries by name. */
  readonly histograms: Readonly<Record<string, HistogramSnapshot>>;
  /** The events still in the ring buffer, oldest first. */
  readonly events: readonly TelemetryEvent[];
  /** Events recorded but no longer in the ring buffer. */
  readonly droppedEvents: number;
  /** Errors thrown by the observer (counted, never rethrown). */
  readonly observerErrors: number;
}
