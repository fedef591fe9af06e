/**
 * Committed page images by page number, least recently used first out. Images are kept as given
 * and must never be changed by anyone afterwards.
 */
export class PageCache {
  readonly #capacity: number;
  readonly #pages = new Map<number, Uint8Array>();

  /** A cache of at most `capacity` pages (0 keeps nothing). */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Number of pages held. */
  get size(): number {
    return this.#pages.size;
  }

  /** The image of `pageNumber`, if held (it becomes the most recently used). */
  get(pageNumber: number): Uint8Array | undefined {
    const image = this.#pages.get(pageNumber);
    if (image !== undefined) {
      this.#pages.delete(pageNumber);
      this.#pages.set(pageNumber, image);
    }
    return image;
  }

  /** Stores the image of `pageNumber`, evicting the least recently used page when full. */
  set(pageNumber: number, image: Uint8Array): void {
    if (this.#capacity === 0) return;
    this.#pages.delete(pageNumber);
    this.#pages.set(pageNumber, image);
    if (this.#pages.size > this.#capacity) this.#pages.delete(this.#pages.keys().next().value as number);
  }

  /** Drops everything. */
  clear(): void {
    this.#pages.clear();
  }
}
