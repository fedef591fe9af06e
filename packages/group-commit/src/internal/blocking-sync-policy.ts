/** Lone groups synced through the thread pool after a blocking sync took too long, before blocking is tried again. */
const COOLDOWN_GROUPS = 256;

/**
 * When a group's sync may be a blocking call (see `WalFileSinkOptions.blockingSyncMaxMs`): only a
 * group of one transaction (nothing else was waiting to commit, so nothing waits longer for it),
 * only while such syncs take at most `maxMs`; one that takes longer sends the next
 * {@link COOLDOWN_GROUPS} lone groups to the thread pool.
 */
export class BlockingSyncPolicy {
  readonly #maxMs: number;
  #cooldown = 0;
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
    if (ms > this.#maxMs) this.#cooldown = COOLDOWN_GROUPS;
  }
}
