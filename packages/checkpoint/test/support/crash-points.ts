import type { OpenOptions, SyncMode, SyncOptions, Vfs, VfsFile } from '@litewal/vfs';
import { ForwardingFile } from '@litewal/vfs-fixtures';

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

class StepFile extends ForwardingFile {
  readonly #kind: Step['file'];
  readonly #points: CrashPoints;

  constructor(inner: VfsFile, kind: Step['file'], points: CrashPoints) {
    super(inner);
    this.#kind = kind;
    this.#points = points;
  }

  override write(data: Uint8Array, position: number): Promise<void> {
    return this.#points.step(this.#kind, 'write', () => super.write(data, position));
  }

  override truncate(size: number): Promise<void> {
    return this.#points.step(this.#kind, 'truncate', () => super.truncate(size));
  }

  override sync(mode?: SyncMode, options?: SyncOptions): Promise<void> {
    return this.#points.step(this.#kind, 'sync', () => super.sync(mode, options));
  }
}
