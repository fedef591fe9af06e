import { HashProbeError } from './errors.js';
import {
  WAL_INDEX_FIRST_SEGMENT_FRAMES,
  WAL_INDEX_HASH_MULTIPLIER,
  WAL_INDEX_HASH_OFFSET,
  WAL_INDEX_HASH_SLOTS,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_MAX_FRAME,
  WAL_INDEX_SEGMENT_BYTES,
  WAL_INDEX_SEGMENT_FRAMES,
} from './format.js';
import { checkU32 } from './internal/native.js';

const HASH_MASK = WAL_INDEX_HASH_SLOTS - 1;

/**
 * The segment whose hash table indexes frame `frame` (1-based):
 * `floor((frame + 4096 - 4062 - 1) / 4096)`.
 * @throws RangeError unless `frame` is an integer from 1 to 2^32 - 1.
 * @public
 */
export function walIndexSegmentOf(frame: number): number {
  checkFrame(frame);
  return Math.floor((frame + WAL_INDEX_SEGMENT_FRAMES - WAL_INDEX_FIRST_SEGMENT_FRAMES - 1) / WAL_INDEX_SEGMENT_FRAMES);
}

/**
 * The frame number just before the first frame of segment `segment` (SQLite's iZero): 0 for
 * segment 0, else `4062 + (segment - 1) * 4096`. Hash value `idx` in the segment means frame
 * `base + idx`.
 * @throws RangeError for a negative or non-integer segment.
 * @public
 */
export function walIndexSegmentBase(segment: number): number {
  if (!Number.isInteger(segment) || segment < 0) throw new RangeError(`segment ${segment} is not a non-negative integer`);
  return segment === 0 ? 0 : WAL_INDEX_FIRST_SEGMENT_FRAMES + (segment - 1) * WAL_INDEX_SEGMENT_FRAMES;
}

/**
 * The home slot of page `pageNumber` in a segment's hash table: `(pageNumber * 383) & 8191`
 * (the product taken modulo 2^32, as SQLite's u32 arithmetic does).
 * @public
 */
export function walIndexHashSlot(pageNumber: number): number {
  return Math.imul(pageNumber, WAL_INDEX_HASH_MULTIPLIER) & HASH_MASK;
}

/**
 * One 32 KiB segment of a wal-index: the page numbers of up to 4096 frames (4062 in segment 0)
 * and their hash table, read and written in place in the bytes given.
 *
 * @remarks `[u32 aPgno[4096]][u16 aHash[8192]]` in native order; in segment 0 the first 136
 * bytes are the header region and aPgno starts at byte 136. `aPgno[idx - 1]` is the page of frame
 * `base + idx`; a hash slot holds `idx` (1-based), 0 when empty; collisions probe linearly.
 * @public
 */
export class WalIndexSegment {
  /** The segment number (0 for the one that holds the header). */
  readonly index: number;
  /** Frame number just before this segment's first frame (SQLite's iZero). */
  readonly base: number;
  /** Frames this segment indexes: 4062 for segment 0, 4096 for the others. */
  readonly capacity: number;
  /** The segment's bytes, changed in place by {@link WalIndexSegment.add} and {@link WalIndexSegment.truncate}. */
  readonly bytes: Uint8Array;
  readonly #pages: Uint32Array;
  readonly #hash: Uint16Array;

  /**
   * Wraps `bytes`, exactly one segment, without copying: changes are made in place.
   * @throws RangeError unless `bytes` is 32768 bytes long and 4-byte aligned in its buffer.
   */
  constructor(index: number, bytes: Uint8Array) {
    if (bytes.length !== WAL_INDEX_SEGMENT_BYTES) {
      throw new RangeError(`a segment is ${WAL_INDEX_SEGMENT_BYTES} bytes, got ${bytes.length}`);
    }
    if (bytes.byteOffset % 4 !== 0) throw new RangeError(`segment bytes start at offset ${bytes.byteOffset} of their buffer, not 4-byte aligned`);
    this.index = index;
    this.bytes = bytes;
    this.base = walIndexSegmentBase(index);
    this.capacity = index === 0 ? WAL_INDEX_FIRST_SEGMENT_FRAMES : WAL_INDEX_SEGMENT_FRAMES;
    const pagesAt = bytes.byteOffset + (index === 0 ? WAL_INDEX_HEADER_REGION_BYTES : 0);
    this.#pages = new Uint32Array(bytes.buffer, pagesAt, this.capacity);
    this.#hash = new Uint16Array(bytes.buffer, bytes.byteOffset + WAL_INDEX_HASH_OFFSET, WAL_INDEX_HASH_SLOTS);
  }

  /**
   * A view of segment `index` of a whole wal-index image.
   * @throws RangeError when the image is too short to hold that segment, or is not 4-byte aligned.
   */
  static of(image: Uint8Array, index: number): WalIndexSegment {
    const start = index * WAL_INDEX_SEGMENT_BYTES;
    if (image.length < start + WAL_INDEX_SEGMENT_BYTES) {
      throw new RangeError(`segment ${index} ends at byte ${start + WAL_INDEX_SEGMENT_BYTES}, the image has ${image.length}`);
    }
    return new WalIndexSegment(index, image.subarray(start, start + WAL_INDEX_SEGMENT_BYTES));
  }

  /** The page number recorded for `frame` (0 when none is). @throws RangeError for a frame outside this segment. */
  pageOf(frame: number): number {
    return this.#pages[this.#entry(frame) - 1] as number;
  }

  /**
   * Records that `frame` holds page `pageNumber`, as SQLite's walIndexAppend does: the segment's
   * first frame zeroes the whole segment (past the header region); a frame whose slot is already
   * used first drops every entry from it on (the remnant of a writer that died); then the page
   * goes into aPgno and its 1-based index into the first free slot from its home slot.
   * @returns the hash slot that now holds the frame's index.
   * @throws {@link HashProbeError} when the probe meets more occupied slots than entries.
   * @throws RangeError for a frame outside this segment or a page number that is 0 or not a u32.
   */
  add(frame: number, pageNumber: number): number {
    const idx = this.#entry(frame);
    if (pageNumber === 0) throw new RangeError('page number 0 is invalid');
    checkU32('page number', pageNumber);
    if (idx === 1) {
      this.#pages.fill(0);
      this.#hash.fill(0);
    } else if (this.#pages[idx - 1] !== 0) {
      this.truncate(frame - 1);
    }
    let slot = walIndexHashSlot(pageNumber);
    let collisions = 0;
    while (this.#hash[slot] !== 0) {
      if (++collisions > idx) throw new HashProbeError(this.index, pageNumber, collisions, idx);
      slot = (slot + 1) & HASH_MASK;
    }
    this.#pages[idx - 1] = pageNumber;
    this.#hash[slot] = idx;
    return slot;
  }

  /**
   * The largest frame in `[minFrame, maxFrame]` that this segment records for `pageNumber`, or 0.
   * @throws {@link HashProbeError} when the probe visits more than 8192 occupied slots.
   */
  findLatest(pageNumber: number, minFrame: number, maxFrame: number): number {
    let slot = walIndexHashSlot(pageNumber);
    let found = 0;
    let probes = 0;
    for (let idx = this.#hash[slot] as number; idx !== 0; idx = this.#hash[slot] as number) {
      const frame = this.base + idx;
      if (frame >= minFrame && frame <= maxFrame && this.#pages[idx - 1] === pageNumber && frame > found) found = frame;
      if (++probes > WAL_INDEX_HASH_SLOTS) throw new HashProbeError(this.index, pageNumber, probes, WAL_INDEX_HASH_SLOTS);
      slot = (slot + 1) & HASH_MASK;
    }
    return found;
  }

  /**
   * Removes every entry for a frame after `maxFrame`, as SQLite's walCleanupHash does for the
   * segment holding mxFrame: hash slots whose index passes the limit are zeroed, and so is aPgno
   * from the limit on.
   */
  truncate(maxFrame: number): void {
    const limit = Math.max(0, Math.min(maxFrame - this.base, this.capacity));
    for (let slot = 0; slot < WAL_INDEX_HASH_SLOTS; slot++) {
      if ((this.#hash[slot] as number) > limit) this.#hash[slot] = 0;
    }
    this.#pages.fill(0, limit);
  }

  #entry(frame: number): number {
    checkFrame(frame);
    const idx = frame - this.base;
    if (idx < 1 || idx > this.capacity) {
      throw new RangeError(`frame ${frame} is outside segment ${this.index} (frames ${this.base + 1}..${this.base + this.capacity})`);
    }
    return idx;
  }
}

function checkFrame(frame: number): void {
  if (!Number.isInteger(frame) || frame < 1 || frame > WAL_INDEX_MAX_FRAME) {
    throw new RangeError(`frame ${frame} is outside 1..${WAL_INDEX_MAX_FRAME}`);
  }
}
