import { NodeVfs, type Vfs } from '@litewal/vfs';
import type { WalStopReason } from '@litewal/wal-file';
import { frameLayout, scanFrameHeaders } from '../inspect/frame-scan.js';
import { locateWal } from '../inspect/locate-wal.js';
import { summarizeWal } from '../inspect/wal-summary.js';

/**
 * One commit of a WAL's valid prefix: the snapshot SQLite would show after it.
 * @public
 */
export interface WalCommit {
  /** Its number: the N-th commit frame of the valid prefix, counting from 1 (see {@link walHistory}). */
  readonly commit: number;
  /** First frame of the transaction (the frame after the previous commit frame, or 1). */
  readonly firstFrame: number;
  /** Its commit frame: the snapshot of commit N is frames 1..lastFrame. */
  readonly lastFrame: number;
  /** Distinct page numbers the transaction wrote, ascending. */
  readonly pages: readonly number[];
  /** The database size in pages after it (the commit frame's commit size). */
  readonly dbSizePages: number;
}

/**
 * Consecutive frames outside the valid prefix that carry the same salts.
 * @public
 */
export interface WalFrameRun {
  /** First frame of the run (its position in the file, 1-based). */
  readonly firstFrame: number;
  /** Last frame of the run. */
  readonly lastFrame: number;
  /** Salt-1 of its frames. */
  readonly salt1: number;
  /** Salt-2 of its frames. */
  readonly salt2: number;
  /**
   * The checkpoint sequence of the generation that wrote these frames, derived from salt-1 (which
   * SQLite increments once per reset); null when salt-1 does not fit an earlier generation.
   */
  readonly checkpointSequence: number | null;
  /** Distinct page numbers of its frames, ascending. */
  readonly pages: readonly number[];
  /** Its commit frames (a non-zero commit size) and the database size each records. */
  readonly commitFrames: readonly { readonly frame: number; readonly dbSizePages: number }[];
}

/**
 * What `litewal history --json` prints: the frame history of a WAL for forensics.
 * @public
 */
export interface WalHistory {
  /** The WAL file and its header (header fields are null when the file is too short to hold them). */
  readonly wal: {
    /** The WAL file read. */
    readonly path: string;
    /** Its size in bytes. */
    readonly bytes: number;
    /** Page size in bytes. */
    readonly pageSize: number | null;
    /** Checkpoint sequence of the current generation. */
    readonly checkpointSequence: number | null;
    /** Salt-1 of the current generation. */
    readonly salt1: number | null;
    /** Salt-2 of the current generation. */
    readonly salt2: number | null;
    /** Whether SQLite would accept the header; when false SQLite ignores the whole file. */
    readonly headerValid: boolean;
  };
  /** Every commit of the valid prefix, in order: commit 1 first. */
  readonly commits: readonly WalCommit[];
  /** Valid frames after the last commit frame (a transaction that never committed), or null. */
  readonly uncommitted: { readonly firstFrame: number; readonly lastFrame: number; readonly pages: readonly number[] } | null;
  /** The first frame outside the valid prefix and why, or null when the prefix runs to the end of the file. */
  readonly break: { readonly frame: number; readonly reason: Exclude<WalStopReason, 'end-of-file'> } | null;
  /** Frames of older generations (salts other than the header's) left in the file, in file order. */
  readonly stale: readonly WalFrameRun[];
  /**
   * Frames after the break that carry the current salts, or zeroed salts (SQLite writes those
   * while it rewrites frames of an open transaction): the checksum chain does not reach them, so
   * SQLite never reads them, commit frames included.
   */
  readonly beyondBreak: readonly WalFrameRun[];
  /** Bytes after the last whole frame: a torn, partial frame. */
  readonly trailingBytes: number;
}

/** Collects consecutive frames with equal salts into {@link WalFrameRun}s. */
class RunCollector {
  readonly runs: WalFrameRun[] = [];
  #open: { first: number; last: number; salt1: number; salt2: number; pages: Set<number>; commits: { frame: number; dbSizePages: number }[] } | null = null;

  constructor(readonly sequenceOf: (salt1: number) => number | null) {}

  add(frame: number, salt1: number, salt2: number, pageNumber: number, commitSize: number): void {
    const open = this.#open;
    if (open === null || open.last !== frame - 1 || open.salt1 !== salt1 || open.salt2 !== salt2) {
      this.finish();
      this.#open = { first: frame, last: frame, salt1, salt2, pages: new Set([pageNumber]), commits: [] };
    } else {
      open.last = frame;
      open.pages.add(pageNumber);
    }
    if (commitSize !== 0) this.#open?.commits.push({ frame, dbSizePages: commitSize });
  }

  finish(): void {
    const open = this.#open;
    if (open === null) return;
    this.runs.push({
      firstFrame: open.first,
      lastFrame: open.last,
      salt1: open.salt1,
      salt2: open.salt2,
      checkpointSequence: this.sequenceOf(open.salt1),
      pages: ascending(open.pages),
      commitFrames: open.commits,
    });
    this.#open = null;
  }
}

function ascending(pages: Set<number>): number[] {
  return [...pages].sort((a, b) => a - b);
}

/**
 * Reads the frame history of a WAL (`<db>-wal` beside a database, or a WAL file given directly)
 * without writing anything and without taking any lock.
 *
 * @remarks
 * Commit numbering, shared with `litewal export --at-commit N`: commit N is the N-th commit frame
 * (a frame with a non-zero commit size) of the valid prefix, counting from 1 at the start of the
 * file; its snapshot is frames 1..that frame, exactly what SQLite shows a reader whose mxFrame is
 * that frame. The valid prefix is SQLite's: it ends at the first frame whose salts differ from the
 * header's, whose page number is 0 or whose chained checksum fails, and frames after it are never
 * numbered. Numbers restart with each generation of the log (a reset or a TRUNCATE checkpoint).
 *
 * After the valid prefix come the frames SQLite ignores: runs with other salts (older generations,
 * left behind because a reset does not shrink the file) in {@link WalHistory.stale}, and runs with
 * the current salts that the checksum chain does not reach in {@link WalHistory.beyondBreak}.
 * Memory: the frame headers are read in chunks of about 4 MiB; the result holds the page numbers
 * of every frame.
 * @throws `EngineError` `ERR_ENGINE_INPUT` when the path holds no usable WAL.
 * @public
 */
export async function walHistory(path: string, vfs: Vfs = new NodeVfs()): Promise<WalHistory> {
  const walPath = await locateWal(path);
  const summary = await summarizeWal(walPath, vfs);
  const wal = {
    path: walPath,
    bytes: summary.bytes,
    pageSize: summary.pageSize,
    checkpointSequence: summary.checkpointSequence,
    salt1: summary.salt1,
    salt2: summary.salt2,
    headerValid: summary.headerValid,
  };
  const { chained, committed } = summary.frames;
  const stop = summary.stop;
  const breakAt = stop.reason === 'end-of-file' ? null : { frame: stop.frame, reason: stop.reason };
  if (!summary.headerValid || summary.pageSize === null) {
    return { wal, commits: [], uncommitted: null, break: breakAt, stale: [], beyondBreak: [], trailingBytes: 0 };
  }
  const layout = frameLayout(summary.bytes, summary.pageSize);
  const salt1 = summary.salt1 ?? 0;
  const salt2 = summary.salt2 ?? 0;
  const sequence = summary.checkpointSequence ?? 0;
  const sequenceOf = (other: number): number | null => {
    const back = (salt1 - other) >>> 0;
    return back >= 1 && back <= sequence ? sequence - back : null;
  };
  const commits: WalCommit[] = [];
  let pages = new Set<number>();
  let first = 1;
  const tail = new Set<number>();
  const stale = new RunCollector(sequenceOf);
  const beyond = new RunCollector(() => sequence);
  await scanFrameHeaders(vfs, walPath, layout, 1, (frame, header) => {
    if (frame <= committed) {
      pages.add(header.pageNumber);
      if (header.commitSize !== 0) {
        commits.push({ commit: commits.length + 1, firstFrame: first, lastFrame: frame, pages: ascending(pages), dbSizePages: header.commitSize });
        pages = new Set();
        first = frame + 1;
      }
    } else if (frame <= chained) {
      tail.add(header.pageNumber);
    } else {
      const current = header.salt1 === salt1 && header.salt2 === salt2;
      const zeroed = header.salt1 === 0 && header.salt2 === 0;
      (current || zeroed ? beyond : stale).add(frame, header.salt1, header.salt2, header.pageNumber, header.commitSize);
    }
  });
  stale.finish();
  beyond.finish();
  return {
    wal,
    commits,
    uncommitted: chained > committed ? { firstFrame: committed + 1, lastFrame: chained, pages: ascending(tail) } : null,
    break: breakAt,
    stale: stale.runs,
    beyondBreak: beyond.runs,
    trailingBytes: layout.trailingBytes,
  };
}
