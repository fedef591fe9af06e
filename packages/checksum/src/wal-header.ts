import { WalHeaderChecksumError, WalHeaderError } from './errors.js';
import {
  MAX_PAGE_SIZE,
  MIN_PAGE_SIZE,
  WAL_FORMAT_VERSION,
  WAL_HEADER_BYTES,
  WAL_MAGIC_BE,
  WAL_MAGIC_LE,
  isValidPageSize,
  type ByteOrder,
} from './format.js';
import { checkBytes, checkU32, isBigEndian } from './internal/checks.js';
import { engine, sumRange } from './internal/engine.js';

/** Bytes of the header covered by its checksum. */
const CHECKSUMMED_BYTES = 24;

/**
 * A decoded, valid WAL header.
 *
 * @remarks `[u32 BE magic][u32 BE version][u32 BE page size][u32 BE checkpoint sequence]`
 * `[u32 BE salt-1][u32 BE salt-2][u32 BE checksum-1][u32 BE checksum-2]`, 32 bytes; the checksum
 * covers bytes 0..23 from (0, 0), its words read in `byteOrder`.
 * @public
 */
export interface WalHeader {
  /** {@link WAL_MAGIC_LE} or {@link WAL_MAGIC_BE}. */
  readonly magic: number;
  /** Byte order of the checksum words, from the magic's low bit. */
  readonly byteOrder: ByteOrder;
  /** Always {@link WAL_FORMAT_VERSION}. */
  readonly version: number;
  /** Database page size, 512..65536. */
  readonly pageSize: number;
  /** Incremented on every WAL reset. */
  readonly checkpointSequence: number;
  /** Every valid frame carries this salt-1. */
  readonly salt1: number;
  /** Every valid frame carries this salt-2. */
  readonly salt2: number;
  /** Header checksum, first sum; the seed of frame 1's checksum. */
  readonly checksum1: number;
  /** Header checksum, second sum. */
  readonly checksum2: number;
}

/**
 * The fields of a new WAL header; the magic, version and checksum follow from them.
 *
 * @public
 */
export interface WalHeaderInit {
  /** Byte order of the checksum words: SQLite uses the host's ('little' on x86 and ARM). */
  byteOrder: ByteOrder;
  /** Database page size, a power of two from 512 to 65536. */
  pageSize: number;
  /** u32. */
  checkpointSequence: number;
  /** u32. */
  salt1: number;
  /** u32. */
  salt2: number;
}

/**
 * Encodes a WAL header and computes its checksum.
 *
 * @remarks Layout as in {@link WalHeader}; version {@link WAL_FORMAT_VERSION}.
 * @param init - the header's fields
 * @returns 32 new bytes
 * @throws RangeError for a bad page size or a field that is not a u32; TypeError for a bad byte order
 * @public
 */
export function encodeWalHeader(init: WalHeaderInit): Uint8Array<ArrayBuffer> {
  const bigEndian = isBigEndian(init.byteOrder);
  if (!isValidPageSize(init.pageSize)) {
    throw new RangeError(`page size must be a power of two from 512 to 65536, got ${String(init.pageSize)}`);
  }
  checkU32('checkpointSequence', init.checkpointSequence);
  checkU32('salt1', init.salt1);
  checkU32('salt2', init.salt2);
  const bytes = new Uint8Array(WAL_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, bigEndian ? WAL_MAGIC_BE : WAL_MAGIC_LE);
  view.setUint32(4, WAL_FORMAT_VERSION);
  view.setUint32(8, init.pageSize);
  view.setUint32(12, init.checkpointSequence);
  view.setUint32(16, init.salt1);
  view.setUint32(20, init.salt2);
  const e = engine();
  sumRange(e, bytes, 0, CHECKSUMMED_BYTES, bigEndian, 0, 0);
  view.setInt32(24, e.s1);
  view.setInt32(28, e.s2);
  return bytes;
}

/**
 * Decodes and validates a WAL header the way SQLite's recovery does.
 *
 * @remarks Reads the first 32 bytes of `bytes` (more may follow). Checks, in SQLite's order: length,
 * magic, page size, checksum, version. SQLite ignores a WAL that fails any check but the last; an
 * intact header with another version makes it refuse to open the database.
 * @param bytes - at least 32 bytes
 * @returns the header's fields
 * @throws {@link WalHeaderError} `ERR_CHECKSUM_SHORT_HEADER`, `ERR_CHECKSUM_BAD_MAGIC`,
 * `ERR_CHECKSUM_BAD_PAGE_SIZE`, `ERR_CHECKSUM_BAD_VERSION`, or {@link WalHeaderChecksumError}
 * `ERR_CHECKSUM_HEADER_CHECKSUM`
 * @public
 */
export function decodeWalHeader(bytes: Uint8Array): WalHeader {
  checkBytes('bytes', bytes);
  if (bytes.length < WAL_HEADER_BYTES) {
    throw new WalHeaderError(
      'ERR_CHECKSUM_SHORT_HEADER',
      `WAL header needs ${WAL_HEADER_BYTES} bytes, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, WAL_HEADER_BYTES);
  const magic = view.getUint32(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) {
    throw new WalHeaderError(
      'ERR_CHECKSUM_BAD_MAGIC',
      `bad WAL magic ${hex(magic)}: expected ${hex(WAL_MAGIC_LE)} or ${hex(WAL_MAGIC_BE)}`,
    );
  }
  const pageSize = view.getUint32(8);
  if (!isValidPageSize(pageSize)) {
    throw new WalHeaderError(
      'ERR_CHECKSUM_BAD_PAGE_SIZE',
      `WAL page size ${pageSize} is not a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}`,
    );
  }
  const bigEndian = magic === WAL_MAGIC_BE;
  const e = engine();
  sumRange(e, bytes, 0, CHECKSUMMED_BYTES, bigEndian, 0, 0);
  const checksum1 = view.getUint32(24);
  const checksum2 = view.getUint32(28);
  if (e.s1 >>> 0 !== checksum1 || e.s2 >>> 0 !== checksum2) {
    throw new WalHeaderChecksumError({ s1: checksum1, s2: checksum2 }, { s1: e.s1 >>> 0, s2: e.s2 >>> 0 });
  }
  const version = view.getUint32(4);
  if (version !== WAL_FORMAT_VERSION) {
    throw new WalHeaderError(
      'ERR_CHECKSUM_BAD_VERSION',
      `WAL format version ${version} is not the supported ${WAL_FORMAT_VERSION}`,
    );
  }
  return {
    magic,
    byteOrder: bigEndian ? 'big' : 'little',
    version,
    pageSize,
    checkpointSequence: view.getUint32(12),
    salt1: view.getUint32(16),
    salt2: view.getUint32(20),
    checksum1,
    checksum2,
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
