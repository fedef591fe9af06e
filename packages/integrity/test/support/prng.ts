import { mulberry32 } from '@litewal/sqlite-fixtures';

/** A small seeded PRNG (mulberry32): the corruption set is the same on every run. */
export class Prng {
  readonly #u32: () => number;

  constructor(seed: number) {
    this.#u32 = mulberry32(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#u32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A text of `length` letters. */
  text(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(97 + this.int(26));
    return s;
  }
}
