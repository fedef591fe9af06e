import type { VfsFile } from '@litewal/vfs';
import type { WalIndexHeader } from '@litewal/wal-index';
import { CheckpointCorruptError } from '../errors.js';

/** Database header: the page size field (big-endian u16, 1 meaning 65536). */
const DB_PAGE_SIZE_OFFSET = 16;
/** Bytes of the database header. */
const DB_HEADER_BYTES = 100;
/** The most the database may grow beyond its size plus the log's pages (the pending-byte page). */
const DB_GROWTH_SLACK_BYTES = 65536;

/** SQLite refuses (SQLITE_CORRUPT) a log whose page size is not the database's. */
export async function checkPageSize(db: VfsFile, walPageSize: number): Promise<void> {
  const header = new Uint8Array(DB_HEADER_BYTES);
  if ((await db.read(header, 0)) < DB_HEADER_BYTES) return;
  const field = new DataView(header.buffer).getUint16(DB_PAGE_SIZE_OFFSET, false);
  const pageSize = field === 1 ? 65536 : field;
  if (pageSize !== walPageSize) {
    throw new CheckpointCorruptError(`the WAL's page size is ${walPageSize} bytes, the database's ${pageSize}`);
  }
}

/** SQLite's sanity check before a copy that grows the database: it cannot grow by more than the log holds. */
export async function checkDatabaseSize(db: VfsFile, header: WalIndexHeader): Promise<void> {
  const size = await db.size();
  const required = header.dbSizePages * header.pageSize;
  if (size < required && size + DB_GROWTH_SLACK_BYTES + header.maxFrame * header.pageSize < required) {
    throw new CheckpointCorruptError(
      `the log commits a database of ${header.dbSizePages} pages (${required} bytes); the file has ${size} bytes and the log ${header.maxFrame} frames`,
    );
  }
}
