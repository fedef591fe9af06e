import { VfsError, type Vfs, type VfsFile } from '@litewal/vfs';
import { walIndexLockOffset, type WalIndexLock } from '@litewal/wal-index';

/**
 * Who holds one lock byte of the `-shm` right now: nobody (`free`), one or more readers
 * (`shared`), one owner (`exclusive`), or `unknown` when the `-shm` could only be opened read-only
 * and no exclusive holder was found (a read-only descriptor can test for exclusive holders only).
 * Locks die with their process, so any held lock is held by a live process.
 * @public
 */
export type ShmLockState = 'free' | 'shared' | 'exclusive' | 'unknown';

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

/** The lock states of {@link SHM_LOCKS}, and whether shared holders could be seen. */
export interface ShmLockProbe {
  /** `read-write`: shared and exclusive holders are seen; `read-only`: only exclusive holders. */
  readonly access: 'read-write' | 'read-only';
  /** One state per entry of {@link SHM_LOCKS}. */
  readonly states: readonly ShmLockState[];
}

/**
 * Tests each lock byte of a `-shm` with non-blocking test locks that are released at once: a
 * shared test fails only against an exclusive holder, an exclusive test against any holder.
 *
 * @remarks Opens the existing file without creating it (read-write when permitted, for the
 * exclusive test; read-only otherwise) and never writes to it. A test lock lasts microseconds;
 * a SQLite connection that asks for the same byte in that instant gets SQLITE_BUSY once and
 * retries (readers) or calls its busy handler (writers, checkpointers).
 */
export async function probeShmLocks(vfs: Vfs, path: string): Promise<ShmLockProbe> {
  let file: VfsFile;
  let access: ShmLockProbe['access'] = 'read-write';
  try {
    file = await vfs.open(path);
  } catch (error) {
    if (!(error instanceof VfsError) || error.code === 'ERR_VFS_NOT_FOUND') throw error;
    file = await vfs.open(path, { readOnly: true });
    access = 'read-only';
  }
  try {
    const states: ShmLockState[] = [];
    for (const lock of SHM_LOCKS) states.push(await probe(file, walIndexLockOffset(lock), access));
    return { access, states };
  } finally {
    await file.close();
  }
}

async function probe(file: VfsFile, offset: number, access: ShmLockProbe['access']): Promise<ShmLockState> {
  if (!(await file.tryLock(offset, 1, 'shared'))) return 'exclusive';
  await file.unlock(offset, 1);
  if (access === 'read-only') return 'unknown';
  if (!(await file.tryLock(offset, 1, 'exclusive'))) return 'shared';
  await file.unlock(offset, 1);
  return 'free';
}
