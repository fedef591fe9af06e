import {
  WAL_HEADER_BYTES,
  WalHeaderError,
  decodeWalHeader,
  type ChainStopReason,
  type ChecksumPair,
  type WalHeader,
} from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { FramePages } from './internal/frame-pages.js';
import { scanFrames } from './internal/scan-frames.js';

/**
 * Why the scan of a WAL stopped: a reason of the frame chain, or `no-header` when the WAL header
 * is missing or invalid (SQLite then ignores the whole file).
 * @public
 */
export type WalStopReason = ChainStopReason | 'no-header';

/**
 * What opening a WAL found: the valid prefix exactly as SQLite's recovery computes it.
 * @public
 */
export interface WalRecovery {
  /** File size in bytes when it was scanned. */
  readonly bytes: number;
  /** The decoded header, or null when it is missing or invalid. */
  readonly header: WalHeader | null;
  /** Why the header was rejected (observed value and rule), when it was. */
  readonly headerError: string | null;
  /**
   * The `@litewal/checksum` error code of the rejection. `ERR_CHECKSUM_BAD_VERSION` (an intact
   * header of another format version) is the one case where SQLite refuses to open the database
   * instead of ignoring the WAL.
   */
  readonly headerErrorCode: string | null;
  /** Frames that pass the salt, page-number and checksum checks before the first failure. */
  readonly chained: number;
  /** The last valid commit frame: SQLite's mxFrame (0 when there is none). */
  readonly committed: number;
  /** Commit frames within 1..committed. */
  readonly commits: number;
  /** Database size in pages recorded by frame `committed` (0 when there is none). */
  readonly dbSizePages: number;
  /** The first frame that failed and why (frame = chained + 1). */
  readonly stop: { readonly frame: number; readonly reason: WalStopReason };
}

/**
 * Options for scanning a WAL.
 * @public
 */
export interface RecoveryOptions {
  /**
   * Size of each sequential read while scanning; rounded down to whole frames, at least one.
   * @defaultValue 4 MiB
   */
  readonly readChunkBytes?: number;
}

/** Recovery result plus what a WalFile needs to continue the log. */
export interface RecoveredState {
  readonly recovery: WalRecovery;
  readonly chainedChecksum: ChecksumPair;
  readonly committedChecksum: ChecksumPair;
  readonly framePages: FramePages;
}

/** Default size of each sequential read while scanning. */
export const DEFAULT_READ_CHUNK_BYTES = 4 * 1024 * 1024;
const ZERO: ChecksumPair = { s1: 0, s2: 0 };

function headerlessState(bytes: number, headerError: string, headerErrorCode: string | null): RecoveredState {
  return {
    recovery: {
      bytes,
      header: null,
      headerError,
      headerErrorCode,
      chained: 0,
      committed: 0,
      commits: 0,
      dbSizePages: 0,
      stop: { frame: 1, reason: 'no-header' },
    },
    chainedChecksum: ZERO,
    committedChecksum: ZERO,
    framePages: new FramePages(),
  };
}

/**
 * Scans a WAL from the start and computes its valid prefix as SQLite's recovery does, reading the
 * file in large sequential chunks. Never writes.
 */
export async function recoverWal(file: VfsFile, options: RecoveryOptions = {}): Promise<RecoveredState> {
  const bytes = await file.size();
  if (bytes < WAL_HEADER_BYTES) {
    return headerlessState(bytes, `the file is ${bytes} bytes, a WAL header needs ${WAL_HEADER_BYTES}`, null);
  }
  const headerBytes = new Uint8Array(WAL_HEADER_BYTES);
  const got = await file.read(headerBytes, 0);
  if (got < WAL_HEADER_BYTES) {
    return headerlessState(bytes, `read ${got} of ${WAL_HEADER_BYTES} header bytes`, null);
  }
  let header: WalHeader;
  try {
    header = decodeWalHeader(headerBytes);
  } catch (error) {
    if (!(error instanceof WalHeaderError)) throw error;
    return headerlessState(bytes, error.message, error.code);
  }

  const framePages = new FramePages();
  const result = await scanFrames({
    file,
    header,
    bytes,
    fromFrame: 0,
    seed: { s1: header.checksum1, s2: header.checksum2 },
    framePages,
    readChunkBytes: options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES,
  });
  framePages.truncate(result.chained);
  return {
    recovery: {
      bytes,
      header,
      headerError: null,
      headerErrorCode: null,
      chained: result.chained,
      committed: result.committed,
      commits: result.commits,
      dbSizePages: result.dbSizePages,
      stop: result.stop,
    },
    chainedChecksum: result.chainedChecksum,
    committedChecksum: result.committedChecksum,
    framePages,
  };
}

