import { CounterMetric, type Counter } from './counter.js';
import { InvalidValueError, MetricConflictError, type MetricKind } from './errors.js';
import { NOOP_OBSERVER, type TelemetryEvent, type TelemetryEventFields, type TelemetryObserver } from './events.js';
import { GaugeMetric, type Gauge } from './gauge.js';
import { HistogramMetric, type Histogram, type HistogramOptions, type HistogramSnapshot } from './histogram.js';
import { EventRing } from './internal/event-ring.js';
import type { Metric } from './internal/metric.js';
import { checkLabelName, checkMetricName } from './internal/names.js';
import { renderPrometheusText, sampleNames } from './internal/prometheus-text.js';
import type { TelemetrySnapshot } from './snapshot.js';

/**
 * Options of {@link Telemetry}.
 * @public
 */
export interface TelemetryOptions {
  /**
   * Record phase timings. When false, {@link Telemetry.now} returns 0 and {@link Telemetry.recordSince}
   * records nothing, so timed code pays no clock read; counters, gauges, histograms fed directly and
   * events work as usual. @defaultValue true
   */
  readonly timing?: boolean;
  /**
   * Capacity of the event ring buffer: an integer in [0, {@link MAX_EVENT_CAPACITY}] (0 keeps no event;
   * the observer still sees each). @defaultValue 1024
   */
  readonly eventCapacity?: number;
  /** Receives every event as it is recorded. @defaultValue {@link NOOP_OBSERVER} */
  readonly observer?: TelemetryObserver;
  /**
   * Constant labels put on every Prometheus sample, e.g. `{ db: 'app.db' }` when one process exposes
   * several databases. Names must match `[a-zA-Z_][a-zA-Z0-9_]*`, must not start with `__` and must not
   * be `quantile`. @defaultValue `{}`
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Largest {@link TelemetryOptions.eventCapacity}: 2^20 events.
 * @public
 */
export const MAX_EVENT_CAPACITY = 2 ** 20;

/** The metric class of each kind. */
type MetricOf<K extends MetricKind> = Extract<Metric, { readonly kind: K }>;

/**
 * A registry of counters, gauges and fixed-memory histograms, a ring buffer of recent events, and
 * their JSON snapshot and Prometheus exposition.
 *
 * @remarks
 * Metric names are Prometheus metric names (`[a-zA-Z_:][a-zA-Z0-9_:]*`); creating a metric that exists
 * returns it (the first help text stays). Recording a metric sample allocates nothing, and memory is
 * bounded: about 13.5 KiB per histogram and at most `eventCapacity` events.
 * @public
 */
export class Telemetry {
  /** Whether phase timing is on ({@link TelemetryOptions.timing}). */
  readonly timing: boolean;
  /** Capacity of the event ring buffer. */
  readonly eventCapacity: number;
  /** Constant labels of every Prometheus sample (a frozen copy). */
  readonly labels: Readonly<Record<string, string>>;
  readonly #observer: TelemetryObserver;
  readonly #ring: EventRing;
  readonly #metrics = new Map<string, Metric>();
  /** Every Prometheus sample name in use, and the metric that uses it. */
  readonly #samples = new Map<string, Metric>();
  #seq = 0;
  #observerErrors = 0;

  /**
   * Creates an empty registry.
   * @throws {@link InvalidValueError} when `eventCapacity` is not an integer in [0, {@link MAX_EVENT_CAPACITY}].
   * @throws {@link InvalidNameError} when a label name is invalid.
   */
  constructor(options: TelemetryOptions = {}) {
    const { timing = true, eventCapacity = 1024, observer = NOOP_OBSERVER, labels = {} } = options;
    if (!(Number.isInteger(eventCapacity) && eventCapacity >= 0 && eventCapacity <= MAX_EVENT_CAPACITY)) {
      throw new InvalidValueError('eventCapacity option', eventCapacity, `an integer in [0, ${MAX_EVENT_CAPACITY}]`);
    }
    for (const name of Object.keys(labels)) checkLabelName(name);
    this.timing = timing;
    this.eventCapacity = eventCapacity;
    this.labels = Object.freeze({ ...labels });
    this.#observer = observer;
    this.#ring = new EventRing(eventCapacity);
  }

  /** Events recorded but no longer in the ring buffer (the oldest are dropped first). */
  get droppedEvents(): number {
    return this.#ring.dropped;
  }

  /** Number of times the observer threw (such errors are counted, never rethrown). */
  get observerErrors(): number {
    return this.#observerErrors;
  }

  /**
   * Gets or creates the counter `name`.
   * @throws {@link InvalidNameError} when `name` is not a Prometheus metric name.
   * @throws {@link MetricConflictError} when `name` or `<name>_total` is taken by another metric.
   */
  counter(name: string, help: string): Counter {
    return this.#getOrCreate('counter', name, () => new CounterMetric(name, help));
  }

  /**
   * Gets or creates the gauge `name`.
   * @throws {@link InvalidNameError} when `name` is not a Prometheus metric name.
   * @throws {@link MetricConflictError} when `name` is taken by another metric.
   */
  gauge(name: string, help: string): Gauge {
    return this.#getOrCreate('gauge', name, () => new GaugeMetric(name, help));
  }

  /**
   * Gets or creates the fixed-memory histogram `name` of non-negative values (e.g. microseconds or counts).
   * @throws {@link InvalidNameError} when `name` is not a Prometheus metric name.
   * @throws {@link MetricConflictError} when `name`, `<name>_sum`, `<name>_count`, `<name>_max` or
   * `<name>_recent_max` is taken by another metric, or the histogram exists with another unit.
   */
  histogram(name: string, help: string, options: HistogramOptions = {}): Histogram {
    const unit = options.unit ?? '';
    const histogram = this.#getOrCreate('histogram', name, () => new HistogramMetric(name, help, unit));
    if (histogram.unit !== unit) {
      throw new MetricConflictError(name, 'histogram', name, 'histogram', name, `it exists with unit ${JSON.stringify(histogram.unit)}, not ${JSON.stringify(unit)}`);
    }
    return histogram;
  }

  /** Monotonic microseconds (`performance.now() * 1000`) when timing is on, else 0. */
  now(): number {
    return this.timing ? performance.now() * 1000 : 0;
  }

  /**
   * Records the microseconds elapsed since `start` (a {@link Telemetry.now} value) into `histogram`
   * when timing is on; does nothing otherwise.
   * @throws {@link InvalidValueError} when `start` lies in the future (it was not a `now()` value).
   */
  recordSince(histogram: Histogram, start: number): void {
    if (this.timing) histogram.record(performance.now() * 1000 - start);
  }

  /**
   * Appends an event to the ring buffer, dropping the oldest when it is full, then passes it to the observer.
   * @param kind - what happened, e.g. `'group-commit.flush'`.
   * @param fields - details; copied and frozen. @defaultValue `{}`
   * @throws {@link InvalidValueError} when a number field is NaN or infinite (JSON could not hold it); nothing is recorded then.
   */
  event(kind: string, fields: TelemetryEventFields = {}): void {
    const copy: Record<string, number | string | boolean> = { ...fields };
    for (const key in copy) {
      const value = copy[key];
      if (typeof value !== 'number') continue;
      if (!Number.isFinite(value)) throw new InvalidValueError(`event ${JSON.stringify(kind)} field ${JSON.stringify(key)}`, value, 'a finite number');
      copy[key] = value + 0; // -0 becomes 0, so that the event survives JSON.stringify unchanged
    }
    const event: TelemetryEvent = Object.freeze({ seq: ++this.#seq, at: Date.now(), kind, fields: Object.freeze(copy) });
    this.#ring.push(event);
    try {
      this.#observer.onEvent(event);
    } catch {
      this.#observerErrors++;
    }
  }

  /** The events still in the ring buffer, oldest first (a new array each call; the events are frozen). */
  events(): readonly TelemetryEvent[] {
    return this.#ring.toArray();
  }

  /** Every metric, the recent events and the event counters at this moment, as plain JSON. */
  snapshot(): TelemetrySnapshot {
    const counters: [string, number][] = [];
    const gauges: [string, number][] = [];
    const histograms: [string, HistogramSnapshot][] = [];
    for (const metric of this.#metrics.values()) {
      if (metric.kind === 'counter') counters.push([metric.name, metric.value]);
      else if (metric.kind === 'gauge') gauges.push([metric.name, metric.value]);
      else histograms.push([metric.name, metric.snapshot()]);
    }
    // Object.fromEntries defines own properties, so even a metric named __proto__ is kept as data.
    return {
      takenAt: Date.now(),
      labels: { ...this.labels },
      counters: Object.fromEntries(counters),
      gauges: Object.fromEntries(gauges),
      histograms: Object.fromEntries(histograms),
      events: this.#ring.toArray(),
      droppedEvents: this.#ring.dropped,
      observerErrors: this.#observerErrors,
    };
  }

  /**
   * Prometheus text exposition format 0.0.4 of every metric, in creation order.
   *
   * @remarks
   * A counter is a `counter` family `<name>_total` (or `<name>` when it ends in `_total`); a gauge a
   * `gauge` family. A histogram is a `summary` family `<name>` with `quantile="0.5"`, `"0.95"` and
   * `"0.99"` samples (the estimates of {@link Histogram.quantile}; `NaN` while empty, as Prometheus
   * client libraries print), `<name>_sum` and `<name>_count`, followed by the gauge families
   * `<name>_max` and `<name>_recent_max`. A summary rather than a Prometheus histogram because its
   * 1728 fixed buckets would be as many series; the price is that quantiles of several processes
   * cannot be aggregated in PromQL (`_sum` and `_count` can). Every sample carries {@link TelemetryOptions.labels};
   * HELP text escapes `\` and newline, label values also `"`. An empty help omits the HELP line.
   * Events are not exposed.
   */
  prometheus(): string {
    return renderPrometheusText(this.#metrics.values(), this.labels);
  }

  #getOrCreate<K extends MetricKind>(kind: K, name: string, create: () => MetricOf<K>): MetricOf<K> {
    checkMetricName(name);
    const existing = this.#metrics.get(name);
    if (existing?.kind === kind) return existing as MetricOf<K>;
    if (existing !== undefined) {
      throw new MetricConflictError(name, kind, name, existing.kind, name, `it is already a ${existing.kind}`);
    }
    const names = sampleNames(kind, name);
    for (const sample of names) {
      const owner = this.#samples.get(sample);
      if (owner !== undefined) {
        throw new MetricConflictError(name, kind, owner.name, owner.kind, sample, 'both would expose this Prometheus sample name');
      }
    }
    const metric = create();
    this.#metrics.set(name, metric);
    for (const sample of names) this.#samples.set(sample, metric);
    return metric;
  }
}
