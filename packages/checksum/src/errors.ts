import type { ChecksumPair } from './checksum.js';

/**
 * Every error code thrown by `@litewal/checksum`.
 *
 * @remarks A closed union: codes change only through a changeset. Branch on `err.code`.
 * @public
 */
export type ChecksumErrorCode =
  | WalHeaderErrorCode
  | 'ERR_CHECKSUM_SHORT_FRAME_HEADER'
  | PageTrailerErrorCode
  | 'ERR_CHECKSUM_WASM_UNAVAILABLE';

/**
 * Codes of {@link WalHeaderError}, in the order {@link decodeWalHeader} checks them (SQLite's order).
 *
 * @public
 */
export type WalHeaderErrorCode =
  | 'ERR_CHECKSUM_SHORT_HEADER'
  | 'ERR_CHECKSUM_BAD_MAGIC'
  | 'ERR_CHECKSUM_BAD_PAGE_SIZE'
  | 'ERR_CHECKSUM_HEADER_CHECKSUM'
  | 'ERR_CHECKSUM_BAD_VERSION';

/**
 * Codes of {@link PageTrailerError}.
 *
 * @public
 */
export type PageTrailerErrorCode = 'ERR_CHECKSUM_TRAILER_PAGE_SIZE' | 'ERR_CHECKSUM_TRAILER_RESERVED';

/**
 * Base class of every error thrown by `@litewal/checksum`.
 *
 * @public
 */
export class ChecksumError extends Error {
  /** The class name, `'ChecksumError'`. */
  static override name = 'ChecksumError';
  /** The class name, `'ChecksumError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'ChecksumError';
  /** What went wrong, as a stable code. */
  readonly code: ChecksumErrorCode;

  /**
   * @param code - the error code
   * @param message - states the observed value and the limit
   * @param options - `cause`, if any
   */
  constructor(code: ChecksumErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A WAL header that SQLite would not use.
 *
 * @remarks `ERR_CHECKSUM_BAD_VERSION` differs from the others: SQLite ignores a WAL whose header has
 * a bad magic, page size or checksum, but refuses to open one whose header is intact and whose
 * version is not 3007000 (`SQLITE_CANTOPEN`).
 * @public
 */
export class WalHeaderError extends ChecksumError {
  /** The class name, `'WalHeaderError'`. */
  static override name = 'WalHeaderError';
  /** The class name, `'WalHeaderError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalHeaderError';
  /** Which check failed. */
  declare readonly code: WalHeaderErrorCode;

  /**
   * @param code - which check failed
   * @param message - states the observed value and the limit
   * @param options - `cause`, if any
   */
  constructor(code: WalHeaderErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/**
 * A WAL header whose stored checksum (bytes 24..31) is not the checksum of its bytes 0..23.
 *
 * @public
 */
export class WalHeaderChecksumError extends WalHeaderError {
  /** The class name, `'WalHeaderChecksumError'`. */
  static override name = 'WalHeaderChecksumError';
  /** The class name, `'WalHeaderChecksumError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'WalHeaderChecksumError';
  /** The checksum stored at bytes 24..31. */
  readonly stored: ChecksumPair;
  /** The checksum of bytes 0..23. */
  readonly computed: ChecksumPair;

  /**
   * @param stored - the pair stored in the header
   * @param computed - the pair computed over bytes 0..23
   */
  constructor(stored: ChecksumPair, computed: ChecksumPair) {
    super(
      'ERR_CHECKSUM_HEADER_CHECKSUM',
      `WAL header checksum mismatch: stored ${pairHex(stored)}, computed ${pairHex(computed)}`,
    );
    this.stored = stored;
    this.computed = computed;
  }
}

/**
 * A frame header shorter than 24 bytes.
 *
 * @public
 */
export class FrameHeaderError extends ChecksumError {
  /** The class name, `'FrameHeaderError'`. */
  static override name = 'FrameHeaderError';
  /** The class name, `'FrameHeaderError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'FrameHeaderError';
  /** Always `'ERR_CHECKSUM_SHORT_FRAME_HEADER'`. */
  declare readonly code: 'ERR_CHECKSUM_SHORT_FRAME_HEADER';

  /**
   * @param available - bytes available from the offset
   */
  constructor(available: number) {
    super('ERR_CHECKSUM_SHORT_FRAME_HEADER', `frame header needs 24 bytes, got ${available}`);
  }
}

/**
 * A page or a reserved-bytes count that cannot hold the 16-byte page trailer.
 *
 * @public
 */
export class PageTrailerError extends ChecksumError {
  /** The class name, `'PageTrailerError'`. */
  static override name = 'PageTrailerError';
  /** The class name, `'PageTrailerError'` (survives minification and duplicate package copies). */
  override readonly name: string = 'PageTrailerError';
  /** Which check failed. */
  declare readonly code: PageTrailerErrorCode;

  /**
   * @param code - which check failed
   * @param message - states the observed value and the limit
   */
  constructor(code: PageTrailerErrorCode, message: string) {
    super(code, message);
  }
}

function pairHex(pair: ChecksumPair): string {
  return `(0x${pair.s1.toString(16).padStart(8, '0')}, 0x${pair.s2.toString(16).padStart(8, '0')})`;
}
