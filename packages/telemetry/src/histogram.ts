import { InvalidValueError } from './errors.js';
import { BUCKET_COUNT, SUB_BUCKETS, bucketIndex, bucketMidpoint } from './internal/log-linear-buckets.js';

/**
 * Largest value a histogram accepts: `Number.MAX_SAFE_INTEGER` (2^53 - 1, about 285 years in microseconds).
 * @public
 */
export const MAX_HISTOGRAM_VALUE = Number.MAX_SAFE_INTEGER;

/**
 * Bound on the error of {@link Histogram.quantile}: 1/64 (1.5625 %) of the exact value, or 1/64 absolute below 1.
 * @public
 */
export const HISTOGRAM_RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);

/**
 * Number of buckets of every histogram: 32 in [0, 1) and 32 in each of the 53 octaves [2^e, 2^(e+1)).
 * @public
 */
export const HISTOGRAM_BUCKETS = BUCKET_COUNT;

/**
 * Number of slots of the recent window of {@link Histogram.recentMax}.
 * @public
 */
export const HISTOGRAM_RECENT_SLOTS = 4;

/**
 * Number of samples each slot of the recent window of {@link Histogram.recentMax} covers.
 * @public
 */
export const HISTOGRAM_RECENT_SLOT_SAMPLES = 256;

/**
 * Options of {@link Telemetry.histogram}.
 * @public
 */
export interface HistogramOptions {
  /** What the values measure, e.g. `'us'` or `'bytes'`; shown in snapshots only. @defaultValue `''` */
  readonly unit?: string;
}

/**
 * What a histogram shows at one moment; plain JSON.
 * @public
 */
export interface HistogramSnapshot {
  /** Unit given at creation, or `''`. */
  readonly unit: string;
  /** Number of samples recorded (exact). */
  readonly count: number;
  /** Sum of the samples (exact up to float64 rounding). */
  readonly sum: number;
  /** Largest sample (exact), 0 when empty. */
  readonly max: number;
  /** `quantile(0.5)`. */
  readonly p50: number;
  /** `quantile(0.95)`. */
  readonly p95: number;
  /** `quantile(0.99)`. */
  readonly p99: number;
  /** `recentMax()`. */
  readonly recentMax: number;
}

/**
 * A fixed-memory distribution of non-negative numbers, from {@link Telemetry.histogram}.
 *
 * @remarks
 * Memory is {@link HISTOGRAM_BUCKETS} float64 counts (13.5 KiB) whatever the number of samples.
 * Buckets are log-linear: [0, 1) and every octave [2^e, 2^(e+1)) up to 2^53 are cut into 32 equal
 * buckets, and a quantile is reported as the midpoint of its bucket, so it is within
 * {@link HISTOGRAM_RELATIVE_ERROR} of the exact value `x`: `|estimate - x| <= max(1, x) / 64`.
 * Count, sum and max are exact. Exposed to Prometheus as a summary (see {@link Telemetry.prometheus}).
 * @public
 */
export interface Histogram {
  /**
   * Records one sample.
   * @throws {@link InvalidValueError} unless `value` is a number in [0, {@link MAX_HISTOGRAM_VALUE}]
   * (NaN, negative and infinite values are refused); the histogram is then unchanged.
   */
  record(value: number): void;
  /** Number of samples recorded. */
  readonly count: number;
  /** Sum of the samples. */
  readonly sum: number;
  /** Largest sample, 0 when empty. */
  readonly max: number;
  /**
   * Estimate of the q-quantile: the sample of rank `max(1, ceil(q * count))` in sorted order,
   * within `max(1, x) / 64` of its exact value `x`; exact for the first rank (the minimum) and the
   * last (the maximum); 0 when empty.
   * @param q - a number in [0, 1], e.g. 0.99.
   * @throws {@link InvalidValueError} when `q` is outside [0, 1] or NaN.
   */
  quantile(q: number): number;
  /**
   * Cheap estimate of the recent tail: the largest of the last 769 to 1024 samples.
   * @remarks
   * Samples fill {@link HISTOGRAM_RECENT_SLOTS} (4) rotating slots of {@link HISTOGRAM_RECENT_SLOT_SAMPLES}
   * (256) samples, each keeping its maximum; the sample after a full slot starts the next slot,
   * overwriting the oldest. The window is the current slot plus the 3 before it: 3 * 256 + 1 to
   * 4 * 256 samples (all of them until 1024 have been recorded). 0 when empty. It counts samples,
   * not time, so it costs no clock read, and after a quiet spell it still shows the last busy one.
   */
  recentMax(): number;
  /** Count, sum, max, p50, p95, p99 and recentMax at this moment. */
  snapshot(): HistogramSnapshot;
}

/** The registry's histogram. */
export class HistogramMetric implements Histogram {
  readonly kind = 'histogram';
  readonly name: string;
  readonly help: string;
  readonly unit: string;
  readonly #counts = new Float64Array(BUCKET_COUNT);
  readonly #recent = new Float64Array(HISTOGRAM_RECENT_SLOTS);
  #slot = 0;
  #slotSamples = 0;
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  constructor(name: string, help: string, unit: string) {
    this.name = name;
    this.help = help;
    this.unit = unit;
  }

  get count(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  get max(): number {
    return this.#max;
  }

  record(value: number): void {
    if (!(value >= 0 && value <= MAX_HISTOGRAM_VALUE)) {
      throw new InvalidValueError(`histogram ${JSON.stringify(this.name)} sample`, value, `a number in [0, ${MAX_HISTOGRAM_VALUE}]`);
    }
    const v = value + 0; // -0 becomes 0, so that min and max survive JSON.stringify unchanged
    (this.#counts[bucketIndex(v)] as number)++;
    this.#count++;
    this.#sum += v;
    if (v > this.#max) this.#max = v;
    if (v < this.#min) this.#min = v;
    if (this.#slotSamples === HISTOGRAM_RECENT_SLOT_SAMPLES) {
      this.#slot = (this.#slot + 1) % HISTOGRAM_RECENT_SLOTS;
      this.#recent[this.#slot] = v;
      this.#slotSamples = 1;
    } else {
      this.#slotSamples++;
      if (v > (this.#recent[this.#slot] as number)) this.#recent[this.#slot] = v;
    }
  }

  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new InvalidValueError(`histogram ${JSON.stringify(this.name)} quantile`, q, 'a number in [0, 1]');
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    if (rank === 1) return this.#min;
    if (rank === this.#count) return this.#max;
    let index = bucketIndex(this.#min);
    let seen = this.#counts[index] as number;
    while (seen < rank) seen += this.#counts[++index] as number;
    // The exact value lies in [min, max] and in bucket `index`; clamping only brings the midpoint closer to it.
    return Math.min(this.#max, Math.max(this.#min, bucketMidpoint(index)));
  }

  recentMax(): number {
    return Math.max(...this.#recent);
  }

  snapshot(): HistogramSnapshot {
    return {
      unit: this.unit,
      count: this.#count,
      sum: this.#sum,
      max: this.#max,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      recentMax: this.recentMax(),
    };
  }
}

