import {
  WAL_FRAME_HEADER_BYTES,
  WAL_HEADER_BYTES,
  WalChainValidator,
  WalHeaderError,
  decodeWalHeader,
  type ChainResult,
  type WalHeader,
} from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';

/** Default size of each sequential read of the WAL. */
export const SCAN_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * What one sequential pass over a WAL found: SQLite's valid prefix (through
 * `@litewal/checksum`'s chain validator) plus, per frame, what export and pair-check need, held in
 * typed arrays (a few bytes per frame, never an object per frame).
 */
export interface WalScan {
  /** File size in bytes. */
  readonly bytes: number;
  /** The header, or null when SQLite would ignore the file. */
  readonly header: WalHeader | null;
  /** Why the header was rejected, and the `@litewal/checksum` code. */
  readonly headerError: string | null;
  readonly headerErrorCode: string | null;
  /** Whole frames the file holds, valid or not. */
  readonly framesInFile: number;
  /** The chain result (chained, committed, commits, dbSizePages, stop); null without a header. */
  readonly chain: ChainResult | null;
  /** Page number of frames 1..chained (index frame - 1). */
  readonly pages: Uint32Array;
  /** Frame number of each commit frame in 1..committed, in order (commit k at index k - 1). */
  readonly commitFrames: Uint32Array;
  /** Database size in pages each of those commits records. */
  readonly commitSizes: Uint32Array;
  /** Frames of page 1 in 1..committed and the change counter (page bytes 24..27) of each. */
  readonly page1Frames: Uint32Array;
  readonly page1Counters: Uint32Array;
}

/** A growable u32 list. */
class U32List {
  #data: Uint32Array;
  #length = 0;
  constructor(capacity = 64) {
    this.#data = new Uint32Array(capacity);
  }
  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Uint32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = value;
  }
  /** The first `count` values (a copy that owns exactly that memory). */
  take(count = this.#length): Uint32Array {
    return this.#data.slice(0, Math.min(count, this.#length));
  }
  /** Number of values at the start that are <= `limit` (values are ascending). */
  countUpTo(limit: number): number {
    let n = 0;
    while (n < this.#length && (this.#data[n] as number) <= limit) n++;
    return n;
  }
}

/**
 * Reads a WAL once from the start in large sequential chunks and computes its valid prefix as
 * SQLite's recovery does. Never writes.
 * @param onProgress - called after each chunk with the bytes read so far and the file size.
 */
export async function scanWal(
  file: VfsFile,
  options: { readonly chunkBytes?: number; readonly onProgress?: (done: number, total: number) => void } = {},
): Promise<WalScan> {
  const bytes = await file.size();
  const none = new Uint32Array(0);
  const headerless = (headerError: string, headerErrorCode: string | null): WalScan => ({
    bytes,
    header: null,
    headerError,
    headerErrorCode,
    framesInFile: 0,
    chain: null,
    pages: none,
    commitFrames: none,
    commitSizes: none,
    page1Frames: none,
    page1Counters: none,
  });
  if (bytes < WAL_HEADER_BYTES) return headerless(`the file is ${bytes} bytes, a WAL header needs ${WAL_HEADER_BYTES}`, null);
  const headerBytes = new Uint8Array(WAL_HEADER_BYTES);
  const got = await file.read(headerBytes, 0);
  if (got < WAL_HEADER_BYTES) return headerless(`read ${got} of ${WAL_HEADER_BYTES} header bytes`, null);
  let header: WalHeader;
  try {
    header = decodeWalHeader(headerBytes);
  } catch (error) {
    if (!(error instanceof WalHeaderError)) throw error;
    return headerless(error.message, error.code);
  }

  const frameSize = header.pageSize + WAL_FRAME_HEADER_BYTES;
  const framesInFile = Math.floor((bytes - WAL_HEADER_BYTES) / frameSize);
  const chunkFrames = Math.max(1, Math.floor((options.chunkBytes ?? SCAN_CHUNK_BYTES) / frameSize));
  const buffer = new Uint8Array(Math.min(chunkFrames, Math.max(1, framesInFile)) * frameSize);
  const view = new DataView(buffer.buffer);
  const validator = new WalChainValidator(header);
  const pages = new Uint32Array(framesInFile);
  const commitFrames = new U32List();
  const commitSizes = new U32List();
  const page1Frames = new U32List();
  const page1Counters = new U32List();

  let scanned = 0;
  let running = true;
  let shortRead = false;
  while (running && scanned < framesInFile) {
    const frames = Math.min(chunkFrames, framesInFile - scanned);
    const n = await file.read(buffer.subarray(0, frames * frameSize), WAL_HEADER_BYTES + scanned * frameSize);
    const whole = Math.floor(n / frameSize);
    for (let i = 0; i < whole; i++) {
      const at = i * frameSize;
      const frame = scanned + i + 1;
      const page = view.getUint32(at, false);
      pages[frame - 1] = page;
      const commitSize = view.getUint32(at + 4, false);
      if (commitSize !== 0) {
        commitFrames.push(frame);
        commitSizes.push(commitSize);
      }
      if (page === 1) {
        page1Frames.push(frame);
        page1Counters.push(view.getUint32(at + WAL_FRAME_HEADER_BYTES + 24, false));
      }
    }
    running = validator.push(buffer.subarray(0, whole * frameSize));
    scanned += whole;
    options.onProgress?.(WAL_HEADER_BYTES + scanned * frameSize, bytes);
    if (whole < frames) {
      shortRead = true; // the file shrank under us: what is left counts as a partial tail
      break;
    }
  }
  const trailing = bytes - WAL_HEADER_BYTES - framesInFile * frameSize;
  const chain = validator.finish(shortRead ? 1 : running && scanned === framesInFile ? trailing : 0);
  const commits = commitFrames.countUpTo(chain.committed);
  const page1 = page1Frames.countUpTo(chain.committed);
  return {
    bytes,
    header,
    headerError: null,
    headerErrorCode: null,
    framesInFile,
    chain,
    pages: pages.subarray(0, chain.chained),
    commitFrames: commitFrames.take(commits),
    commitSizes: commitSizes.take(commits),
    page1Frames: page1Frames.take(page1),
    page1Counters: page1Counters.take(page1),
  };
}
