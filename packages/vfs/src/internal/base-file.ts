import { VfsError } from '../errors.js';
import type { LockMode, LockOptions, SyncMode, SyncOptions, VfsFile } from '../vfs.js';
import { waitForLock } from './lock-wait.js';
import { checkBytes, checkLockMode, checkOffset, checkRange, checkSyncMode } from './validate.js';

/**
 * Shared front of every {@link VfsFile} implementation: argument validation, the closed/crashed and
 * read-only checks and the lock wait live here, so all implementations reject the same inputs the same
 * way (arguments are checked before the handle's state). Subclasses implement the operations on
 * already-validated arguments.
 */
export abstract class BaseFile implements VfsFile {
  #dead: 'closed' | 'crashed' | undefined;

  constructor(
    readonly path: string,
    protected readonly readOnly: boolean,
  ) {}

  protected abstract readAt(buffer: Uint8Array, position: number): Promise<number>;
  protected abstract writeAt(data: Uint8Array, position: number): Promise<void>;
  protected abstract sizeNow(): Promise<number>;
  protected abstract truncateTo(size: number): Promise<void>;
  protected abstract syncNow(mode: SyncMode, blocking: boolean): Promise<void>;
  protected abstract tryLockRange(offset: number, length: number, mode: LockMode): Promise<boolean>;
  protected abstract unlockRange(offset: number, length: number): Promise<void>;
  protected abstract closeNow(): Promise<void>;

  async read(buffer: Uint8Array, position: number): Promise<number> {
    checkBytes('buffer', buffer);
    checkOffset('position', position);
    this.#checkUsable();
    return this.readAt(buffer, position);
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    checkBytes('data', data);
    checkOffset('position', position);
    this.#checkWritable('write');
    return this.writeAt(data, position);
  }

  async size(): Promise<number> {
    this.#checkUsable();
    return this.sizeNow();
  }

  async truncate(size: number): Promise<void> {
    checkOffset('size', size);
    this.#checkWritable('truncate');
    return this.truncateTo(size);
  }

  async sync(mode: SyncMode = 'full', options: SyncOptions = {}): Promise<void> {
    checkSyncMode(mode);
    this.#checkUsable();
    return this.syncNow(mode, options.blocking === true);
  }

  async tryLock(offset: number, length: number, mode: LockMode): Promise<boolean> {
    checkRange(offset, length);
    checkLockMode(mode);
    if (mode === 'exclusive') this.#checkWritable('exclusive lock');
    else this.#checkUsable();
    return this.tryLockRange(offset, length, mode);
  }

  async lock(offset: number, length: number, mode: LockMode, options: LockOptions = {}): Promise<void> {
    checkRange(offset, length);
    checkLockMode(mode);
    return waitForLock(this.path, () => this.tryLock(offset, length, mode), options.signal);
  }

  async unlock(offset: number, length: number): Promise<void> {
    checkRange(offset, length);
    this.#checkUsable();
    return this.unlockRange(offset, length);
  }

  async close(): Promise<void> {
    if (this.#dead !== undefined) return;
    this.#dead = 'closed';
    return this.closeNow();
  }

  /** Marks the handle dead after a simulated crash; later calls fail with `ERR_VFS_CRASHED`. */
  protected markCrashed(): void {
    this.#dead ??= 'crashed';
  }

  #checkUsable(): void {
    if (this.#dead === 'closed') {
      throw new VfsError('ERR_VFS_CLOSED', `file handle for ${this.path} is closed`, { path: this.path });
    }
    if (this.#dead === 'crashed') {
      throw new VfsError('ERR_VFS_CRASHED', `file handle for ${this.path} did not survive a simulated crash`, {
        path: this.path,
      });
    }
  }

  #checkWritable(operation: string): void {
    this.#checkUsable();
    if (this.readOnly) {
      throw new VfsError('ERR_VFS_READ_ONLY', `${operation} on ${this.path}: the file was opened read-only`, {
        path: this.path,
      });
    }
  }
}
