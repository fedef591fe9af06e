import type { FlushedGroup } from '@litewal/group-commit';
import { GROUP_WORDS, type ProtectMessage } from './fec-protocol.js';

/** Initial capacity in frames (and 4 KiB pages) of a batch's buffers. */
const INITIAL_FRAMES = 16;
/** Page buffers kept for reuse. */
const MAX_SPARE_BUFFERS = 4;

/**
 * The commit groups copied since the last hand-off, packed into growable buffers: one allocation
 * per buffer and hand-off (sized by what the previous batch used), not one per group; the page
 * buffer, the large one, is reused once the worker gives it back.
 */
export class FecBatch {
  #groups = new Uint32Array(GROUP_WORDS * INITIAL_FRAMES);
  #pageNumbers = new Uint32Array(INITIAL_FRAMES);
  #commitSizes = new Uint32Array(INITIAL_FRAMES);
  #pages: Uint8Array<ArrayBuffer> = new Uint8Array(INITIAL_FRAMES * 4096);
  /** Page buffers the worker gave back, for the next batches. */
  readonly #spare: ArrayBuffer[] = [];
  #groupCount = 0;
  #frames = 0;
  #bytes = 0;

  /** Groups added since the last {@link FecBatch.take}. */
  get groups(): number {
    return this.#groupCount;
  }

  /** Copies a durable group's frames (page numbers, commit sizes, page images) into the batch. */
  add(seq: number, group: FlushedGroup, salt1: number, salt2: number, pageSize: number, frames: number): void {
    this.#groups = ensure(this.#groups, (this.#groupCount + 1) * GROUP_WORDS);
    this.#pageNumbers = ensure(this.#pageNumbers, this.#frames + frames);
    this.#commitSizes = ensure(this.#commitSizes, this.#frames + frames);
    this.#pages = ensure(this.#pages, this.#bytes + frames * pageSize);
    this.#groups.set([seq, salt1, salt2, pageSize, group.append.firstFrame, frames], this.#groupCount * GROUP_WORDS);
    this.#groupCount++;
    for (const t of group.transactions) {
      t.pages.forEach((p, j) => {
        this.#pages.set(p.data, this.#bytes);
        this.#pageNumbers[this.#frames] = p.pageNumber;
        this.#commitSizes[this.#frames] = j === t.pages.length - 1 ? t.commitSize : 0;
        this.#frames++;
        this.#bytes += pageSize;
      });
    }
  }

  /** The batch as a message and its buffers to transfer; the batch starts again, empty. */
  take(): { message: ProtectMessage; transfer: ArrayBuffer[] } {
    const message: ProtectMessage = {
      type: 'protect',
      groups: this.#groups.subarray(0, this.#groupCount * GROUP_WORDS),
      pageNumbers: this.#pageNumbers.subarray(0, this.#frames),
      commitSizes: this.#commitSizes.subarray(0, this.#frames),
      pages: this.#pages.subarray(0, this.#bytes),
    };
    const transfer = [this.#groups.buffer, this.#pageNumbers.buffer, this.#commitSizes.buffer, this.#pages.buffer];
    this.#groups = new Uint32Array(Math.max(GROUP_WORDS * INITIAL_FRAMES, this.#groupCount * GROUP_WORDS));
    this.#pageNumbers = new Uint32Array(Math.max(INITIAL_FRAMES, this.#frames));
    this.#commitSizes = new Uint32Array(Math.max(INITIAL_FRAMES, this.#frames));
    this.#pages = this.#pagesOf(Math.max(INITIAL_FRAMES * 4096, this.#bytes));
    this.#groupCount = this.#frames = this.#bytes = 0;
    return { message, transfer };
  }

  /** Keeps a page buffer the worker is done with, to fill again (at most {@link MAX_SPARE_BUFFERS}). */
  recycle(buffer: ArrayBuffer): void {
    if (this.#spare.length < MAX_SPARE_BUFFERS) this.#spare.push(buffer);
  }

  /** A spare page buffer of at least `bytes`, or a new one. */
  #pagesOf(bytes: number): Uint8Array<ArrayBuffer> {
    const i = this.#spare.findIndex((b) => b.byteLength >= bytes);
    return i === -1 ? new Uint8Array(bytes) : new Uint8Array(this.#spare.splice(i, 1)[0] as ArrayBuffer);
  }

  /** Forgets the groups added. */
  clear(): void {
    this.#groupCount = this.#frames = this.#bytes = 0;
  }
}

/** `array`, or a copy at least twice as long when it has fewer than `length` elements. */
function ensure<T extends Uint8Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(array: T, length: number): T {
  if (array.length >= length) return array;
  const grown = new (array.constructor as new (n: number) => T)(Math.max(length, array.length * 2));
  grown.set(array);
  return grown;
}
