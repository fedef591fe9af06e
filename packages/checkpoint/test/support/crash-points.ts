import type { LockMode, LockOptions, OpenOptions, SyncMode, Vfs, VfsFile } from '@litewal/vfs';

/** Thrown at the chosen step to stop the checkpoint there, as a power cut would. */
export class PowerCut extends Error {
  override readonly name: string = 'PowerCut';
}

/** A step of a checkpoint that changes the database or the WAL. */
export interface Step {
  readonly file: 'db' | 'wal';
  readonly op: 'write' | 'truncate' | 'sync';
}

/**
 * A vfs that numbers every write, truncate and sync of the database and its WAL (1, 2, ...) and
 * cuts the power (throws {@link PowerCut}) just before or just after step `at`; `at` 0 never cuts
 * and only records the steps.
 */
export class CrashPoints implements Vfs {
  readonly steps: Step[] = [];
  readonly #inner: Vfs;
  readonly #db: string;
  readonly #at: number;
  readonly #when: 'before' | 'after';

  constructor(inner: Vfs, db: string, at: number, when: 'before' | 'after') {
    this.#inner = inner;
    this.#db = db;
    this.#at = at;
    this.#when = when;
  }

  async open(path: string, options?: OpenOptions): Promise<VfsFile> {
    const file = await this.#inner.open(path, options);
    if (path === this.#db) return new StepFile(file, 'db', this);
    if (path === `${this.#db}-wal`) return new StepFile(file, 'wal', this);
    return file;
  }

  exists(path: string): Promise<boolean> {
    return this.#inner.exists(path);
  }

  delete(path: string): Promise<void> {
    return this.#inner.delete(path);
  }

  /** Runs step `op` of `file`, cutting the power around it when it is the chosen one. */
  async step<T>(file: Step['file'], op: Step['op'], run: () => Promise<T>): Promise<T> {
    this.steps.push({ file, op });
    const chosen = this.steps.length === this.#at;
    if (chosen && this.#when === 'before') throw new PowerCut(`before step ${this.#at} (${file} ${op})`);
    const result = await run();
    if (chosen) throw new PowerCut(`after step ${this.#at} (${file} ${op})`);
    return result;
  }
}

class StepFile implements VfsFile {
  readonly #inner: VfsFile;
  readonly #kind: Step['file'];
  readonly #points: CrashPoints;

  constructor(inner: VfsFile, kind: Step['file'], points: CrashPoints) {
    this.#inner = inner;
    this.#kind = kind;
    this.#points = points;
  }

  get path(): string {
    return this.#inner.path;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.#inner.read(buffer, position);
  }

  write(data: Uint8Array, position: number): Promise<void> {
    return this.#points.step(this.#kind, 'write', () => this.#inner.write(data, position));
  }

  size(): Promise<number> {
    return this.#inner.size();
  }

  truncate(size: number): Promise<void> {
    return this.#points.step(this.#kind, 'truncate', () => this.#inner.truncate(size));
  }

  sync(mode?: SyncMode): Promise<void> {
    return this.#points.step(this.#kind, 'sync', () => this.#inner.sync(mode));
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
