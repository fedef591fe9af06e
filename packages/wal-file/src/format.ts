import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from '@litewal/checksum';

/**
 * The largest frame number a WAL can hold (frame numbers are u32 in the wal-index).
 * @public
 */
export const MAX_WAL_FRAMES = 0xffff_ffff;

/**
 * Size in bytes of one frame (24-byte frame header + page) for a page size.
 * @public
 */
export function frameBytes(pageSize: number): number {
  return WAL_FRAME_HEADER_BYTES + pageSize;
}

/**
 * Byte offset of frame `frame` (1-based) in a WAL with the given page size.
 * @remarks `32 + (frame - 1) * (24 + pageSize)`, as SQLite lays frames out.
 * @public
 */
export function frameOffset(frame: number, pageSize: number): number {
  return WAL_HEADER_BYTES + (frame - 1) * frameBytes(pageSize);
}
