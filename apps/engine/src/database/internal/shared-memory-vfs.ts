import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { NodeVfs, VfsError, type LockMode, type LockOptions, type OpenOptions, type SyncMode, type Vfs, type VfsFile } from '@litewal/vfs';
import { WAL_INDEX_HEADER_REGION_BYTES } from '@litewal/wal-index';

/**
 * The vfs the database's wal-index connections use. On the real file system (a `NodeVfs`), a
 * `-shm` file is read and written with synchronous calls on a descriptor of its own, while its
 * locks stay on the `NodeVfs` handle (Linux OFD locks, shared with SQLite processes): SQLite maps
 * the wal-index into memory and never waits for it, and its many small reads and writes (a
 * publish writes a few bytes per frame) cost about 2 µs each this way instead of about 30 µs
 * through the thread pool. Any other vfs (a `MemoryVfs`, a `FaultVfs` in tests) is used as it is.
 *
 * Writes into a hash segment are also coalesced: a publish reads a segment, then writes each run
 * of changed bytes (a few bytes per frame: one page-number entry, one hash slot). A write that
 * lands inside the range of the read just before it (with only such writes in between) is applied
 * to a copy of what that read returned, and before any other call on the file (a read, a header
 * write, a lock change...) the copy's dirty ranges go out, ranges less than
 * {@link MERGE_GAP_BYTES} apart as one write. The bytes between them are the ones just read, and no other connection changes hash segments
 * meanwhile: only the holder of SQLite's WAL_WRITE lock writes them, and a connection writes them
 * only while holding it. Header bytes (the first 136) are never deferred, so every hash entry is
 * in the file before the header that makes it visible, as SQLite orders them.
 */
export function sharedMemoryVfs(vfs: Vfs): Vfs {
  if (!(vfs instanceof NodeVfs)) return vfs;
  return {
    open: async (path, options) => (path.endsWith('-shm') ? SyncShmFile.open(vfs, path, options) : vfs.open(path, options)),
    exists: (path) => vfs.exists(path),
    delete: (path) => vfs.delete(path),
  };
}

/** Dirty ranges of a segment closer than this are written as one (rewriting the bytes between them costs less than a call). */
const MERGE_GAP_BYTES = 1024;

/** A `-shm` file: synchronous I/O on `fd`, locks (and sync) through the `NodeVfs` handle. */
class SyncShmFile implements VfsFile {
  readonly path: string;
  readonly #locks: VfsFile;
  readonly #fd: number;
  /** What the last read returned, while only coalesced writes followed it. */
  #image: { readonly position: number; readonly bytes: Uint8Array } | null = null;
  /** Dirty ranges `[from, to)` of the image, relative to its position, in write order. */
  readonly #dirty: [number, number][] = [];
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
    this.#settle();
    try {
      let done = 0;
      while (done < buffer.length) {
        const n = readSync(this.#fd, buffer, done, buffer.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      this.#image = { position, bytes: buffer.slice(0, done) };
      return done;
    } catch (error) {
      throw vfsError(error, this.path, 'read');
    }
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    this.#check();
    const image = this.#image;
    const at = position - (image?.position ?? 0);
    if (image !== null && position >= WAL_INDEX_HEADER_REGION_BYTES && at >= 0 && at + data.length <= image.bytes.length) {
      image.bytes.set(data, at);
      this.#dirty.push([at, at + data.length]);
      return;
    }
    this.#settle();
    this.#writeNow(data, position);
  }

  async size(): Promise<number> {
    this.#settle();
    try {
      return fstatSync(this.#fd).size;
    } catch (error) {
      throw vfsError(error, this.path, 'stat');
    }
  }

  async truncate(size: number): Promise<void> {
    this.#settle();
    try {
      ftruncateSync(this.#fd, size);
    } catch (error) {
      throw vfsError(error, this.path, 'truncate');
    }
  }

  async sync(mode?: SyncMode): Promise<void> {
    this.#settle();
    await this.#locks.sync(mode);
  }

  async tryLock(offset: number, length: number, mode: LockMode): Promise<boolean> {
    this.#settle();
    return this.#locks.tryLock(offset, length, mode);
  }

  async lock(offset: number, length: number, mode: LockMode, options?: LockOptions): Promise<void> {
    this.#settle();
    await this.#locks.lock(offset, length, mode, options);
  }

  async unlock(offset: number, length: number): Promise<void> {
    this.#settle();
    await this.#locks.unlock(offset, length);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#settle();
    } finally {
      this.#closed = true;
      try {
        closeSync(this.#fd);
      } finally {
        await this.#locks.close();
      }
    }
  }

  /** Before any call other than a coalesced write: writes the coalesced bytes and forgets the last read. */
  #settle(): void {
    this.#check();
    const image = this.#image;
    this.#image = null;
    if (image === null || this.#dirty.length === 0) return;
    const ranges = this.#dirty.splice(0).sort((a, b) => a[0] - b[0]);
    let [from, to] = ranges[0] as [number, number];
    for (const [start, end] of ranges) {
      if (start - to < MERGE_GAP_BYTES) {
        to = Math.max(to, end);
        continue;
      }
      this.#writeNow(image.bytes.subarray(from, to), image.position + from);
      [from, to] = [start, end];
    }
    this.#writeNow(image.bytes.subarray(from, to), image.position + from);
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
