import type { DatabaseFiles } from './database-files.js';
import { DEFAULT_STATEMENTS } from './defaults.js';
import { expectSuccess, expectWalLeft, prepareNewWalDatabase, runRecipe, walPreamble } from './internal/new-wal-database.js';
import { quietly, script } from './internal/sql-script.js';
import type { WalDatabaseOptions } from './wal-database-options.js';

/**
 * Recipe A: a new database whose changes all sit, committed and un-checkpointed, in its WAL.
 *
 * @remarks
 * One sqlite3 session runs `.dbconfig no_ckpt_on_close on`, `.testctrl prng_seed <seed>`,
 * `PRAGMA page_size=<pageSize>`, `PRAGMA journal_mode=WAL`, `PRAGMA wal_autocheckpoint=0`, then
 * `statements`, and exits: the db, `-wal` and `-shm` stay. The result is byte-for-byte
 * repeatable on one SQLite version (page 1 holds that version at offset 96: never assert on it).
 * With the default statements the WAL holds 5 frames, every one committed.
 * Never open the result with a read/write connection: its last close checkpoints and deletes the
 * WAL. Use {@link copyDatabase}, {@link sqliteRead} or {@link integrityCheck}.
 * @throws {@link RecipeError} when a file of the database already exists or no WAL is left;
 * {@link Sqlite3ProcessError} when a statement fails.
 * @public
 */
export async function makeWalDatabase(options: WalDatabaseOptions): Promise<DatabaseFiles> {
  const db = await prepareNewWalDatabase('makeWalDatabase', options);
  const statements = options.statements ?? DEFAULT_STATEMENTS;
  expectSuccess(await runRecipe(db, script(quietly([...walPreamble(db, 'no-checkpoint-on-close'), ...statements]))));
  await expectWalLeft('makeWalDatabase', db);
  return db.files;
}
