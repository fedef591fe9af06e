import { readFile, rm } from 'node:fs/promises';
import { copyDatabase, makeTempDir, removeTempDir, runSqlite3 } from '@litewal/sqlite-fixtures';

/** What SQLite's own recovery makes of a WAL: the wal-index header it builds (native LE here). */
export interface SqliteWalView {
  readonly mxFrame: number;
  readonly nPage: number;
}

/**
 * Lets the sqlite3 CLI recover a throwaway copy of `db` (+ its WAL, without any -shm), keeping the
 * WAL on close, and reads mxFrame and nPage from the wal-index header it built.
 */
export async function sqliteWalView(db: string): Promise<SqliteWalView> {
  const dir = await makeTempDir('litewal-oracle-');
  try {
    const copy = await copyDatabase(db, dir);
    await rm(copy.shm, { force: true });
    await runSqlite3(copy.db, 'SELECT count(*) FROM sqlite_schema;', { keepWal: true });
    const shm = await readFile(copy.shm);
    const view = new DataView(shm.buffer, shm.byteOffset, shm.byteLength);
    return { mxFrame: view.getUint32(16, true), nPage: view.getUint32(20, true) };
  } finally {
    await removeTempDir(dir);
  }
}
