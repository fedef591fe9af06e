/** Bytes of one slab: page copies are carved out of slabs this size (at least one page each). */
const SLAB_BYTES = 64 * 1024;

/**
 * Copies of page images for litewal's own use (staged images, never handed to callers, whose
 * `buffer` must be theirs alone), carved out of shared slabs instead of one `ArrayBuffer` each: every
 * `ArrayBuffer` counts as external memory for V8, and thousands of 4 KiB ones a second make it run
 * full collections far more often than the heap needs. A slab lives as long as any copy carved from
 * it, so a long-kept copy keeps at most one slab (16 pages of 4 KiB) alive.
 */
export class PageArena {
  #slab = new ArrayBuffer(0);
  #offset = 0;

  /** A copy of `image` (its `buffer` is the slab, shared with other copies). */
  copy(image: Uint8Array): Uint8Array<ArrayBuffer> {
    const size = image.length;
    if (this.#offset + size > this.#slab.byteLength) {
      this.#slab = new ArrayBuffer(Math.max(SLAB_BYTES, size));
      this.#offset = 0;
    }
    const copy = new Uint8Array(this.#slab, this.#offset, size);
    copy.set(image);
    this.#offset += size;
    return copy;
  }
}
