import { VfsError } from '../errors.js';
import type { LockMode } from '../vfs.js';
import { BaseFile } from './base-file.js';
import { GrowableBytes } from './growable-bytes.js';
import { LockTable } from './lock-table.js';

/** One in-memory file (an inode): content and lock table, shared by every handle open on it. */
export class MemoryInode {
  readonly bytes = new GrowableBytes();
  readonly locks = new LockTable();
}

/** A {@link VfsFile} on a {@link MemoryInode}; the handle object itself is the lock owner. */
export class MemoryFile extends BaseFile {
  readonly #inode: MemoryInode;
  readonly #maxFileBytes: number;

  constructor(path: string, inode: MemoryInode, readOnly: boolean, maxFileBytes: number) {
    super(path, readOnly);
    this.#inode = inode;
    this.#maxFileBytes = maxFileBytes;
  }

  protected async readAt(buffer: Uint8Array, position: number): Promise<number> {
    return this.#inode.bytes.read(buffer, position);
  }

  protected async writeAt(data: Uint8Array, position: number): Promise<void> {
    if (data.length > 0) this.#checkLimit(position + data.length);
    this.#inode.bytes.write(data, position);
  }

  protected async sizeNow(): Promise<number> {
    return this.#inode.bytes.length;
  }

  protected async truncateTo(size: number): Promise<void> {
    this.#checkLimit(size);
    this.#inode.bytes.truncate(size);
  }

  protected async syncNow(): Promise<void> {
    // Memory is as durable as it gets; FaultVfs simulates what a sync means.
  }

  protected async tryLockRange(offset: number, length: number, mode: LockMode): Promise<boolean> {
    return this.#inode.locks.tryLock(this, offset, offset + length, mode);
  }

  protected async unlockRange(offset: number, length: number): Promise<void> {
    this.#inode.locks.unlock(this, offset, offset + length);
  }

  protected async closeNow(): Promise<void> {
    this.#inode.locks.releaseAll(this);
  }

  #checkLimit(size: number): void {
    if (size > this.#maxFileBytes) {
      throw new VfsError(
        'ERR_VFS_NO_SPACE',
        `${this.path} would grow to ${size} bytes, more than the limit of ${this.#maxFileBytes}`,
        { path: this.path, errno: 'EFBIG' },
      );
    }
  }
}
