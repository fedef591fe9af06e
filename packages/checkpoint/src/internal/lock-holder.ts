import { queryLocks } from '@litewal/vfs';

/**
 * Who holds a lock: another process that is alive (locks die with their process), a connection
 * of this process, or unknown (the lock was released meanwhile, or the system does not say).
 */
export interface LockHolder {
  readonly holder: 'live process' | 'this process' | 'unknown';
  /** The holder's process id, when the lock is a POSIX lock (SQLite's); OFD locks (litewal's) carry none. */
  readonly pid?: number;
}

const UNKNOWN: LockHolder = Object.freeze({ holder: 'unknown' });

/**
 * Who holds the byte at `offset` of the file at `path` locked, from `queryLocks` (Linux's
 * `/proc/locks`): another process wins over this one when both hold it, and one named by its pid
 * over one that is not. Unknown when no holder is listed or the locks cannot be queried (not
 * Linux, a path that is not a real file).
 */
export async function findLockHolder(path: string, offset: number): Promise<LockHolder> {
  let locks;
  try {
    locks = await queryLocks(path, { range: { offset, length: 1 } });
  } catch {
    return UNKNOWN;
  }
  if (locks === null) return UNKNOWN;
  const others = locks.filter((lock) => lock.holder === 'live process');
  const pid = others.find((lock) => lock.pid !== null)?.pid;
  if (pid !== undefined && pid !== null) return { holder: 'live process', pid };
  if (others.length > 0) return { holder: 'live process' };
  if (locks.length > 0) return { holder: 'this process' };
  return UNKNOWN;
}
