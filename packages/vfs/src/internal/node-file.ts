import { fdatasyncSync, fsyncSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { VfsError } from '../errors.js';
import type { LockMode, SyncMode } from '../vfs.js';
import { BaseFile } from './base-file.js';
import { tryLockFd, unlockFd } from './native-locks.js';
import { mapErrors, toVfsError } from './node-errors.js';

/**
 * Writes up to this size are made with a blocking `pwrite`: they only copy into the page cache (a
 * few microseconds for a commit group), while a thread-pool round trip costs about 26 µs and
 * leaves the event loop idle anyway. Larger writes (checkpoint batches) go through the thread pool.
 */
const BLOCKING_WRITE_MAX_BYTES = 1 << 20;

/** A {@link VfsFile} over a `node:fs/promises` FileHandle, with OFD byte-range locks on its descriptor. */
export class NodeFile extends BaseFile {
  readonly #handle: FileHandle;

  constructor(path: string, handle: FileHandle, readOnly: boolean) {
    super(path, readOnly);
    this.#handle = handle;
  }

  protected readAt(buffer: Uint8Array, position: number): Promise<number> {
    return mapErrors(this.path, 'read', async () => {
      let total = 0;
      while (total < buffer.length) {
        const { bytesRead } = await this.#handle.read(buffer, total, buffer.length - total, position + total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      return total;
    });
  }

  protected writeAt(data: Uint8Array, position: number): Promise<void> {
    if (data.length <= BLOCKING_WRITE_MAX_BYTES) return this.#writeNow(data, position);
    return mapErrors(this.path, 'write', async () => {
      let total = 0;
      while (total < data.length) {
        const { bytesWritten } = await this.#handle.write(data, total, data.length - total, position + total);
        // pwrite(2) on a regular file returns 0 only if asked for 0 bytes; refuse to spin if it ever does.
        if (bytesWritten === 0) {
          throw new VfsError('ERR_VFS_IO', `write to ${this.path} at ${position + total} made no progress`, {
            path: this.path,
          });
        }
        total += bytesWritten;
      }
    });
  }

  // Synchronous after BaseFile's closed check, like the lock calls below.
  async #writeNow(data: Uint8Array, position: number): Promise<void> {
    try {
      let total = 0;
      while (total < data.length) {
        const written = writeSync(this.#handle.fd, data, total, data.length - total, position + total);
        if (written === 0) throw new VfsError('ERR_VFS_IO', `write to ${this.path} at ${position + total} made no progress`, { path: this.path });
        total += written;
      }
    } catch (error) {
      throw error instanceof VfsError ? error : toVfsError(error, this.path, 'write');
    }
  }

  protected sizeNow(): Promise<number> {
    return mapErrors(this.path, 'stat', async () => (await this.#handle.stat()).size);
  }

  protected truncateTo(size: number): Promise<void> {
    return mapErrors(this.path, 'truncate', () => this.#handle.truncate(size));
  }

  protected syncNow(mode: SyncMode, blocking: boolean): Promise<void> {
    if (blocking) return this.#syncHere(mode);
    return mapErrors(this.path, mode === 'full' ? 'fsync' : 'fdatasync', () =>
      mode === 'full' ? this.#handle.sync() : this.#handle.datasync(),
    );
  }

  // Synchronous after BaseFile's closed check, like #writeNow.
  async #syncHere(mode: SyncMode): Promise<void> {
    try {
      if (mode === 'full') fsyncSync(this.#handle.fd);
      else fdatasyncSync(this.#handle.fd);
    } catch (error) {
      throw toVfsError(error, this.path, mode === 'full' ? 'fsync' : 'fdatasync');
    }
  }

  // Both lock calls are synchronous after BaseFile's closed check, so the descriptor cannot have been
  // closed (and its number reused) in between.
  protected async tryLockRange(offset: number, length: number, mode: LockMode): Promise<boolean> {
    try {
      return tryLockFd(this.#handle.fd, offset, length, mode === 'shared');
    } catch (error) {
      throw toVfsError(error, this.path, 'lock');
    }
  }

  protected async unlockRange(offset: number, length: number): Promise<void> {
    try {
      unlockFd(this.#handle.fd, offset, length);
    } catch (error) {
      throw toVfsError(error, this.path, 'unlock');
    }
  }

  protected closeNow(): Promise<void> {
    return mapErrors(this.path, 'close', () => this.#handle.close());
  }
}
