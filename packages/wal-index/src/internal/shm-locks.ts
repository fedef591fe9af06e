import type { LockMode, VfsFile } from '@litewal/vfs';
import { walIndexLockOffset, type WalIndexLock } from '../locks.js';

/** The locks one connection holds on a `-shm` file, taken without waiting (SQLite never waits on them). */
export class ShmLocks {
  readonly #file: VfsFile;
  readonly #held = new Map<WalIndexLock, LockMode>();

  constructor(file: VfsFile) {
    this.#file = file;
  }

  /** The mode this connection holds `lock` in, if any. */
  mode(lock: WalIndexLock): LockMode | undefined {
    return this.#held.get(lock);
  }

  /** Takes `lock` in `mode` (or changes the mode of a lock already held); false when another connection conflicts. */
  async try(lock: WalIndexLock, mode: LockMode): Promise<boolean> {
    const granted = await this.#file.tryLock(walIndexLockOffset(lock), 1, mode);
    if (granted) this.#held.set(lock, mode);
    return granted;
  }

  /** Releases `lock`. */
  async unlock(lock: WalIndexLock): Promise<void> {
    await this.#file.unlock(walIndexLockOffset(lock), 1);
    this.#held.delete(lock);
  }
}
