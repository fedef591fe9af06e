import type { OpenOptions, SyncMode, SyncOptions, Vfs, VfsFile } from '@litewal/vfs';
import { ForwardingFile } from '@litewal/vfs-fixtures';

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

class HookedFile extends ForwardingFile {
  readonly #vfs: HookedVfs;

  constructor(inner: VfsFile, vfs: HookedVfs) {
    super(inner);
    this.#vfs = vfs;
  }

  override async write(data: Uint8Array, position: number): Promise<void> {
    await this.#vfs.hook?.('write', this.path, data.length);
    await super.write(data, position);
  }

  override async sync(mode?: SyncMode, options?: SyncOptions): Promise<void> {
    await this.#vfs.hook?.('sync', this.path, 0);
    await super.sync(mode, options);
  }
}
