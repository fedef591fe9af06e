import { constants } from 'node:fs';
import { open, stat, unlink } from 'node:fs/promises';
import { NodeFile } from './internal/node-file.js';
import { mapErrors, toVfsError } from './internal/node-errors.js';
import { resolveOpenOptions } from './internal/validate.js';
import type { OpenOptions, Vfs, VfsFile } from './vfs.js';

/**
 * The real file system through `node:fs/promises`, with byte-range locks that interoperate with SQLite.
 *
 * @remarks
 * Locks are Linux open-file-description locks (`fcntl(F_OFD_SETLK)`, via the `fs-native-extensions`
 * package). They belong to the open handle, so two handles in one process conflict, and they conflict
 * with the POSIX `fcntl` locks of SQLite processes: holding the database's SHARED range
 * (`0x40000002`, 510 bytes) exclusively makes `sqlite3` report "database is locked". Only Linux is
 * supported: on macOS the package takes whole-file `flock` locks and ignores the byte range.
 *
 * {@link VfsFile.lock} polls with a short backoff (1 to 25 ms) instead of a blocking wait: the blocking
 * call of the lock package occupies an OS thread that cannot be interrupted, so it could neither honour
 * an `AbortSignal` nor be cancelled by closing the handle.
 *
 * Writes of up to 1 MiB are made with a blocking `pwrite` on the event loop's thread, as SQLite
 * writes: they only copy into the page cache, which takes microseconds, while a thread-pool round
 * trip costs tens. Larger writes, reads, syncs and everything else go through the thread pool, so a
 * slow `fsync` never blocks the event loop.
 *
 * Errors become {@link VfsError}s carrying the path and the errno: `ENOENT` gives `ERR_VFS_NOT_FOUND`,
 * `EEXIST` `ERR_VFS_EXISTS`, `ENOSPC`/`EDQUOT`/`EFBIG` `ERR_VFS_NO_SPACE`, `EROFS` `ERR_VFS_READ_ONLY`,
 * anything else `ERR_VFS_IO`.
 *
 * @public
 */
export class NodeVfs implements Vfs {
  /**
   * Opens (or creates) a file with `O_RDONLY` or `O_RDWR`, plus `O_CREAT`/`O_EXCL` as asked.
   * @throws {@link VfsError} `ERR_VFS_NOT_FOUND`, `ERR_VFS_EXISTS`, `ERR_VFS_IO` (e.g. `EISDIR`, `EACCES`).
   * @throws `TypeError` if `readOnly` is combined with `create` or `exclusive`.
   */
  async open(path: string, options?: OpenOptions): Promise<VfsFile> {
    const { create, readOnly, exclusive } = resolveOpenOptions(options);
    const flags =
      (readOnly ? constants.O_RDONLY : constants.O_RDWR) |
      (create ? constants.O_CREAT : 0) |
      (exclusive ? constants.O_EXCL : 0);
    const handle = await mapErrors(path, 'open', () => open(path, flags, 0o644));
    return new NodeFile(path, handle, readOnly);
  }

  /**
   * Tells whether `path` exists (`ENOENT` and `ENOTDIR` mean no).
   * @throws {@link VfsError} `ERR_VFS_IO` for other `stat` failures.
   */
  async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw toVfsError(error, path, 'stat');
    }
  }

  /**
   * Unlinks `path`.
   * @throws {@link VfsError} `ERR_VFS_NOT_FOUND`, `ERR_VFS_IO`.
   */
  async delete(path: string): Promise<void> {
    await mapErrors(path, 'unlink', () => unlink(path));
  }
}
