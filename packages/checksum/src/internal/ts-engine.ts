import type { ChecksumEngine } from './engine.js';

const LITTLE_ENDIAN = true;
const NO_WORDS = new Int32Array(0);
const NO_VIEW = new DataView(new ArrayBuffer(0));
/** Int32Array reads host order: the word path is for little-endian hosts only. */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The loops' results (two numbers without allocating). */
let r1 = 0;
let r2 = 0;

/**
 * SQLite's loop in plain TypeScript, reading the caller's bytes in place: little-endian words
 * through an `Int32Array` (4 pairs per iteration) when they are 4-byte aligned on a little-endian
 * host, otherwise, and for big-endian words, through a `DataView`. Each loop sees one typed-array
 * type and int32 sums only, so V8 keeps it monomorphic.
 */
export class TsEngine implements ChecksumEngine {
  readonly kind = 'ts';
  readonly maxStage = 2 ** 50;
  s1 = 0;
  s2 = 0;
  #words: Int32Array = NO_WORDS;
  #view: DataView = NO_VIEW;
  #byteOffset = 0;

  stage(bytes: Uint8Array): number {
    const buffer = bytes.buffer;
    this.#words = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
    this.#view = new DataView(buffer, bytes.byteOffset, bytes.byteLength);
    this.#byteOffset = bytes.byteOffset;
    return 0;
  }

  release(): void {
    this.#words = NO_WORDS;
    this.#view = NO_VIEW;
  }

  sum(address: number, length: number, bigEndian: boolean, s1: number, s2: number): void {
    const absolute = this.#byteOffset + address;
    if (bigEndian) sumView(this.#view, address, address + length, !LITTLE_ENDIAN, s1, s2);
    else if (HOST_LITTLE_ENDIAN && (absolute & 3) === 0) sumWords(this.#words, absolute >>> 2, (absolute + length) >>> 2, s1, s2);
    else sumView(this.#view, address, address + length, LITTLE_ENDIAN, s1, s2);
    this.s1 = r1;
    this.s2 = r2;
  }
}

/** Little-endian words w[i..end), unrolled by 4 pairs. */
function sumWords(w: Int32Array, i: number, end: number, s1: number, s2: number): void {
  s1 |= 0; // int32 from the start, so that the loop's sums stay int32 in optimised code
  s2 |= 0;
  const unrolledEnd = end - ((end - i) & 7);
  for (; i < unrolledEnd; i += 8) {
    s1 = (s1 + w[i]! + s2) | 0;
    s2 = (s2 + w[i + 1]! + s1) | 0;
    s1 = (s1 + w[i + 2]! + s2) | 0;
    s2 = (s2 + w[i + 3]! + s1) | 0;
    s1 = (s1 + w[i + 4]! + s2) | 0;
    s2 = (s2 + w[i + 5]! + s1) | 0;
    s1 = (s1 + w[i + 6]! + s2) | 0;
    s2 = (s2 + w[i + 7]! + s1) | 0;
  }
  for (; i < end; i += 2) {
    s1 = (s1 + w[i]! + s2) | 0;
    s2 = (s2 + w[i + 1]! + s1) | 0;
  }
  r1 = s1;
  r2 = s2;
}

/** Words at view[at..end) in the given byte order. */
function sumView(view: DataView, at: number, end: number, littleEndian: boolean, s1: number, s2: number): void {
  s1 |= 0;
  s2 |= 0;
  for (; at < end; at += 8) {
    s1 = (s1 + view.getInt32(at, littleEndian) + s2) | 0;
    s2 = (s2 + view.getInt32(at + 4, littleEndian) + s1) | 0;
  }
  r1 = s1;
  r2 = s2;
}
