import type { LockMode, VfsFile } from '@litewal/vfs';

/** How a bounded lock wait ended. */
export type LockWaitResult = 'granted' | 'timeout' | 'aborted';

/**
 * Takes the one-byte lock at `offset` of `file`, waiting at most `timeoutMs` (0 = one attempt) or
 * until `signal` aborts. Errors other than the abort of the wait are rethrown.
 */
export async function lockWithin(
  file: VfsFile,
  offset: number,
  mode: LockMode,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<LockWaitResult> {
  const aborted = (): boolean => signal?.aborted === true;
  if (aborted()) return 'aborted';
  if (timeoutMs === 0) return (await file.tryLock(offset, 1, mode)) ? 'granted' : 'timeout';
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  try {
    await file.lock(offset, 1, mode, {
      signal: signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]),
    });
    return 'granted';
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_VFS_ABORTED') throw error;
    return aborted() ? 'aborted' : 'timeout';
  } finally {
    clearTimeout(timer);
  }
}
