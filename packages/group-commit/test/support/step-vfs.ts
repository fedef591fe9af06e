import { VfsError, type CrashPlan, type FaultVfs, type OpenOptions, type SyncMode, type SyncOptions, type Vfs, type VfsFile } from '@litewal/vfs';
import { ForwardingFile } from '@litewal/vfs-fixtures';

/** An I/O call seen by StepVfs. */
export type StepOperation = 'open' | 'read' | 'write' | 'size' | 'truncate' | 'sync';

/**
 * Wraps a FaultVfs to crash the process at a chosen I/O call: once armed, calls are counted, and
 * the `crashAt`-th one first runs FaultVfs.crash(plan) and then fails, as does every later call
 * (the process is dead). `onOperation` sees every call before it runs.
 */
export class StepVfs implements Vfs {
  readonly inner: FaultVfs;
  steps = 0;
  dead = false;
  onOperation: ((operation: StepOperation, path: string) => void) | null = null;
  #crashAt = Infinity;
  #plan: CrashPlan = 'drop';

  constructor(inner: FaultVfs) {
    this.inner = inner;
  }

  /** Starts counting from 0; the `crashAt`-th call from now crashes with `plan`. */
  arm(crashAt: number, plan: CrashPlan): void {
    this.steps = 0;
    this.#crashAt = crashAt;
    this.#plan = plan;
  }

  async step(operation: StepOperation, path: string): Promise<void> {
    if (this.dead) throw crashed(path);
    this.onOperation?.(operation, path);
    this.steps++;
    if (this.steps === this.#crashAt) {
      this.dead = true;
      await this.inner.crash(this.#plan);
      throw crashed(path);
    }
  }

  async open(path: string, options?: OpenOptions): Promise<VfsFile> {
    await this.step('open', path);
    return new StepFile(this, await this.inner.open(path, options));
  }

  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }

  delete(path: string): Promise<void> {
    return this.inner.delete(path);
  }
}

function crashed(path: string): VfsError {
  return new VfsError('ERR_VFS_CRASHED', `${path}: the process crashed (simulated)`, { path });
}

class StepFile extends ForwardingFile {
  readonly #vfs: StepVfs;

  constructor(vfs: StepVfs, inner: VfsFile) {
    super(inner);
    this.#vfs = vfs;
  }

  override async read(buffer: Uint8Array, position: number): Promise<number> {
    await this.#vfs.step('read', this.path);
    return super.read(buffer, position);
  }

  override async write(data: Uint8Array, position: number): Promise<void> {
    await this.#vfs.step('write', this.path);
    return super.write(data, position);
  }

  override async size(): Promise<number> {
    await this.#vfs.step('size', this.path);
    return super.size();
  }

  override async truncate(size: number): Promise<void> {
    await this.#vfs.step('truncate', this.path);
    return super.truncate(size);
  }

  override async sync(mode?: SyncMode, options?: SyncOptions): Promise<void> {
    await this.#vfs.step('sync', this.path);
    return super.sync(mode, options);
  }
}
