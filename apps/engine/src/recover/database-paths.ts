import { stat } from 'node:fs/promises';
import { EngineError } from '../errors.js';

/**
 * The files of a SQLite database in WAL mode.
 * @public
 */
export interface DatabasePaths {
  /** The database file. */
  readonly db: string;
  /** Its write-ahead log, `<db>-wal`. */
  readonly wal: string;
  /** Its wal-index, `<db>-shm`. */
  readonly shm: string;
}

async function isFile(path: string): Promise<boolean | 'other'> {
  try {
    return (await stat(path)).isFile() ? true : 'other';
  } catch {
    return false;
  }
}

/**
 * Checks that `db` is a regular file.
 * @throws {@link EngineError} `ERR_ENGINE_INPUT` when it is missing or not a regular file.
 */
export async function requireDatabase(db: string): Promise<void> {
  const dbKind = await isFile(db);
  if (dbKind !== true) {
    throw new EngineError('ERR_ENGINE_INPUT', dbKind === false ? `${db} does not exist` : `${db} is not a regular file`);
  }
}

/**
 * Checks that `db` is a database file with a WAL beside it and names its files.
 * @throws {@link EngineError} `ERR_ENGINE_INPUT` when either is missing or not a regular file.
 */
export async function databaseWithWal(db: string): Promise<DatabasePaths> {
  const paths = { db, wal: `${db}-wal`, shm: `${db}-shm` };
  await requireDatabase(db);
  const walKind = await isFile(paths.wal);
  if (walKind !== true) {
    throw new EngineError(
      'ERR_ENGINE_INPUT',
      walKind === false ? `${db} has no WAL (${paths.wal} does not exist)` : `${paths.wal} is not a regular file`,
      'nothing to recover: the database is not in WAL mode or its WAL was checkpointed and removed',
    );
  }
  return paths;
}
