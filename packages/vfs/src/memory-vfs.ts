import { VfsError } from './errors.js';
import { MemoryFile, MemoryInode } from './internal/memory-file.js';
import { checkOffset, resolveOpenOptions } from './internal/validate.js';
import type { OpenOptions, Vfs, VfsFile } from './vfs.js';

/**
 * Options of {@link MemoryVfs}.
 *
 * @public
 */
export interface MemoryVfsOptions {
  /**
   * Largest size a file may reach; a write or truncate beyond it fails with `ERR_VFS_NO_SPACE`
   * (errno `EFBIG`) instead of allocating the memory.
   * @defaultValue 1 GiB (`2 ** 30`)
   */
  readonly maxFileBytes?: number;
}

/**
 * Files in memory, with the same semantics as {@link NodeVfs}.
 *
 * @remarks
 * Paths are plain keys (no directories, no normalisation). Each open handle is its own lock owner, as
 * with OFD locks; deleting a file unlinks the name while open handles keep the old content; writes past
 * the end fill the gap with zeros. `sync` does nothing: wrap it in {@link FaultVfs} to simulate crashes.
 *
 * @public
 */
export class MemoryVfs implements Vfs {
  readonly #files = new Map<string, MemoryInode>();
  readonly #maxFileBytes: number;

  /**
   * Creates an empty file system.
   * @throws `RangeError` if `maxFileBytes` is not a non-negative safe integer.
   */
  constructor(options: MemoryVfsOptions = {}) {
    const maxFileBytes = options.maxFileBytes ?? 2 ** 30;
    checkOffset('maxFileBytes', maxFileBytes);
    this.#maxFileBytes = maxFileBytes;
  }

  /**
   * Opens (or creates) the file named `path`.
   * @throws {@link VfsError} `ERR_VFS_NOT_FOUND`, `ERR_VFS_EXISTS`.
   * @throws `TypeError` if `readOnly` is combined with `create` or `exclusive`.
   */
  async open(path: string, options?: OpenOptions): Promise<VfsFile> {
    const { create, readOnly, exclusive } = resolveOpenOptions(options);
    let inode = this.#files.get(path);
    if (inode !== undefined && exclusive) {
      throw new VfsError('ERR_VFS_EXISTS', `open failed on ${path}: file already exists`, { path, errno: 'EEXIST' });
    }
    if (inode === undefined) {
      if (!create) throw notFound('open', path);
      inode = new MemoryInode();
      this.#files.set(path, inode);
    }
    return new MemoryFile(path, inode, readOnly, this.#maxFileBytes);
  }

  /** Tells whether a file named `path` exists. */
  async exists(path: string): Promise<boolean> {
    return this.#files.has(path);
  }

  /**
   * Removes the name `path`; handles open on it keep working on the unlinked content.
   * @throws {@link VfsError} `ERR_VFS_NOT_FOUND`.
   */
  async delete(path: string): Promise<void> {
    if (!this.#files.delete(path)) throw notFound('unlink', path);
  }
}

function notFound(operation: string, path: string): VfsError {
  return new VfsError('ERR_VFS_NOT_FOUND', `${operation} failed on ${path}: no such file`, { path, errno: 'ENOENT' });
}
