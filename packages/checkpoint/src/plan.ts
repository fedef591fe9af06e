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
}

/**
 * The first step of SQLite's walCheckpoint: mxSafeFrame starts at mxFrame; each read mark 1..4
 * below it is either taken over (READ(i) exclusive: mark 1 is raised to mxSafeFrame, the others
 * freed) or, when a reader holds it, lowers mxSafeFrame to that mark, after which the busy
 * handler is no longer used.
 * @internal
 */
export async function planSafeFrame(session: WalIndexCheckpoint, maxFrame: number, busy: BusyHandler | null): Promise<SafeFrame> {
  let safeFrame = maxFrame;
  let handler = busy;
  for (let slot = 1; slot < WAL_INDEX_READ_MARK_COUNT; slot++) {
    const mark = (await session.readCheckpointInfo()).readMarks[slot] as number;
    if (mark >= safeFrame) continue;
    if (await lockWithBusyHandler(() => session.tryLockReaders([slot]), handler)) {
      await session.writeReadMark(slot, slot === 1 ? safeFrame : READ_MARK_NOT_USED);
      await session.unlockReaders([slot]);
    } else {
      safeFrame = mark;
      handler = null;
    }
  }
  return { safeFrame, busy: handler };
}
