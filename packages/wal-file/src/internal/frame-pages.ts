/**
 * Which page each frame of a WAL holds (frame 1 first), and the reverse lookup "latest frame of
 * page P within a frame range". The reverse index is built on first use and then kept up to date,
 * so opening a WAL pays only for a u32 per frame.
 */
export class FramePages {
  #pages = new Uint32Array(1024);
  #length = 0;
  #index: Map<number, number[]> | null = null;

  /** Number of frames recorded. */
  get length(): number {
    return this.#length;
  }

  /** Records the page of the next frame (frame `length + 1`). */
  push(pageNumber: number): void {
    if (this.#length === this.#pages.length) {
      const grown = new Uint32Array(this.#pages.length * 2);
      grown.set(this.#pages);
      this.#pages = grown;
    }
    this.#pages[this.#length++] = pageNumber;
    if (this.#index !== null) addTo(this.#index, pageNumber, this.#length);
  }

  /** Page held by `frame` (1-based, within 1..length). */
  pageOf(frame: number): number {
    return this.#pages[frame - 1] as number;
  }

  /** Forgets every frame above `frames`. */
  truncate(frames: number): void {
    if (frames >= this.#length) return;
    if (this.#index !== null) {
      for (let f = this.#length; f > frames; f--) {
        const page = this.#pages[f - 1] as number;
        const list = this.#index.get(page) as number[];
        list.pop();
        if (list.length === 0) this.#index.delete(page);
      }
    }
    this.#length = frames;
  }

  /** The largest frame in `[minFrame, maxFrame]` holding `pageNumber`, or 0. */
  latest(pageNumber: number, minFrame: number, maxFrame: number): number {
    const list = this.#buildIndex().get(pageNumber);
    if (list === undefined) return 0;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as number) <= maxFrame) lo = mid + 1;
      else hi = mid;
    }
    const frame = lo > 0 ? (list[lo - 1] as number) : 0;
    return frame >= minFrame ? frame : 0;
  }

  /** Number of distinct pages among frames 1..`frames`. */
  distinctPages(frames: number): number {
    const seen = new Set<number>();
    const n = Math.min(frames, this.#length);
    for (let i = 0; i < n; i++) seen.add(this.#pages[i] as number);
    return seen.size;
  }

  #buildIndex(): Map<number, number[]> {
    if (this.#index === null) {
      const index = new Map<number, number[]>();
      for (let i = 0; i < this.#length; i++) addTo(index, this.#pages[i] as number, i + 1);
      this.#index = index;
    }
    return this.#index;
  }
}

function addTo(index: Map<number, number[]>, pageNumber: number, frame: number): void {
  const list = index.get(pageNumber);
  if (list === undefined) index.set(pageNumber, [frame]);
  else list.push(frame);
}
