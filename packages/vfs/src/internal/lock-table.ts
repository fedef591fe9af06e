import type { LockMode } from '../vfs.js';

interface LockEntry {
  readonly owner: object;
  readonly start: number;
  readonly end: number;
  readonly mode: LockMode;
}

/**
 * In-memory byte-range locks of one file with POSIX/OFD semantics: per-owner ranges, in-place mode
 * change of an owner's own range, splitting on partial unlock. Ranges are `[start, end)`.
 */
export class LockTable {
  #entries: LockEntry[] = [];

  /** Takes the lock unless another owner holds an overlapping conflicting one; returns whether it did. */
  tryLock(owner: object, start: number, end: number, mode: LockMode): boolean {
    for (const e of this.#entries) {
      const overlaps = e.start < end && start < e.end;
      if (overlaps && e.owner !== owner && (mode === 'exclusive' || e.mode === 'exclusive')) return false;
    }
    this.unlock(owner, start, end);
    this.#entries.push({ owner, start, end, mode });
    return true;
  }

  /** Releases `owner`'s locks within `[start, end)`, keeping the parts outside it. */
  unlock(owner: object, start: number, end: number): void {
    const kept: LockEntry[] = [];
    for (const e of this.#entries) {
      if (e.owner !== owner || e.end <= start || end <= e.start) {
        kept.push(e);
        continue;
      }
      if (e.start < start) kept.push({ ...e, end: start });
      if (end < e.end) kept.push({ ...e, start: end });
    }
    this.#entries = kept;
  }

  /** Releases every lock of `owner`. */
  releaseAll(owner: object): void {
    this.#entries = this.#entries.filter((e) => e.owner !== owner);
  }
}
