import { randomInt } from 'node:crypto';
import type { VfsFile } from '@litewal/vfs';
import { decodeCheckpointInfo, readMarkOffset, type CheckpointInfo } from './checkpoint-info.js';
import { ShortWalIndexError, WalIndexBusyError, WalIndexStateError } from './errors.js';
import {
  READ_MARK_NOT_USED,
  WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET,
  WAL_INDEX_BACKFILL_OFFSET,
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_MAX_FRAME,
  WAL_INDEX_READ_MARK_COUNT,
  WAL_INDEX_SEGMENT_BYTES,
} from './format.js';
import { walIndexSegmentBase, walIndexSegmentOf } from './hash-segment.js';
import { encodeWalIndexHeader, type WalIndexHeader } from './index-header.js';
import { NATIVE_LITTLE_ENDIAN, checkU32, nativeU32 } from './internal/native.js';
import type { ShmLocks } from './internal/shm-locks.js';
import { readLock } from './locks.js';
import { readHeader, readRegion, type ReadContext } from './reader.js';

/** Byte offset of mxFrame within a header copy. */
const MAX_FRAME_FIELD = 16;

/**
 * A checkpoint in progress on a {@link WalIndex} connection (from
 * {@link WalIndex.beginCheckpoint}), holding the CKPT lock: the wal-index side of SQLite's
 * walCheckpoint. It takes the WAL_WRITE and READ(i) locks a checkpoint needs, without waiting
 * (the caller runs its own busy handler), and writes read marks, nBackfillAttempted, nBackfill
 * and the restarted header under the locks SQLite writes them under.
 *
 * @remarks Not safe for concurrent calls. Every lock it takes is released by
 * {@link WalIndexCheckpoint.end}, which must always be called.
 * @public
 */
export interface WalIndexCheckpoint {
  /** Whether this checkpoint holds the WAL_WRITE lock (taken by {@link WalIndexCheckpoint.tryLockWriter}). */
  readonly writing: boolean;
  /**
   * Tries to take WAL_WRITE exclusive, as FULL, RESTART and TRUNCATE checkpoints do; false when
   * another connection holds it.
   * @throws {@link WalIndexStateError} after {@link WalIndexCheckpoint.end}.
   */
  tryLockWriter(): Promise<boolean>;
  /**
   * Reads the header as SQLite's walIndexReadHdr does: lock-free; if unusable, again under the
   * write lock; if still unusable, rebuilt from the WAL. The header is remembered for
   * {@link WalIndexCheckpoint.restartHeader}.
   * @throws {@link WalIndexBusyError} when the header needs the write or recover lock and another
   * connection holds it; {@link WalIndexVersionError}; {@link WalIndexStateError} after `end`.
   */
  readHeader(): Promise<WalIndexHeader>;
  /** Reads the checkpoint information as it is now. @throws {@link WalIndexStateError} after `end`. */
  readCheckpointInfo(): Promise<CheckpointInfo>;
  /**
   * mxFrame of header copy 1 as it is now, unchecked: what SQLite compares the safe frame with
   * to decide whether a backfill is complete (a writer may have committed since
   * {@link WalIndexCheckpoint.readHeader}).
   * @throws {@link WalIndexStateError} after `end`.
   */
  currentMaxFrame(): Promise<number>;
  /**
   * Tries to take READ(slot) exclusive for every slot given (0..4), all or none; false when
   * another connection holds one of them.
   * @throws RangeError for a slot outside 0..4; {@link WalIndexStateError} after `end`.
   */
  tryLockReaders(slots: readonly number[]): Promise<boolean>;
  /**
   * Releases READ(slot) for every slot given.
   * @throws RangeError for a slot outside 0..4; {@link WalIndexStateError} after `end`.
   */
  unlockReaders(slots: readonly number[]): Promise<void>;
  /**
   * Sets read mark `slot` (1..4) to `frame` ({@link READ_MARK_NOT_USED} frees it).
   * @throws {@link WalIndexStateError} unless this checkpoint holds READ(slot) exclusive;
   * RangeError for a slot outside 1..4 or a value that is not a u32.
   */
  writeReadMark(slot: number, frame: number): Promise<void>;
  /**
   * Sets nBackfillAttempted.
   * @throws {@link WalIndexStateError} unless this checkpoint holds READ(0) exclusive;
   * RangeError for a value that is not a u32.
   */
  writeBackfillAttempted(frame: number): Promise<void>;
  /**
   * Sets nBackfill: frames `1..frame` are in the database file.
   * @throws {@link WalIndexStateError} unless this checkpoint holds READ(0) exclusive;
   * RangeError for a value that is not a u32.
   */
  writeBackfill(frame: number): Promise<void>;
  /**
   * The page number of each frame from `first` to `last` (element `i` is frame `first + i`), read
   * from the hash segments' page arrays (native order, as the returned array reads them): what
   * SQLite's checkpoint iterator sorts.
   * @throws RangeError unless `1 <= first <= last <= 2^32 - 1`; {@link ShortWalIndexError} when
   * the file lacks a segment; {@link WalIndexStateError} after `end`.
   */
  framePages(first: number, last: number): Promise<Uint32Array<ArrayBuffer>>;
  /**
   * SQLite's walRestartHdr, after a complete backfill with no reader left on the WAL: the header
   * from {@link WalIndexCheckpoint.readHeader} with mxFrame 0, salt-1 + 1 and a random salt-2,
   * written as copy 2 then copy 1; then nBackfill 0, nBackfillAttempted 0, read mark 1 = 0 and
   * marks 2..4 not used. The next writer starts the WAL at frame 1.
   * @returns the header now published.
   * @throws {@link WalIndexStateError} unless this checkpoint holds WAL_WRITE and READ(1..4)
   * exclusive and has read the header.
   */
  restartHeader(): Promise<WalIndexHeader>;
  /** Releases every lock the checkpoint holds, CKPT last. Calling it again does nothing. */
  end(): Promise<void>;
}

/** The {@link WalIndexCheckpoint} of a {@link WalIndex}. @internal */
export class Checkpointer implements WalIndexCheckpoint {
  readonly #ctx: ReadContext;
  readonly #onEnd: () => void;
  readonly #readers = new Set<number>();
  #writing = false;
  #header: WalIndexHeader | null = null;
  #ended = false;

  /** Wraps a connection that has just taken the CKPT lock. */
  constructor(ctx: ReadContext, onEnd: () => void) {
    this.#ctx = ctx;
    this.#onEnd = onEnd;
  }

  get writing(): boolean {
    return this.#writing;
  }

  async tryLockWriter(): Promise<boolean> {
    this.#check('tryLockWriter');
    if (!this.#writing) this.#writing = await this.#locks.try('write', 'exclusive');
    return this.#writing;
  }

  async readHeader(): Promise<WalIndexHeader> {
    this.#check('readHeader');
    const read = await readHeader(this.#ctx);
    if ('retry' in read) throw new WalIndexBusyError('write', `checkpointing (${read.retry})`);
    this.#header = read.header;
    return read.header;
  }

  async readCheckpointInfo(): Promise<CheckpointInfo> {
    this.#check('readCheckpointInfo');
    return decodeCheckpointInfo(await readRegion(this.#file));
  }

  async currentMaxFrame(): Promise<number> {
    this.#check('currentMaxFrame');
    const region = await readRegion(this.#file);
    return new DataView(region.buffer).getUint32(WAL_INDEX_HEADER_COPY1_OFFSET + MAX_FRAME_FIELD, NATIVE_LITTLE_ENDIAN);
  }

  async tryLockReaders(slots: readonly number[]): Promise<boolean> {
    this.#check('tryLockReaders');
    const taken: number[] = [];
    for (const slot of slots) {
      if (this.#readers.has(slot)) continue;
      if (!(await this.#locks.try(readLock(slot), 'exclusive'))) {
        await this.#release(taken);
        return false;
      }
      this.#readers.add(slot);
      taken.push(slot);
    }
    return true;
  }

  async unlockReaders(slots: readonly number[]): Promise<void> {
    this.#check('unlockReaders');
    for (const slot of slots) readLock(slot);
    await this.#release(slots);
  }

  async writeReadMark(slot: number, frame: number): Promise<void> {
    this.#check('writeReadMark');
    if (!Number.isInteger(slot) || slot < 1 || slot >= WAL_INDEX_READ_MARK_COUNT) {
      throw new RangeError(`read mark ${slot} is outside 1..${WAL_INDEX_READ_MARK_COUNT - 1} (mark 0 is always 0)`);
    }
    this.#requireReaders('writeReadMark', [slot]);
    await this.#file.write(nativeU32(checkU32('read mark', frame)), readMarkOffset(slot));
  }

  async writeBackfillAttempted(frame: number): Promise<void> {
    this.#check('writeBackfillAttempted');
    this.#requireReaders('writeBackfillAttempted', [0]);
    await this.#file.write(nativeU32(checkU32('nBackfillAttempted', frame)), WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET);
  }

  async writeBackfill(frame: number): Promise<void> {
    this.#check('writeBackfill');
    this.#requireReaders('writeBackfill', [0]);
    await this.#file.write(nativeU32(checkU32('nBackfill', frame)), WAL_INDEX_BACKFILL_OFFSET);
  }

  async framePages(first: number, last: number): Promise<Uint32Array<ArrayBuffer>> {
    this.#check('framePages');
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first || last > WAL_INDEX_MAX_FRAME) {
      throw new RangeError(`frames ${first}..${last} are not a range within 1..${WAL_INDEX_MAX_FRAME}`);
    }
    const pages = new Uint32Array(last - first + 1);
    for (let k = walIndexSegmentOf(first); k <= walIndexSegmentOf(last); k++) {
      const base = walIndexSegmentBase(k);
      const from = Math.max(first, base + 1);
      const to = Math.min(last, walIndexSegmentBase(k + 1));
      const at = k * WAL_INDEX_SEGMENT_BYTES + (k === 0 ? WAL_INDEX_HEADER_REGION_BYTES : 0) + (from - base - 1) * 4;
      const bytes = new Uint8Array(pages.buffer, (from - first) * 4, (to - from + 1) * 4);
      const n = await this.#file.read(bytes, at);
      if (n < bytes.length) throw new ShortWalIndexError(`wal-index segment ${k}`, at + bytes.length, at + n);
    }
    return pages;
  }

  async restartHeader(): Promise<WalIndexHeader> {
    this.#check('restartHeader');
    if (!this.#writing) throw new WalIndexStateError('restartHeader', 'the WAL_WRITE lock (tryLockWriter)');
    this.#requireReaders('restartHeader', [1, 2, 3, 4]);
    const previous = this.#header;
    if (previous === null) throw new WalIndexStateError('restartHeader', 'the header read first (readHeader)');
    const header: WalIndexHeader = { ...previous, maxFrame: 0, salt1: (previous.salt1 + 1) >>> 0, salt2: randomInt(0, 2 ** 32) };
    const copy = encodeWalIndexHeader(header);
    await this.#file.write(copy, WAL_INDEX_HEADER_COPY2_OFFSET);
    await this.#file.write(copy, WAL_INDEX_HEADER_COPY1_OFFSET);
    await this.#file.write(nativeU32(0), WAL_INDEX_BACKFILL_OFFSET);
    await this.#file.write(nativeU32(0), WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET);
    await this.#file.write(nativeU32(0), readMarkOffset(1));
    for (let slot = 2; slot < WAL_INDEX_READ_MARK_COUNT; slot++) await this.#file.write(nativeU32(READ_MARK_NOT_USED), readMarkOffset(slot));
    this.#header = header;
    return header;
  }

  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      await this.#release([...this.#readers]);
      if (this.#writing) {
        this.#writing = false;
        await this.#locks.unlock('write');
      }
      await this.#locks.unlock('checkpoint');
    } finally {
      this.#onEnd();
    }
  }

  get #file(): VfsFile {
    return this.#ctx.file;
  }

  get #locks(): ShmLocks {
    return this.#ctx.locks;
  }

  async #release(slots: readonly number[]): Promise<void> {
    for (const slot of slots) {
      if (!this.#readers.delete(slot)) continue;
      await this.#locks.unlock(readLock(slot));
    }
  }

  #requireReaders(operation: string, slots: readonly number[]): void {
    const missing = slots.filter((slot) => !this.#readers.has(slot));
    if (missing.length > 0) {
      throw new WalIndexStateError(operation, `READ(${missing.join(', ')}) held exclusive (tryLockReaders)`);
    }
  }

  #check(operation: string): void {
    if (this.#ended) throw new WalIndexStateError(operation, 'a checkpoint in progress (it has ended)');
  }
}
