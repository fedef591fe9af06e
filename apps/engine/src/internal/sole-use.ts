import { SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, type Vfs, type VfsFile } from '@litewal/vfs';
import { walIndexLockOffset } from '@litewal/wal-index';

/**
 * Takes SQLite's SHARED range of the database file exclusively through `db` (a handle on the file
 * at `path`) when no other connection has the database open: none holds that range (every
 * connection, SQLite's or litewal's, holds it shared for as long as it is open in WAL mode) nor the
 * dead-man switch of `<path>-shm`. New connections then wait on the range until
 * {@link endSoleUse}. Returns null, or what another connection holds (the range is then shared
 * again).
 */
export async function claimSoleUse(vfs: Vfs, db: VfsFile, path: string): Promise<string | null> {
  if (!(await db.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'exclusive'))) return 'another connection holds the database SHARED lock';
  if (await deadManSwitchHeld(vfs, `${path}-shm`)) {
    await endSoleUse(db);
    return "another connection holds the wal-index's dead-man switch";
  }
  return null;
}

/** Makes the SHARED range of `db` shared again (a conversion, never refused). */
export async function endSoleUse(db: VfsFile): Promise<void> {
  await db.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'shared');
}

/** Whether another connection holds the dead-man switch of `shmPath` (false when there is no `-shm`). */
async function deadManSwitchHeld(vfs: Vfs, shmPath: string): Promise<boolean> {
  if (!(await vfs.exists(shmPath))) return false;
  const shm = await vfs.open(shmPath);
  try {
    const dms = walIndexLockOffset('dms');
    if (!(await shm.tryLock(dms, 1, 'exclusive'))) return true;
    await shm.unlock(dms, 1);
    return false;
  } finally {
    await shm.close();
  }
}
