/**
 * A byte array that grows by doubling, for in-memory file images. Bytes between the logical length and
 * the capacity are always zero, so growing (by a write past the end or a truncate) reads back zeros.
 */
export class GrowableBytes {
  #buffer: Uint8Array<ArrayBuffer>;
  #length: number;

  /** Starts with a copy of `initial` (empty by default). */
  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.#buffer = new Uint8Array(initial);
    this.#length = initial.length;
  }

  /** Logical length in bytes. */
  get length(): number {
    return this.#length;
  }

  /** Copies bytes at `position` into `target`; returns how many (fewer only at the end). */
  read(target: Uint8Array, position: number): number {
    if (position >= this.#length) return 0;
    const count = Math.min(target.length, this.#length - position);
    target.set(this.#buffer.subarray(position, position + count));
    return count;
  }

  /** Stores `data` at `position`, growing (zero-filled) as needed; like pwrite(2), 0 bytes change nothing. */
  write(data: Uint8Array, position: number): void {
    if (data.length === 0) return;
    const end = position + data.length;
    this.#reserve(end);
    this.#buffer.set(data, position);
    if (end > this.#length) this.#length = end;
  }

  /** Sets the logical length, discarding the tail or appending zeros. */
  truncate(size: number): void {
    if (size < this.#length) this.#buffer.fill(0, size, this.#length);
    else this.#reserve(size);
    this.#length = size;
  }

  /** Returns a copy of the content. */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.#buffer.slice(0, this.#length);
  }

  #reserve(capacity: number): void {
    if (capacity <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(capacity, this.#buffer.length * 2));
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }
}
