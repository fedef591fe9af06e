import { Sqlite3ProcessError } from './errors.js';
import { dbArgument, execSqlite3 } from './internal/exec-sqlite3.js';
import { quietly, script } from './internal/sql-script.js';

/**
 * Options of {@link runSqlite3}.
 * @public
 */
export interface RunSqlite3Options {
  /**
   * Kill the process and reject after this many milliseconds.
   * @defaultValue 30000
   */
  readonly timeoutMs?: number;
  /**
   * Start with `.dbconfig no_ckpt_on_close on`, so the CLI's close neither checkpoints nor deletes
   * the `-wal` and `-shm` (use it to let SQLite append to a WAL in place and leave it there).
   * @defaultValue false
   */
  readonly keepWal?: boolean;
  /**
   * Extra CLI options placed before the database argument, e.g. `['-json']` or `['-readonly']`.
   * @defaultValue []
   */
  readonly args?: readonly string[];
}

/** Default time limit of one sqlite3 run. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Runs the sqlite3 CLI on `dbPath` with `sql` on its stdin and returns its stdout.
 *
 * @remarks
 * The CLI runs with `-batch -bail -init /dev/null` (no `~/.sqliterc`), output mode `list`, `|`
 * separators and no headers unless `args` or `sql` change that. `sql` may mix SQL and
 * dot-commands, one per line; SQL without a final `;` gets one. `dbPath` may be a URI such as
 * `file:/x/a.db?immutable=1`. Without `keepWal`, closing the last connection checkpoints the WAL
 * into the database and deletes it: never do that to a fixture, use {@link copyDatabase} first.
 * @throws {@link Sqlite3ProcessError} on a non-zero exit, a signal or the time limit (stderr is in
 * the message). {@link Sqlite3NotFoundError} when the CLI is not installed.
 * @public
 */
export async function runSqlite3(
  dbPath: string,
  sql: string | readonly string[],
  options: RunSqlite3Options = {},
): Promise<string> {
  const statements = typeof sql === 'string' ? [sql] : [...sql];
  const input = script(options.keepWal === true ? [...quietly(['.dbconfig no_ckpt_on_close on']), ...statements] : statements);
  const result = await execSqlite3(
    [...(options.args ?? []), dbArgument(dbPath)],
    input,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  if (result.exitCode !== 0 || result.timedOut) {
    throw new Sqlite3ProcessError(
      result.command,
      result.exitCode,
      result.signal,
      result.stderr,
      result.stdout,
      result.timedOut,
    );
  }
  return result.stdout;
}
