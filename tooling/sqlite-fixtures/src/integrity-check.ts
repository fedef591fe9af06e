import Database from 'better-sqlite3';

import { copyDatabase } from './copy-database.js';
import { Sqlite3ProcessError } from './errors.js';
import { runSqlite3 } from './run-sqlite3.js';
import { toImmutableUri } from './immutable-uri.js';
import type { SqliteReadOptions } from './sqlite-read.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/**
 * Options of {@link integrityCheck}: the same choices as {@link sqliteRead}.
 * @public
 */
export type IntegrityCheckOptions = SqliteReadOptions;

/** Runs the check with the CLI and returns its answer, or the CLI's error message. */
async function checkWithCli(dbUri: string): Promise<string> {
  try {
    return (await runSqlite3(dbUri, 'PRAGMA integrity_check;')).trim();
  } catch (error) {
    if (error instanceof Sqlite3ProcessError && error.exitCode !== null) return error.stderr.trim();
    throw error;
  }
}

/** Runs the check with better-sqlite3 and returns its answer, or SQLite's error. */
function checkWithBetterSqlite3(dbPath: string): string {
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { fileMustExist: true });
    const messages = db.prepare('PRAGMA integrity_check').pluck().all() as string[];
    return messages.join('\n');
  } catch (error) {
    if (error instanceof Database.SqliteError) return `${error.code}: ${error.message}`;
    throw error;
  } finally {
    db?.close();
  }
}

/**
 * Runs `PRAGMA integrity_check` on a throwaway copy of a database and its WAL.
 *
 * @returns `'ok'`, or SQLite's messages one per line; when SQLite refuses the database outright
 * (`SQLITE_CORRUPT`, `SQLITE_NOTADB`, "unable to open database file"...), that error's message
 * instead of a throw, so that `expect(await integrityCheck(db)).toBe('ok')` shows the reason.
 * @throws when `dbPath` does not exist (copying fails) or the CLI is missing.
 * @public
 */
export async function integrityCheck(dbPath: string, options: IntegrityCheckOptions = {}): Promise<string> {
  if (options.ignoreWal === true) return checkWithCli(toImmutableUri(dbPath));
  const dir = await makeTempDir('litewal-check-');
  try {
    const copy = await copyDatabase(dbPath, dir);
    return options.engine === 'cli' ? await checkWithCli(copy.db) : checkWithBetterSqlite3(copy.db);
  } finally {
    await removeTempDir(dir);
  }
}
