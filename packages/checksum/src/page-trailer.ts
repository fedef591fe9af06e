import { PageTrailerError } from './errors.js';
import { MAX_PAGE_SIZE, MIN_PAGE_SIZE, isValidPageSize } from './format.js';
import type { Hashes } from './hashes.js';
import { checkBytes } from './internal/checks.js';

/**
 * Size of the optional page checksum trailer.
 *
 * @public
 */
export const PAGE_TRAILER_BYTES = 16;

/**
 * Offset in the database header (page 1) of the u8 "reserved bytes at the end of each page".
 *
 * @public
 */
export const DB_HEADER_RESERVED_BYTES_OFFSET = 20;

/** SQLite needs at least 480 usable bytes per page. */
const MIN_USABLE_BYTES = 480;

/**
 * Result of {@link verifyPageTrailer}.
 *
 * @remarks Both digests are canonical XXH3-128 (big-endian, as {@link Hashes.xxh3_128} returns).
 * @public
 */
export type PageTrailerVerification =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** The digest stored in the trailer (what the page claims). */
      readonly expected: Uint8Array<ArrayBuffer>;
      /** The digest of the page's bytes before the trailer. */
      readonly actual: Uint8Array<ArrayBuffer>;
    };

function checkPage(page: Uint8Array, reservedBytes: number): void {
  checkBytes('page', page);
  if (!isValidPageSize(page.length)) {
    throw new PageTrailerError(
      'ERR_CHECKSUM_TRAILER_PAGE_SIZE',
      `page is ${page.length} bytes, expected a power of two from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}`,
    );
  }
  if (!Number.isInteger(reservedBytes) || reservedBytes < PAGE_TRAILER_BYTES || reservedBytes > 255) {
    throw new PageTrailerError(
      'ERR_CHECKSUM_TRAILER_RESERVED',
      `reserved bytes per page is ${String(reservedBytes)}, the page trailer needs 16 to 255`,
    );
  }
  if (page.length - reservedBytes < MIN_USABLE_BYTES) {
    throw new PageTrailerError(
      'ERR_CHECKSUM_TRAILER_RESERVED',
      `reserved bytes per page is ${reservedBytes}, leaving ${page.length - reservedBytes} usable bytes ` +
        `of a ${page.length}-byte page; SQLite needs at least ${MIN_USABLE_BYTES}`,
    );
  }
}

function digestOf(page: Uint8Array, hashes: Hashes): Uint8Array<ArrayBuffer> {
  return hashes.xxh3_128(page.subarray(0, page.length - PAGE_TRAILER_BYTES));
}

/** Trailer bytes (little-endian u128) to canonical digest (big-endian), or back. */
function reversed(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(bytes).reverse();
}

/**
 * Stores the XXH3-128 of the page's bytes before the trailer in its last 16 bytes.
 *
 * @remarks `[page bytes 0 .. n-17][u128 LE XXH3-128 of those bytes]`, n = page size: low64 LE then
 * high64 LE, the reverse of the canonical digest. The trailer lives in the page's reserved area
 * (database header byte {@link DB_HEADER_RESERVED_BYTES_OFFSET}), which must be at least 16 bytes.
 * @param page - a whole page, modified in place
 * @param reservedBytes - the database's reserved bytes per page
 * @param hashes - from {@link createHashes}
 * @throws {@link PageTrailerError} `ERR_CHECKSUM_TRAILER_PAGE_SIZE` for a page that is not a valid
 * page size, `ERR_CHECKSUM_TRAILER_RESERVED` for fewer than 16 (or more than 255, or too many for
 * the page) reserved bytes
 * @public
 */
export function writePageTrailer(page: Uint8Array, reservedBytes: number, hashes: Hashes): void {
  checkPage(page, reservedBytes);
  page.set(reversed(digestOf(page, hashes)), page.length - PAGE_TRAILER_BYTES);
}

/**
 * Checks the page's trailer against the XXH3-128 of its bytes before the trailer.
 *
 * @remarks Layout as in {@link writePageTrailer}. A zeroed trailer (see {@link zeroPageTrailer})
 * does not verify, and neither does a page rewritten by software that does not maintain trailers.
 * @param page - a whole page
 * @param reservedBytes - the database's reserved bytes per page
 * @param hashes - from {@link createHashes}
 * @returns `{ ok: true }`, or `ok: false` with both digests
 * @throws {@link PageTrailerError} as {@link writePageTrailer}
 * @public
 */
export function verifyPageTrailer(page: Uint8Array, reservedBytes: number, hashes: Hashes): PageTrailerVerification {
  checkPage(page, reservedBytes);
  const actual = digestOf(page, hashes);
  const expected = reversed(page.subarray(page.length - PAGE_TRAILER_BYTES));
  for (let i = 0; i < PAGE_TRAILER_BYTES; i++) {
    if (actual[i] !== expected[i]) return { ok: false, expected, actual };
  }
  return { ok: true };
}

/**
 * Zeroes the page's 16-byte trailer.
 *
 * @remarks Layout as in {@link writePageTrailer}; the other reserved bytes are left alone.
 * @param page - a whole page, modified in place
 * @param reservedBytes - the database's reserved bytes per page
 * @throws {@link PageTrailerError} as {@link writePageTrailer}
 * @public
 */
export function zeroPageTrailer(page: Uint8Array, reservedBytes: number): void {
  checkPage(page, reservedBytes);
  page.fill(0, page.length - PAGE_TRAILER_BYTES);
}
