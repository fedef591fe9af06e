/** Largest process id accepted: a positive signed 32-bit integer, what `kill(2)` takes. */
export const MAX_PID = 0x7fff_ffff;

/** Largest wait a timer can express (`setTimeout` turns longer delays into 1 ms). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Checks a process id. @throws RangeError unless it is an integer from 1 to {@link MAX_PID}. */
export function checkPid(name: string, pid: number): number {
  if (!Number.isInteger(pid) || pid < 1 || pid > MAX_PID) {
    throw new RangeError(`${name} must be an integer from 1 to ${MAX_PID}, got ${String(pid)}`);
  }
  return pid;
}

/** Checks a wait limit in milliseconds. @throws RangeError unless it is an integer from 0 to {@link MAX_TIMEOUT_MS}. */
export function checkTimeout(name: string, timeoutMs: number): number {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(`${name} must be an integer from 0 to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`);
  }
  return timeoutMs;
}
