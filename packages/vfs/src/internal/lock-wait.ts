import { setTimeout as sleep } from 'node:timers/promises';
import { VfsError } from '../errors.js';

/** First pause between two lock attempts, in milliseconds. */
const FIRST_DELAY_MS = 1;
/** Longest pause between two lock attempts, in milliseconds (SQLite's busy handler tops out at 100). */
const MAX_DELAY_MS = 25;

/**
 * Waits for a byte-range lock by polling `attempt` with exponential backoff (1, 2, 4, ... 25 ms).
 *
 * Why polling rather than a blocking `F_OFD_SETLKW`: fs-native-extensions' `waitForLock` runs the
 * blocking call on a thread of its own that nothing can interrupt, so an aborted or closed waiter would
 * still be granted the lock later (possibly on a reused file descriptor), and every waiter costs an OS
 * thread. Polling is abortable, releases nothing it did not take, and shares one code path with the
 * in-memory lock table. The cost is up to 25 ms of extra latency after the holder releases.
 */
export async function waitForLock(
  path: string,
  attempt: () => Promise<boolean>,
  signal: AbortSignal | undefined,
): Promise<void> {
  let delay = FIRST_DELAY_MS;
  for (;;) {
    if (signal?.aborted === true) throw aborted(path, signal);
    if (await attempt()) return;
    // The pause rejects only when the signal aborts, which the next turn of the loop reports.
    await sleep(delay, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

function aborted(path: string, signal: AbortSignal): VfsError {
  return new VfsError('ERR_VFS_ABORTED', `lock wait on ${path} was aborted`, { path, cause: signal.reason });
}
