import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES, walChecksum, type ChainResult, type WalHeader } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import type { WalScan } from '../internal/wal-scan.js';

/**
 * Stable codes of what `litewal pair-check` found where SQLite's valid prefix of the WAL ends.
 *
 * @remarks
 * - `UNCOMMITTED_TAIL`: valid frames after the last commit frame (a transaction that never
 *   committed); normal.
 * - `TORN_TAIL`: a partial last frame, or a frame whose checksum fails with no committed
 *   transaction after it (a write cut short by a crash, or a frame SQLite rewrote inside a
 *   transaction that never committed); normal.
 * - `SALT_CHANGE`: frames of an earlier generation of this WAL (salt-1 a little below the
 *   header's) left behind after the log was restarted; normal.
 * - `UNSEALED_FRAMES`: frames with zeroed salts and checksums, which SQLite writes inside a
 *   transaction after rewriting one of its frames and seals only at commit: left over after a
 *   rollback to a savepoint or a transaction that never committed; normal.
 * - `ZERO_FILLED`: a frame header of zeros (space the file system allocated but that was never
 *   written); normal when no commit follows.
 * - `ZERO_PAGE`: a frame with this generation's salts and page number 0, which SQLite never writes.
 * - `FOREIGN_FRAMES`: salts that belong to no generation of this WAL: bytes of another WAL.
 * - `MID_LOG_CORRUPTION`: the checksum chain breaks and intact committed transactions follow.
 * @public
 */
export type WalBreakCode =
  | 'UNCOMMITTED_TAIL'
  | 'TORN_TAIL'
  | 'SALT_CHANGE'
  | 'UNSEALED_FRAMES'
  | 'ZERO_FILLED'
  | 'ZERO_PAGE'
  | 'FOREIGN_FRAMES'
  | 'MID_LOG_CORRUPTION';

/**
 * One place where the WAL stops being what SQLite reads.
 * @public
 */
export interface WalBreak {
  /** What was found. */
  readonly code: WalBreakCode;
  /** The first frame concerned (1-based). */
  readonly frame: number;
  /** True for what crashes and restarts normally leave behind; false for damage. */
  readonly normal: boolean;
  /**
   * Commit frames after `frame` that look intact (see {@link checkWalPairing}); SQLite never reads
   * them, so their transactions are silently dropped.
   */
  readonly lostCommits: number;
  /** What was found, with the observed values. */
  readonly message: string;
  /** What to do about it. */
  readonly action: string;
}

/** Frames with this generation's salts after the break, and the commit frames among them that self-chain. */
interface Beyond {
  readonly sameSaltFrames: number;
  readonly lostCommits: number;
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads the frames after the end of the valid prefix (from `first`, the stop frame) and counts the
 * commit frames that SQLite would drop: frames with the header's salts, a page number, a commit
 * size, and a checksum that chains from the checksum stored in the frame before them.
 */
async function scanBeyond(file: VfsFile, header: WalHeader, first: number, framesInFile: number): Promise<Beyond> {
  const frameSize = header.pageSize + WAL_FRAME_HEADER_BYTES;
  const chunkFrames = Math.max(1, Math.floor(CHUNK_BYTES / frameSize));
  const buffer = new Uint8Array(Math.min(chunkFrames, framesInFile) * frameSize);
  const view = new DataView(buffer.buffer);
  // The seed of frame `first` is what the frame before it stored (the header's for frame 1).
  const seedBytes = new Uint8Array(8);
  await file.read(seedBytes, first === 1 ? 24 : WAL_HEADER_BYTES + (first - 2) * frameSize + 16);
  const seedView = new DataView(seedBytes.buffer);
  let prev = { s1: seedView.getUint32(0, false), s2: seedView.getUint32(4, false) };
  let prevSameSalts = true;
  let sameSaltFrames = 0;
  let lostCommits = 0;
  for (let done = first - 1; done < framesInFile; ) {
    const frames = Math.min(chunkFrames, framesInFile - done);
    const n = Math.floor((await file.read(buffer.subarray(0, frames * frameSize), WAL_HEADER_BYTES + done * frameSize)) / frameSize);
    for (let i = 0; i < n; i++) {
      const at = i * frameSize;
      const frame = done + i + 1;
      const sameSalts = view.getUint32(at + 8, false) === header.salt1 && view.getUint32(at + 12, false) === header.salt2;
      const stored = { s1: view.getUint32(at + 16, false), s2: view.getUint32(at + 20, false) };
      if (sameSalts && frame > first) {
        sameSaltFrames++;
        const page = view.getUint32(at, false);
        const commit = view.getUint32(at + 4, false);
        if (page !== 0 && commit !== 0 && prevSameSalts) {
          const head = walChecksum(buffer.subarray(at, at + 8), header.byteOrder, prev);
          const sum = walChecksum(buffer.subarray(at + WAL_FRAME_HEADER_BYTES, at + frameSize), header.byteOrder, head);
          if (sum.s1 === stored.s1 && sum.s2 === stored.s2) lostCommits++;
        }
      }
      prev = stored;
      prevSameSalts = sameSalts;
    }
    if (n < frames) break;
    done += n;
  }
  return { sameSaltFrames, lostCommits };
}

/** Whether salt-1 is that of one of the `sequence` generations before the header's. */
function isEarlierGeneration(salt1: number, header: WalHeader): boolean {
  const back = (header.salt1 - salt1) >>> 0;
  return back >= 1 && back <= header.checkpointSequence;
}

/**
 * Describes the end of the valid prefix of a scanned WAL: an uncommitted tail, and what stopped the
 * scan with the commits SQLite would drop after it.
 */
export async function describeBreaks(file: VfsFile, scan: WalScan): Promise<WalBreak[]> {
  const { header, chain } = scan;
  if (header === null || chain === null) return [];
  const stop = await describeStop(file, scan, header, chain);
  const breaks: WalBreak[] = [];
  if (chain.chained > chain.committed) {
    const frames = `frames ${chain.committed + 1}..${chain.chained}`;
    breaks.push(
      stop === null || stop.normal
        ? {
            code: 'UNCOMMITTED_TAIL',
            frame: chain.committed + 1,
            normal: true,
            lostCommits: 0,
            message: `${frames} are valid but no commit frame follows them: a transaction that never committed`,
            action: 'nothing: SQLite ignores them and the next writer overwrites them',
          }
        : {
            code: 'UNCOMMITTED_TAIL',
            frame: chain.committed + 1,
            normal: false,
            lostCommits: 0,
            message: `${frames} are valid but the frame after them is damaged: their transaction's commit may be the damaged frame`,
            action: stop.action,
          },
    );
  }
  if (stop !== null) breaks.push(stop);
  return breaks;
}

/** What stopped SQLite's scan, or null when the file simply ended after a whole frame. */
async function describeStop(file: VfsFile, scan: WalScan, header: WalHeader, chain: ChainResult): Promise<WalBreak | null> {
  const { frame, reason } = chain.stop;
  if (reason === 'end-of-file') return null;
  if (reason === 'partial-frame') {
    const frameSize = header.pageSize + WAL_FRAME_HEADER_BYTES;
    const tail = scan.bytes - WAL_HEADER_BYTES - scan.framesInFile * frameSize;
    return {
      code: 'TORN_TAIL',
      frame,
      normal: true,
      lostCommits: 0,
      message: `the file ends ${tail} bytes into frame ${frame} (a frame is ${frameSize} bytes): a write cut short`,
      action: 'nothing: SQLite ignores the partial frame',
    };
  }
  const raw = new Uint8Array(WAL_FRAME_HEADER_BYTES);
  await file.read(raw, WAL_HEADER_BYTES + (frame - 1) * (header.pageSize + WAL_FRAME_HEADER_BYTES));
  const view = new DataView(raw.buffer);
  const page = view.getUint32(0, false);
  const salt1 = view.getUint32(8, false);
  const salt2 = view.getUint32(12, false);
  const beyond = await scanBeyond(file, header, frame, scan.framesInFile);
  const lost = beyond.lostCommits;
  const lostText =
    lost === 0
      ? `no intact commit frame of this generation follows`
      : `${lost} intact commit frame(s) of this generation follow (of ${beyond.sameSaltFrames} frames with its salts), and SQLite silently drops them`;
  const lostAction =
    'SQLite reads only the frames before the break; copy the database, the -wal and the -shm aside before anything opens them, then decide whether to export the prefix (litewal export) or restore from a backup';
  const at = `frame ${frame}`;
  const push = (code: WalBreakCode, normal: boolean, message: string, action: string): WalBreak => ({
    code,
    frame,
    normal: normal && lost === 0,
    lostCommits: lost,
    message: `${at}: ${message}; ${lostText}`,
    action: lost === 0 ? action : lostAction,
  });
  if (reason === 'zero-page') {
    return push('ZERO_PAGE', false, 'has this generation\'s salts but page number 0, which SQLite never writes', lostAction);
  }
  if (reason === 'checksum-mismatch') {
    return lost > 0
      ? push('MID_LOG_CORRUPTION', false, `the checksum chain breaks (page ${page})`, lostAction)
      : push('TORN_TAIL', true, `the checksum chain breaks (page ${page}): the last write was cut short or its transaction never committed`, 'nothing: SQLite ignores the frames from here on');
  }
  const salts = `salts ${salt1}/${salt2}, header ${header.salt1}/${header.salt2}`;
  if (salt1 === 0 && salt2 === 0 && page === 0) {
    return push('ZERO_FILLED', true, 'the frame header is all zeros (space never written)', 'nothing: SQLite ignores it');
  }
  if (salt1 === 0 && salt2 === 0) {
    return push(
      'UNSEALED_FRAMES',
      true,
      `frames with zeroed salts and checksums (page ${page}): SQLite writes these inside a transaction after rewriting one of its frames, and these were left by one that rolled back (to a savepoint) or never committed`,
      'nothing: SQLite ignores them',
    );
  }
  if (isEarlierGeneration(salt1, header)) {
    return push('SALT_CHANGE', true, `${salts}: frames of an earlier generation left after the log restarted (checkpoint sequence ${header.checkpointSequence})`, 'nothing: SQLite ignores them');
  }
  return push('FOREIGN_FRAMES', false, `${salts}: no generation of this WAL (checkpoint sequence ${header.checkpointSequence}) has these salts, so these bytes come from another WAL`, 'find out what wrote into this file; SQLite ignores the frames from here on');
}
