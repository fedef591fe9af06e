import type { ChecksumPair, WalHeader } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { WalIndexSegment, walIndexSegmentOf } from './hash-segment.js';
import { encodeWalIndexHeader, type WalIndexHeader } from './index-header.js';
import {
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_HASH_OFFSET,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_MAX_FRAME,
  WAL_INDEX_SEGMENT_BYTES,
} from './format.js';

/**
 * A commit appended to the WAL after the frames a wal-index describes, to be made visible.
 * @public
 */
export interface WalIndexCommit {
  /** Page number of each frame appended after the previous mxFrame, in frame order; the last frame commits. */
  readonly pages: readonly number[];
  /** Database size in pages after the commit (the commit frame's commit size). */
  readonly dbSizePages: number;
  /** The WAL's running checksum after the commit frame. */
  readonly frameChecksum: ChecksumPair;
  /** The header of the WAL the frames were written to (page size, salts, checksum byte order). */
  readonly walHeader: WalHeader;
}

/**
 * The header a wal-index gets once `commit` is published on top of `previous`: iChange + 1,
 * mxFrame advanced by the frames, nPage, aFrameCksum, page size, salts and byte order of the WAL.
 * @throws RangeError for an empty commit, a database size of 0, or a frame count past 2^32 - 1.
 * @public
 */
export function committedWalIndexHeader(previous: WalIndexHeader, commit: WalIndexCommit): WalIndexHeader {
  if (commit.pages.length === 0) throw new RangeError('a commit needs at least one frame');
  if (commit.dbSizePages < 1) throw new RangeError(`a commit's database size must be at least 1 page, got ${commit.dbSizePages}`);
  const maxFrame = previous.maxFrame + commit.pages.length;
  if (maxFrame > WAL_INDEX_MAX_FRAME) {
    throw new RangeError(`${commit.pages.length} frames after frame ${previous.maxFrame} pass the limit of ${WAL_INDEX_MAX_FRAME}`);
  }
  const { walHeader } = commit;
  return {
    change: (previous.change + 1) >>> 0,
    byteOrder: walHeader.byteOrder,
    pageSize: walHeader.pageSize,
    maxFrame,
    dbSizePages: commit.dbSizePages,
    frameChecksum: commit.frameChecksum,
    salt1: walHeader.salt1,
    salt2: walHeader.salt2,
  };
}

/**
 * Publishes a commit in a live `-shm` file, in SQLite's order: the hash entries of every new
 * frame first, then header copy 2, then header copy 1. Only the bytes that change are written
 * (one write per run of changed bytes); a segment the file does not reach yet is first added as
 * zeros. The caller must hold the WAL_WRITE lock and `previous` must be the header it started
 * its write transaction from.
 *
 * @remarks Readers that started before the header write keep their snapshot: they never look at
 * entries past their own mxFrame. A slot that an earlier, dead writer left filled past
 * `previous.maxFrame` is cleaned first, as SQLite's walIndexAppend does.
 * @returns the header now published.
 * @throws RangeError as {@link committedWalIndexHeader}; `VfsError` from the file;
 * {@link HashProbeError} when a segment's hash table is corrupt.
 * @public
 */
export async function publishCommit(file: VfsFile, previous: WalIndexHeader, commit: WalIndexCommit): Promise<WalIndexHeader> {
  return (await publishInto(file, previous, commit, (index) => readSegmentForWrite(file, index))).header;
}

/**
 * {@link publishCommit} with the segments to change supplied by `segmentAt` (which must return
 * the file's current bytes of a segment, the file extended to hold it): the wal-index connection
 * keeps the segments it changed while it holds the write lock, so that a pipeline of commits
 * reads each segment once. Returns the header published and its encoded copy.
 */
export async function publishInto(
  file: VfsFile,
  previous: WalIndexHeader,
  commit: WalIndexCommit,
  segmentAt: (index: number) => Promise<WalIndexSegment>,
): Promise<{ readonly header: WalIndexHeader; readonly raw: Uint8Array }> {
  const header = committedWalIndexHeader(previous, commit);
  const first = previous.maxFrame + 1;
  const lastSegment = walIndexSegmentOf(header.maxFrame);
  for (let k = walIndexSegmentOf(first); k <= lastSegment; k++) {
    const segment = await segmentAt(k);
    const from = Math.max(first, segment.base + 1);
    const to = Math.min(header.maxFrame, segment.base + segment.capacity);
    // The segment's first frame zeroes it, and a dead writer's entries past mxFrame are cleaned
    // first: then everything past the header region may change. Otherwise only the aPgno entries
    // of the new frames and the hash slots they took do.
    const rewritten = from === segment.base + 1 || segment.pageOf(from) !== 0;
    const slots: number[] = [];
    for (let frame = from; frame <= to; frame++) slots.push(segment.add(frame, commit.pages[frame - first] as number));
    const at = k * WAL_INDEX_SEGMENT_BYTES;
    const ranges = rewritten ? [[k === 0 ? WAL_INDEX_HEADER_REGION_BYTES : 0, WAL_INDEX_SEGMENT_BYTES] as const] : changedRanges(segment, from, to, slots);
    for (const [start, end] of ranges) await file.write(segment.bytes.subarray(start, end), at + start);
  }
  const raw = encodeWalIndexHeader(header);
  await file.write(raw, WAL_INDEX_HEADER_COPY2_OFFSET);
  await file.write(raw, WAL_INDEX_HEADER_COPY1_OFFSET);
  return { header, raw };
}

/** Reads segment `index` of a `-shm` file to change it, first extending the file with zeros when it is shorter. */
export async function readSegmentForWrite(file: VfsFile, index: number): Promise<WalIndexSegment> {
  const bytes = new Uint8Array(WAL_INDEX_SEGMENT_BYTES);
  const read = await file.read(bytes, index * WAL_INDEX_SEGMENT_BYTES);
  if (read < WAL_INDEX_SEGMENT_BYTES) await file.truncate((index + 1) * WAL_INDEX_SEGMENT_BYTES);
  return new WalIndexSegment(index, bytes);
}

/** Hash slots at most this many bytes apart are written as one range (the bytes between are unchanged). */
const SLOT_MERGE_BYTES = 2048;

/**
 * The byte ranges `[start, end)` of a segment that adding frames `from..to` changed, given the
 * hash slots they took: their aPgno entries (one run) and runs of nearby hash slots.
 */
function changedRanges(segment: WalIndexSegment, from: number, to: number, slots: number[]): Array<readonly [number, number]> {
  const pagesAt = segment.index === 0 ? WAL_INDEX_HEADER_REGION_BYTES : 0;
  const ranges: Array<readonly [number, number]> = [[pagesAt + (from - segment.base - 1) * 4, pagesAt + (to - segment.base) * 4]];
  slots.sort((a, b) => a - b);
  let start = -1;
  let end = -1;
  for (const slot of slots) {
    const byte = WAL_INDEX_HASH_OFFSET + slot * 2;
    if (start >= 0 && byte - end <= SLOT_MERGE_BYTES) {
      end = byte + 2;
      continue;
    }
    if (start >= 0) ranges.push([start, end]);
    start = byte;
    end = byte + 2;
  }
  if (start >= 0) ranges.push([start, end]);
  return ranges;
}
