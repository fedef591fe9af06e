import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';

import { Sqlite3NotFoundError } from './errors.js';

/**
 * Name of the environment variable that, when set, is the only sqlite3 binary tried.
 * @public
 */
export const SQLITE3_ENV_VAR = 'LITEWAL_SQLITE3';

/** Where Debian's `sqlite3` package installs the CLI. */
const DEBIAN_SQLITE3 = '/usr/bin/sqlite3';

function candidates(): string[] {
  const override = process.env[SQLITE3_ENV_VAR];
  if (override !== undefined && override !== '') return [override];
  const onPath = (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, 'sqlite3'));
  return [...new Set([DEBIAN_SQLITE3, ...onPath])];
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Locates the sqlite3 CLI: `$LITEWAL_SQLITE3` if set (and then nothing else), else
 * `/usr/bin/sqlite3`, else the first `sqlite3` on `PATH`.
 *
 * @returns the absolute path, or `undefined` when there is none. Tests should call
 * {@link requireSqlite3} instead, so that a missing CLI fails them loudly.
 * @public
 */
export async function sqlite3Path(): Promise<string | undefined> {
  for (const file of candidates()) {
    if (await isExecutableFile(file)) return path.resolve(file);
  }
  return undefined;
}

/**
 * Like {@link sqlite3Path}, but a missing CLI is an error that says how to install it.
 *
 * @throws {@link Sqlite3NotFoundError} when no sqlite3 binary is found.
 * @public
 */
export async function requireSqlite3(): Promise<string> {
  const found = await sqlite3Path();
  if (found === undefined) throw new Sqlite3NotFoundError(candidates());
  return found;
}
