import type { Field } from './record.js';
import { byteAt } from './btree-page.js';

const scratch = new DataView(new ArrayBuffer(8));

/**
 * A 64-bit hash of an index key (a list of values), equal for values SQLite compares equal with
 * the BINARY collation (an integer and the same real hash alike), built without allocating: two
 * 32-bit multiply-rotate lanes over a type tag and the value's bytes.
 */
export class KeyHash {
  #h1 = 0x9747b28c;
  #h2 = 0x85ebca6b;

  reset(): void {
    this.#h1 = 0x9747b28c;
    this.#h2 = 0x85ebca6b;
  }

  #mix(word: number): void {
    const x = this.#h1 ^ word;
    const y = (this.#h2 + word) | 0;
    this.#h1 = (Math.imul((x << 13) | (x >>> 19), 0x5bd1e995) + 0xe6546b64) | 0;
    this.#h2 = Math.imul((y << 17) | (y >>> 15), 0xcc9e2d51) ^ 0x1b873593;
  }

  addNull(): void {
    this.#mix(1);
  }

  addNumber(n: number | bigint): void {
    if (typeof n === 'bigint') {
      this.#mix(3);
      const s = n.toString();
      for (let i = 0; i < s.length; i++) this.#mix(s.charCodeAt(i));
      return;
    }
    scratch.setFloat64(0, n === 0 ? 0 : n);
    this.#mix(2);
    this.#mix(scratch.getInt32(0));
    this.#mix(scratch.getInt32(4));
  }

  /** Text (odd serial types) or blob (even), by their bytes. */
  addBytes(payload: Uint8Array, f: Field): void {
    this.#mix(f.type % 2 === 0 ? 5 : 4);
    this.#mix(f.length);
    const end = f.at + f.length;
    let i = f.at;
    for (; i + 4 <= end; i += 4) this.#mix((byteAt(payload, i) << 24) | (byteAt(payload, i + 1) << 16) | (byteAt(payload, i + 2) << 8) | byteAt(payload, i + 3));
    for (; i < end; i++) this.#mix(byteAt(payload, i));
  }

  /** Adds this key to a fingerprint `[count, sum of lane 1, sum of lane 2]` (sums mod 2^32). */
  addTo(fingerprint: [number, number, number]): void {
    const a = Math.imul(this.#h1 ^ (this.#h2 >>> 16), 0x85ebca6b);
    const b = Math.imul(this.#h2 ^ (this.#h1 >>> 13), 0xc2b2ae35);
    fingerprint[0]++;
    fingerprint[1] = (fingerprint[1] + a) | 0;
    fingerprint[2] = (fingerprint[2] + b) | 0;
  }
}
