/**
 * A FIFO mutex for async code: `lock()` resolves when the caller owns it; `unlock()` hands it to
 * the next waiter directly, so no one can barge in between.
 */
export class Mutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  /** Whether someone owns the mutex. */
  get locked(): boolean {
    return this.#locked;
  }

  /** Whether someone is waiting for the mutex. */
  get contended(): boolean {
    return this.#waiters.length > 0;
  }

  /** Waits until the caller owns the mutex. */
  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** Releases the mutex (to the next waiter, if any). */
  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
}
