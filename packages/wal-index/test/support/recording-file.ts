import type { LockMode, LockOptions, SyncMode, VfsFile } from '@litewal/vfs';

/** A VfsFile that passes every call through and records the position and length of each write. */
export class RecordingFile implements VfsFile {
  readonly writes: Array<{ readonly position: number; readonly length: number }> = [];
  readonly #inner: VfsFile;

  constructor(inner: VfsFile) {
    this.#inner = inner;
  }

  get path(): string {
    return this.#inner.path;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.#inner.read(buffer, position);
  }

  write(data: Uint8Array, position: number): Promise<void> {
    this.writes.push({ position, length: data.length });
    return this.#inner.write(data, position);
  }

  size(): Promise<number> {
    return this.#inner.size();
  }

  truncate(size: number): Promise<void> {
    return this.#inner.truncate(size);
  }

  sync(mode?: SyncMode): Promise<void> {
    return this.#inner.sync(mode);
  }

  tryLock(offset: number, length: number, mode: LockMode): Promise<boolean> {
    return this.#inner.tryLock(offset, length, mode);
  }

  lock(offset: number, length: number, mode: LockMode, options?: LockOptions): Promise<void> {
    return this.#inner.lock(offset, length, mode, options);
  }

  unlock(offset: number, length: number): Promise<void> {
    return this.#inner.unlock(offset, length);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
