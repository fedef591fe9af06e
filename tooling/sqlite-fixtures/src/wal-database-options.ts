/**
 * Options shared by the recipes that make a new database with a WAL.
 * @public
 */
export interface WalDatabaseOptions {
  /** Directory to create the database in; created if missing. */
  readonly dir: string;
  /**
   * File name of the database; it, its `-wal` and its `-shm` must not exist yet.
   * @defaultValue `'test.db'` ({@link DEFAULT_DB_NAME})
   */
  readonly name?: string;
  /**
   * Page size in bytes, a power of two from 512 to 65536 (set before `journal_mode=WAL`).
   * @defaultValue 4096 ({@link DEFAULT_PAGE_SIZE_BYTES})
   */
  readonly pageSize?: number;
  /**
   * Seed of SQLite's PRNG (`.testctrl prng_seed`): the same seed and statements give the same
   * bytes, salts and `randomblob()` included, on the same SQLite version.
   * @defaultValue 12345 ({@link DEFAULT_SEED})
   */
  readonly seed?: number;
  /**
   * SQL statements or dot-commands, run in order in one CLI session after the WAL setup.
   * A statement without a final `;` gets one.
   * @defaultValue {@link DEFAULT_STATEMENTS} (recipe-specific where noted)
   */
  readonly statements?: readonly string[];
  /**
   * Time limit of the sqlite3 process, in milliseconds.
   * @defaultValue 30000
   */
  readonly timeoutMs?: number;
}
