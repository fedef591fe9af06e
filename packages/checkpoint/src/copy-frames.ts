import { WAL_FRAME_HEADER_BYTES } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { frameBytes, frameOffset } from '@litewal/wal-file';
import type { BackfillList } from './backfill-iterator.js';
import { CheckpointAbortedError, CheckpointCorruptError } from './errors.js';
import type { CheckpointProgress } from './options.js';

/** Page data gathered per batch before it is written (a multiple of every page size). */
const BATCH_BYTES = 1024 * 1024;
/** Page data of the first batch: small, so that the first write starts early. */
const FIRST_BATCH_BYTES = 256 * 1024;
/** Most bytes one read of the WAL asks for (more than one frame of the largest page size). */
const READ_BYTES = 1024 * 1024;
/**
 * Batches in flight: one being written while the next ones are read and gathered. Memory is
 * `PIPELINE_DEPTH x (BATCH_BYTES + READ_BYTES)`, 8 MiB, whatever the WAL's size.
 */
const PIPELINE_DEPTH = 4;
/** Unneeded WAL bytes a read goes through rather than being split in two (cheaper than a call). */
const GAP_BYTES = 64 * 1024;
/** Frame-order sort keys carry the page's slot in the batch in their low 16 bits. */
const SLOT_RADIX = 65536;

/**
 * A copy of frames into the database file.
 * @internal
 */
export interface CopyJob {
  /** The WAL, read from. */
  readonly wal: VfsFile;
  /** The database, written to. */
  readonly db: VfsFile;
  /** Page size of both. */
  readonly pageSize: number;
  /** Salts every frame copied must carry (those of the wal-index header). */
  readonly salt1: number;
  /** Second salt. */
  readonly salt2: number;
  /** What to copy. */
  readonly list: BackfillList;
  /** Called with list entry `index`'s page image once read (a view, valid until the call returns). */
  readonly onPage?: ((index: number, page: Uint8Array) => void) | undefined;
  /** Progress after each write. */
  readonly onProgress?: ((progress: CheckpointProgress) => void) | undefined;
  /** Stops the copy before the next write. */
  readonly signal?: AbortSignal | undefined;
}

/** One batch of consecutive list entries: its page images, gathered in list order. */
interface Batch {
  readonly start: number;
  readonly end: number;
  readonly pages: Uint8Array;
}

/** One read of consecutive frames into the read buffer; entries `first..last` of the sorted keys come from it. */
interface Span {
  readonly at: number;
  readonly firstFrame: number;
  readonly bytes: number;
  readonly first: number;
  readonly last: number;
}

/**
 * The copy loop of SQLite's walCheckpoint, in large I/O: the list is cut into batches of 1 MiB
 * of pages (in ascending page order; the first one smaller, to start writing early); each
 * batch's frames are read from the WAL in frame order, a run of nearby frames in one read, and
 * each run of consecutive page numbers is written to the database in one write. While a batch is
 * written the next three are read and gathered (bounded memory for any WAL size). Every frame's
 * header must carry the page the wal-index gives it and the header's salts.
 * @throws {@link CheckpointCorruptError} for a short WAL or a frame that does not match;
 * {@link CheckpointAbortedError} when the signal fires; the vfs's errors.
 * @internal
 */
export async function copyFrames(job: CopyJob): Promise<void> {
  const total = job.list.pages.length;
  if (total === 0) return;
  const perBatch = Math.floor(BATCH_BYTES / job.pageSize);
  const first = Math.min(total, Math.max(1, Math.floor(FIRST_BATCH_BYTES / job.pageSize)));
  const small = total * frameBytes(job.pageSize) <= FIRST_BATCH_BYTES;
  const sets = small ? [smallBuffers(total, job.pageSize)] : takeBuffers();
  const pending: Array<Promise<Batch>> = [];
  let gathered = 0;
  let launched = 0;
  const launch = (): void => {
    if (gathered >= total) return;
    const end = Math.min(total, gathered + (gathered === 0 ? first : perBatch));
    const batch = gather(job, gathered, end, sets[launched++ % sets.length] as GatherBuffers);
    batch.catch(() => undefined); // awaited (and its error thrown) in its turn, unless a write fails first
    pending.push(batch);
    gathered = end;
  };
  // One batch gathers ahead per spare set of buffers (a small copy is one batch in one set).
  for (let i = 0; i < Math.max(1, sets.length - 1); i++) launch();
  let written = 0;
  for (let batch = pending.shift(); batch !== undefined; batch = pending.shift()) {
    const ready = await batch;
    launch(); // into the buffers of the batch written last, now free
    written = await writeBatch(job, ready, written, total);
  }
  // Only now, with no read in flight, may the buffers serve another copy.
  if (!small) giveBack(sets);
}

/** The read and page buffers of one batch. */
interface GatherBuffers {
  readonly read: Uint8Array;
  /** A view of all of `read`. */
  readonly view: DataView;
  readonly pages: Uint8Array;
}

/**
 * The buffers of the last copy, for the next one: fresh memory costs a page fault per 4 KiB on
 * first touch (several ms for 8 MiB on this kind of VM, a good part of a small checkpoint).
 * Held through a WeakRef, so that a garbage collection frees them when memory is wanted.
 */
let idle: WeakRef<readonly GatherBuffers[]> | undefined;

function takeBuffers(): readonly GatherBuffers[] {
  const reused = idle?.deref();
  idle = undefined;
  if (reused !== undefined) return reused;
  return Array.from({ length: PIPELINE_DEPTH }, () => {
    const read = new Uint8Array(READ_BYTES);
    return { read, view: new DataView(read.buffer), pages: new Uint8Array(BATCH_BYTES) };
  });
}

/**
 * Buffers just big enough for a copy of `total` frames that fits in one read: small checkpoints
 * (the common case when the log restarts often) neither allocate nor keep megabytes.
 */
function smallBuffers(total: number, pageSize: number): GatherBuffers {
  const read = new Uint8Array(total * frameBytes(pageSize));
  return { read, view: new DataView(read.buffer), pages: new Uint8Array(total * pageSize) };
}

function giveBack(sets: readonly GatherBuffers[]): void {
  idle = new WeakRef(sets);
}

/** Reads the frames of list entries `start..end - 1` and gathers their pages in list order. */
async function gather(job: CopyJob, start: number, end: number, buffers: GatherBuffers): Promise<Batch> {
  const { pageSize } = job;
  const size = frameBytes(pageSize);
  const keys = new Float64Array(end - start);
  for (let slot = 0; slot < keys.length; slot++) keys[slot] = (job.list.frames[start + slot] as number) * SLOT_RADIX + slot;
  keys.sort();
  const frameOf = (k: number): number => Math.floor((keys[k] as number) / SLOT_RADIX);
  for (let k = 0; k < keys.length; ) {
    const spans: Span[] = [];
    let used = 0;
    while (k < keys.length) {
      const firstFrame = frameOf(k);
      let last = k;
      while (last + 1 < keys.length) {
        const frame = frameOf(last + 1);
        if ((frame - frameOf(last) - 1) * size > GAP_BYTES || (frame - firstFrame + 1) * size > buffers.read.length) break;
        last++;
      }
      const bytes = (frameOf(last) - firstFrame + 1) * size;
      if (used + bytes > buffers.read.length) break;
      spans.push({ at: used, firstFrame, bytes, first: k, last });
      used += bytes;
      k = last + 1;
    }
    const reads = await Promise.all(spans.map((span) => job.wal.read(buffers.read.subarray(span.at, span.at + span.bytes), frameOffset(span.firstFrame, pageSize))));
    spans.forEach((span, i) => {
      if ((reads[i] as number) < span.bytes) {
        throw new CheckpointCorruptError(`the WAL ends inside frames ${span.firstFrame}..${frameOf(span.last)}, which the wal-index lists`);
      }
      for (let j = span.first; j <= span.last; j++) {
        const key = keys[j] as number;
        const frame = Math.floor(key / SLOT_RADIX);
        const slot = key % SLOT_RADIX;
        const at = span.at + (frame - span.firstFrame) * size;
        checkFrameHeader(job, buffers.view, at, frame, job.list.pages[start + slot] as number);
        const page = buffers.read.subarray(at + WAL_FRAME_HEADER_BYTES, at + size);
        job.onPage?.(start + slot, page);
        buffers.pages.set(page, slot * pageSize);
      }
    });
  }
  return { start, end, pages: buffers.pages };
}

function checkFrameHeader(job: CopyJob, view: DataView, at: number, frame: number, expectedPage: number): void {
  const page = view.getUint32(at, false);
  const salt1 = view.getUint32(at + 8, false);
  const salt2 = view.getUint32(at + 12, false);
  if (page !== expectedPage || salt1 !== job.salt1 || salt2 !== job.salt2) {
    throw new CheckpointCorruptError(
      `frame ${frame} holds page ${page} with salts ${salt1}/${salt2}; the wal-index expects page ${expectedPage} with salts ${job.salt1}/${job.salt2}`,
    );
  }
}

/** Writes a batch, one write per run of consecutive page numbers; returns the pages written so far. */
async function writeBatch(job: CopyJob, batch: Batch, writtenBefore: number, total: number): Promise<number> {
  const { pageSize } = job;
  const pageNumbers = job.list.pages;
  let written = writtenBefore;
  for (let a = batch.start; a < batch.end; ) {
    let b = a + 1;
    while (b < batch.end && pageNumbers[b] === (pageNumbers[b - 1] as number) + 1) b++;
    if (job.signal?.aborted === true) throw new CheckpointAbortedError({ cause: job.signal.reason });
    const run = batch.pages.subarray((a - batch.start) * pageSize, (b - batch.start) * pageSize);
    await job.db.write(run, ((pageNumbers[a] as number) - 1) * pageSize);
    written += b - a;
    job.onProgress?.({ pagesWritten: written, pagesTotal: total });
    a = b;
  }
  return written;
}
