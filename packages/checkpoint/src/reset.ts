import type { VfsFile } from '@litewal/vfs';
import type { WalIndexCheckpoint } from '@litewal/wal-index';
import { lockWithBusyHandler, type BusyHandler } from './internal/busy-handler.js';

/** READ(1) to READ(4): the locks of readers that use the WAL. */
const WAL_READERS = [1, 2, 3, 4] as const;

/**
 * What the last step of a RESTART or TRUNCATE checkpoint found.
 * @internal
 */
export interface ResetOutcome {
  /** True when readers still used the WAL after the busy handler gave up. */
  readonly busy: boolean;
  /** mxFrame as the checkpoint now reports it: 0 once a TRUNCATE restarted the header. */
  readonly maxFrame: number;
}

/**
 * The end of SQLite's walCheckpoint for RESTART and TRUNCATE, once every frame is in the
 * database: wait (with the busy handler) until READ(1..4) can all be taken exclusive, so that no
 * reader uses the WAL and the next writer starts it again at frame 1. TRUNCATE then makes the
 * database durable (`beforeTruncate`), restarts the wal-index header (walRestartHdr) and
 * truncates the WAL to 0 bytes, while still holding those locks.
 * @internal
 */
export async function resetLog(
  session: WalIndexCheckpoint,
  job: {
    readonly truncate: boolean;
    readonly maxFrame: number;
    readonly busy: BusyHandler | null;
    readonly wal: VfsFile;
    readonly beforeTruncate: () => Promise<void>;
  },
): Promise<ResetOutcome> {
  if (!(await lockWithBusyHandler(() => session.tryLockReaders(WAL_READERS), job.busy))) {
    return { busy: true, maxFrame: job.maxFrame };
  }
  try {
    if (!job.truncate) return { busy: false, maxFrame: job.maxFrame };
    await job.beforeTruncate();
    const header = await session.restartHeader();
    await job.wal.truncate(0);
    return { busy: false, maxFrame: header.maxFrame };
  } finally {
    await session.unlockReaders(WAL_READERS);
  }
}
