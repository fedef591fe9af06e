import { readFile } from 'node:fs/promises';
import { NodeVfs } from '@litewal/vfs';
import { WAL_INDEX_HEADER_REGION_BYTES, WalIndexError, decodeCheckpointInfo, decodeWalIndexHeader } from '@litewal/wal-index';
import { locateWal } from '../inspect/locate-wal.js';
import { summarizeWal } from '../inspect/wal-summary.js';

/**
 * The wal-index part of {@link DatabaseStats}: what `<db>-shm` says, as a reader would see it.
 * @public
 */
export interface WalIndexStats {
  /** The file read. */
  readonly path: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** Why the header is not usable (copies differ, bad checksum, not initialised), or null. */
  readonly headerProblem: string | null;
  /** mxFrame: the last committed frame readers see (null when the header is not usable). */
  readonly mxFrame: number | null;
  /** nPage: the database size in pages at that frame. */
  readonly nPage: number | null;
  /** iChange: the commit counter of the wal-index. */
  readonly change: number | null;
  /** nBackfill: frames already copied into the database. */
  readonly backfilled: number;
  /** nBackfillAttempted: the highest frame a checkpoint has tried to copy. */
  readonly backfillAttempted: number;
  /** aReadMark[0..4]; null marks a free slot. */
  readonly readMarks: readonly (number | null)[];
}

/**
 * What `litewal stats` reports: the WAL and wal-index state of a database that may be in use.
 * @public
 */
export interface DatabaseStats {
  /** The WAL: size and frame counts of its valid prefix. */
  readonly wal: {
    /** The WAL file. */
    readonly path: string;
    /** Its size in bytes. */
    readonly bytes: number;
    /** Page size (null when the header is invalid). */
    readonly pageSize: number | null;
    /** Valid frames, committed or not. */
    readonly frames: number;
    /** The last committed frame. */
    readonly committed: number;
    /** Commit groups in the committed log: each ends with a commit frame. */
    readonly groups: number;
    /** Frames written but not committed. */
    readonly uncommitted: number;
  };
  /** The wal-index, or null when `<db>-shm` does not exist or is shorter than its header. */
  readonly index: WalIndexStats | null;
  /** Committed frames not yet copied into the database (null without a usable wal-index). */
  readonly pendingFrames: number | null;
}

/**
 * Reads a database's WAL and wal-index state without writing anything and without taking any
 * lock, so it can watch a database in use (the wal-index is read as a snapshot of its bytes).
 * @throws `EngineError` `ERR_ENGINE_INPUT` when the path holds no usable WAL.
 * @public
 */
export async function databaseStats(db: string): Promise<DatabaseStats> {
  const wal = await summarizeWal(await locateWal(db), new NodeVfs());
  const shmPath = wal.path.replace(/-wal$/, '-shm');
  const index = await readIndex(shmPath);
  return {
    wal: {
      path: wal.path,
      bytes: wal.bytes,
      pageSize: wal.headerValid ? wal.pageSize : null,
      frames: wal.frames.chained,
      committed: wal.frames.committed,
      groups: wal.frames.commits,
      uncommitted: wal.frames.uncommittedTail,
    },
    index,
    pendingFrames: index?.mxFrame == null ? null : Math.max(0, index.mxFrame - index.backfilled),
  };
}

async function readIndex(path: string): Promise<WalIndexStats | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    return null;
  }
  if (bytes.length < WAL_INDEX_HEADER_REGION_BYTES) return null;
  const info = decodeCheckpointInfo(bytes);
  const base = {
    path,
    bytes: bytes.length,
    backfilled: info.backfilled,
    backfillAttempted: info.backfillAttempted,
    readMarks: info.readMarks.map((mark, i) => (i > 0 && mark === 0xffff_ffff ? null : mark)),
  };
  try {
    const header = decodeWalIndexHeader(bytes);
    return { ...base, headerProblem: null, mxFrame: header.maxFrame, nPage: header.dbSizePages, change: header.change };
  } catch (error) {
    if (!(error instanceof WalIndexError)) throw error;
    return { ...base, headerProblem: error.message, mxFrame: null, nPage: null, change: null };
  }
}
