/** SQLite's default busy handler pauses, in milliseconds; the last one repeats. */
const PAUSES_MS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100] as const;

/**
 * Calls `attempt` until it returns true or `timeoutMs` has passed, pausing between attempts as
 * SQLite's default busy handler does (1, 2, 5, 10 ... 100 ms). 0 makes one attempt.
 * @returns whether an attempt succeeded.
 */
export async function waitWithBusyHandler(timeoutMs: number, attempt: () => Promise<boolean>): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (let i = 0; ; i++) {
    if (await attempt()) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    const pause = Math.min(PAUSES_MS[Math.min(i, PAUSES_MS.length - 1)] as number, left);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
