import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { NodeVfs, VfsError, type LockMode, type LockOptions, type OpenOptions, type SyncMode, type Vfs, type VfsFile } from '@litewal/vfs';

/**
 * The vfs the database's wal-index connections use. On the real file system (a `NodeVfs`), a
 * `-shm` file is read and written with synchronous calls on a descriptor of its own, while its
 * locks stay on the `NodeVfs` handle (Linux OFD locks, shared with SQLite processes): SQLite maps
 * the wal-index into memory and never waits for it, and its many small reads and writes (a
 * publish writes a few bytes per frame) cost about 2 µs each this way instead of about 30 µs
 * through the thread pool. Any other vfs (a `MemoryVfs`, a `FaultVfs` in tests) is used as it is.
 */
export function sharedMemoryVfs(vfs: Vfs): Vfs {
  if (!(vfs instanceof NodeVfs)) return vfs;
  return {
    open: async (path, options) => (path.endsWith('-shm') ? SyncShmFile.open(vfs, path, options) : vfs.open(path, options)),
    exists: (path) => vfs.exists(path),
    delete: (path) => vfs.delete(path),
  };
}

/** A `-shm` file: synchronous I/O on `fd`, locks (and sync) through the `NodeVfs` handle. */
class SyncShmFile implements VfsFile {
  readonly path: string;
  readonly #locks: VfsFile;
  readonly #fd: number;
  #closed = false;

  private constructor(path: string, locks: VfsFile, fd: number) {
    this.path = path;
    this.#locks = locks;
    this.#fd = fd;
  }

  static async open(vfs: Vfs, path: string, options: OpenOptions | undefined): Promise<SyncShmFile> {
    const locks = await vfs.open(path, options);
    try {
      return new SyncShmFile(path, locks, openSync(path, options?.readOnly === true ? 'r' : 'r+'));
    } catch (error) {
      await locks.close();
      throw vfsError(error, path, 'open');
    }
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    this.#check();
    try {
      let done = 0;
      while (done < buffer.length) {
        const n = readSync(this.#fd, buffer, done, buffer.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    } catch (error) {
      throw vfsError(error, this.path, 'read');
    }
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    this.#check();
    this.#writeNow(data, position);
  }

  async size(): Promise<number> {
    this.#check();
    try {
      return fstatSync(this.#fd).size;
    } catch (error) {
      throw vfsError(error, this.path, 'stat');
    }
  }

  async truncate(size: number): Promise<void> {
    this.#check();
    try {
      ftruncateSync(this.#fd, size);
    } catch (error) {
      throw vfsError(error, this.path, 'truncate');
    }
  }

  async sync(mode?: SyncMode): Promise<void> {
    this.#check();
    await this.#locks.sync(mode);
  }

  async tryLock(offset: number, length: number, mode: LockMode): Promise<boolean> {
    this.#check();
    return this.#locks.tryLock(offset, length, mode);
  }

  async lock(offset: number, length: number, mode: LockMode, options?: LockOptions): Promise<void> {
    this.#check();
    await this.#locks.lock(offset, length, mode, options);
  }

  async unlock(offset: number, length: number): Promise<void> {
    this.#check();
    await this.#locks.unlock(offset, length);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      closeSync(this.#fd);
    } finally {
      await this.#locks.close();
    }
  }

  #writeNow(data: Uint8Array, position: number): void {
    try {
      let done = 0;
      while (done < data.length) done += writeSync(this.#fd, data, done, data.length - done, position + done);
    } catch (error) {
      throw vfsError(error, this.path, 'write');
    }
  }

  #check(): void {
    if (this.#closed) throw new VfsError('ERR_VFS_CLOSED', `file handle for ${this.path} is closed`, { path: this.path });
  }
}

/** A `node:fs` error as the {@link VfsError} a `NodeVfs` would raise. */
function vfsError(error: unknown, path: string, operation: string): VfsError {
  const errno = (error as { code?: unknown } | null)?.code;
  const code = errno === 'ENOSPC' || errno === 'EDQUOT' || errno === 'EFBIG' ? 'ERR_VFS_NO_SPACE' : errno === 'ENOENT' ? 'ERR_VFS_NOT_FOUND' : 'ERR_VFS_IO';
  return new VfsError(code, `${operation} failed on ${path}: ${error instanceof Error ? error.message : String(error)}`, {
    path,
    cause: error,
    ...(typeof errno === 'string' ? { errno } : {}),
  });
}
