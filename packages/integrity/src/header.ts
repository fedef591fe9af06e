import { NotADatabaseError } from './errors.js';
import type { IssueSink } from './internal/issues.js';

/**
 * Size of the database header at the start of page 1.
 *
 * @public
 */
export const DB_HEADER_BYTES = 100;
const MAGIC = 'SQLite format 3\0';
/** SQLite refuses a database whose usable page size (page size minus reserved bytes) is below this. */
const MIN_USABLE_BYTES = 480;
/** The byte at 1 GiB: its page is never used (SQLite's PENDING_BYTE). */
const PENDING_BYTE = 0x40000000;

/**
 * The fields of SQLite's 100-byte database header that the checks use.
 *
 * @remarks Layout (big-endian, byte offsets): magic[16] at 0, pageSize u16 at 16 (1 = 65536),
 * writeVersion u8 at 18, readVersion u8 at 19, reserved u8 at 20, fractions u8×3 at 21,
 * changeCounter u32 at 24, dbSize u32 at 28, freelistTrunk u32 at 32, freelistCount u32 at 36,
 * schemaFormat u32 at 44, largestRoot u32 at 52, textEncoding u32 at 56, incrementalVacuum u32 at
 * 64, versionValidFor u32 at 92.
 * @public
 */
export interface DatabaseHeader {
  /** Page size in bytes (the stored 1 decoded as 65536); may be invalid. */
  readonly pageSize: number;
  /** File format write version (1 legacy, 2 WAL). */
  readonly writeVersion: number;
  /** File format read version (1 legacy, 2 WAL). */
  readonly readVersion: number;
  /** Bytes reserved at the end of each page. */
  readonly reservedBytes: number;
  /** Maximum, minimum and leaf payload fractions (must be 64, 32, 32). */
  readonly payloadFractions: readonly [number, number, number];
  /** File change counter. */
  readonly changeCounter: number;
  /** Database size in pages as the header says (valid only when {@link DatabaseHeader.versionValidFor} equals the change counter). */
  readonly dbSizePages: number;
  /** First freelist trunk page (0 = none). */
  readonly freelistTrunk: number;
  /** Total freelist pages. */
  readonly freelistCount: number;
  /** Schema format number (1..4). */
  readonly schemaFormat: number;
  /** Largest root page (non-zero in auto-vacuum and incremental-vacuum databases). */
  readonly largestRootPage: number;
  /** Text encoding (1 UTF-8, 2 UTF-16le, 3 UTF-16be). */
  readonly textEncoding: number;
  /** Non-zero for incremental vacuum. */
  readonly incrementalVacuum: number;
  /** The change counter value for which {@link DatabaseHeader.dbSizePages} is valid. */
  readonly versionValidFor: number;
}

/**
 * Decodes the database header from the first 100 bytes of page 1.
 *
 * @param bytes - at least the first 100 bytes of the database
 * @param imageBytes - size of the whole image, named in the error
 * @throws {@link NotADatabaseError} when fewer than 100 bytes are given or the magic is wrong.
 * @public
 */
export function decodeDatabaseHeader(bytes: Uint8Array, imageBytes: number = bytes.length): DatabaseHeader {
  if (bytes.length < DB_HEADER_BYTES || imageBytes < DB_HEADER_BYTES) {
    throw new NotADatabaseError(imageBytes, `${Math.min(bytes.length, imageBytes)} bytes is shorter than the ${DB_HEADER_BYTES}-byte header`);
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) {
      throw new NotADatabaseError(imageBytes, `the first 16 bytes are not "SQLite format 3\\0" (byte ${i} is 0x${(bytes[i] ?? 0).toString(16)})`);
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => view.getUint32(at);
  const rawPageSize = view.getUint16(16);
  return {
    pageSize: rawPageSize === 1 ? 65536 : rawPageSize,
    writeVersion: bytes[18] as number,
    readVersion: bytes[19] as number,
    reservedBytes: bytes[20] as number,
    payloadFractions: [bytes[21] as number, bytes[22] as number, bytes[23] as number],
    changeCounter: u32(24),
    dbSizePages: u32(28),
    freelistTrunk: u32(32),
    freelistCount: u32(36),
    schemaFormat: u32(44),
    largestRootPage: u32(52),
    textEncoding: u32(56),
    incrementalVacuum: u32(64),
    versionValidFor: u32(92),
  };
}

/** What the rest of the checks need to know about the file, once the header passed. */
export interface Geometry {
  readonly header: DatabaseHeader;
  readonly pageSize: number;
  readonly usableSize: number;
  /** Pages the checks cover (SQLite's btreePagecount). */
  readonly pageCount: number;
  readonly autoVacuum: boolean;
  /** The page holding the pending byte (never used), or 0 when the file is smaller. */
  readonly pendingBytePage: number;
}

/**
 * Level 1 checks of the header, as SQLite applies them when it opens a database; returns the
 * geometry, or null when the header is too broken for any page to be read (SQLite refuses to open it).
 */
export function checkHeader(header: DatabaseHeader, imageBytes: number, sink: IssueSink): Geometry | null {
  const { pageSize } = header;
  let fatal = false;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    sink.add(1, 1, 'header-page-size', `page size ${pageSize} is not a power of two from 512 to 65536`);
    return null;
  }
  if (header.readVersion > 2) {
    sink.add(1, 1, 'header-read-version', `read version ${header.readVersion} is above 2: SQLite cannot read the file`);
    fatal = true;
  } else if (header.readVersion === 0) {
    sink.add(1, 1, 'header-read-version', 'read version 0 is not 1 (legacy) or 2 (WAL); SQLite reads the file anyway', 'warning');
  }
  if (header.writeVersion > 2 || header.writeVersion === 0) {
    sink.add(1, 1, 'header-write-version', `write version ${header.writeVersion} is not 1 or 2: SQLite opens the file read-only`, 'warning');
  }
  const [max, min, leaf] = header.payloadFractions;
  if (max !== 64 || min !== 32 || leaf !== 32) {
    sink.add(1, 1, 'header-payload-fractions', `payload fractions ${max}/${min}/${leaf}, SQLite requires 64/32/32`);
    fatal = true;
  }
  const usableSize = pageSize - header.reservedBytes;
  if (usableSize < MIN_USABLE_BYTES) {
    sink.add(1, 1, 'header-reserved-bytes', `${header.reservedBytes} reserved bytes leave ${usableSize} usable bytes per page, SQLite needs at least ${MIN_USABLE_BYTES}`);
    fatal = true;
  }
  const filePages = Math.ceil(imageBytes / pageSize);
  const sizeValid = header.dbSizePages !== 0 && header.changeCounter === header.versionValidFor;
  let pageCount = filePages;
  if (sizeValid) {
    pageCount = header.dbSizePages;
    if (header.dbSizePages > filePages) {
      sink.add(1, 1, 'header-db-size', `the header says ${header.dbSizePages} pages, the file holds ${filePages}`);
      fatal = true;
    }
  } else if (header.dbSizePages !== filePages) {
    sink.add(1, 1, 'header-db-size-ignored', `the in-header size (${header.dbSizePages} pages) is not valid for change counter ${header.changeCounter} (valid-for ${header.versionValidFor}): the file size (${filePages} pages) counts`, 'warning');
  }
  // SQLite reads the schema format as a u8 (the low byte of the u32 at offset 44).
  const format = header.schemaFormat & 0xff;
  if (format > 4) {
    sink.add(1, 1, 'header-schema-format', `schema format ${header.schemaFormat} (low byte ${format}) is above 4: SQLite refuses the file`);
    fatal = true;
  } else if (header.schemaFormat > 4 || format === 0) {
    sink.add(1, 1, 'header-schema-format', `schema format ${header.schemaFormat} is not 1..4; SQLite reads its low byte as ${format === 0 ? 1 : format}`, 'warning');
  }
  if (header.textEncoding > 3) {
    sink.add(1, 1, 'header-text-encoding', `text encoding ${header.textEncoding} is not 1..3; SQLite reads its low two bits (${header.textEncoding & 3})`, 'warning');
  }
  if (header.freelistCount >= Math.max(pageCount, 1)) {
    sink.add(1, 1, 'header-freelist-count', `freelist count ${header.freelistCount} is not below the page count ${pageCount}`);
  }
  const autoVacuum = header.largestRootPage !== 0;
  if (!autoVacuum && header.incrementalVacuum !== 0) {
    sink.add(1, 1, 'header-vacuum', `incremental vacuum is ${header.incrementalVacuum} with a largest root page of 0 (not an auto-vacuum database)`);
  }
  if (fatal) return null;
  const pending = Math.floor(PENDING_BYTE / pageSize) + 1;
  return { header, pageSize, usableSize, pageCount, autoVacuum, pendingBytePage: pending <= pageCount ? pending : 0 };
}
