import { ShortWalIndexError } from './errors.js';
import {
  READ_MARK_NOT_USED,
  WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET,
  WAL_INDEX_BACKFILL_OFFSET,
  WAL_INDEX_READ_MARKS_OFFSET,
  WAL_INDEX_READ_MARK_COUNT,
} from './format.js';
import { NATIVE_LITTLE_ENDIAN, checkU32, viewOf } from './internal/native.js';

/**
 * The checkpoint information of a wal-index (SQLite's `WalCkptInfo`, bytes 96..135).
 * @public
 */
export interface CheckpointInfo {
  /** nBackfill: frames 1..n are already copied into the database. */
  readonly backfilled: number;
  /**
   * aReadMark[0..4]: the snapshot (mxFrame) each READ lock stands for; mark 0 is always 0 and
   * {@link READ_MARK_NOT_USED} marks a free slot.
   */
  readonly readMarks: readonly number[];
  /** nBackfillAttempted: the highest frame a checkpoint has tried to copy. */
  readonly backfillAttempted: number;
}

/**
 * Decodes the checkpoint information from the first 136 or more bytes of a wal-index.
 *
 * @remarks `[u32 nBackfill @96][u32 aReadMark[5] @100][8 lock bytes @120][u32 nBackfillAttempted @128]`
 * `[u32 unused @132]`, native order.
 * @throws {@link ShortWalIndexError} for fewer than 132 bytes.
 * @public
 */
export function decodeCheckpointInfo(bytes: Uint8Array): CheckpointInfo {
  const end = WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET + 4;
  if (bytes.length < end) throw new ShortWalIndexError('the wal-index checkpoint information', end, bytes.length);
  const view = viewOf(bytes);
  const le = NATIVE_LITTLE_ENDIAN;
  const readMarks: number[] = [];
  for (let i = 0; i < WAL_INDEX_READ_MARK_COUNT; i++) readMarks.push(view.getUint32(readMarkOffset(i), le));
  return {
    backfilled: view.getUint32(WAL_INDEX_BACKFILL_OFFSET, le),
    readMarks,
    backfillAttempted: view.getUint32(WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET, le),
  };
}

/**
 * Writes the checkpoint information into `target`, a wal-index image (or its first 132+ bytes):
 * bytes 96..119 and 128..131 only; the lock bytes 120..127 and the unused 132..135 are left as
 * they are, as SQLite leaves them.
 * @throws RangeError for a value that is not a u32, a read-mark count other than 5, or a short target.
 * @public
 */
export function encodeCheckpointInfo(info: CheckpointInfo, target: Uint8Array): void {
  if (info.readMarks.length !== WAL_INDEX_READ_MARK_COUNT) {
    throw new RangeError(`expected ${WAL_INDEX_READ_MARK_COUNT} read marks, got ${info.readMarks.length}`);
  }
  if (target.length < WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET + 4) {
    throw new RangeError(`target is ${target.length} bytes, the checkpoint information ends at byte 132`);
  }
  const view = viewOf(target);
  const le = NATIVE_LITTLE_ENDIAN;
  view.setUint32(WAL_INDEX_BACKFILL_OFFSET, checkU32('nBackfill', info.backfilled), le);
  info.readMarks.forEach((mark, i) => view.setUint32(readMarkOffset(i), checkU32(`aReadMark[${i}]`, mark), le));
  view.setUint32(WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET, checkU32('nBackfillAttempted', info.backfillAttempted), le);
}

/**
 * The checkpoint information SQLite's recovery writes for a log whose last commit is `maxFrame`:
 * nothing backfilled, nBackfillAttempted = maxFrame, mark 0 = 0, mark 1 = maxFrame (not used
 * when 0), marks 2..4 not used.
 * @public
 */
export function recoveredCheckpointInfo(maxFrame: number): CheckpointInfo {
  checkU32('mxFrame', maxFrame);
  const readMarks = [0, maxFrame === 0 ? READ_MARK_NOT_USED : maxFrame];
  while (readMarks.length < WAL_INDEX_READ_MARK_COUNT) readMarks.push(READ_MARK_NOT_USED);
  return { backfilled: 0, readMarks, backfillAttempted: maxFrame };
}

/**
 * Byte offset of read mark `slot` in the wal-index: `100 + 4 * slot`.
 * @throws RangeError when `slot` is not an integer from 0 to 4.
 * @public
 */
export function readMarkOffset(slot: number): number {
  if (!Number.isInteger(slot) || slot < 0 || slot >= WAL_INDEX_READ_MARK_COUNT) {
    throw new RangeError(`read mark slot ${slot} is outside 0..${WAL_INDEX_READ_MARK_COUNT - 1}`);
  }
  return WAL_INDEX_READ_MARKS_OFFSET + 4 * slot;
}
