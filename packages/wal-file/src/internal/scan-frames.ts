import { WAL_HEADER_BYTES, WalChainValidator, type ChainResult, type ChecksumPair, type WalHeader } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { frameBytes } from '../format.js';
import type { FramePages } from './frame-pages.js';

/** What to scan: the frames of `file` after the first `fromFrame`, up to its size `bytes`. */
export interface ScanInput {
  readonly file: VfsFile;
  readonly header: WalHeader;
  readonly bytes: number;
  /** Frames already validated; the scan starts at frame `fromFrame + 1`. */
  readonly fromFrame: number;
  /** Running checksum after frame `fromFrame` (the header's for 0). */
  readonly seed: ChecksumPair;
  /** Receives the page number of every frame read (the caller trims it to the valid ones). */
  readonly framePages: FramePages;
  readonly readChunkBytes: number;
}

/**
 * Validates the frames after `fromFrame` with SQLite's rules, reading the file in large sequential
 * chunks into two alternating buffers so the next read overlaps this chunk's validation. The
 * result's counts are relative to `fromFrame`.
 */
export async function scanFrames(input: ScanInput): Promise<ChainResult> {
  const { file, header, bytes, fromFrame, framePages } = input;
  const frameSize = frameBytes(header.pageSize);
  const totalFrames = Math.max(0, Math.floor((bytes - WAL_HEADER_BYTES) / frameSize) - fromFrame);
  const trailing = Math.max(0, bytes - WAL_HEADER_BYTES - (fromFrame + totalFrames) * frameSize);
  const chunkFrames = Math.max(1, Math.floor(input.readChunkBytes / frameSize));
  const chunkBytes = Math.min(chunkFrames, Math.max(1, totalFrames)) * frameSize;
  const buffers = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)] as const;
  const validator = new WalChainValidator(header, input.seed);
  const readChunk = (index: number, first: number): Promise<number> => {
    const frames = Math.min(chunkFrames, totalFrames - first);
    const position = WAL_HEADER_BYTES + (fromFrame + first) * frameSize;
    return file.read(buffers[index % 2]!.subarray(0, frames * frameSize), position);
  };

  let scanned = 0;
  let running = true;
  let shortRead = false;
  let chunk = 0;
  let pending = totalFrames > 0 ? readChunk(0, 0) : null;
  while (pending !== null) {
    const want = Math.min(chunkFrames, totalFrames - scanned) * frameSize;
    const n = await pending;
    const next = scanned + chunkFrames;
    pending = n === want && next < totalFrames ? readChunk(chunk + 1, next) : null;
    const buffer = buffers[chunk % 2]!;
    const view = new DataView(buffer.buffer);
    const whole = Math.floor(n / frameSize);
    for (let i = 0; i < whole; i++) framePages.push(view.getUint32(i * frameSize, false));
    running = validator.push(buffer.subarray(0, whole * frameSize));
    scanned += whole;
    chunk++;
    if (n < want) shortRead = true; // the file shrank under us: what is left counts as a partial tail
    if (!running) {
      if (pending !== null) await pending; // never leave a read in flight into a buffer we drop
      pending = null;
    }
  }
  return validator.finish(shortRead ? 1 : running && scanned === totalFrames ? trailing : 0);
}
