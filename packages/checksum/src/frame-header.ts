import { FrameHeaderError } from './errors.js';
import { WAL_FRAME_HEADER_BYTES } from './format.js';
import { checkBytes, checkIndex, checkU32 } from './internal/checks.js';

/**
 * The 24-byte header in front of each page in the WAL.
 *
 * @remarks `[u32 BE page number][u32 BE commit size][u32 BE salt-1][u32 BE salt-2]`
 * `[u32 BE checksum-1][u32 BE checksum-2]`. The checksum covers bytes 0..7 and the page, chained
 * from the previous frame; a frame with a commit size above 0 is a commit frame.
 * @public
 */
export interface FrameHeader {
  /** Database page number, 1-based; 0 never appears in a valid frame. */
  readonly pageNumber: number;
  /** Database size in pages after this commit on a commit frame, else 0. */
  readonly commitSize: number;
  /** Must equal the WAL header's salt-1. */
  readonly salt1: number;
  /** Must equal the WAL header's salt-2. */
  readonly salt2: number;
  /** Running checksum after this frame, first sum. */
  readonly checksum1: number;
  /** Running checksum after this frame, second sum. */
  readonly checksum2: number;
}

/**
 * Writes a frame header into `target` at `offset`, fields as given (nothing is computed).
 *
 * @remarks Layout as in {@link FrameHeader}. {@link sealFrames} fills in salts and checksums.
 * @param header - the fields, each a u32
 * @param target - the buffer to write into
 * @param offset - where the 24 bytes go
 * @throws RangeError if a field is not a u32 or the 24 bytes do not fit
 * @public
 */
export function encodeFrameHeader(header: FrameHeader, target: Uint8Array, offset: number): void {
  checkBytes('target', target);
  checkIndex('offset', offset);
  if (offset + WAL_FRAME_HEADER_BYTES > target.length) {
    throw new RangeError(`frame header needs 24 bytes at offset ${offset}, the target has ${target.length}`);
  }
  checkU32('pageNumber', header.pageNumber);
  checkU32('commitSize', header.commitSize);
  checkU32('salt1', header.salt1);
  checkU32('salt2', header.salt2);
  checkU32('checksum1', header.checksum1);
  checkU32('checksum2', header.checksum2);
  const view = new DataView(target.buffer, target.byteOffset + offset, WAL_FRAME_HEADER_BYTES);
  view.setUint32(0, header.pageNumber);
  view.setUint32(4, header.commitSize);
  view.setUint32(8, header.salt1);
  view.setUint32(12, header.salt2);
  view.setUint32(16, header.checksum1);
  view.setUint32(20, header.checksum2);
}

/**
 * Reads the frame header at `bytes[offset]`; validates nothing but the length.
 *
 * @remarks Layout as in {@link FrameHeader}. Chain rules (salts, page 0, checksums) belong to
 * {@link WalChainValidator}.
 * @param bytes - holds the header
 * @param offset - where it starts; 0 when omitted
 * @returns the six fields
 * @throws {@link FrameHeaderError} `ERR_CHECKSUM_SHORT_FRAME_HEADER` if fewer than 24 bytes follow
 * `offset`; RangeError for a negative or fractional offset
 * @public
 */
export function decodeFrameHeader(bytes: Uint8Array, offset = 0): FrameHeader {
  checkBytes('bytes', bytes);
  checkIndex('offset', offset);
  const available = Math.max(0, bytes.length - offset);
  if (available < WAL_FRAME_HEADER_BYTES) throw new FrameHeaderError(available);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, WAL_FRAME_HEADER_BYTES);
  return {
    pageNumber: view.getUint32(0),
    commitSize: view.getUint32(4),
    salt1: view.getUint32(8),
    salt2: view.getUint32(12),
    checksum1: view.getUint32(16),
    checksum2: view.getUint32(20),
  };
}
