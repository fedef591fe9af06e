import type { DatabaseFiles } from './database-files.js';
import { DEFAULT_STATEMENTS } from './defaults.js';
import { RecipeError } from './errors.js';
import { expectSuccess, expectWalLeft, prepareNewWalDatabase, runRecipe, walPreamble } from './internal/new-wal-database.js';
import { quietly, script } from './internal/sql-script.js';
import type { WalDatabaseOptions } from './wal-database-options.js';

/**
 * Options of {@link makeResetWalDatabase}.
 * @public
 */
export interface ResetWalDatabaseOptions extends WalDatabaseOptions {
  /**
   * Statements run after the checkpoint; the first write restarts the WAL at frame 1. To leave a
   * stale tail they must write fewer frames than `statements` did.
   * @defaultValue `["INSERT INTO t(v) VALUES('after reset');"]` (one frame with the default statements)
   */
  readonly afterReset?: readonly string[];
}

/** `busy|log|checkpointed`, as `PRAGMA wal_checkpoint` prints it in list mode. */
const CHECKPOINT_RESULT = /^(\d+)\|(\d+)\|(\d+)$/;

/**
 * Recipe C: a WAL that was reset (restarted) over older frames, which stay behind as a stale tail.
 *
 * @remarks
 * In one session set up as {@link makeWalDatabase}: `statements`, `PRAGMA wal_checkpoint(PASSIVE)`
 * (which must copy every frame), then `afterReset`. The WAL header now has checkpoint sequence + 1,
 * salt-1 + 1 and a new salt-2; the first frames are new, and the frames after them keep the old
 * salts, so they fail the salt check. The database file holds everything written before the reset.
 * @throws {@link RecipeError} when the checkpoint did not copy every frame or no WAL is left.
 * @public
 */
export async function makeResetWalDatabase(options: ResetWalDatabaseOptions): Promise<DatabaseFiles> {
  const recipe = 'makeResetWalDatabase';
  const db = await prepareNewWalDatabase(recipe, options);
  const statements = options.statements ?? DEFAULT_STATEMENTS;
  const afterReset = options.afterReset ?? ["INSERT INTO t(v) VALUES('after reset');"];
  const result = await runRecipe(
    db,
    script([
      ...quietly([...walPreamble(db, 'no-checkpoint-on-close'), ...statements]),
      'PRAGMA wal_checkpoint(PASSIVE);',
      ...quietly(afterReset),
    ]),
  );
  expectSuccess(result);
  const match = CHECKPOINT_RESULT.exec(result.stdout.trim());
  if (match === null || match[1] !== '0' || match[2] !== match[3] || match[2] === '0') {
    throw new RecipeError(
      recipe,
      `PRAGMA wal_checkpoint(PASSIVE) should have copied every frame (0|n|n, n > 0), got ${JSON.stringify(result.stdout.trim())}`,
    );
  }
  await expectWalLeft(recipe, db);
  return db.files;
}
