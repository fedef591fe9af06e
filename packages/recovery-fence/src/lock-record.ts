import type { LockMode } from '@litewal/vfs';

/**
 * Which file of a database a registered lock is on: the database, `<db>-wal` or `<db>-shm`.
 * @public
 */
export type LockedFile = 'db' | 'wal' | 'shm';

/**
 * A byte range of one file of a database: what {@link LockRegistry.unregister} takes.
 * @public
 */
export interface LockRange {
  /** The file the lock is on. */
  readonly file: LockedFile;
  /** First byte of the range. */
  readonly offset: number;
  /** Length of the range in bytes, at least 1. */
  readonly length: number;
}

/**
 * A byte-range lock a process says it holds: what {@link LockRegistry.register} takes.
 * @public
 */
export interface LockClaim extends LockRange {
  /** Shared or exclusive. */
  readonly mode: LockMode;
}

/**
 * A lock as the registry records it: the claim, its owner and since when.
 * @public
 */
export interface LockRecord extends LockClaim {
  /** Process id of the owner. */
  readonly pid: number;
  /** When it was registered, in milliseconds since the Unix epoch. */
  readonly acquiredAtMs: number;
}
