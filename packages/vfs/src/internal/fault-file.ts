import { ShortWriteError } from '../errors.js';
import type { LockMode, SyncMode, VfsFile } from '../vfs.js';
import { BaseFile } from './base-file.js';
import type { FaultEngine, Killable } from './fault-engine.js';
import { randomBelow } from './prng.js';
import type { TrackedFile } from './tracked-file.js';

/** A FaultVfs handle: forwards to the inner handle, counting calls, injecting faults, recording writes. */
export class FaultFile extends BaseFile implements Killable {
  readonly #inner: VfsFile;
  readonly #engine: FaultEngine;
  readonly #tracked: TrackedFile;

  constructor(path: string, inner: VfsFile, readOnly: boolean, engine: FaultEngine, tracked: TrackedFile) {
    super(path, readOnly);
    this.#inner = inner;
    this.#engine = engine;
    this.#tracked = tracked;
  }

  kill(): void {
    this.markCrashed();
  }

  closeInner(): Promise<void> {
    return this.#inner.close();
  }

  protected readAt(buffer: Uint8Array, position: number): Promise<number> {
    return this.#engine.track(this.#read(buffer, position));
  }

  protected writeAt(data: Uint8Array, position: number): Promise<void> {
    return this.#engine.track(this.#write(data, position));
  }

  protected sizeNow(): Promise<number> {
    return this.#engine.track(this.#inner.size());
  }

  protected truncateTo(size: number): Promise<void> {
    return this.#engine.track(this.#truncate(size));
  }

  protected syncNow(mode: SyncMode, blocking: boolean): Promise<void> {
    return this.#engine.track(this.#sync(mode, blocking));
  }

  protected tryLockRange(offset: number, length: number, mode: LockMode): Promise<boolean> {
    return this.#engine.track(this.#inner.tryLock(offset, length, mode));
  }

  protected unlockRange(offset: number, length: number): Promise<void> {
    return this.#engine.track(this.#inner.unlock(offset, length));
  }

  protected closeNow(): Promise<void> {
    this.#engine.handles.delete(this);
    return this.#inner.close();
  }

  async #read(buffer: Uint8Array, position: number): Promise<number> {
    this.#engine.check('read', this.path);
    return this.#inner.read(buffer, position);
  }

  async #write(data: Uint8Array, position: number): Promise<void> {
    const short = this.#engine.check('write', this.path, data.length) === 'short-write';
    this.#tracked.touched = true;
    if (short) {
      const prefix = data.subarray(0, randomBelow(this.#engine.rng, data.length));
      await this.#inner.write(prefix, position);
      this.#tracked.recordWrite(position, prefix);
      throw new ShortWriteError(this.path, position, prefix.length, data.length);
    }
    await this.#inner.write(data, position);
    this.#tracked.recordWrite(position, data);
  }

  async #truncate(size: number): Promise<void> {
    this.#engine.check('truncate', this.path);
    this.#tracked.touched = true;
    await this.#inner.truncate(size);
    this.#tracked.recordTruncate(size);
  }

  async #sync(mode: SyncMode, blocking: boolean): Promise<void> {
    this.#engine.check('sync', this.path);
    const covered = this.#tracked.pending.length;
    await this.#inner.sync(mode, { blocking });
    this.#tracked.markSynced(covered);
  }
}
