import { SQLITE_PENDING_BYTE, SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, type Vfs, type VfsFile } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { WalIndex } from '@litewal/wal-index';
import { checkpoint, type CheckpointFiles } from './checkpoint.js';
import { CheckpointLockedError } from './errors.js';
import type { CheckpointOptions } from './options.js';
import type { CheckpointResult } from './result.js';

/** Database header bytes 18 and 19: file format write/read versions, 2 in WAL mode. */
const DB_FORMAT_VERSIONS_OFFSET = 18;
const WAL_FORMAT_VERSION = 2;

/** What SQLite's pragma returns on a database that is not in WAL mode: `0|-1|-1`. */
const NOT_IN_WAL_MODE: CheckpointResult = Object.freeze({ busy: 0, log: -1, checkpointed: -1 });

/**
 * Opens a database as a connection would, checkpoints it with {@link checkpoint} and closes
 * everything again, leaving `<dbPath>-wal` and `<dbPath>-shm` in place (unlike SQLite's last
 * close, it never deletes them).
 *
 * @remarks Holds the database's SHARED lock for the whole call (as every SQLite connection in
 * WAL mode does), so that no closing SQLite connection deletes the WAL meanwhile. The wal-index
 * is opened with {@link @litewal/wal-index#WalIndex.open}: when no other process has the database
 * open, it is rebuilt from the WAL first, as SQLite's recovery does. A database not in WAL mode
 * (no `-wal` and header bytes 18/19 not 2) or an empty one gives `0|-1|-1`, as SQLite, and
 * nothing is created; a WAL-mode database without a `-wal` gets an empty one, as SQLite does.
 * @throws {@link CheckpointLockedError} when another connection holds the database's PENDING
 * or EXCLUSIVE lock; the errors of {@link checkpoint}; `VfsError` (e.g. `ERR_VFS_NOT_FOUND`
 * when the database does not exist); `WalIndexBusyError` while another connection initialises
 * the wal-index.
 * @public
 */
export async function checkpointDatabase(vfs: Vfs, dbPath: string, options: CheckpointOptions = {}): Promise<CheckpointResult> {
  return (await withDatabaseFiles(vfs, dbPath, (files) => checkpoint(files, options))) ?? NOT_IN_WAL_MODE;
}

/**
 * Opens a database as {@link checkpointDatabase} does, runs `use` on its files and closes them;
 * null, without calling `use`, for a database not in WAL mode or empty.
 * @internal
 */
export async function withDatabaseFiles<T>(vfs: Vfs, dbPath: string, use: (files: CheckpointFiles) => Promise<T>): Promise<T | null> {
  const walPath = `${dbPath}-wal`;
  const db = await vfs.open(dbPath);
  try {
    await joinAsConnection(db, dbPath);
    if (!(await inWalMode(vfs, db, walPath))) return null;
    const wal = await vfs.open(walPath, { create: true });
    try {
      const index = await WalIndex.open(vfs, dbPath, { openSource: () => WalFile.open(vfs, walPath, { readOnly: true }) });
      try {
        return await use({ index, db, wal });
      } finally {
        await index.close();
      }
    } finally {
      await wal.close();
    }
  } finally {
    await db.close();
  }
}

/** SQLite's way to a SHARED lock: PENDING shared for an instant, then the SHARED range shared. */
async function joinAsConnection(db: VfsFile, dbPath: string): Promise<void> {
  if (!(await db.tryLock(SQLITE_PENDING_BYTE, 1, 'shared'))) throw new CheckpointLockedError(dbPath);
  try {
    if (!(await db.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'shared'))) throw new CheckpointLockedError(dbPath);
  } finally {
    await db.unlock(SQLITE_PENDING_BYTE, 1);
  }
}

async function inWalMode(vfs: Vfs, db: VfsFile, walPath: string): Promise<boolean> {
  const size = await db.size();
  if (size === 0) return false;
  if (await vfs.exists(walPath)) return true;
  const versions = new Uint8Array(2);
  await db.read(versions, DB_FORMAT_VERSIONS_OFFSET);
  return versions[0] === WAL_FORMAT_VERSION && versions[1] === WAL_FORMAT_VERSION;
}
