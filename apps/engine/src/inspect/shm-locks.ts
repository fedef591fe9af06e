import { VfsError, queryLocks, type QueryLocksOptions, type Vfs, type VfsFile } from '@litewal/vfs';
import { walIndexLockOffset, type WalIndexLock } from '@litewal/wal-index';

/**
 * Who holds one lock byte of the `-shm` right now: nobody (`free`), one or more readers
 * (`shared`), one owner (`exclusive`), or `unknown` when, without a lock table to read, the
 * `-shm` could only be opened read-only and no exclusive holder was found (a read-only descriptor
 * can test for exclusive holders only). Locks die with their process, so any held lock is held by
 * a live process.
 * @public
 */
export type ShmLockState = 'free' | 'shared' | 'exclusive' | 'unknown';

/**
 * How the lock bytes of the `-shm` were read: `proc-locks`, Linux's lock table (no lock taken,
 * holders named); else test locks taken and released at once, `read-write` (shared and exclusive
 * holders seen) or `read-only` (only exclusive holders seen).
 * @public
 */
export type ShmLockMethod = 'proc-locks' | 'read-write' | 'read-only';

/**
 * One holder of a `-shm` lock byte.
 * @public
 */
export interface ShmLockHolder {
  /** Its process id when the kernel names it (SQLite's POSIX locks), else null (litewal's OFD locks). */
  readonly pid: number | null;
  /** `this process` (the process running inspect) or `live process` (another one). */
  readonly holder: 'this process' | 'live process';
}

/** The eight lock bytes SQLite uses on the `-shm` (offsets 120..127), in offset order. */
export const SHM_LOCKS: readonly Exclude<WalIndexLock, 'dms'>[] = [
  'write',
  'checkpoint',
  'recover',
  'read-0',
  'read-1',
  'read-2',
  'read-3',
  'read-4',
];

/** The lock states of {@link SHM_LOCKS}, their holders, and how they were found. */
export interface ShmLockProbe {
  /** How the locks were read. */
  readonly method: ShmLockMethod;
  /** One state per entry of {@link SHM_LOCKS}. */
  readonly states: readonly ShmLockState[];
  /** The holders of each entry of {@link SHM_LOCKS}; null when test locks were used (they cannot name holders). */
  readonly holders: readonly (readonly ShmLockHolder[] | null)[];
}

/**
 * Who holds each lock byte of a `-shm`: from the lock table ({@link queryLocks}, which takes no
 * lock) where there is one, else by {@link probeShmLocks}.
 */
export async function readShmLocks(vfs: Vfs, path: string, lockTable: QueryLocksOptions['lockTable']): Promise<ShmLockProbe> {
  const locks = await queryLocks(path, {
    range: { offset: walIndexLockOffset('write'), length: SHM_LOCKS.length },
    ...(lockTable === undefined ? {} : { lockTable }),
  });
  if (locks === null) return probeShmLocks(vfs, path);
  const covering = SHM_LOCKS.map((lock) => {
    const offset = walIndexLockOffset(lock);
    return locks.filter((l) => l.offset <= offset && (l.length === null || offset < l.offset + l.length));
  });
  return {
    method: 'proc-locks',
    states: covering.map((held) => (held.length === 0 ? 'free' : held.some((l) => l.mode === 'exclusive') ? 'exclusive' : 'shared')),
    holders: covering.map((held) => held.map(({ pid, holder }) => ({ pid, holder }))),
  };
}

/**
 * Tests each lock byte of a `-shm` with non-blocking test locks that are released at once: a
 * shared test fails only against an exclusive holder, an exclusive test against any holder.
 *
 * @remarks Opens the existing file without creating it (read-write when permitted, for the
 * exclusive test; read-only otherwise) and never writes to it. A test lock lasts microseconds;
 * a SQLite connection that asks for the same byte in that instant gets SQLITE_BUSY once and
 * retries (readers) or calls its busy handler (writers, checkpointers). Only used where there is
 * no lock table to read.
 */
export async function probeShmLocks(vfs: Vfs, path: string): Promise<ShmLockProbe> {
  let file: VfsFile;
  let method: ShmLockMethod = 'read-write';
  try {
    file = await vfs.open(path);
  } catch (error) {
    if (!(error instanceof VfsError) || error.code === 'ERR_VFS_NOT_FOUND') throw error;
    file = await vfs.open(path, { readOnly: true });
    method = 'read-only';
  }
  try {
    const states: ShmLockState[] = [];
    for (const lock of SHM_LOCKS) states.push(await probe(file, walIndexLockOffset(lock), method));
    return { method, states, holders: states.map(() => null) };
  } finally {
    await file.close();
  }
}

async function probe(file: VfsFile, offset: number, method: ShmLockMethod): Promise<ShmLockState> {
  if (!(await file.tryLock(offset, 1, 'shared'))) return 'exclusive';
  await file.unlock(offset, 1);
  if (method === 'read-only') return 'unknown';
  if (!(await file.tryLock(offset, 1, 'exclusive'))) return 'shared';
  await file.unlock(offset, 1);
  return 'free';
}
