import type { LockMode, LockOptions, SyncMode, SyncOptions, VfsFile } from '@litewal/vfs';

/**
 * A {@link VfsFile} that passes every call, arguments unchanged, to `inner`. Test wrappers extend it
 * and override only the calls they record, delay or fail, calling `super` to pass them on.
 *
 * @public
 */
export class ForwardingFile implements VfsFile {
  constructor(protected readonly inner: VfsFile) {}

  get path(): string {
    return this.inner.path;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.inner.read(buffer, position);
  }

  write(data: Uint8Array, position: number): Promise<void> {
    return this.inner.write(data, position);
  }

  size(): Promise<number> {
    return this.inner.size();
  }

  truncate(size: number): Promise<void> {
    return this.inner.truncate(size);
  }

  sync(mode?: SyncMode, options?: SyncOptions): Promise<void> {
    return this.inner.sync(mode, options);
  }

  tryLock(offset: number, length: number, mode: LockMode): Promise<boolean> {
    return this.inner.tryLock(offset, length, mode);
  }

  lock(offset: number, length: number, mode: LockMode, options?: LockOptions): Promise<void> {
    return this.inner.lock(offset, length, mode, options);
  }

  unlock(offset: number, length: number): Promise<void> {
    return this.inner.unlock(offset, length);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
