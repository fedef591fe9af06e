/**
 * Test support for litewal: real SQLite databases with un-checkpointed WALs, made by the sqlite3
 * CLI (the recipes of TESTING-WITH-SQLITE.md), and SQLite's verdict on what litewal wrote, read
 * on throwaway copies with better-sqlite3 or the CLI.
 *
 * @remarks
 * Recipes: A {@link makeWalDatabase}, B {@link makeCrashedWalDatabase}, C
 * {@link makeResetWalDatabase}, D {@link makePersistentWalDatabase}, F
 * {@link makeLargeWalDatabase}, G {@link openSnapshotReader} / {@link LiveSqlite3}. A missing
 * sqlite3 CLI fails loudly ({@link Sqlite3NotFoundError}); nothing here ever skips.
 *
 * @example
 * ```ts
 * import { integrityCheck, makeTempDir, makeWalDatabase, removeTempDir, sqliteRead } from '@litewal/sqlite-fixtures';
 *
 * const dir = await makeTempDir('wal-file-');
 * const files = await makeWalDatabase({ dir });          // test.db, test.db-wal (5 frames), test.db-shm
 * // ... litewal appends a commit frame to files.wal ...
 * expect(await integrityCheck(files.db)).toBe('ok');
 * expect(await sqliteRead(files.db, 'PRAGMA user_version')).toEqual([{ user_version: 8 }]);
 * await removeTempDir(dir);
 * ```
 * @packageDocumentation
 */
export { copyDatabase } from './copy-database.js';
export { type DatabaseFiles, databaseFiles } from './database-files.js';
export { DEFAULT_DB_NAME, DEFAULT_PAGE_SIZE_BYTES, DEFAULT_SEED, DEFAULT_STATEMENTS } from './defaults.js';
export {
  RecipeError,
  Sqlite3NotFoundError,
  Sqlite3ProcessError,
  SqliteFixturesError,
  type SqliteFixturesErrorCode,
} from './errors.js';
export { fromHex, toHex } from './hex.js';
export { holdLocks, type HeldLock, type LockHolderProcess } from './hold-locks.js';
export { toImmutableUri } from './immutable-uri.js';
export { integrityCheck, type IntegrityCheckOptions } from './integrity-check.js';
export { LiveSqlite3, type LiveSqlite3Options } from './live-sqlite3.js';
export { type CrashedTail, type CrashedWalDatabaseOptions, makeCrashedWalDatabase } from './make-crashed-wal-database.js';
export { type LargeWalDatabase, type LargeWalDatabaseOptions, makeLargeWalDatabase } from './make-large-wal-database.js';
export { makePersistentWalDatabase } from './make-persistent-wal-database.js';
export { makeResetWalDatabase, type ResetWalDatabaseOptions } from './make-reset-wal-database.js';
export { makeWalDatabase } from './make-wal-database.js';
export { mulberry32 } from './mulberry32.js';
export { openSnapshotReader, type SnapshotReader, type SnapshotReaderOptions } from './open-snapshot-reader.js';
export { runSqlite3, type RunSqlite3Options } from './run-sqlite3.js';
export type { SqliteEngine } from './sqlite-engine.js';
export { sqliteRead, type SqliteReadOptions, type SqliteRow } from './sqlite-read.js';
export { requireSqlite3, SQLITE3_ENV_VAR, sqlite3Path } from './sqlite3-path.js';
export { sqlite3Version } from './sqlite3-version.js';
export { makeTempDir, removeTempDir } from './temp-dir.js';
export type { WalDatabaseOptions } from './wal-database-options.js';
