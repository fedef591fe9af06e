import type { VfsFile } from '@litewal/vfs';
import { WalIndexBusyError } from '../errors.js';
import type { ClosableWalIndexSource } from '../rebuild.js';
import { recoverLive } from './live-recovery.js';
import type { ShmLocks } from './shm-locks.js';

/**
 * Joins the users of a `-shm` as SQLite's unix VFS does: if no other connection holds the
 * dead-man switch, takes it exclusive, empties the file and (under the write lock) rebuilds it
 * from the WAL; then holds it shared. Returns whether this connection rebuilt the file.
 * @throws WalIndexBusyError when another connection holds the switch exclusive (it is initialising).
 */
export async function joinSharedMemory(
  file: VfsFile,
  locks: ShmLocks,
  openSource: () => Promise<ClosableWalIndexSource>,
): Promise<boolean> {
  let rebuilt = false;
  if (await locks.try('dms', 'exclusive')) {
    await file.truncate(0);
    if (!(await locks.try('write', 'exclusive'))) throw new WalIndexBusyError('write', 'initialising the wal-index');
    try {
      if (!(await recoverLive(file, locks, openSource))) throw new WalIndexBusyError('recover', 'initialising the wal-index');
    } finally {
      await locks.unlock('write');
    }
    rebuilt = true;
  }
  if (!(await locks.try('dms', 'shared'))) {
    throw new WalIndexBusyError('dms', 'opening the wal-index while another connection initialises it');
  }
  return rebuilt;
}
