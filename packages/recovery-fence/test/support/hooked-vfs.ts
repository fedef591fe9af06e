import type { LockMode, LockOptions, OpenOptions, SyncMode, Vfs, VfsFile } from '@litewal/vfs';

/** Called before each write or sync of a file opened through a {@link HookedVfs}; may delay or fail it. */
export type Hook = (operation: 'write' | 'sync', path: string, length: number) => Promise<void>;

/** A {@link Vfs} whose files run a hook before each write and sync, to pause or observe them. */
export class HookedVfs implements Vfs {
  readonly #inner: Vfs;
  /** The hook; none by default. */
  hook: Hook | undefined;

  constructor(inner: Vfs) {
    this.#inner = inner;
  }

  async open(path: string, options?: OpenOptions): Promise<VfsFile> {
    return new HookedFile(await this.#inner.open(path, options), this);
  }

  exists(path: string): Promise<boolean> {
    return this.#inner.exists(path);
  }

  delete(path: string): Promise<void> {
    return this.#inner.delete(path);
  }
}

class HookedFile implements VfsFile {
  readonly path: string;
  readonly #inner: VfsFile;
  readonly #vfs: HookedVfs;

  constructor(inner: VfsFile, vfs: HookedVfs) {
    this.path = inner.path;
    this.#inner = inner;
    this.#vfs = vfs;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.#inner.read(buffer, position);
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    await this.#vfs.hook?.('write', this.path, data.length);
    await this.#inner.write(data, position);
  }

  size(): Promise<number> {
    return this.#inner.size();
  }

  truncate(size: number): Promise<void> {
    return this.#inner.truncate(size);
  }

  async sync(mode?: SyncMode): Promise<void> {
    await this.#vfs.hook?.('sync', this.path, 0);
    await this.#inner.sync(mode);
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
