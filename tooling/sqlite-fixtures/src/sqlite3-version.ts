import { Sqlite3ProcessError } from './errors.js';
import { execSqlite3 } from './internal/exec-sqlite3.js';
import { requireSqlite3 } from './sqlite3-path.js';

const versions = new Map<string, Promise<string>>();

/**
 * The version of the sqlite3 CLI that {@link requireSqlite3} finds, e.g. `3.40.1`.
 *
 * @remarks Cached per binary path for the life of the process.
 * @throws {@link Sqlite3NotFoundError} when the CLI is not installed; {@link Sqlite3ProcessError}
 * when it does not answer `--version`.
 * @public
 */
export async function sqlite3Version(): Promise<string> {
  const binary = await requireSqlite3();
  let version = versions.get(binary);
  if (version === undefined) {
    version = execSqlite3(['--version'], '', 10_000).then((result) => {
      const first = result.stdout.trim().split(/\s+/)[0] ?? '';
      if (result.exitCode !== 0 || !/^\d+\.\d+\.\d+/.test(first)) {
        throw new Sqlite3ProcessError(result.command, result.exitCode, result.signal, result.stderr, result.stdout, result.timedOut);
      }
      return first;
    });
    versions.set(binary, version);
    version.catch(() => versions.delete(binary));
  }
  return version;
}
