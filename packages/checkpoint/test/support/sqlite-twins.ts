import { copyFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { copyDatabase, makeTempDir, makeWalDatabase, removeTempDir, runSqlite3, sqliteRead, type DatabaseFiles } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { checkpointDatabase, formatCheckpointResult, type CheckpointMode, type CheckpointOptions } from '../../src/index.js';

export const vfs = new NodeVfs();

export const MODES: readonly CheckpointMode[] = ['passive', 'full', 'restart', 'truncate'];

/**
 * A database whose WAL holds varied history over a checkpointed base: inserts of rows of many
 * sizes, updates, deletes, then a VACUUM that shrinks the database (nPage below the file's size,
 * frames of pages past nPage), then two more commits.
 */
export const VARIED_STATEMENTS: readonly string[] = [
  'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
  'CREATE INDEX t_len ON t(length(v));',
  'INSERT INTO t(v) SELECT randomblob(100 + (value * 37) % 900) FROM generate_series(1, 400);',
  'PRAGMA wal_checkpoint(TRUNCATE);',
  'UPDATE t SET v = randomblob(60) WHERE id % 3 = 0;',
  'DELETE FROM t WHERE id > 280;',
  'VACUUM;',
  "INSERT INTO t(v) VALUES ('after vacuum');",
  'PRAGMA user_version = 9;',
];

/** The `sqlite3` CLI's answer to `PRAGMA wal_checkpoint(MODE)` (it keeps the WAL on close). */
export async function sqliteCheckpoint(db: string, mode: CheckpointMode): Promise<string> {
  return (await runSqlite3(db, `PRAGMA wal_checkpoint(${mode.toUpperCase()});`, { keepWal: true })).trim();
}

/** litewal's answer for the same database, printed as the CLI prints it. */
export async function litewalCheckpoint(db: string, mode: CheckpointMode, options: CheckpointOptions = {}): Promise<string> {
  return formatCheckpointResult(await checkpointDatabase(vfs, db, { ...options, mode }));
}

/** Two identical copies of a new recipe-A database: one for litewal, one for SQLite. */
export async function twins(dir: string, name: string, pageSize: number, statements = VARIED_STATEMENTS): Promise<{ litewal: DatabaseFiles; sqlite: DatabaseFiles }> {
  const made = await makeWalDatabase({ dir: path.join(dir, name), pageSize, statements });
  const twin = await copyDatabase(made.db, path.join(dir, name), 'twin.db');
  return { litewal: made, sqlite: twin };
}

/** Every row of `t` and the user_version, as SQLite reads them (WAL included). */
export async function contents(db: string): Promise<unknown> {
  return {
    rows: await sqliteRead(db, 'SELECT id, hex(v) AS v FROM t ORDER BY id'),
    userVersion: await sqliteRead(db, 'PRAGMA user_version'),
  };
}

/**
 * SQLite's view of a database in one open of a throwaway copy: `PRAGMA integrity_check` and the
 * same rows as {@link contents}. `databaseOnly` copies the database file alone (no WAL, no -shm).
 */
export async function sqliteView(db: string, databaseOnly = false): Promise<{ integrity: string; contents: unknown }> {
  const scratch = await makeTempDir('litewal-view-');
  try {
    const copy = path.join(scratch, 'view.db');
    if (databaseOnly) await copyFile(db, copy);
    else await copyDatabase(db, scratch, 'view.db');
    const connection = new Database(copy, { fileMustExist: true });
    try {
      const integrity = (connection.prepare('PRAGMA integrity_check').pluck().all() as string[]).join('\n');
      const rows = connection.prepare('SELECT id, hex(v) AS v FROM t ORDER BY id').all();
      const userVersion = connection.prepare('PRAGMA user_version').all();
      return { integrity, contents: { rows, userVersion } };
    } finally {
      connection.close();
    }
  } finally {
    await removeTempDir(scratch);
  }
}

export async function fileBytes(file: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(file));
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}
