/**
 * Codes of the errors `@litewal/integrity` throws when it cannot check a database at all.
 *
 * @remarks
 * - `ERR_INTEGRITY_NOT_A_DATABASE`: the file does not start with SQLite's 16-byte magic (or is too
 *   short to hold a database header); SQLite answers "file is not a database" for it.
 * - `ERR_INTEGRITY_WAL`: the database's `-wal` cannot be read (its page size differs from the
 *   database's, or the file cannot be opened).
 *
 * Problems found inside a readable database are not errors: they are issues of an
 * {@link IntegrityReport}.
 * @public
 */
export type IntegrityErrorCode = 'ERR_INTEGRITY_NOT_A_DATABASE' | 'ERR_INTEGRITY_WAL';

/**
 * Base class of the errors of `@litewal/integrity`; branch on {@link IntegrityError.code}.
 *
 * @public
 */
export class IntegrityError extends Error {
  /** Class name, kept through minification. */
  static override name = 'IntegrityError';
  /** Class name of this error. */
  override readonly name: string = 'IntegrityError';
  /** What went wrong; stable across versions. */
  readonly code: IntegrityErrorCode;

  /** Creates an error with a code and a message naming what was found. */
  constructor(code: IntegrityErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The input is not a SQLite database: its first 16 bytes are not `SQLite format 3\0`, or it is
 * shorter than the 100-byte header (`ERR_INTEGRITY_NOT_A_DATABASE`).
 *
 * @public
 */
export class NotADatabaseError extends IntegrityError {
  /** Class name, kept through minification. */
  static override name = 'NotADatabaseError';
  /** Class name of this error. */
  override readonly name: string = 'NotADatabaseError';
  /** Size of the database image in bytes. */
  readonly bytes: number;

  /** Creates the error for an image of `bytes` bytes; `reason` says what was wrong. */
  constructor(bytes: number, reason: string) {
    super('ERR_INTEGRITY_NOT_A_DATABASE', `not a SQLite database (${bytes} bytes): ${reason}`);
    this.bytes = bytes;
  }
}
