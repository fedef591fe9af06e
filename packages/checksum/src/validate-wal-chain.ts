import { WalHeaderError, type WalHeaderErrorCode } from './errors.js';
import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from './format.js';
import { WalChainValidator, type ChainResult } from './chain-validator.js';
import { decodeWalHeader, type WalHeader } from './wal-header.js';

/**
 * What {@link validateWalChain} found in a WAL image.
 *
 * @public
 */
export interface WalChainValidation {
  /** The decoded header; null when SQLite would ignore the whole WAL (or refuse it, see below). */
  readonly header: WalHeader | null;
  /** Why the header was rejected (the {@link WalHeaderError} message); absent when it is valid. */
  readonly headerError?: string;
  /**
   * The {@link WalHeaderError} code; absent when the header is valid. `ERR_CHECKSUM_BAD_VERSION`
   * means SQLite refuses to open the database; every other code means it ignores the WAL.
   */
  readonly headerErrorCode?: WalHeaderErrorCode;
  /** The frames' valid prefix; null when the header is rejected. */
  readonly result: ChainResult | null;
}

/**
 * Validates a whole WAL file image: its header, then its frames, as SQLite's recovery does.
 *
 * @remarks `[32-byte header][frame 1][frame 2]...[partial frame?]`, frame = `[24-byte header][page]`.
 * A WAL shorter than 32 bytes is an empty WAL to SQLite; here it is reported as a rejected header
 * with `ERR_CHECKSUM_SHORT_HEADER`.
 * @param wal - the file's bytes
 * @returns the header (or why it was rejected) and the chain result
 * @public
 */
export function validateWalChain(wal: Uint8Array): WalChainValidation {
  let header: WalHeader;
  try {
    header = decodeWalHeader(wal);
  } catch (error) {
    if (!(error instanceof WalHeaderError)) throw error;
    return { header: null, headerError: error.message, headerErrorCode: error.code, result: null };
  }
  const frameSize = header.pageSize + WAL_FRAME_HEADER_BYTES;
  const frames = Math.floor((wal.length - WAL_HEADER_BYTES) / frameSize);
  const framesEnd = WAL_HEADER_BYTES + frames * frameSize;
  const validator = new WalChainValidator(header);
  validator.push(wal.subarray(WAL_HEADER_BYTES, framesEnd));
  return { header, result: validator.finish(wal.length - framesEnd) };
}
