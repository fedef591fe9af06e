import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointAbortedError } from '../errors.js';

/** Pauses of SQLite's default busy handler (sqliteDefaultBusyCallback), in ms; the last repeats. */
const PAUSES_MS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100] as const;

/**
 * SQLite's default busy handler with a timeout: each call pauses a little longer (the pauses of
 * {@link PAUSES_MS}) and says whether to try the lock again; it gives up once the pauses would
 * pass the timeout. One handler serves a whole checkpoint, its count never resets.
 */
export class BusyHandler {
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  #calls = 0;
  #pausedMs = 0;

  constructor(timeoutMs: number, signal: AbortSignal | undefined) {
    this.#timeoutMs = timeoutMs;
    this.#signal = signal;
  }

  /**
   * Pauses, then returns true (try again); false, at once, when the timeout is used up.
   * @throws {@link CheckpointAbortedError} when the signal fires during the pause.
   */
  async pause(): Promise<boolean> {
    const next = PAUSES_MS[Math.min(this.#calls, PAUSES_MS.length - 1)] as number;
    const delay = Math.min(next, this.#timeoutMs - this.#pausedMs);
    if (delay <= 0) return false;
    this.#calls++;
    this.#pausedMs += delay;
    try {
      await sleep(delay, undefined, { signal: this.#signal });
    } catch (error) {
      throw new CheckpointAbortedError({ cause: this.#signal?.reason ?? error });
    }
    return true;
  }
}

/**
 * SQLite's walBusyLock: tries `attempt` until it succeeds or the busy handler (when there is
 * one) gives up.
 */
export async function lockWithBusyHandler(attempt: () => Promise<boolean>, busy: BusyHandler | null): Promise<boolean> {
  for (;;) {
    if (await attempt()) return true;
    if (busy === null || !(await busy.pause())) return false;
  }
}
