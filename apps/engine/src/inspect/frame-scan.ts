import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES, decodeFrameHeader, type FrameHeader } from '@litewal/checksum';
import type { Vfs } from '@litewal/vfs';

/** Bytes read per call while scanning: whole frames, about 4 MiB (at least one frame). */
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

/** Where a WAL's frames are: whole frames after the header, and the bytes of a partial last one. */
export interface FrameLayout {
  /** Bytes of one frame: 24-byte header plus the page. */
  readonly frameBytes: number;
  /** Whole frames in the file. */
  readonly frames: number;
  /** Bytes after the last whole frame (a torn, partial frame). */
  readonly trailingBytes: number;
}

/** The frame layout of a WAL of `bytes` bytes with pages of `pageSize` bytes. */
export function frameLayout(bytes: number, pageSize: number): FrameLayout {
  const frameBytes = pageSize + WAL_FRAME_HEADER_BYTES;
  const body = Math.max(0, bytes - WAL_HEADER_BYTES);
  return { frameBytes, frames: Math.floor(body / frameBytes), trailingBytes: body % frameBytes };
}

/**
 * Reads the 24-byte header of every whole frame from `fromFrame` (1-based) to the end of the file,
 * in file order, and hands each to `visit`; validates nothing. Read-only; memory is bounded by
 * one chunk of about 4 MiB.
 */
export async function scanFrameHeaders(
  vfs: Vfs,
  path: string,
  layout: FrameLayout,
  fromFrame: number,
  visit: (frame: number, header: FrameHeader) => void,
): Promise<void> {
  if (fromFrame > layout.frames) return;
  const perChunk = Math.max(1, Math.floor(SCAN_CHUNK_BYTES / layout.frameBytes));
  const buffer = new Uint8Array(perChunk * layout.frameBytes);
  const file = await vfs.open(path, { readOnly: true });
  try {
    for (let first = fromFrame; first <= layout.frames; first += perChunk) {
      const count = Math.min(perChunk, layout.frames - first + 1);
      const want = count * layout.frameBytes;
      const got = await file.read(buffer.subarray(0, want), WAL_HEADER_BYTES + (first - 1) * layout.frameBytes);
      // The file may shrink while it is read (a live TRUNCATE checkpoint): stop at what is there.
      const whole = Math.floor(got / layout.frameBytes);
      for (let i = 0; i < whole; i++) visit(first + i, decodeFrameHeader(buffer, i * layout.frameBytes));
      if (whole < count) return;
    }
  } finally {
    await file.close();
  }
}
