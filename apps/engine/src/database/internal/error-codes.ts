import { DatabaseError } from '../../errors.js';

/** The `code` of an error-like value, if it has one (branching on codes survives duplicate package copies). */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A wal-index error that means "another connection holds what we need" (SQLite's `SQLITE_BUSY`
 * and `SQLITE_PROTOCOL`) as a {@link DatabaseError} `ERR_DATABASE_BUSY`; anything else as it is.
 */
export function busyOrSame(error: unknown, what: string): unknown {
  const code = errorCode(error);
  if (code === 'ERR_WAL_INDEX_BUSY' || code === 'ERR_WAL_INDEX_PROTOCOL') {
    return new DatabaseError('ERR_DATABASE_BUSY', `${what}: ${(error as Error).message}`, { cause: error });
  }
  return error;
}
