import type { ChecksumPair } from './checksum.js';
import { WAL_FRAME_HEADER_BYTES, isValidPageSize } from './format.js';
import { checkBytes, checkIndex, checkU32, isBigEndian } from './internal/checks.js';
import { engine } from './internal/engine.js';
import type { WalHeader } from './wal-header.js';

/**
 * Why the valid prefix of a WAL ends.
 *
 * @remarks `'end-of-file'`: every whole frame was valid and no bytes follow. `'partial-frame'`:
 * every whole frame was valid and a partial frame follows. The other three name the check that
 * frame `stop.frame` failed first, in SQLite's order: salts, page number, checksum.
 * @public
 */
export type ChainStopReason = 'end-of-file' | 'partial-frame' | 'salt-mismatch' | 'zero-page' | 'checksum-mismatch';

/**
 * Where and why a WAL's valid prefix ends, and what SQLite's recovery would make of it.
 *
 * @public
 */
export interface ChainResult {
  /** Frames valid before the first failure (or all of them). */
  readonly chained: number;
  /** Last commit frame among them (SQLite's mxFrame); 0 if none. Frames after it are invisible. */
  readonly committed: number;
  /** Number of commit frames within 1..committed. */
  readonly commits: number;
  /** Commit size of frame `committed` (database size in pages); 0 if none. */
  readonly dbSizePages: number;
  /** Running checksum after frame `committed`; the header's checksum when `committed` is 0. */
  readonly committedChecksum: ChecksumPair;
  /** Running checksum after frame `chained`; the header's checksum when `chained` is 0. */
  readonly chainedChecksum: ChecksumPair;
  /** The first frame not in the valid prefix (always `chained + 1`) and why. */
  readonly stop: { readonly frame: number; readonly reason: ChainStopReason };
}

/**
 * Streaming validator of the frames after a decoded WAL header, with SQLite's exact rules.
 *
 * @remarks Frame i is valid when its salts equal the header's, its page number is not 0 and its
 * checksum (header bytes 0..7 then the page, chained from frame i-1, frame 1 from the header's
 * checksum) equals the stored one. The scan stops at the first invalid frame; nothing after it is
 * looked at. With the WebAssembly kernel each `push` copies its frames into the kernel's memory once
 * per batch of up to 256 KiB and checksums every frame there.
 * @example
 * ```ts
 * const header = decodeWalHeader(wal);
 * const frameSize = header.pageSize + 24;
 * const frames = Math.floor((wal.length - 32) / frameSize);
 * const validator = new WalChainValidator(header);
 * validator.push(wal.subarray(32, 32 + frames * frameSize)); // or in chunks of whole frames
 * const { committed, stop } = validator.finish(wal.length - 32 - frames * frameSize);
 * ```
 * @public
 */
export class WalChainValidator {
  readonly #pageSize: number;
  readonly #frameSize: number;
  readonly #bigEndian: boolean;
  readonly #salt1: number;
  readonly #salt2: number;
  #s1: number;
  #s2: number;
  #chained = 0;
  #committed = 0;
  #commits = 0;
  #dbSizePages = 0;
  #committed1: number;
  #committed2: number;
  #stop: ChainStopReason | null = null;
  #finished = false;

  /**
   * @param header - the WAL's header, as {@link decodeWalHeader} returns it
   * @param seed - to continue a chain part-way: the running checksum after the last frame already
   * validated (frames pushed are then counted from 1 after that point). Defaults to the header's
   * checksum, the seed of frame 1.
   * @throws RangeError if the header's page size, salts or checksum are out of range;
   * TypeError for a bad byte order
   */
  constructor(header: WalHeader, seed?: ChecksumPair) {
    this.#bigEndian = isBigEndian(header.byteOrder);
    if (!isValidPageSize(header.pageSize)) {
      throw new RangeError(`page size must be a power of two from 512 to 65536, got ${String(header.pageSize)}`);
    }
    checkU32('salt1', header.salt1);
    checkU32('salt2', header.salt2);
    checkU32('checksum1', header.checksum1);
    checkU32('checksum2', header.checksum2);
    this.#pageSize = header.pageSize;
    this.#frameSize = header.pageSize + WAL_FRAME_HEADER_BYTES;
    this.#salt1 = header.salt1;
    this.#salt2 = header.salt2;
    if (seed !== undefined) {
      checkU32('seed.s1', seed.s1);
      checkU32('seed.s2', seed.s2);
    }
    this.#s1 = this.#committed1 = (seed?.s1 ?? header.checksum1) | 0;
    this.#s2 = this.#committed2 = (seed?.s2 ?? header.checksum2) | 0;
  }

  /**
   * Validates the next whole frames.
   *
   * @param bytes - whole frames (`bytes.length % (24 + pageSize) === 0`), in file order
   * @returns false once the chain has stopped (these bytes, or later ones, are then ignored)
   * @throws RangeError if `bytes` does not hold whole frames; Error after {@link WalChainValidator.finish}
   */
  push(bytes: Uint8Array): boolean {
    checkBytes('bytes', bytes);
    if (this.#finished) throw new Error('WalChainValidator: push() after finish()');
    if (bytes.length % this.#frameSize !== 0) {
      throw new RangeError(`push() takes whole frames of ${this.#frameSize} bytes, got ${bytes.length} bytes`);
    }
    if (this.#stop !== null) return false;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const littleEndian = !this.#bigEndian;
    const e = engine();
    const batch = Math.floor(e.maxStage / this.#frameSize) * this.#frameSize; // maxStage holds >= 3 frames of 64 KiB
    let s1 = this.#s1;
    let s2 = this.#s2;
    for (let first = 0; first < bytes.length && this.#stop === null; first += batch) {
      const last = Math.min(bytes.length, first + batch);
      const bias = e.stage(bytes, first, last);
      for (let at = first; at < last; at += this.#frameSize) {
        if (view.getUint32(at + 8) !== this.#salt1 || view.getUint32(at + 12) !== this.#salt2) {
          this.#stop = 'salt-mismatch';
          break;
        }
        if (view.getUint32(at) === 0) {
          this.#stop = 'zero-page';
          break;
        }
        const p1 = (s1 + view.getInt32(at, littleEndian) + s2) | 0;
        const p2 = (s2 + view.getInt32(at + 4, littleEndian) + p1) | 0;
        e.sum(bias + at + WAL_FRAME_HEADER_BYTES, this.#pageSize, this.#bigEndian, p1, p2);
        if (e.s1 !== view.getInt32(at + 16) || e.s2 !== view.getInt32(at + 20)) {
          this.#stop = 'checksum-mismatch';
          break;
        }
        s1 = e.s1;
        s2 = e.s2;
        this.#chained++;
        const commitSize = view.getUint32(at + 4);
        if (commitSize !== 0) {
          this.#committed = this.#chained;
          this.#commits++;
          this.#dbSizePages = commitSize;
          this.#committed1 = s1;
          this.#committed2 = s2;
        }
      }
    }
    e.release();
    this.#s1 = s1;
    this.#s2 = s2;
    return this.#stop === null;
  }

  /**
   * Ends the scan and reports the valid prefix.
   *
   * @param trailingBytes - bytes after the last whole frame pushed (0 to frame size - 1); above 0,
   * a chain still running stops with `'partial-frame'`, else with `'end-of-file'`
   * @returns the result; call once
   * @throws RangeError for a bad `trailingBytes`; Error when called twice
   */
  finish(trailingBytes: number): ChainResult {
    if (this.#finished) throw new Error('WalChainValidator: finish() called twice');
    checkIndex('trailingBytes', trailingBytes);
    if (trailingBytes >= this.#frameSize) {
      throw new RangeError(`trailingBytes must be below the frame size ${this.#frameSize}, got ${trailingBytes}`);
    }
    this.#finished = true;
    const reason = this.#stop ?? (trailingBytes > 0 ? 'partial-frame' : 'end-of-file');
    return {
      chained: this.#chained,
      committed: this.#committed,
      commits: this.#commits,
      dbSizePages: this.#dbSizePages,
      committedChecksum: { s1: this.#committed1 >>> 0, s2: this.#committed2 >>> 0 },
      chainedChecksum: { s1: this.#s1 >>> 0, s2: this.#s2 >>> 0 },
      stop: { frame: this.#chained + 1, reason },
    };
  }
}
