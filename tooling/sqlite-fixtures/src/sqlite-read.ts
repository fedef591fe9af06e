import Database from 'better-sqlite3';

import { copyDatabase } from './copy-database.js';
import { toImmutableUri } from './immutable-uri.js';
import { runSqlite3 } from './run-sqlite3.js';
import type { SqliteEngine } from './sqlite-engine.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/**
 * Options of {@link sqliteRead}.
 * @public
 */
export interface SqliteReadOptions {
  /**
   * Which SQLite reads.
   * @defaultValue `'better-sqlite3'`
   */
  readonly engine?: SqliteEngine;
  /**
   * Read the database file alone, as if there were no WAL: the CLI opens
   * `file:<db>?immutable=1` in place (no copy, nothing written). Implies `engine: 'cli'`.
   * @defaultValue false
   */
  readonly ignoreWal?: boolean;
}

/**
 * A row as the engines return it: column name to value. better-sqlite3 gives blobs as `Buffer`
 * (a `Uint8Array`), integers as `number`; the CLI engine gives blobs as text, so select
 * `hex(col)` when bytes matter.
 * @public
 */
export type SqliteRow = Record<string, unknown>;

/** Runs `sql` with the CLI in JSON mode and returns the rows of every statement, in order. */
async function readWithCli(dbUri: string, sql: string): Promise<SqliteRow[]> {
  const out = (await runSqlite3(dbUri, sql, { args: ['-json'] })).trim();
  if (out === '') return [];
  // One JSON array per statement that returned rows, each starting on its own line.
  return (JSON.parse(`[${out.replace(/\]\n\[/g, '],[')}]`) as SqliteRow[][]).flat();
}

/**
 * Reads a database the way SQLite sees it, WAL included, without changing it: the db and its
 * `-wal`/`-shm` are copied to a temporary directory, read there and deleted.
 *
 * @remarks
 * Opening the original would be wrong: the last connection's close checkpoints and deletes the
 * WAL, and even a read-only open rewrites the `-shm`. With better-sqlite3, `sql` is one
 * statement; with the CLI it may be several (their rows are concatenated).
 * @example
 * ```ts
 * const [row] = await sqliteRead(files.db, 'SELECT count(*) AS n FROM t');
 * expect(row).toEqual({ n: 101 });
 * ```
 * @throws the engine's error when SQLite refuses the database or the SQL (better-sqlite3's
 * `SqliteError`, or {@link Sqlite3ProcessError} for the CLI).
 * @public
 */
export async function sqliteRead(dbPath: string, sql: string, options: SqliteReadOptions = {}): Promise<SqliteRow[]> {
  if (options.ignoreWal === true) return readWithCli(toImmutableUri(dbPath), sql);
  const dir = await makeTempDir('litewal-read-');
  try {
    const copy = await copyDatabase(dbPath, dir);
    if (options.engine === 'cli') return await readWithCli(copy.db, sql);
    const db = new Database(copy.db, { fileMustExist: true });
    try {
      const statement = db.prepare(sql);
      if (!statement.reader) {
        statement.run();
        return [];
      }
      return statement.all() as SqliteRow[];
    } finally {
      db.close();
    }
  } finally {
    await removeTempDir(dir);
  }
}
