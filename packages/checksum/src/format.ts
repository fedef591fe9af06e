/**
 * Size of the WAL header.
 *
 * @remarks `[u32 BE magic][u32 BE version][u32 BE page size][u32 BE checkpoint sequence]`
 * `[u32 BE salt-1][u32 BE salt-2][u32 BE checksum-1][u32 BE checksum-2]`.
 * @public
 */
export const WAL_HEADER_BYTES = 32;

/**
 * Size of a frame header; the page data follows it.
 *
 * @remarks `[u32 BE page number][u32 BE commit size][u32 BE salt-1][u32 BE salt-2]`
 * `[u32 BE checksum-1][u32 BE checksum-2]`.
 * @public
 */
export const WAL_FRAME_HEADER_BYTES = 24;

/**
 * WAL magic whose checksum words are read little-endian.
 *
 * @public
 */
export const WAL_MAGIC_LE = 0x377f0682;

/**
 * WAL magic whose checksum words are read big-endian (the low bit of the magic).
 *
 * @public
 */
export const WAL_MAGIC_BE = 0x377f0683;

/**
 * The only WAL format version SQLite reads.
 *
 * @public
 */
export const WAL_FORMAT_VERSION = 3007000;

/**
 * Smallest SQLite page size.
 *
 * @public
 */
export const MIN_PAGE_SIZE = 512;

/**
 * Largest SQLite page size (stored as is in the WAL header).
 *
 * @public
 */
export const MAX_PAGE_SIZE = 65536;

/**
 * Byte order of the checksum words. The header and frame fields are always big-endian.
 *
 * @public
 */
export type ByteOrder = 'little' | 'big';

/**
 * Whether `n` is a valid SQLite page size: a power of two from 512 to 65536.
 *
 * @param n - the candidate page size
 * @returns true for 512, 1024, ..., 65536
 * @public
 */
export function isValidPageSize(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_PAGE_SIZE && n <= MAX_PAGE_SIZE && (n & (n - 1)) === 0;
}

/**
 * File offset of WAL frame `frame` (1-based).
 *
 * @remarks `32 + (frame - 1) * (24 + pageSize)`.
 * @param frame - frame number, from 1
 * @param pageSize - the WAL's page size
 * @returns the byte offset of the frame's header
 * @throws RangeError for a frame below 1 or a bad page size
 * @public
 */
export function walFrameOffset(frame: number, pageSize: number): number {
  if (!Number.isSafeInteger(frame) || frame < 1) throw new RangeError(`frame must be an integer >= 1, got ${frame}`);
  if (!isValidPageSize(pageSize)) {
    throw new RangeError(`page size must be a power of two from 512 to 65536, got ${String(pageSize)}`);
  }
  return WAL_HEADER_BYTES + (frame - 1) * (WAL_FRAME_HEADER_BYTES + pageSize);
}
