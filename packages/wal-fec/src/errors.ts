/**
 * Every error code thrown by `@litewal/wal-fec`.
 *
 * @remarks A closed union: codes change only through a changeset. Branch on `err.code`.
 * - `ERR_WAL_FEC_BAD_MAGIC`: the file is not a sidecar (a WAL given as a sidecar lands here).
 * - `ERR_WAL_FEC_BAD_VERSION`: a sidecar of a format version this package does not know.
 * - `ERR_WAL_FEC_CHECKSUM`: the sidecar header or a complete, non-final record fails its CRC-32C.
 * - `ERR_WAL_FEC_RECORD_LENGTH`: a record's length prefix is larger than {@link MAX_RECORD_BYTES}
 *   or does not match the fields inside it.
 * - `ERR_WAL_FEC_LIMIT`: a record field outside its limit (repair symbols above 255, a bad page size...).
 * - `ERR_WAL_FEC_NOT_A_WAL`: the WAL to protect, scan or repair is not a WAL (a sidecar given as a WAL lands here).
 * @public
 */
export type WalFecErrorCode =
  | 'ERR_WAL_FEC_BAD_MAGIC'
  | 'ERR_WAL_FEC_BAD_VERSION'
  | 'ERR_WAL_FEC_CHECKSUM'
  | 'ERR_WAL_FEC_RECORD_LENGTH'
  | 'ERR_WAL_FEC_LIMIT'
  | 'ERR_WAL_FEC_NOT_A_WAL';

/**
 * Base class of every error thrown by `@litewal/wal-fec`.
 * @public
 */
export class WalFecError extends Error {
  /** The class name, `'WalFecError'`. */
  static override name = 'WalFecError';
  /** The class name (survives minification and duplicate package copies). */
  override readonly name: string = 'WalFecError';
  /** What went wrong, as a stable code. */
  readonly code: WalFecErrorCode;

  /**
   * @param code - the error code
   * @param message - states the observed value and the limit
   * @param options - `cause`, if any
   */
  constructor(code: WalFecErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A file given as a sidecar does not start with {@link SIDECAR_MAGIC}.
 * @public
 */
export class SidecarMagicError extends WalFecError {
  /** The class name. */
  static override name = 'SidecarMagicError';
  /** The class name. */
  override readonly name: string = 'SidecarMagicError';
  /** The first bytes found, in hex. */
  readonly observed: string;

  /** @param observed - the first bytes found, in hex */
  constructor(observed: string) {
    super('ERR_WAL_FEC_BAD_MAGIC', `not a wal-fec sidecar: magic ${observed}, expected ${'4c5757414c464543'} ("LWWALFEC")`);
    this.observed = observed;
  }
}

/**
 * A sidecar header, or a complete record that is not the file's last, fails its CRC-32C.
 * @public
 */
export class SidecarChecksumError extends WalFecError {
  /** The class name. */
  static override name = 'SidecarChecksumError';
  /** The class name. */
  override readonly name: string = 'SidecarChecksumError';
  /** Byte offset of the header or record in the sidecar. */
  readonly offset: number;
  /** The CRC-32C stored in the file. */
  readonly stored: number;
  /** The CRC-32C computed from the bytes. */
  readonly computed: number;

  /**
   * @param what - `'header'` or `'record'`
   * @param offset - byte offset of the header or record
   * @param stored - the stored CRC-32C
   * @param computed - the computed CRC-32C
   */
  constructor(what: 'header' | 'record', offset: number, stored: number, computed: number) {
    super(
      'ERR_WAL_FEC_CHECKSUM',
      `sidecar ${what} at byte ${offset}: stored CRC-32C ${hex32(stored)}, computed ${hex32(computed)}`,
    );
    this.offset = offset;
    this.stored = stored;
    this.computed = computed;
  }
}

/**
 * A sidecar field outside its limit: a format version, a record length, repair symbols, page size...
 * @public
 */
export class SidecarLimitError extends WalFecError {
  /** The class name. */
  static override name = 'SidecarLimitError';
  /** The class name. */
  override readonly name: string = 'SidecarLimitError';
  /** The field, e.g. `'repairSymbols'` or `'recordBytes'`. */
  readonly field: string;
  /** The value found. */
  readonly observed: number;
  /** The limit it breaks, in words (`'at most 255'`). */
  readonly limit: string;
  /** Byte offset of the header or record holding the field. */
  readonly offset: number;

  /**
   * @param code - `ERR_WAL_FEC_BAD_VERSION`, `ERR_WAL_FEC_RECORD_LENGTH` or `ERR_WAL_FEC_LIMIT`
   * @param field - the field name
   * @param observed - the value found
   * @param limit - the limit, in words
   * @param offset - where the header or record starts
   */
  constructor(
    code: 'ERR_WAL_FEC_BAD_VERSION' | 'ERR_WAL_FEC_RECORD_LENGTH' | 'ERR_WAL_FEC_LIMIT',
    field: string,
    observed: number,
    limit: string,
    offset: number,
  ) {
    super(code, `sidecar ${field} at byte ${offset}: got ${observed}, expected ${limit}`);
    this.field = field;
    this.observed = observed;
    this.limit = limit;
    this.offset = offset;
  }
}

/**
 * The file given as a WAL is not one (bad magic, header checksum, page size or version).
 * @public
 */
export class NotAWalError extends WalFecError {
  /** The class name. */
  static override name = 'NotAWalError';
  /** The class name. */
  override readonly name: string = 'NotAWalError';
  /** The path that was opened. */
  readonly path: string;

  /**
   * @param path - the file opened as a WAL
   * @param reason - what was wrong with it
   * @param options - `cause`, the checksum package's header error
   */
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super('ERR_WAL_FEC_NOT_A_WAL', `${path} is not a WAL: ${reason}`, options);
    this.path = path;
  }
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
