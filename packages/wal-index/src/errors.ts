import type { ChecksumPair } from '@litewal/checksum';
import type { WalIndexLock } from './locks.js';

/**
 * Codes of the errors thrown by `@litewal/wal-index`.
 *
 * @remarks A closed union: codes change only through a changeset. Branch on `err.code`.
 * @public
 */
export type WalIndexErrorCode =
  | WalIndexHeaderErrorCode
  | 'ERR_WAL_INDEX_HASH_PROBE'
  | 'ERR_WAL_INDEX_BUSY'
  | 'ERR_WAL_INDEX_BUSY_SNAPSHOT'
  | 'ERR_WAL_INDEX_PROTOCOL'
  | 'ERR_WAL_INDEX_STATE';

/**
 * Codes of {@link WalIndexHeaderError}: why a wal-index header cannot be trusted.
 *
 * @remarks SQLite answers the first three by retrying under the write lock and then rebuilding
 * the wal-index from the WAL; it refuses to open a wal-index of another version.
 * @public
 */
export type WalIndexHeaderErrorCode =
  | 'ERR_WAL_INDEX_SHORT'
  | 'ERR_WAL_INDEX_HEADER_COPIES'
  | 'ERR_WAL_INDEX_NOT_INITIALIZED'
  | 'ERR_WAL_INDEX_HEADER_CHECKSUM'
  | 'ERR_WAL_INDEX_VERSION';

/**
 * Base class of every error `@litewal/wal-index` throws; branch on {@link WalIndexError.code}.
 * @public
 */
export class WalIndexError extends Error {
  /** The class name, `'WalIndexError'`. */
  static override name = 'WalIndexError';
  /** The class name, `'WalIndexError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalIndexError';
  /** Stable machine-readable code. */
  readonly code: WalIndexErrorCode;

  /**
   * @param code - what went wrong
   * @param message - states the observed value and the limit
   * @param options - `cause`, if any
   */
  constructor(code: WalIndexErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A wal-index header that cannot be used: too short, copies that differ, not initialised, a bad
 * checksum or an unknown version.
 * @public
 */
export class WalIndexHeaderError extends WalIndexError {
  /** The class name, `'WalIndexHeaderError'`. */
  static override name = 'WalIndexHeaderError';
  /** The class name, `'WalIndexHeaderError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalIndexHeaderError';
  /** Which check failed. */
  declare readonly code: WalIndexHeaderErrorCode;

  /**
   * @param code - which check failed
   * @param message - states the observed value and the limit
   */
  constructor(code: WalIndexHeaderErrorCode, message: string) {
    super(code, message);
  }
}

/**
 * Fewer bytes than the wal-index structure being read needs.
 * @public
 */
export class ShortWalIndexError extends WalIndexHeaderError {
  /** The class name, `'ShortWalIndexError'`. */
  static override name = 'ShortWalIndexError';
  /** The class name, `'ShortWalIndexError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'ShortWalIndexError';

  /** Creates the error from the observed values. */
  constructor(
    /** The structure being read. */
    readonly what: string,
    /** Bytes it needs. */
    readonly expected: number,
    /** Bytes available. */
    readonly actual: number,
  ) {
    super('ERR_WAL_INDEX_SHORT', `${what} needs ${expected} bytes, got ${actual}`);
  }
}

/**
 * The two header copies differ: a writer is between its two writes, or the header is damaged.
 * @public
 */
export class HeaderCopiesDifferError extends WalIndexHeaderError {
  /** The class name, `'HeaderCopiesDifferError'`. */
  static override name = 'HeaderCopiesDifferError';
  /** The class name, `'HeaderCopiesDifferError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'HeaderCopiesDifferError';

  /** Creates the error from the observed values. */
  constructor(
    /** First byte (within a 48-byte copy) where the copies differ. */
    readonly offset: number,
    /** That byte in copy 1. */
    readonly copy1: number,
    /** That byte in copy 2. */
    readonly copy2: number,
  ) {
    super('ERR_WAL_INDEX_HEADER_COPIES', `header copies differ at byte ${offset}: copy 1 has ${copy1}, copy 2 has ${copy2}`);
  }
}

/**
 * The header's isInit byte is 0 (typically an all-zero, never written wal-index).
 * @public
 */
export class HeaderNotInitializedError extends WalIndexHeaderError {
  /** The class name, `'HeaderNotInitializedError'`. */
  static override name = 'HeaderNotInitializedError';
  /** The class name, `'HeaderNotInitializedError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'HeaderNotInitializedError';

  /** Creates the error from the observed value. */
  constructor(
    /** The isInit byte found (0). */
    readonly isInit: number,
  ) {
    super('ERR_WAL_INDEX_NOT_INITIALIZED', `header isInit is ${isInit}, expected non-zero`);
  }
}

/**
 * The header's stored checksum is not the native-order checksum of its first 40 bytes.
 * @public
 */
export class HeaderChecksumError extends WalIndexHeaderError {
  /** The class name, `'HeaderChecksumError'`. */
  static override name = 'HeaderChecksumError';
  /** The class name, `'HeaderChecksumError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'HeaderChecksumError';

  /** Creates the error from the observed values. */
  constructor(
    /** The checksum of bytes 0..39. */
    readonly expected: ChecksumPair,
    /** The checksum stored at bytes 40..47. */
    readonly actual: ChecksumPair,
  ) {
    super(
      'ERR_WAL_INDEX_HEADER_CHECKSUM',
      `header checksum is (${actual.s1}, ${actual.s2}), its bytes sum to (${expected.s1}, ${expected.s2})`,
    );
  }
}

/**
 * A consistent header whose iVersion is not 3007000 (SQLite then refuses to open the database).
 * @public
 */
export class WalIndexVersionError extends WalIndexHeaderError {
  /** The class name, `'WalIndexVersionError'`. */
  static override name = 'WalIndexVersionError';
  /** The class name, `'WalIndexVersionError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalIndexVersionError';

  /** Creates the error from the observed values. */
  constructor(
    /** The iVersion found. */
    readonly version: number,
    /** The only version SQLite reads (3007000). */
    readonly expected: number,
  ) {
    super('ERR_WAL_INDEX_VERSION', `wal-index version is ${version}, expected ${expected}`);
  }
}

/**
 * A hash-table probe ran longer than any valid table allows: the segment is corrupt.
 * @public
 */
export class HashProbeError extends WalIndexError {
  /** The class name, `'HashProbeError'`. */
  static override name = 'HashProbeError';
  /** The class name, `'HashProbeError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'HashProbeError';

  /** Creates the error from the observed values. */
  constructor(
    /** The segment probed. */
    readonly segment: number,
    /** The page looked up or inserted. */
    readonly pageNumber: number,
    /** Occupied slots visited. */
    readonly probes: number,
    /** The most a valid table can need. */
    readonly limit: number,
  ) {
    super(
      'ERR_WAL_INDEX_HASH_PROBE',
      `segment ${segment}: probing for page ${pageNumber} visited ${probes} occupied slots, the limit is ${limit}`,
    );
  }
}

/**
 * A lock another connection holds (SQLite's `SQLITE_BUSY`): retry later.
 * @public
 */
export class WalIndexBusyError extends WalIndexError {
  /** The class name, `'WalIndexBusyError'`. */
  static override name = 'WalIndexBusyError';
  /** The class name, `'WalIndexBusyError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalIndexBusyError';

  /** Creates the error from the observed values. */
  constructor(
    /** The lock that could not be taken. */
    readonly lock: WalIndexLock,
    /** What was being done. */
    readonly reason: string,
  ) {
    super('ERR_WAL_INDEX_BUSY', `${reason}: the ${lock} lock is held by another connection`);
  }
}

/**
 * A write was attempted from a snapshot that is no longer the latest (SQLite's
 * `SQLITE_BUSY_SNAPSHOT`): end the read transaction and start again.
 * @public
 */
export class BusySnapshotError extends WalIndexError {
  /** The class name, `'BusySnapshotError'`. */
  static override name = 'BusySnapshotError';
  /** The class name, `'BusySnapshotError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'BusySnapshotError';

  /** Creates the error from the observed values. */
  constructor(
    /** mxFrame of the reader's snapshot. */
    readonly snapshotMaxFrame: number,
    /** mxFrame of the wal-index now (-1 when its header is unreadable). */
    readonly currentMaxFrame: number,
  ) {
    super(
      'ERR_WAL_INDEX_BUSY_SNAPSHOT',
      `the snapshot ends at frame ${snapshotMaxFrame}, the wal-index has moved on (mxFrame ${currentMaxFrame})`,
    );
  }
}

/**
 * A read transaction could not start within the retry limit: another connection is not
 * following the locking protocol (SQLite's `SQLITE_PROTOCOL`).
 * @public
 */
export class WalIndexProtocolError extends WalIndexError {
  /** The class name, `'WalIndexProtocolError'`. */
  static override name = 'WalIndexProtocolError';
  /** The class name, `'WalIndexProtocolError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalIndexProtocolError';

  /** Creates the error from the observed values. */
  constructor(
    /** Attempts made. */
    readonly attempts: number,
    /** Why the last attempt had to be retried. */
    readonly lastReason: string,
  ) {
    super('ERR_WAL_INDEX_PROTOCOL', `no read transaction after ${attempts} attempts; last retry: ${lastReason}`);
  }
}

/**
 * A call out of order: for example a lookup outside a read transaction, or a publish without
 * the write lock.
 * @public
 */
export class WalIndexStateError extends WalIndexError {
  /** The class name, `'WalIndexStateError'`. */
  static override name = 'WalIndexStateError';
  /** The class name, `'WalIndexStateError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalIndexStateError';

  /** Creates the error from the observed values. */
  constructor(
    /** The call made. */
    readonly operation: string,
    /** The state it needs. */
    readonly state: string,
  ) {
    super('ERR_WAL_INDEX_STATE', `${operation} needs ${state}`);
  }
}
