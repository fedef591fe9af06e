import { isValidPageSize, walChecksum, type ByteOrder, type ChecksumPair } from '@litewal/checksum';
import {
  HeaderChecksumError,
  HeaderCopiesDifferError,
  HeaderNotInitializedError,
  ShortWalIndexError,
  WalIndexVersionError,
} from './errors.js';
import {
  WAL_INDEX_HEADER_BYTES,
  WAL_INDEX_HEADER_CHECKSUMMED_BYTES,
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_VERSION,
} from './format.js';
import { NATIVE_BYTE_ORDER, NATIVE_LITTLE_ENDIAN, checkU32, viewOf } from './internal/native.js';

/**
 * The content of a wal-index header (SQLite's `WalIndexHdr`), without its version, isInit byte
 * and checksum, which the codec computes and checks.
 * @public
 */
export interface WalIndexHeader {
  /** iChange: +1 on every commit (wrapping u32); 0 after a rebuild. */
  readonly change: number;
  /** Checksum word order of the WAL (bigEndCksum). */
  readonly byteOrder: ByteOrder;
  /** Page size in bytes; 0 while no commit frame has been indexed. */
  readonly pageSize: number;
  /** mxFrame: the last committed frame (0 = the WAL holds no committed frame). */
  readonly maxFrame: number;
  /** nPage: the database size in pages after the commit at `maxFrame`. */
  readonly dbSizePages: number;
  /** aFrameCksum: the WAL's running checksum after frame `maxFrame`. */
  readonly frameChecksum: ChecksumPair;
  /** Salt-1 of the WAL header (stored as its raw big-endian bytes). */
  readonly salt1: number;
  /** Salt-2 of the WAL header (stored as its raw big-endian bytes). */
  readonly salt2: number;
}

/** Field offsets within one 48-byte header copy. */
const VERSION = 0;
const UNUSED = 4;
const CHANGE = 8;
const IS_INIT = 12;
const BIG_END_CKSUM = 13;
const PAGE_SIZE = 14;
const MAX_FRAME = 16;
const DB_PAGES = 20;
const FRAME_CKSUM = 24;
const SALT = 32;
const CKSUM = 40;

/**
 * Encodes a page size into the wal-index's u16 field: `(size & 0xff00) | (size >> 16)`, so that
 * 65536 is stored as 1.
 * @throws RangeError unless `pageSize` is 0 or a valid SQLite page size.
 * @public
 */
export function encodeWalIndexPageSize(pageSize: number): number {
  if (pageSize !== 0 && !isValidPageSize(pageSize)) {
    throw new RangeError(`page size ${pageSize} is neither 0 nor a power of two in 512..65536`);
  }
  return (pageSize & 0xff00) | (pageSize >>> 16);
}

/**
 * Decodes the wal-index's u16 page-size field: `(v & 0xfe00) + ((v & 1) << 16)`.
 * @public
 */
export function decodeWalIndexPageSize(field: number): number {
  return (field & 0xfe00) + ((field & 1) << 16);
}

/**
 * Encodes one 48-byte header copy: iVersion 3007000, isInit 1 and the native-order checksum of
 * bytes 0..39 at 40..47.
 *
 * @remarks `[u32 iVersion][u32 0][u32 iChange][u8 1][u8 bigEndCksum][u16 szPage][u32 mxFrame]`
 * `[u32 nPage][u32 aFrameCksum[2]][u32 BE salt-1][u32 BE salt-2][u32 aCksum[2]]`, native order
 * except the salts.
 * @throws RangeError for a field out of range.
 * @public
 */
export function encodeWalIndexHeader(header: WalIndexHeader): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(WAL_INDEX_HEADER_BYTES);
  const view = viewOf(bytes);
  const le = NATIVE_LITTLE_ENDIAN;
  view.setUint32(VERSION, WAL_INDEX_VERSION, le);
  view.setUint32(UNUSED, 0, le);
  view.setUint32(CHANGE, checkU32('iChange', header.change), le);
  view.setUint8(IS_INIT, 1);
  view.setUint8(BIG_END_CKSUM, header.byteOrder === 'big' ? 1 : 0);
  view.setUint16(PAGE_SIZE, encodeWalIndexPageSize(header.pageSize), le);
  view.setUint32(MAX_FRAME, checkU32('mxFrame', header.maxFrame), le);
  view.setUint32(DB_PAGES, checkU32('nPage', header.dbSizePages), le);
  view.setUint32(FRAME_CKSUM, checkU32('aFrameCksum[0]', header.frameChecksum.s1), le);
  view.setUint32(FRAME_CKSUM + 4, checkU32('aFrameCksum[1]', header.frameChecksum.s2), le);
  view.setUint32(SALT, checkU32('salt-1', header.salt1), false);
  view.setUint32(SALT + 4, checkU32('salt-2', header.salt2), false);
  const sum = headerChecksum(bytes, 0);
  view.setUint32(CKSUM, sum.s1, le);
  view.setUint32(CKSUM + 4, sum.s2, le);
  return bytes;
}

/**
 * Decodes one 48-byte header copy at `offset`, checking it as SQLite does: isInit, then the
 * checksum, then the version.
 * @throws {@link ShortWalIndexError}, {@link HeaderNotInitializedError},
 * {@link HeaderChecksumError}, {@link WalIndexVersionError}.
 * @public
 */
export function decodeWalIndexHeaderCopy(bytes: Uint8Array, offset = 0): WalIndexHeader {
  if (bytes.length < offset + WAL_INDEX_HEADER_BYTES) {
    throw new ShortWalIndexError('a wal-index header copy', offset + WAL_INDEX_HEADER_BYTES, bytes.length);
  }
  const view = viewOf(bytes);
  const le = NATIVE_LITTLE_ENDIAN;
  const isInit = view.getUint8(offset + IS_INIT);
  if (isInit === 0) throw new HeaderNotInitializedError(isInit);
  const expected = headerChecksum(bytes, offset);
  const actual = { s1: view.getUint32(offset + CKSUM, le), s2: view.getUint32(offset + CKSUM + 4, le) };
  if (expected.s1 !== actual.s1 || expected.s2 !== actual.s2) throw new HeaderChecksumError(expected, actual);
  const version = view.getUint32(offset + VERSION, le);
  if (version !== WAL_INDEX_VERSION) throw new WalIndexVersionError(version, WAL_INDEX_VERSION);
  return {
    change: view.getUint32(offset + CHANGE, le),
    byteOrder: view.getUint8(offset + BIG_END_CKSUM) !== 0 ? 'big' : 'little',
    pageSize: decodeWalIndexPageSize(view.getUint16(offset + PAGE_SIZE, le)),
    maxFrame: view.getUint32(offset + MAX_FRAME, le),
    dbSizePages: view.getUint32(offset + DB_PAGES, le),
    frameChecksum: { s1: view.getUint32(offset + FRAME_CKSUM, le), s2: view.getUint32(offset + FRAME_CKSUM + 4, le) },
    salt1: view.getUint32(offset + SALT, false),
    salt2: view.getUint32(offset + SALT + 4, false),
  };
}

/**
 * Decodes the header of a wal-index from its first 96 or more bytes, the way a SQLite reader
 * checks it: both copies must be identical, then copy 1 must pass {@link decodeWalIndexHeaderCopy}.
 * @throws {@link ShortWalIndexError}, {@link HeaderCopiesDifferError}, and the errors of
 * {@link decodeWalIndexHeaderCopy}.
 * @public
 */
export function decodeWalIndexHeader(bytes: Uint8Array): WalIndexHeader {
  const end = WAL_INDEX_HEADER_COPY2_OFFSET + WAL_INDEX_HEADER_BYTES;
  if (bytes.length < end) throw new ShortWalIndexError('the wal-index header copies', end, bytes.length);
  for (let i = 0; i < WAL_INDEX_HEADER_BYTES; i++) {
    const a = bytes[WAL_INDEX_HEADER_COPY1_OFFSET + i] as number;
    const b = bytes[WAL_INDEX_HEADER_COPY2_OFFSET + i] as number;
    if (a !== b) throw new HeaderCopiesDifferError(i, a, b);
  }
  return decodeWalIndexHeaderCopy(bytes, WAL_INDEX_HEADER_COPY1_OFFSET);
}

function headerChecksum(bytes: Uint8Array, offset: number): ChecksumPair {
  return walChecksum(bytes.subarray(offset, offset + WAL_INDEX_HEADER_CHECKSUMMED_BYTES), NATIVE_BYTE_ORDER);
}
