import path from 'node:path';

/**
 * The `file:` URI that makes SQLite open `dbPath` read-only as an unchangeable file: no locks, no
 * `-shm`, and its `-wal` ignored, so it reads the database file alone.
 *
 * @example `runSqlite3(toImmutableUri(files.db), 'PRAGMA user_version;')`
 * @public
 */
export function toImmutableUri(dbPath: string): string {
  const escaped = encodeURI(path.resolve(dbPath)).replace(/[?#]/g, (c) => encodeURIComponent(c));
  return `file:${escaped}?immutable=1`;
}
