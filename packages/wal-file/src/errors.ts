/**
 * Codes of the errors thrown by `@litewal/wal-file`.
 * @public
 */
export type WalFileErrorCode =
  | 'ERR_WAL_FILE_PAGE_SIZE'
  | 'ERR_WAL_FILE_VERSION'
  | 'ERR_WAL_FILE_PAGE_NUMBER'
  | 'ERR_WAL_FILE_FRAME_RANGE'
  | 'ERR_WAL_FILE_FULL'
  | 'ERR_WAL_FILE_STALE_WINDOW'
  | 'ERR_WAL_FILE_BUSY'
  | 'ERR_WAL_FILE_UNCOMMITTED'
  | 'ERR_WAL_FILE_READ_ONLY'
  | 'ERR_WAL_FILE_SHORT_READ'
  | 'ERR_WAL_FILE_CLOSED';

/**
 * Base class of every error `@litewal/wal-file` throws; branch on {@link WalFileError.code}.
 * @public
 */
export class WalFileError extends Error {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'WalFileError';
  /** Class name of this error. */
  override readonly name: string = 'WalFileError';
  /** Stable machine-readable code. */
  readonly code: WalFileErrorCode;

  /** Creates an error with a code and a message that states the observed value and the limit. */
  constructor(code: WalFileErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A page image whose length is not the WAL's page size.
 * @public
 */
export class PageSizeMismatchError extends WalFileError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'PageSizeMismatchError';
  /** Class name of this error. */
  override readonly name: string = 'PageSizeMismatchError';

  /** The WAL's page size. */
  readonly expected: number;
  /** The length given. */
  readonly actual: number;

  /** @param expected - the WAL's page size. @param actual - the length given. */
  constructor(expected: number, actual: number) {
    super('ERR_WAL_FILE_PAGE_SIZE', `page image is ${actual} bytes, the WAL's page size is ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A frame number outside the frames the WAL holds.
 * @public
 */
export class FrameRangeError extends WalFileError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'FrameRangeError';
  /** Class name of this error. */
  override readonly name: string = 'FrameRangeError';

  /** The frame asked for. */
  readonly frame: number;
  /** The last frame that exists. */
  readonly last: number;

  /** @param frame - the frame asked for. @param last - the last frame that exists. */
  constructor(frame: number, last: number) {
    super('ERR_WAL_FILE_FRAME_RANGE', `frame ${frame} is outside 1..${last}`);
    this.frame = frame;
    this.last = last;
  }
}

/**
 * The file changed under a prepared batch (another writer, a reset or a truncation): re-prepare.
 * @public
 */
export class StaleAppendWindowError extends WalFileError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'StaleAppendWindowError';
  /** Class name of this error. */
  override readonly name: string = 'StaleAppendWindowError';

  /** What was found. */
  readonly reason: string;

  /** @param reason - what was found on disk. */
  constructor(reason: string) {
    super('ERR_WAL_FILE_STALE_WINDOW', `the WAL changed since the batch was prepared: ${reason}`);
    this.reason = reason;
  }
}
