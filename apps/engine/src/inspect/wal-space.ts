import { WAL_HEADER_BYTES } from '@litewal/checksum';
import type { Vfs } from '@litewal/vfs';
import { frameLayout, scanFrameHeaders } from './frame-scan.js';
import type { ShmInspection } from './shm-inspection.js';
import type { WalInspection } from './wal-summary.js';
import { plural } from './words.js';

/**
 * The `space` object of `litewal inspect --json`: which bytes of the WAL still matter.
 * @public
 */
export interface WalSpace {
  /** Bytes of one frame (page size + 24), null when the header is invalid. */
  readonly frameBytes: number | null;
  /** Committed frames of the current generation (1..mxFrame): what readers can see. */
  readonly liveFrames: number;
  /**
   * Committed frames not yet copied into the database (mxFrame - nBackfill of a `-shm` that
   * describes this WAL); null when no such `-shm` tells.
   */
  readonly pendingFrames: number | null;
  /** Valid frames after the last commit frame (a transaction that did not commit, or is running). */
  readonly uncommittedFrames: number;
  /** Whole frames after the valid prefix whose salts are an older generation's: leftovers of a reset. */
  readonly staleFrames: number;
  /** Whole frames after the valid prefix with the current (or zeroed) salts that the checksum chain does not reach. */
  readonly brokenFrames: number;
  /** Bytes after the last whole frame (a torn frame). */
  readonly trailingBytes: number;
  /** Bytes that can be cut from the end of the WAL without losing anything SQLite would use now. */
  readonly safeToTruncateBytes: number;
  /** Why that many: the rule that applied, in words. */
  readonly safeToTruncateReason: string;
}

/** Counts the WAL's live, pending and stale frames, and how much could be truncated safely. */
export async function measureWalSpace(vfs: Vfs, wal: WalInspection, shm: ShmInspection | null): Promise<WalSpace> {
  const { committed, chained } = wal.frames;
  const noLock = shm === null || shm.locks.every((l) => l.state === 'free');
  const writerFree = shm === null || shm.locks[0]?.state === 'free';
  const who = shm === null ? '' : ` (${shm.locks.filter((l) => l.state !== 'free').map((l) => `${l.name} ${l.state}`).join(', ')})`;
  if (!wal.headerValid || wal.pageSize === null) {
    return {
      frameBytes: null,
      liveFrames: 0,
      pendingFrames: 0,
      uncommittedFrames: 0,
      staleFrames: 0,
      brokenFrames: 0,
      trailingBytes: 0,
      safeToTruncateBytes: noLock ? wal.bytes : 0,
      safeToTruncateReason: noLock
        ? 'SQLite ignores a WAL whose header is invalid, and no process holds a lock on the -shm'
        : `the header is invalid, but a process holds a lock on the -shm${who}`,
    };
  }
  const layout = frameLayout(wal.bytes, wal.pageSize);
  let staleFrames = 0;
  let brokenFrames = 0;
  await scanFrameHeaders(vfs, wal.path, layout, chained + 1, (_frame, h) => {
    const current = h.salt1 === wal.salt1 && h.salt2 === wal.salt2;
    if (current || (h.salt1 === 0 && h.salt2 === 0)) brokenFrames++;
    else staleFrames++;
  });
  const pendingFrames =
    shm !== null && shm.matchesWal && shm.nBackfill !== null ? Math.max(0, committed - Math.min(shm.nBackfill, committed)) : null;
  const committedEnd = WAL_HEADER_BYTES + committed * layout.frameBytes;
  let safeToTruncateBytes = 0;
  let safeToTruncateReason: string;
  if ((pendingFrames === 0 || committed === 0) && noLock) {
    safeToTruncateBytes = wal.bytes;
    safeToTruncateReason =
      committed === 0 ? 'the WAL holds no committed frame and no process holds a lock on the -shm' : 'nothing pending: every committed frame is in the database, and no process holds a lock on the -shm';
  } else if (writerFree) {
    safeToTruncateBytes = Math.max(0, wal.bytes - committedEnd);
    safeToTruncateReason =
      pendingFrames === null
        ? 'bytes after the last commit frame: no -shm that describes this WAL tells which committed frames are in the database'
        : pendingFrames > 0
          ? `bytes after the last commit frame: ${plural(pendingFrames, 'committed frame')} ${pendingFrames === 1 ? 'is' : 'are'} not in the database yet`
          : `bytes after the last commit frame: a process holds a lock on the -shm${who}`;
  } else {
    safeToTruncateReason = `a writer holds the WAL write lock and may be appending right now`;
  }
  return {
    frameBytes: layout.frameBytes,
    liveFrames: committed,
    pendingFrames,
    uncommittedFrames: chained - committed,
    staleFrames,
    brokenFrames,
    trailingBytes: layout.trailingBytes,
    safeToTruncateBytes,
    safeToTruncateReason,
  };
}
