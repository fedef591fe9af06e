import { constants } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { EngineError } from '../errors.js';
import { DB_HEADER_BYTES } from '../internal/db-header.js';
import type { LatestFrames } from './latest-frames.js';

/** Largest single read of a span of WAL frames. */
const SPAN_READ_BYTES = 4 * 1024 * 1024;
/** Frames between two wanted frames that a span read may read and throw away. */
const MAX_GAP_FRAMES = 8;
/** Multiplier that packs (frame, index in chunk) into one double; chunks hold fewer pages. */
const INDEX_SPAN = 2 ** 21;

async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** What to write: pages 1..`pages` of the database file, with the WAL's latest images of `latest` put in their place. */
export interface WriteInput {
  readonly dbFile: VfsFile;
  readonly walFile: VfsFile | null;
  readonly latest: LatestFrames;
  readonly pageSize: number;
  readonly pages: number;
  readonly outPath: string;
  readonly chunkBytes: number;
  readonly onWritten: (bytes: number) => void;
}

/** Streams pages 1..pages into a temporary file beside `outPath`, syncs it and renames it into place. */
export async function writeSnapshot(input: WriteInput): Promise<number> {
  const { dbFile, walFile, latest, pageSize, pages, outPath } = input;
  const dir = path.dirname(path.resolve(outPath));
  const tmp = path.join(dir, `.${path.basename(outPath)}.${randomBytes(6).toString('hex')}.litewal-export`);
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  let renamed = false;
  try {
    const chunkPages = Math.min(INDEX_SPAN, Math.max(1, Math.floor(input.chunkBytes / pageSize)));
    const buffer = new Uint8Array(Math.min(chunkPages, Math.max(1, pages)) * pageSize);
    const scratch = new Uint8Array(Math.max(pageSize + WAL_FRAME_HEADER_BYTES, SPAN_READ_BYTES));
    let k = 0;
    for (let first = 1; first <= pages; first += chunkPages) {
      const count = Math.min(chunkPages, pages - first + 1);
      const chunk = buffer.subarray(0, count * pageSize);
      const got = await dbFile.read(chunk, (first - 1) * pageSize);
      chunk.fill(0, got); // pages past the end of the database file read as zeros, as in SQLite
      const end = upperBound(latest.pages, k, first + count);
      await overlayWalPages({ walFile, latest, from: k, to: end, first, chunk, pageSize, scratch });
      k = end;
      if (first === 1 && chunk.length >= DB_HEADER_BYTES) {
        chunk[18] = 1; // file format write version: rollback journal
        chunk[19] = 1; // file format read version
      }
      await writeAll(handle, chunk, (first - 1) * pageSize);
      input.onWritten((first - 1 + count) * pageSize);
    }
    await handle.truncate(pages * pageSize);
    await handle.sync();
    await handle.close();
    await rename(tmp, outPath);
    renamed = true;
    await syncDirectory(dir);
    return pages * pageSize;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

/** The first index at or after `from` whose page is >= `page`. */
function upperBound(pages: Uint32Array, from: number, page: number): number {
  let lo = from;
  let hi = pages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((pages[mid] as number) < page) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Overlay {
  readonly walFile: VfsFile | null;
  readonly latest: LatestFrames;
  /** Entries `from..to - 1` of `latest` go into `chunk`, which starts at page `first`. */
  readonly from: number;
  readonly to: number;
  readonly first: number;
  readonly chunk: Uint8Array;
  readonly pageSize: number;
  readonly scratch: Uint8Array;
}

/**
 * Copies the WAL's latest image of each page of a chunk into it. The frames are visited in file
 * order and frames close to each other are read with one read of the span between them (at most
 * {@link SPAN_READ_BYTES}, gaps of at most {@link MAX_GAP_FRAMES} frames), so a log written in
 * order costs a few large reads instead of one read per page.
 */
async function overlayWalPages(o: Overlay): Promise<void> {
  const n = o.to - o.from;
  if (n === 0) return;
  const wal = o.walFile as VfsFile;
  const frameSize = o.pageSize + WAL_FRAME_HEADER_BYTES;
  // Sort the entries by frame: key = frame * 2^21 + index in the chunk (exact in a double).
  const order = new Float64Array(n);
  for (let i = 0; i < n; i++) order[i] = (o.latest.frames[o.from + i] as number) * INDEX_SPAN + i;
  order.sort();
  const frameAt = (i: number): number => Math.floor((order[i] as number) / INDEX_SPAN);
  for (let g = 0; g < n; ) {
    const firstFrame = frameAt(g);
    let end = g + 1;
    while (end < n && frameAt(end) - frameAt(end - 1) <= MAX_GAP_FRAMES && (frameAt(end) - firstFrame + 1) * frameSize <= o.scratch.length) end++;
    const span = (frameAt(end - 1) - firstFrame + 1) * frameSize;
    const got = await wal.read(o.scratch.subarray(0, span), WAL_HEADER_BYTES + (firstFrame - 1) * frameSize);
    if (got < span) throw new EngineError('ERR_ENGINE_INPUT', `the WAL shrank while it was read: frames ${firstFrame}..${frameAt(end - 1)} gave ${got} of ${span} bytes`);
    for (let i = g; i < end; i++) {
      const index = (order[i] as number) % INDEX_SPAN;
      const page = o.latest.pages[o.from + index] as number;
      const at = (frameAt(i) - firstFrame) * frameSize + WAL_FRAME_HEADER_BYTES;
      o.chunk.set(o.scratch.subarray(at, at + o.pageSize), (page - o.first) * o.pageSize);
    }
    g = end;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
