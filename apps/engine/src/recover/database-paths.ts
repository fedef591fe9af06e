import { EngineError } from '../errors.js';
import { kindOf } from '../internal/file-kind.js';

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

/**
 * Checks that `db` is a regular file.
 * @throws {@link EngineError} `ERR_ENGINE_INPUT` when it is missing or not a regular file.
 */
export async function requireDatabase(db: string): Promise<void> {
  const dbKind = await kindOf(db);
  if (dbKind !== 'file') {
    throw new EngineError('ERR_ENGINE_INPUT', dbKind === 'missing' ? `${db} does not exist` : `${db} is not a regular file`);
  }
}

/**
 * Checks that `db` is a database file with a WAL beside it and names its files.
 * @throws {@link EngineError} `ERR_ENGINE_INPUT` when either is missing or not a regular file.
 */
export async function databaseWithWal(db: string): Promise<DatabasePaths> {
  const paths = { db, wal: `${db}-wal`, shm: `${db}-shm` };
  await requireDatabase(db);
  const walKind = await kindOf(paths.wal);
  if (walKind !== 'file') {
    throw new EngineError(
      'ERR_ENGINE_INPUT',
      walKind === 'missing' ? `${db} has no WAL (${paths.wal} does not exist)` : `${paths.wal} is not a regular file`,
      'nothing to recover: the database is not in WAL mode or its WAL was checkpointed and removed',
    );
  }
  return paths;
}
