import { NodeVfs, SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, type Vfs, type VfsFile } from '@litewal/vfs';
import { RecoveryBusyError, RecoveryFence } from '@litewal/recovery-fence';
import { WalFile } from '@litewal/wal-file';
import { WAL_INDEX_SEGMENT_BYTES, rebuildWalIndex, walIndexLockOffset } from '@litewal/wal-index';
import { EngineError } from '../errors.js';
import { databaseWithWal } from './database-paths.js';

/**
 * What `litewal recover` did; the field names are a fixed contract.
 * @public
 */
export interface RecoverReport {
  /** What the WAL held, as SQLite's recovery reads it. */
  readonly recovered: {
    /** Valid frames (an uncommitted tail included: SQLite's recovery indexes it too). */
    readonly frames: number;
    /** The last committed frame. */
    readonly mxFrame: number;
    /** Database size in pages at that commit. */
    readonly nPage: number;
    /** 32 KiB segments in the rebuilt wal-index. */
    readonly segments: number;
  };
  /** The wal-index written. */
  readonly shm: {
    /** Its path, `<db>-shm`. */
    readonly path: string;
    /** Its size in bytes. */
    readonly bytes: number;
  };
}

/**
 * Rebuilds `<db>-shm` from `<db>-wal` exactly as SQLite's recovery would, while no other process
 * has the database open: it first takes SQLite's SHARED range of the database file and the
 * wal-index's dead-man switch exclusively, and refuses if either is held elsewhere; the rebuild
 * itself runs inside the recovery fence (SQLite's RECOVER lock, one recoverer at a time).
 * @throws {@link EngineError} `ERR_ENGINE_BUSY` when another process holds the database;
 * `ERR_ENGINE_INPUT` when there is no database or no WAL.
 * @public
 */
export async function recoverDatabase(db: string, vfs: Vfs = new NodeVfs()): Promise<RecoverReport> {
  const paths = await databaseWithWal(db);
  const opened: VfsFile[] = [];
  try {
    const dbFile = await vfs.open(paths.db);
    opened.push(dbFile);
    if (!(await dbFile.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'exclusive'))) {
      throw busy(paths.db, 'it holds a lock on the database file');
    }
    const shm = await vfs.open(paths.shm, { create: true });
    opened.push(shm);
    if (!(await shm.tryLock(walIndexLockOffset('dms'), 1, 'exclusive'))) {
      throw busy(paths.db, "it holds the wal-index's dead-man-switch lock");
    }
    const fence = await RecoveryFence.open(vfs, paths.db, { shm, label: 'litewal recover' });
    const { wal, image } = await fence
      .run(async () => {
        const wal = await WalFile.open(vfs, paths.wal, { readOnly: true });
        try {
          const image = rebuildWalIndex(wal);
          await shm.truncate(0);
          await shm.write(image, 0);
          await shm.sync('full');
          return { wal, image };
        } finally {
          await wal.close();
        }
      }, { timeoutMs: 0 })
      .catch((error: unknown) => {
        if (error instanceof RecoveryBusyError) throw busy(paths.db, 'it is recovering the database itself');
        throw error;
      })
      .finally(() => fence.close());
    return {
      recovered: {
        frames: wal.validFrames,
        mxFrame: wal.committedFrames,
        nPage: wal.dbSizePages,
        segments: image.length / WAL_INDEX_SEGMENT_BYTES,
      },
      shm: { path: paths.shm, bytes: image.length },
    };
  } finally {
    for (const file of opened.reverse()) await file.close();
  }
}

function busy(db: string, what: string): EngineError {
  return new EngineError(
    'ERR_ENGINE_BUSY',
    `another process has ${db} open (${what}); rebuilding its wal-index now could corrupt what that process sees`,
    'close the other connections (or let SQLite recover the wal-index itself) and run recover again',
  );
}
