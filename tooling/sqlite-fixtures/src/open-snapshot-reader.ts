import { LiveSqlite3, type LiveSqlite3Options } from './live-sqlite3.js';

/**
 * Options of {@link openSnapshotReader}.
 * @public
 */
export interface SnapshotReaderOptions extends LiveSqlite3Options {
  /**
   * The read that starts the snapshot, run right after `BEGIN`.
   * @defaultValue `'SELECT count(*) FROM t;'`
   */
  readonly sql?: string;
}

/**
 * A sqlite3 session inside an open read transaction: its snapshot, and the WAL frames it can
 * see, stay pinned until {@link SnapshotReader.release}.
 * @public
 */
export interface SnapshotReader {
  /** The live session; query it to read at the pinned snapshot. */
  readonly session: LiveSqlite3;
  /** What the starting read printed, e.g. `'101\n'`. */
  readonly result: string;
  /** Ends the read transaction (`COMMIT`) and closes the session. */
  release(): Promise<void>;
}

/**
 * Recipe G: a second SQLite connection that holds a read snapshot, so that checkpoints cannot
 * copy the frames after it and a reset must wait (`busy` = 1 for FULL, RESTART and TRUNCATE).
 *
 * @remarks Opens a {@link LiveSqlite3} on `dbPath` itself (not a copy: the point is to share it)
 * and runs `BEGIN;` then `sql`. The session keeps the WAL on close unless `keepWal` is false.
 * @throws {@link Sqlite3ProcessError} when the session fails to start or `sql` fails.
 * @public
 */
export async function openSnapshotReader(dbPath: string, options: SnapshotReaderOptions = {}): Promise<SnapshotReader> {
  const session = await LiveSqlite3.open(dbPath, options);
  let result: string;
  try {
    await session.query('BEGIN;');
    result = await session.query(options.sql ?? 'SELECT count(*) FROM t;');
  } catch (error) {
    await session.kill();
    throw error;
  }
  return {
    session,
    result,
    async release(): Promise<void> {
      await session.query('COMMIT;');
      await session.close();
    },
  };
}
