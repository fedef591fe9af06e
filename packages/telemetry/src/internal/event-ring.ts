import type { TelemetryEvent } from '../events.js';

/** Fixed-capacity ring of the most recent events; older events are overwritten and counted as dropped. */
export class EventRing {
  readonly capacity: number;
  readonly #slots: TelemetryEvent[];
  #pushed = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#slots = new Array<TelemetryEvent>(capacity);
  }

  /** Events pushed but no longer held. */
  get dropped(): number {
    return this.#pushed - Math.min(this.#pushed, this.capacity);
  }

  push(event: TelemetryEvent): void {
    if (this.capacity > 0) this.#slots[this.#pushed % this.capacity] = event;
    this.#pushed++;
  }

  /** The events held, oldest first. */
  toArray(): TelemetryEvent[] {
    if (this.#pushed <= this.capacity) return this.#slots.slice(0, this.#pushed);
    const start = this.#pushed % this.capacity;
    return [...this.#slots.slice(start), ...this.#slots.slice(0, start)];
  }
}
