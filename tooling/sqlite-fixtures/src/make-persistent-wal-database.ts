import type { DatabaseFiles } from './database-files.js';
import { DEFAULT_STATEMENTS } from './defaults.js';
import { expectSuccess, expectWalLeft, prepareNewWalDatabase, runRecipe, walPreamble } from './internal/new-wal-database.js';
import { quietly, script } from './internal/sql-script.js';
import type { WalDatabaseOptions } from './wal-database-options.js';

/**
 * Recipe D: a WAL that was checkpointed on close but kept (`SQLITE_FCNTL_PERSIST_WAL`).
 *
 * @remarks
 * As {@link makeWalDatabase}, but with `.filectrl persist_wal 1` (before `journal_mode=WAL`)
 * instead of `no_ckpt_on_close`: the CLI's close copies every frame into the database file, then
 * keeps the `-wal` (full size, its frames still valid) and the `-shm` (nBackfill = mxFrame). The
 * database file alone, read with `immutable=1`, holds every change.
 * @throws {@link RecipeError} when a file of the database already exists or no WAL is left;
 * {@link Sqlite3ProcessError} when a statement fails.
 * @public
 */
export async function makePersistentWalDatabase(options: WalDatabaseOptions): Promise<DatabaseFiles> {
  const recipe = 'makePersistentWalDatabase';
  const db = await prepareNewWalDatabase(recipe, options);
  const statements = options.statements ?? DEFAULT_STATEMENTS;
  expectSuccess(await runRecipe(db, script(quietly([...walPreamble(db, 'persist-wal'), ...statements]))));
  await expectWalLeft(recipe, db);
  return db.files;
}
