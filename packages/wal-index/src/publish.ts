import type { ChecksumPair, WalHeader } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { WalIndexSegment, walIndexSegmentOf } from './hash-segment.js';
import { encodeWalIndexHeader, type WalIndexHeader } from './index-header.js';
import {
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_MAX_FRAME,
  WAL_INDEX_SEGMENT_BYTES,
} from './format.js';
import { changedRuns } from './internal/changed-runs.js';

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
  const header = committedWalIndexHeader(previous, commit);
  const first = previous.maxFrame + 1;
  const lastSegment = walIndexSegmentOf(header.maxFrame);
  const size = await file.size();
  if (size < (lastSegment + 1) * WAL_INDEX_SEGMENT_BYTES) await file.truncate((lastSegment + 1) * WAL_INDEX_SEGMENT_BYTES);
  for (let k = walIndexSegmentOf(first); k <= lastSegment; k++) {
    const at = k * WAL_INDEX_SEGMENT_BYTES;
    const bytes = new Uint8Array(WAL_INDEX_SEGMENT_BYTES);
    await file.read(bytes, at);
    const before = bytes.slice();
    const segment = new WalIndexSegment(k, bytes);
    const from = Math.max(first, segment.base + 1);
    const to = Math.min(header.maxFrame, segment.base + segment.capacity);
    for (let frame = from; frame <= to; frame++) segment.add(frame, commit.pages[frame - first] as number);
    for (const [start, end] of changedRuns(before, bytes, k === 0 ? WAL_INDEX_HEADER_REGION_BYTES : 0)) {
      await file.write(bytes.subarray(start, end), at + start);
    }
  }
  const copy = encodeWalIndexHeader(header);
  await file.write(copy, WAL_INDEX_HEADER_COPY2_OFFSET);
  await file.write(copy, WAL_INDEX_HEADER_COPY1_OFFSET);
  return header;
}
