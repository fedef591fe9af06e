/**
 * Closed set of error codes thrown by `@litewal/vfs`.
 *
 * @remarks
 * - `ERR_VFS_NOT_FOUND`: the file does not exist (`ENOENT`).
 * - `ERR_VFS_EXISTS`: an exclusive create found the file already there (`EEXIST`).
 * - `ERR_VFS_NO_SPACE`: the device is full or the file would exceed its size limit (`ENOSPC`, `EDQUOT`, `EFBIG`).
 * - `ERR_VFS_IO`: any other operating-system failure (`EIO`, `EISDIR`, `EACCES`, ...); see {@link VfsError.errno}.
 * - `ERR_VFS_CLOSED`: the file handle was already closed.
 * - `ERR_VFS_CRASHED`: the handle belongs to a {@link FaultVfs} that has crashed since it was opened.
 * - `ERR_VFS_READ_ONLY`: a write, truncate or exclusive lock on a handle opened read-only (or `EROFS`).
 * - `ERR_VFS_SHORT_WRITE`: only a prefix of the data was written; see {@link ShortWriteError}.
 * - `ERR_VFS_ABORTED`: a lock wait was cancelled through its `AbortSignal`.
 * - `ERR_VFS_LOCK_TABLE_FORMAT`: a line of the lock table read by {@link queryLocks} is not in
 *   `/proc/locks` format, or is longer than {@link MAX_LOCK_LINE_BYTES}; see {@link LockTableError}.
 * - `ERR_VFS_LOCK_TABLE_LIMIT`: more than {@link MAX_LOCK_RECORDS} locks on the queried file; see
 *   {@link LockTableError}.
 *
 * @public
 */
export type VfsErrorCode =
  | 'ERR_VFS_NOT_FOUND'
  | 'ERR_VFS_EXISTS'
  | 'ERR_VFS_NO_SPACE'
  | 'ERR_VFS_IO'
  | 'ERR_VFS_CLOSED'
  | 'ERR_VFS_CRASHED'
  | 'ERR_VFS_READ_ONLY'
  | 'ERR_VFS_SHORT_WRITE'
  | 'ERR_VFS_ABORTED'
  | 'ERR_VFS_LOCK_TABLE_FORMAT'
  | 'ERR_VFS_LOCK_TABLE_LIMIT';

/**
 * Details attached to a {@link VfsError}.
 *
 * @public
 */
export interface VfsErrorOptions extends ErrorOptions {
  /** Path of the file the failed operation was about. */
  readonly path?: string;
  /** POSIX error name reported by the operating system (or simulated), e.g. `'EIO'`. */
  readonly errno?: string;
}

/**
 * Base class of every error thrown by a {@link Vfs} or {@link VfsFile} for a failed operation.
 *
 * @remarks
 * Branch on {@link VfsError.code}, not on `instanceof` alone. Programmer errors (bad arguments) are
 * built-in `RangeError`/`TypeError` instead.
 *
 * @public
 */
export class VfsError extends Error {
  /** Class name, kept through minification. */
  static override name = 'VfsError';
  /** Class name of this error. */
  override readonly name: string = 'VfsError';
  /** What went wrong; stable across versions (changes only through a changeset). */
  readonly code: VfsErrorCode;
  /** Path of the file the failed operation was about, when known. */
  readonly path: string | undefined;
  /** POSIX error name (`'ENOENT'`, `'EIO'`, ...) when the failure came from (or simulates) the operating system. */
  readonly errno: string | undefined;

  /**
   * Creates an error.
   * @param code - What went wrong.
   * @param message - Human-readable description with the observed values.
   * @param options - Path, errno and cause.
   */
  constructor(code: VfsErrorCode, message: string, options?: VfsErrorOptions) {
    super(message, options);
    this.code = code;
    this.path = options?.path;
    this.errno = options?.errno;
  }
}

/**
 * A write stored only a prefix of its data before failing (code `ERR_VFS_SHORT_WRITE`).
 *
 * @remarks
 * The first {@link ShortWriteError.bytesWritten} bytes really reached the file; the rest did not.
 *
 * @public
 */
export class ShortWriteError extends VfsError {
  /** Class name, kept through minification. */
  static override name = 'ShortWriteError';
  /** Class name of this error. */
  override readonly name: string = 'ShortWriteError';
  /** File offset of the write. */
  readonly position: number;
  /** Number of bytes at the start of the data that reached the file. */
  readonly bytesWritten: number;
  /** Number of bytes the write was asked to store. */
  readonly bytesRequested: number;

  /**
   * Creates an error.
   * @param path - The file written to.
   * @param position - File offset of the write.
   * @param bytesWritten - Length of the prefix that was written.
   * @param bytesRequested - Length of the whole write.
   * @param options - errno and cause.
   */
  constructor(
    path: string,
    position: number,
    bytesWritten: number,
    bytesRequested: number,
    options?: VfsErrorOptions,
  ) {
    super(
      'ERR_VFS_SHORT_WRITE',
      `short write to ${path} at offset ${position}: wrote ${bytesWritten} of ${bytesRequested} bytes`,
      { ...options, path },
    );
    this.position = position;
    this.bytesWritten = bytesWritten;
    this.bytesRequested = bytesRequested;
  }
}

/**
 * The lock table read by {@link queryLocks} could not be used: a line that is not in `/proc/locks`
 * format or too long (`ERR_VFS_LOCK_TABLE_FORMAT`), or more locks on the file than the query keeps
 * (`ERR_VFS_LOCK_TABLE_LIMIT`).
 *
 * @public
 */
export class LockTableError extends VfsError {
  /** Class name, kept through minification. */
  static override name = 'LockTableError';
  /** Class name of this error. */
  override readonly name: string = 'LockTableError';
  /** 1-based number of the line that failed, or of the line that went past the limit. */
  readonly line: number;

  /**
   * Creates an error.
   * @param code - `ERR_VFS_LOCK_TABLE_FORMAT` or `ERR_VFS_LOCK_TABLE_LIMIT`.
   * @param table - Path of the lock table (normally `/proc/locks`).
   * @param line - 1-based line number.
   * @param message - What was observed and the limit.
   */
  constructor(code: 'ERR_VFS_LOCK_TABLE_FORMAT' | 'ERR_VFS_LOCK_TABLE_LIMIT', table: string, line: number, message: string) {
    super(code, `${table} line ${line}: ${message}`, { path: table });
    this.line = line;
  }
}
