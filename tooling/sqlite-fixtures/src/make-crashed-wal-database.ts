import type { DatabaseFiles } from './database-files.js';
import { RecipeError } from './errors.js';
import { expectWalLeft, prepareNewWalDatabase, runRecipe, walPreamble } from './internal/new-wal-database.js';
import { quietly, script } from './internal/sql-script.js';
import type { WalDatabaseOptions } from './wal-database-options.js';

/**
 * How the WAL of {@link makeCrashedWalDatabase} ends after its last commit frame.
 *
 * @remarks
 * `'valid'`: only valid, uncommitted frames (their checksum chain holds).
 * `'broken'`: valid uncommitted frames, then one whose checksum fails (SQLite rewrote a frame of
 * the open transaction in place), then frames with zeroed salts and checksums.
 * @public
 */
export type CrashedTail = 'valid' | 'broken';

/**
 * Options of {@link makeCrashedWalDatabase}.
 * @public
 */
export interface CrashedWalDatabaseOptions extends WalDatabaseOptions {
  /**
   * The committed part. They must leave a table `t` with a column `v` (the crash inserts into it).
   * @defaultValue `CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)` and 100 rows of one page each
   */
  readonly statements?: readonly string[];
  /**
   * Rows, one page each, inserted by the transaction that is cut short: at least 20 (so that more
   * pages than the 10-page cache spill), at least 50 for `'broken'`.
   * @defaultValue 300
   */
  readonly tailRows?: number;
  /**
   * What follows the last commit frame.
   * @defaultValue `'broken'`
   */
  readonly tail?: CrashedTail;
}

/** Cache pages: small, so the open transaction spills frames into the WAL. */
const CRASH_CACHE_PAGES = 10;

/**
 * Recipe B: a database whose sqlite3 process was killed (SIGKILL) in the middle of a transaction,
 * leaving frames after the last commit frame.
 *
 * @remarks
 * Set up as {@link makeWalDatabase}, then `PRAGMA cache_size=10; BEGIN;` and `tailRows` inserts of
 * one page each (`randomblob(pageSize - 196)`), which spill into the WAL; for `'broken'`, an
 * UPDATE of 10 rows spilled earlier (SQLite rewrites their frames in place, which breaks the chain
 * there) and 50 more rows; then `.shell kill -9 $PPID` before `COMMIT`. SQLite sees only the
 * committed rows. The `-shm` describes the last commit.
 * @throws {@link RecipeError} when the process was not killed as planned or no WAL is left.
 * @public
 */
export async function makeCrashedWalDatabase(options: CrashedWalDatabaseOptions): Promise<DatabaseFiles> {
  const recipe = 'makeCrashedWalDatabase';
  const db = await prepareNewWalDatabase(recipe, options);
  const tail = options.tail ?? 'broken';
  const tailRows = options.tailRows ?? 300;
  const minRows = tail === 'broken' ? 50 : 20;
  if (!Number.isInteger(tailRows) || tailRows < minRows) {
    throw new RangeError(`tailRows must be an integer >= ${minRows} for tail '${tail}', got ${tailRows}`);
  }
  const row = `randomblob(${db.pageSize - 196})`;
  const committed = options.statements ?? [
    'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
    `INSERT INTO t(v) SELECT ${row} FROM generate_series(1,100);`,
  ];
  const rewrite = [
    // Rows from the middle of the open transaction: their pages were spilled long ago.
    `UPDATE t SET v=${row} WHERE rowid IN (SELECT rowid FROM t ORDER BY rowid DESC LIMIT 10 OFFSET ${Math.floor(tailRows / 2)});`,
    `INSERT INTO t(v) SELECT ${row} FROM generate_series(1,50);`,
  ];
  const result = await runRecipe(
    db,
    script(
      quietly([
        ...walPreamble(db, 'no-checkpoint-on-close'),
        ...committed,
        `PRAGMA cache_size=${CRASH_CACHE_PAGES};`,
        'BEGIN;',
        `INSERT INTO t(v) SELECT ${row} FROM generate_series(1,${tailRows});`,
        ...(tail === 'broken' ? rewrite : []),
        '.shell kill -9 $PPID',
        'COMMIT;',
      ]),
    ),
  );
  if (result.signal !== 'SIGKILL' || result.timedOut) {
    throw new RecipeError(
      recipe,
      `sqlite3 should have been killed by SIGKILL before COMMIT, but it ended with ` +
        `${result.timedOut ? 'a timeout' : (result.signal ?? `exit code ${String(result.exitCode)}`)}` +
        `${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}`,
    );
  }
  await expectWalLeft(recipe, db);
  return db.files;
}
