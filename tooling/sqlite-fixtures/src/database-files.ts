/**
 * The paths of a database and its WAL companions. The `-wal` and `-shm` may not exist.
 * @public
 */
export interface DatabaseFiles {
  /** The database file. */
  readonly db: string;
  /** The write-ahead log, `<db>-wal`. */
  readonly wal: string;
  /** The wal-index, `<db>-shm`. */
  readonly shm: string;
}

/**
 * The paths SQLite uses for the database `dbPath`: `dbPath`, `<dbPath>-wal`, `<dbPath>-shm`.
 * @public
 */
export function databaseFiles(dbPath: string): DatabaseFiles {
  return { db: dbPath, wal: `${dbPath}-wal`, shm: `${dbPath}-shm` };
}
