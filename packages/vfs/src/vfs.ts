/**
 * Mode of a byte-range lock: many `shared` holders, or one `exclusive` holder.
 *
 * @public
 */
export type LockMode = 'shared' | 'exclusive';

/**
 * How much {@link VfsFile.sync} makes durable: `full` = data and metadata (`fsync`), `data` = data and
 * the metadata needed to read it back, such as the size (`fdatasync`).
 *
 * @public
 */
export type SyncMode = 'full' | 'data';

/**
 * Options of {@link VfsFile.sync}.
 * @public
 */
export interface SyncOptions {
  /**
   * Make the sync with a blocking system call on the caller's thread instead of the thread pool:
   * it saves the pool's round trip (tens of microseconds) but stops the event loop for as long as
   * the disk takes, so callers should ask for it only when syncs are known to be fast.
   * @defaultValue false
   */
  readonly blocking?: boolean;
}

/**
 * Options of {@link Vfs.open}.
 *
 * @public
 */
export interface OpenOptions {
  /**
   * Create the file (empty) if it does not exist.
   * @defaultValue false
   */
  readonly create?: boolean;
  /**
   * Open for reading only: writes, truncates and exclusive locks then fail with `ERR_VFS_READ_ONLY`.
   * Cannot be combined with `create` or `exclusive`.
   * @defaultValue false
   */
  readonly readOnly?: boolean;
  /**
   * Create the file and fail with `ERR_VFS_EXISTS` if it already exists (implies `create`).
   * @defaultValue false
   */
  readonly exclusive?: boolean;
}

/**
 * Options of {@link VfsFile.lock}.
 *
 * @public
 */
export interface LockOptions {
  /**
   * Cancels the wait: the call then rejects with `ERR_VFS_ABORTED` and holds no new lock.
   * @defaultValue undefined (wait until the lock is granted or the handle is closed)
   */
  readonly signal?: AbortSignal;
}

/**
 * An open file: positional reads and writes, size, truncate, sync, byte-range locks and close.
 *
 * @remarks
 * Locks follow POSIX / Linux open-file-description (OFD) rules: each open `VfsFile` is its own lock
 * owner (two handles on one file conflict even in one process); locking a range the handle already
 * holds changes its mode in place (upgrade/downgrade) and never conflicts with itself; unlocking part
 * of a range splits it; a failed attempt leaves the handle's existing locks as they were; closing the
 * handle releases all of its locks. Offsets and lengths are non-negative safe integers, otherwise the
 * call rejects with `RangeError`.
 *
 * @public
 */
export interface VfsFile {
  /** The path this file was opened with. */
  readonly path: string;
  /**
   * Reads up to `buffer.length` bytes at `position` into `buffer`.
   * @returns The number of bytes read: less than `buffer.length` only at the end of the file, 0 at or past it.
   * @throws {@link VfsError} `ERR_VFS_IO`, `ERR_VFS_CLOSED`, `ERR_VFS_CRASHED`.
   * @throws `RangeError` if `position` is not a non-negative safe integer.
   */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /**
   * Writes all of `data` at `position` (looping on short writes), growing the file with zeros if
   * `position` is past its end. After a failed write the content of the range is unspecified.
   * @throws {@link VfsError} `ERR_VFS_NO_SPACE`, `ERR_VFS_IO`, `ERR_VFS_READ_ONLY`, `ERR_VFS_CLOSED`,
   * `ERR_VFS_CRASHED`; {@link ShortWriteError} when only a prefix was written.
   * @throws `RangeError` if `position` is not a non-negative safe integer.
   */
  write(data: Uint8Array, position: number): Promise<void>;
  /**
   * Returns the current size of the file in bytes.
   * @throws {@link VfsError} `ERR_VFS_IO`, `ERR_VFS_CLOSED`, `ERR_VFS_CRASHED`.
   */
  size(): Promise<number>;
  /**
   * Sets the size of the file: shrinking discards the tail, growing appends zeros.
   * @throws {@link VfsError} `ERR_VFS_NO_SPACE`, `ERR_VFS_IO`, `ERR_VFS_READ_ONLY`, `ERR_VFS_CLOSED`,
   * `ERR_VFS_CRASHED`.
   * @throws `RangeError` if `size` is not a non-negative safe integer.
   */
  truncate(size: number): Promise<void>;
  /**
   * Makes everything written to the file so far (through any handle) durable.
   * @param mode - `full` (`fsync`, the default) or `data` (`fdatasync`).
   * @param options - `blocking: true` asks for the call to be made on the caller's thread (see
   * {@link SyncOptions}); implementations without such a call ignore it.
   * @throws {@link VfsError} `ERR_VFS_IO`, `ERR_VFS_NO_SPACE`, `ERR_VFS_CLOSED`, `ERR_VFS_CRASHED`.
   * @throws `TypeError` if `mode` is not `'full'` or `'data'`.
   */
  sync(mode?: SyncMode, options?: SyncOptions): Promise<void>;
  /**
   * Takes a byte-range lock on `[offset, offset + length)` if no other owner holds a conflicting one.
   * @returns `true` if the lock is now held, `false` if another owner (handle or process) holds a conflicting lock.
   * @throws {@link VfsError} `ERR_VFS_READ_ONLY` for an exclusive lock on a read-only handle, `ERR_VFS_IO`,
   * `ERR_VFS_CLOSED`, `ERR_VFS_CRASHED`.
   * @throws `RangeError` if `offset` is negative or `length` is not at least 1; `TypeError` for an unknown `mode`.
   */
  tryLock(offset: number, length: number, mode: LockMode): Promise<boolean>;
  /**
   * Takes a byte-range lock like {@link VfsFile.tryLock}, waiting until conflicting locks are released.
   * @throws {@link VfsError} `ERR_VFS_ABORTED` when `options.signal` aborts, and as {@link VfsFile.tryLock}.
   * @throws `RangeError`/`TypeError` as {@link VfsFile.tryLock}.
   */
  lock(offset: number, length: number, mode: LockMode, options?: LockOptions): Promise<void>;
  /**
   * Releases this handle's locks within `[offset, offset + length)`; parts of the range that hold no lock are ignored.
   * @throws {@link VfsError} `ERR_VFS_IO`, `ERR_VFS_CLOSED`, `ERR_VFS_CRASHED`.
   * @throws `RangeError` as {@link VfsFile.tryLock}.
   */
  unlock(offset: number, length: number): Promise<void>;
  /**
   * Closes the handle and releases its locks. Closing again, or closing a crashed handle, does nothing.
   * @throws {@link VfsError} `ERR_VFS_IO`.
   */
  close(): Promise<void>;
}

/**
 * A file system: opens files, tests for existence, deletes.
 *
 * @public
 */
export interface Vfs {
  /**
   * Opens a file.
   * @throws {@link VfsError} `ERR_VFS_NOT_FOUND` (missing and not `create`), `ERR_VFS_EXISTS`
   * (`exclusive`), `ERR_VFS_IO`.
   * @throws `TypeError` if `readOnly` is combined with `create` or `exclusive`.
   */
  open(path: string, options?: OpenOptions): Promise<VfsFile>;
  /**
   * Tells whether a file exists at `path`.
   * @throws {@link VfsError} `ERR_VFS_IO` if the answer cannot be determined.
   */
  exists(path: string): Promise<boolean>;
  /**
   * Deletes the file at `path`. Handles already open on it keep working on the unlinked file.
   * @throws {@link VfsError} `ERR_VFS_NOT_FOUND`, `ERR_VFS_IO`.
   */
  delete(path: string): Promise<void>;
}
