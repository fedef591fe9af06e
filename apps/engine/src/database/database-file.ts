import { SQLITE_PENDING_BYTE, SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, type VfsFile } from '@litewal/vfs';
import { DatabaseError } from '../errors.js';
import { waitWithBusyHandler } from './internal/busy.js';

/** `SQLite format 3\0`, the first 16 bytes of every database file. */
const MAGIC = new TextEncoder().encode('SQLite format 3\0');
/** Bytes of the database header at the start of page 1. */
const DB_HEADER_BYTES = 100;
/** Header offsets (all big-endian). */
const PAGE_SIZE_OFFSET = 16;
const WRITE_VERSION_OFFSET = 18;
const READ_VERSION_OFFSET = 19;
/** File format versions 18/19: 2 means WAL mode. */
const WAL_MODE_VERSION = 2;
/** The `SQLITE_VERSION_NUMBER` a new file is stamped with (SQLite 3.40.1, Debian 12's). */
const SQLITE_VERSION_NUMBER = 3_040_001;

/**
 * Page 1 of an empty database in WAL mode, byte for byte what `sqlite3` writes for
 * `PRAGMA journal_mode=WAL` on a new file (but for the version stamp at offset 96): the 100-byte
 * header (file format versions 2/2, change counter 1, 1 page, version-valid-for 1) and an empty
 * `sqlite_schema` table leaf.
 * @remarks `[magic 16][page size u16][2][2][reserved 0][64][32][32][change 1][pages 1]...[valid-for 1][version]`,
 * then at 100: `[0x0d][first freeblock 0][cells 0][content start = page size, 0 for 65536][fragmented 0]`.
 * @internal
 */
export function emptyDatabasePage(pageSize: number): Uint8Array<ArrayBuffer> {
  const page = new Uint8Array(pageSize);
  const view = new DataView(page.buffer);
  page.set(MAGIC, 0);
  view.setUint16(PAGE_SIZE_OFFSET, pageSize === 65536 ? 1 : pageSize, false);
  page[WRITE_VERSION_OFFSET] = WAL_MODE_VERSION;
  page[READ_VERSION_OFFSET] = WAL_MODE_VERSION;
  page[21] = 64; // max embedded payload fraction
  page[22] = 32; // min embedded payload fraction
  page[23] = 32; // leaf payload fraction
  view.setUint32(24, 1, false); // file change counter
  view.setUint32(28, 1, false); // database size in pages
  view.setUint32(92, 1, false); // version-valid-for
  view.setUint32(96, SQLITE_VERSION_NUMBER, false);
  page[DB_HEADER_BYTES] = 0x0d; // table b-tree leaf
  view.setUint16(DB_HEADER_BYTES + 5, pageSize === 65536 ? 0 : pageSize, false); // cell content area
  return page;
}

/**
 * Joins the database as a SQLite connection in WAL mode does, for the life of the connection:
 * PENDING shared for an instant, then the SHARED range shared, waiting with the busy handler
 * while another connection holds PENDING or EXCLUSIVE (a last connection closing). An empty file
 * (just created, or left empty) is then given {@link emptyDatabasePage}, written and synced with
 * the SHARED range held exclusively (no other connection can read it half-written); a connection
 * that finds another one doing so waits for it. SQLite would delete the WAL of an empty database.
 * @returns whether this call initialised the file.
 * @throws {@link DatabaseError} `ERR_DATABASE_BUSY` past `busyTimeoutMs`.
 * @internal
 */
export async function joinDatabase(file: VfsFile, pageSize: number, busyTimeoutMs: number): Promise<boolean> {
  let created = false;
  const joined = await waitWithBusyHandler(busyTimeoutMs, async () => {
    if (!(await file.tryLock(SQLITE_PENDING_BYTE, 1, 'shared'))) return false;
    try {
      if (!(await file.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'shared'))) return false;
    } finally {
      await file.unlock(SQLITE_PENDING_BYTE, 1);
    }
    if ((await file.size()) > 0) return true;
    if (!(await file.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'exclusive'))) {
      await file.unlock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE); // another connection is initialising it
      return false;
    }
    if ((await file.size()) === 0) {
      await file.write(emptyDatabasePage(pageSize), 0);
      await file.sync('full');
      created = true;
    }
    return file.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'shared');
  });
  if (!joined) throw new DatabaseError('ERR_DATABASE_BUSY', `${file.path} is busy: another connection holds it exclusively`);
  return created;
}

/**
 * Reads the database header and returns the page size.
 * @throws {@link DatabaseError} `ERR_DATABASE_CORRUPT` for a file that is not a SQLite database
 * (short, bad magic, bad page size); `ERR_DATABASE_NOT_WAL` when bytes 18/19 are not 2.
 * @internal
 */
export async function readDatabasePageSize(file: VfsFile): Promise<number> {
  const header = new Uint8Array(DB_HEADER_BYTES);
  const n = await file.read(header, 0);
  if (n < DB_HEADER_BYTES || !MAGIC.every((byte, i) => header[i] === byte)) {
    throw new DatabaseError('ERR_DATABASE_CORRUPT', `${file.path} is not a SQLite database (no "SQLite format 3" header in ${n} bytes)`);
  }
  const field = new DataView(header.buffer).getUint16(PAGE_SIZE_OFFSET, false);
  const pageSize = field === 1 ? 65536 : field;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new DatabaseError('ERR_DATABASE_CORRUPT', `${file.path}: page size field ${field} is not a power of two from 512 to 65536`);
  }
  const versions = [header[WRITE_VERSION_OFFSET], header[READ_VERSION_OFFSET]];
  if (versions[0] !== WAL_MODE_VERSION || versions[1] !== WAL_MODE_VERSION) {
    throw new DatabaseError(
      'ERR_DATABASE_NOT_WAL',
      `${file.path} is not in WAL mode (file format versions ${versions.join('/')}, WAL mode is 2/2): run PRAGMA journal_mode=WAL on it first`,
    );
  }
  return pageSize;
}
