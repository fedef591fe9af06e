import { VfsError } from '../errors.js';
import type { FaultKind, FaultOperation, FaultSpec } from '../fault-plan.js';
import { createPrng, type Prng } from './prng.js';
import type { TrackedFile } from './tracked-file.js';

const OPERATIONS: readonly (FaultOperation | 'any')[] = ['open', 'read', 'write', 'sync', 'truncate', 'any'];
const KINDS: readonly FaultKind[] = ['eio', 'enospc', 'short-write'];

interface ScheduledFault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** A handle FaultVfs can kill in a crash. */
export interface Killable {
  /** Marks the handle crashed: later calls fail with `ERR_VFS_CRASHED`. */
  kill(): void;
  /** Closes the wrapped inner handle, releasing its locks. */
  closeInner(): Promise<void>;
}

/** State shared by a FaultVfs and its handles: randomness, counters, scheduled faults, tracked files. */
export class FaultEngine {
  readonly rng: Prng;
  readonly counts: Record<FaultOperation, number> = { open: 0, read: 0, write: 0, sync: 0, truncate: 0 };
  readonly files = new Map<string, TrackedFile>();
  readonly handles = new Set<Killable>();
  #faults: ScheduledFault[] = [];
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(seed: number) {
    this.rng = createPrng(seed);
  }

  schedule(spec: FaultSpec): void {
    const nth = spec.nth ?? 1;
    if (!OPERATIONS.includes(spec.operation)) {
      throw new TypeError(`fault operation must be one of ${OPERATIONS.join(', ')}, got ${String(spec.operation)}`);
    }
    if (!KINDS.includes(spec.kind)) {
      throw new TypeError(`fault kind must be one of ${KINDS.join(', ')}, got ${String(spec.kind)}`);
    }
    if (spec.kind === 'short-write' && spec.operation !== 'write') {
      throw new TypeError(`a short-write fault needs operation 'write', got '${spec.operation}'`);
    }
    if (!Number.isSafeInteger(nth) || nth < 1) {
      throw new RangeError(`fault nth must be a positive safe integer, got ${String(nth)}`);
    }
    this.#faults.push({ spec, remaining: nth });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  /**
   * Counts a call of `operation` on `path` and applies the first scheduled fault whose count runs out
   * (removing it): throws for `eio`/`enospc`, returns `'short-write'` for the caller to carry out.
   * @throws {@link VfsError} `ERR_VFS_IO` (errno `EIO`) or `ERR_VFS_NO_SPACE` (errno `ENOSPC`).
   */
  check(operation: FaultOperation, path: string, writeLength = 0): 'short-write' | undefined {
    this.counts[operation] += 1;
    let due: ScheduledFault | undefined;
    for (const fault of this.#faults) {
      const { spec } = fault;
      if (spec.operation !== operation && spec.operation !== 'any') continue;
      if (spec.path !== undefined && spec.path !== path) continue;
      if (spec.kind === 'short-write' && writeLength === 0) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) due ??= fault;
    }
    if (due === undefined) return undefined;
    this.#faults = this.#faults.filter((f) => f !== due);
    if (due.spec.kind === 'short-write') return 'short-write';
    const eio = due.spec.kind === 'eio';
    const errno = eio ? 'EIO' : 'ENOSPC';
    const message = `${operation} failed on ${path}: injected ${errno} (call #${this.counts[operation]})`;
    throw new VfsError(eio ? 'ERR_VFS_IO' : 'ERR_VFS_NO_SPACE', message, { path, errno });
  }

  /** Remembers `promise` until it settles, so a crash can wait for operations in flight. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.#inflight.add(promise);
    const forget = (): void => {
      this.#inflight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /** Waits until no tracked operation is in flight. */
  async settle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }
}
