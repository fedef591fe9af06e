import { InvalidValueError } from './errors.js';

/**
 * A monotonically increasing count, from {@link Telemetry.counter}.
 *
 * @remarks
 * Exposed to Prometheus as `<name>_total` (as `<name>` when the name already ends in `_total`).
 * @public
 */
export interface Counter {
  /**
   * Adds `by` to the counter.
   * @param by - a finite number \>= 0. @defaultValue 1
   * @throws {@link InvalidValueError} when `by` is negative, NaN or infinite, or the sum is not finite;
   * the counter is then unchanged.
   */
  inc(by?: number): void;
  /** Current value. */
  readonly value: number;
}

/** The registry's counter. */
export class CounterMetric implements Counter {
  readonly kind = 'counter';
  readonly name: string;
  readonly help: string;
  #value = 0;

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  get value(): number {
    return this.#value;
  }

  inc(by = 1): void {
    const next = this.#value + by;
    if (!(by >= 0) || !Number.isFinite(next)) {
      throw new InvalidValueError(`counter ${JSON.stringify(this.name)} increment`, by, 'a finite number >= 0 that keeps the counter finite');
    }
    this.#value = next;
  }
}
