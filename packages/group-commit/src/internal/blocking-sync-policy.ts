/** Lone groups synced through the thread pool after a blocking sync took too long, before blocking is tried again. */
const COOLDOWN_GROUPS = 256;

/** Weight of the latest blocking sync in the running average of their durations. */
const AVERAGE_WEIGHT = 0.125;

/**
 * When a group's sync may be a blocking call (see `WalFileSinkOptions.blockingSyncMaxMs`): only a
 * group of one transaction (nothing else was waiting to commit, so nothing waits longer for it),
 * only while blocking syncs take at most `maxMs` on average (a running average, so that one slow
 * sync among fast ones does not count, while a disk that is slow makes the first sync pass the
 * limit); past it, the next {@link COOLDOWN_GROUPS} lone groups go to the thread pool.
 */
export class BlockingSyncPolicy {
  readonly #maxMs: number;
  #cooldown = 0;
  /** Running average of blocking syncs in milliseconds (null before the first one). */
  #averageMs: number | null = null;
  /** Syncs made blocking so far. */
  count = 0;

  constructor(maxMs: number) {
    this.#maxMs = maxMs;
  }

  /** Whether the sync of a group of `transactions` transactions may block. */
  allows(transactions: number): boolean {
    if (this.#maxMs === 0 || transactions !== 1) return false;
    if (this.#cooldown > 0) {
      this.#cooldown--;
      return false;
    }
    return true;
  }

  /** Records how long a blocking sync took. */
  observe(ms: number): void {
    this.count++;
    this.#averageMs = this.#averageMs === null ? ms : this.#averageMs + AVERAGE_WEIGHT * (ms - this.#averageMs);
    if (this.#averageMs > this.#maxMs) {
      this.#cooldown = COOLDOWN_GROUPS;
      this.#averageMs = null; // judged afresh after the cooldown
    }
  }
}
