/**
 * Codes of the errors this package throws.
 *
 * @remarks
 * `ERR_SQLITE_FIXTURES_NO_SQLITE3`: the sqlite3 CLI is not installed.
 * `ERR_SQLITE_FIXTURES_SQLITE3_FAILED`: a sqlite3 process exited non-zero, was killed, or timed out.
 * `ERR_SQLITE_FIXTURES_RECIPE`: a recipe ran but did not produce what it promises.
 * @public
 */
export type SqliteFixturesErrorCode =
  | 'ERR_SQLITE_FIXTURES_NO_SQLITE3'
  | 'ERR_SQLITE_FIXTURES_SQLITE3_FAILED'
  | 'ERR_SQLITE_FIXTURES_RECIPE';

/**
 * Base class of every error this package throws; branch on `code`.
 * @public
 */
export class SqliteFixturesError extends Error {
  static override name = 'SqliteFixturesError';
  override readonly name: string = 'SqliteFixturesError';

  constructor(
    readonly code: SqliteFixturesErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The sqlite3 CLI could not be found; the message says how to install it.
 * @public
 */
export class Sqlite3NotFoundError extends SqliteFixturesError {
  static override name = 'Sqlite3NotFoundError';
  override readonly name: string = 'Sqlite3NotFoundError';

  constructor(
    /** Every path that was tried, in order. */
    readonly searched: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      'ERR_SQLITE_FIXTURES_NO_SQLITE3',
      `the sqlite3 CLI was not found (tried ${searched.join(', ') || 'nothing'}). ` +
        "litewal's tests use it as the oracle and must not pass without it: " +
        'install it with `sudo apt-get install -y sqlite3` (Debian/Ubuntu), ' +
        'or point LITEWAL_SQLITE3 at a sqlite3 binary',
      options,
    );
  }
}

/**
 * A sqlite3 process failed: non-zero exit, killed by a signal, or timed out.
 * @public
 */
export class Sqlite3ProcessError extends SqliteFixturesError {
  static override name = 'Sqlite3ProcessError';
  override readonly name: string = 'Sqlite3ProcessError';

  constructor(
    /** What was being done, e.g. `sqlite3 /tmp/x/test.db`. */
    readonly command: string,
    /** Exit code, or `null` when the process was killed by a signal. */
    readonly exitCode: number | null,
    /** The signal that ended the process, or `null`. */
    readonly signal: NodeJS.Signals | null,
    /** Everything the process wrote to stderr. */
    readonly stderr: string,
    /** Everything the process wrote to stdout. */
    readonly stdout: string,
    /** True when this package killed the process because it ran out of time. */
    readonly timedOut = false,
    options?: ErrorOptions,
  ) {
    const how = timedOut
      ? 'timed out and was killed'
      : signal !== null
        ? `was killed by ${signal}`
        : `exited with code ${String(exitCode)}`;
    super('ERR_SQLITE_FIXTURES_SQLITE3_FAILED', `${command} ${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}`, options);
  }
}

/**
 * A recipe ran without error but its result is not what it promises (for example no WAL left).
 * @public
 */
export class RecipeError extends SqliteFixturesError {
  static override name = 'RecipeError';
  override readonly name: string = 'RecipeError';

  constructor(
    /** The recipe's function name, e.g. `makeWalDatabase`. */
    readonly recipe: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('ERR_SQLITE_FIXTURES_RECIPE', `${recipe}: ${message}`, options);
  }
}
