import type { CrashOutcome, CrashPlan, FaultCallCounts, FaultSpec, FaultVfsOptions } from './fault-plan.js';
import { planCrash } from './internal/crash.js';
import { FaultEngine } from './internal/fault-engine.js';
import { FaultFile } from './internal/fault-file.js';
import { replay, TrackedFile } from './internal/tracked-file.js';
import { checkOffset, resolveOpenOptions } from './internal/validate.js';
import type { OpenOptions, Vfs, VfsFile } from './vfs.js';

/**
 * Wraps any {@link Vfs} to simulate crashes, I/O errors and bit rot, deterministically from a seed.
 *
 * @remarks
 * Every write and truncate goes through to the inner vfs at once, so reads see it; FaultVfs also keeps,
 * per file, the durable image (the content at its last successful sync; a file's content when first
 * opened counts as durable) and the operations since. {@link FaultVfs.crash} then decides the fate of
 * each unsynced operation and rewrites the inner files to what survived, like a power cut and reboot.
 * A sync through any handle makes the file's operations that completed before it durable; a failed
 * sync makes nothing durable. Only content is simulated: creating and deleting files is durable at once.
 *
 * @example
 * ```ts
 * const vfs = new FaultVfs(new MemoryVfs(), { seed: 42 });
 * const file = await vfs.open('db', { create: true });
 * await file.write(new Uint8Array(4096).fill(1), 0);
 * await file.sync();
 * await file.write(new Uint8Array(4096).fill(2), 0);
 * await vfs.crash('tear'); // each 512-byte sector holds 1s or 2s
 * ```
 *
 * @public
 */
export class FaultVfs implements Vfs {
  /** Unit of torn writes, in bytes. */
  readonly sectorSize: 512 | 4096;
  readonly #inner: Vfs;
  readonly #engine: FaultEngine;

  /**
   * Wraps `inner`.
   * @throws `RangeError` if `seed` is not an integer or `sectorSize` is not 512 or 4096.
   */
  constructor(inner: Vfs, options: FaultVfsOptions = {}) {
    const seed = options.seed ?? 1;
    const sectorSize = options.sectorSize ?? 512;
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${String(seed)}`);
    if (sectorSize !== 512 && sectorSize !== 4096) {
      throw new RangeError(`sectorSize must be 512 or 4096, got ${String(sectorSize)}`);
    }
    this.#inner = inner;
    this.sectorSize = sectorSize;
    this.#engine = new FaultEngine(seed);
  }

  /** Calls seen so far per operation (a copy), failed and faulted ones included. */
  get calls(): FaultCallCounts {
    return { ...this.#engine.counts };
  }

  /**
   * Opens a file of the inner vfs (a counted `open` call).
   * @throws {@link VfsError} as the inner vfs, or an injected fault.
   * @throws `TypeError` if `readOnly` is combined with `create` or `exclusive`.
   */
  open(path: string, options?: OpenOptions): Promise<VfsFile> {
    return this.#engine.track(this.#open(path, options));
  }

  /**
   * Tells whether `path` exists in the inner vfs.
   * @throws {@link VfsError} as the inner vfs.
   */
  exists(path: string): Promise<boolean> {
    return this.#inner.exists(path);
  }

  /**
   * Deletes `path` from the inner vfs and forgets its durable state.
   * @throws {@link VfsError} as the inner vfs.
   */
  async delete(path: string): Promise<void> {
    await this.#inner.delete(path);
    this.#engine.files.delete(path);
  }

  /**
   * Schedules a one-shot fault: the `nth` matching call after this one fails as `spec.kind` says.
   * Several faults may be pending; each counts its own matching calls.
   * @throws `TypeError` for an unknown operation or kind, or a `short-write` on another operation than `write`.
   * @throws `RangeError` if `nth` is not a positive safe integer.
   */
  injectFault(spec: FaultSpec): void {
    this.#engine.schedule(spec);
  }

  /** Cancels every scheduled fault that has not fired yet. */
  clearFaults(): void {
    this.#engine.clearFaults();
  }

  /** Tells whether `path` has writes or truncates that no successful sync has covered yet. */
  hasUnsyncedWrites(path: string): boolean {
    return (this.#engine.files.get(path)?.pending.length ?? 0) > 0;
  }

  /**
   * Simulates a power cut and reboot.
   *
   * @remarks
   * Every open handle is dead from now on (`ERR_VFS_CRASHED`; `close` does nothing). Operations in
   * flight are allowed to finish and count as unsynced; then the inner handles are closed, releasing
   * their locks. Each unsynced operation is dropped, kept or torn as `plan` says (by default at random
   * from the seed: each write 1/3 drop, keep or tear, each truncate 1/2 drop or keep), and every file
   * written since the last crash is rewritten on the inner vfs as its durable image plus the surviving
   * pieces, which becomes its new durable image. The vfs can then be opened again. Do not start other
   * operations on this vfs until the returned promise settles.
   *
   * @param plan - What happens to the unsynced operations.
   * @returns What happened to each unsynced operation, file by file in first-open order.
   * @throws `RangeError` if the plan tears a truncate, `TypeError` for an unknown action (the files and
   * their unsynced operations are then left as they were, with all handles dead); {@link VfsError} from
   * the inner vfs while rewriting.
   */
  async crash(plan?: CrashPlan): Promise<readonly CrashOutcome[]> {
    const engine = this.#engine;
    const killAll = (): void => {
      for (const handle of engine.handles) handle.kill();
    };
    killAll();
    await engine.settle();
    killAll(); // handles whose open was in flight
    const handles = [...engine.handles];
    engine.handles.clear();
    await Promise.all(handles.map((handle) => handle.closeInner()));
    const rewrites: [string, TrackedFile, Uint8Array][] = [];
    const outcomes: CrashOutcome[] = [];
    for (const [path, tracked] of engine.files) {
      if (!tracked.touched) continue;
      const result = planCrash(path, tracked, plan, engine.rng, this.sectorSize);
      outcomes.push(...result.outcomes);
      rewrites.push([path, tracked, result.image]);
    }
    for (const [path, tracked, image] of rewrites) {
      await this.#rewrite(path, image);
      tracked.reset(image);
    }
    return outcomes;
  }

  /**
   * Flips bit `bit` (0 = least significant) of byte `byteOffset` in the durable image of `path`, as
   * bit rot on the medium would. The inner file shows the flip too, unless a newer unsynced write covers
   * that byte (it then shows the newer data, and the flip reappears if a crash drops the write).
   * @throws `RangeError` if `bit` is not 0..7 or `byteOffset` is not within the durable image.
   * @throws {@link VfsError} from the inner vfs (e.g. `ERR_VFS_NOT_FOUND`).
   */
  async flipBit(path: string, byteOffset: number, bit: number): Promise<void> {
    checkOffset('byteOffset', byteOffset);
    if (!Number.isInteger(bit) || bit < 0 || bit > 7) throw new RangeError(`bit must be 0..7, got ${String(bit)}`);
    let tracked = this.#engine.files.get(path);
    if (tracked === undefined) {
      const file = await this.#inner.open(path, { readOnly: true });
      try {
        tracked = await this.#track(path, file);
      } finally {
        await file.close();
      }
    }
    if (byteOffset >= tracked.durable.length) {
      throw new RangeError(`byteOffset ${byteOffset} is beyond the durable size ${tracked.durable.length} of ${path}`);
    }
    tracked.durable[byteOffset] = (tracked.durable[byteOffset] ?? 0) ^ (1 << bit);
    const current = replay(tracked.durable, tracked.pending);
    if (byteOffset >= current.length) return;
    const file = await this.#inner.open(path);
    try {
      await file.write(current.subarray(byteOffset, byteOffset + 1), byteOffset);
    } finally {
      await file.close();
    }
  }

  async #open(path: string, options: OpenOptions | undefined): Promise<VfsFile> {
    const { readOnly } = resolveOpenOptions(options);
    this.#engine.check('open', path);
    const inner = await this.#inner.open(path, options);
    try {
      const tracked = this.#engine.files.get(path) ?? (await this.#track(path, inner));
      const file = new FaultFile(path, inner, readOnly, this.#engine, tracked);
      this.#engine.handles.add(file);
      return file;
    } catch (error) {
      await inner.close();
      throw error;
    }
  }

  /** Starts tracking `path` with its current content (read through `file`) as the durable image. */
  async #track(path: string, file: VfsFile): Promise<TrackedFile> {
    const content = new Uint8Array(await file.size());
    await file.read(content, 0);
    const tracked = new TrackedFile(content);
    this.#engine.files.set(path, tracked);
    return tracked;
  }

  async #rewrite(path: string, image: Uint8Array): Promise<void> {
    const file = await this.#inner.open(path, { create: true });
    try {
      await file.write(image, 0);
      await file.truncate(image.length);
    } finally {
      await file.close();
    }
  }
}
