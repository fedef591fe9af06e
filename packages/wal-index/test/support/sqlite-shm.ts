import { readFile, rm } from 'node:fs/promises';
import { copyDatabase, makeTempDir, removeTempDir, runSqlite3 } from '@litewal/sqlite-fixtures';

/**
 * The `-shm` that SQLite's own recovery builds for `db` and its WAL: the sqlite3 CLI opens a
 * throwaway copy that has no `-shm`, runs one query (which recovers) and keeps the WAL on close.
 */
export async function sqliteRecoveredShm(db: string): Promise<Uint8Array> {
  const dir = await makeTempDir('litewal-shm-oracle-');
  try {
    const copy = await copyDatabase(db, dir);
    await rm(copy.shm, { force: true });
    await runSqlite3(copy.db, 'SELECT count(*) FROM sqlite_schema;', { keepWal: true });
    return new Uint8Array(await readFile(copy.shm));
  } finally {
    await removeTempDir(dir);
  }
}
