import { InvalidValueError } from './errors.js';

/**
 * A value that goes up and down, from {@link Telemetry.gauge}.
 * @public
 */
export interface Gauge {
  /**
   * Sets the gauge.
   * @throws {@link InvalidValueError} when `value` is NaN or infinite; the gauge is then unchanged.
   */
  set(value: number): void;
  /**
   * Adds `by` to the gauge.
   * @param by - a finite number. @defaultValue 1
   * @throws {@link InvalidValueError} when the result is NaN or infinite; the gauge is then unchanged.
   */
  inc(by?: number): void;
  /**
   * Subtracts `by` from the gauge.
   * @param by - a finite number. @defaultValue 1
   * @throws {@link InvalidValueError} when the result is NaN or infinite; the gauge is then unchanged.
   */
  dec(by?: number): void;
  /** Current value. */
  readonly value: number;
}

/** The registry's gauge. */
export class GaugeMetric implements Gauge {
  readonly kind = 'gauge';
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

  set(value: number): void {
    this.#store(value, 'value', value);
  }

  inc(by = 1): void {
    this.#store(this.#value + by, 'increment', by);
  }

  dec(by = 1): void {
    this.#store(this.#value - by, 'decrement', by);
  }

  #store(next: number, what: string, given: number): void {
    if (!Number.isFinite(next)) {
      throw new InvalidValueError(`gauge ${JSON.stringify(this.name)} ${what}`, given, 'a finite number that keeps the gauge finite');
    }
    // `+ 0` turns -0 into 0, so that a snapshot survives JSON.stringify unchanged.
    this.#value = next + 0;
  }
}
