import { READ_MARK_NOT_USED, WAL_INDEX_READ_MARK_COUNT, type WalIndexCheckpoint } from '@litewal/wal-index';
import { lockWithBusyHandler, type BusyHandler } from './internal/busy-handler.js';

/**
 * How far a checkpoint may copy, after the read marks have been looked at.
 * @internal
 */
export interface SafeFrame {
  /** mxSafeFrame: the last frame that no reader still needs the database without. */
  readonly safeFrame: number;
  /** The busy handler for the rest of the checkpoint: null once a reader held a mark back. */
  readonly busy: BusyHandler | null;
  /** The read mark that set mxSafeFrame, when a reader holding it kept the copy short of the limit. */
  readonly pin: ReaderPin | null;
}

/**
 * A read mark held by a reader, which keeps a checkpoint from copying frames past it.
 * @internal
 */
export interface ReaderPin {
  /** The read mark, 0..4 (0: a reader of the database file alone, which blocks any copy). */
  readonly slot: number;
  /** The mark's frame: the reader's snapshot ends there. */
  readonly frame: number;
}

/**
 * The first step of SQLite's walCheckpoint: mxSafeFrame starts at `limit` (mxFrame, or less for a
 * bounded step); each read mark 1..4
 * below it is either taken over (READ(i) exclusive: mark 1 is raised to mxSafeFrame, the others
 * freed) or, when a reader holds it, lowers mxSafeFrame to that mark, after which the busy
 * handler is no longer used.
 * @internal
 */
export async function planSafeFrame(session: WalIndexCheckpoint, limit: number, busy: BusyHandler | null): Promise<SafeFrame> {
  let safeFrame = limit;
  let handler = busy;
  let pin: ReaderPin | null = null;
  for (let slot = 1; slot < WAL_INDEX_READ_MARK_COUNT; slot++) {
    const mark = (await session.readCheckpointInfo()).readMarks[slot] as number;
    if (mark >= safeFrame) continue;
    if (await lockWithBusyHandler(() => session.tryLockReaders([slot]), handler)) {
      await session.writeReadMark(slot, slot === 1 ? safeFrame : READ_MARK_NOT_USED);
      await session.unlockReaders([slot]);
    } else {
      safeFrame = mark;
      handler = null;
      pin = { slot, frame: mark };
    }
  }
  return { safeFrame, busy: handler, pin };
}
