import { WAL_FRAME_HEADER_BYTES } from '@litewal/checksum';
import type { VfsFile } from '@litewal/vfs';
import { frameOffset } from '@litewal/wal-file';
import type { WalIndexHeader } from '@litewal/wal-index';
import { DatabaseError } from '../../errors.js';

/**
 * Page `pageNumber` of the database file; bytes past the end of the file read as zeros, as
 * SQLite reads them.
 */
export async function readDatabasePage(db: VfsFile, pageNumber: number, pageSize: number): Promise<Uint8Array<ArrayBuffer>> {
  const page = new Uint8Array(pageSize);
  await db.read(page, (pageNumber - 1) * pageSize); // VfsFile.read fills the buffer unless the file ends
  return page;
}

/**
 * The page image of WAL frame `frame`.
 * @throws {@link DatabaseError} `ERR_DATABASE_CORRUPT` when the WAL ends inside the frame.
 */
export async function readWalPage(wal: VfsFile, frame: number, pageSize: number): Promise<Uint8Array<ArrayBuffer>> {
  const page = new Uint8Array(pageSize);
  const at = frameOffset(frame, pageSize) + WAL_FRAME_HEADER_BYTES;
  const n = await wal.read(page, at);
  if (n < pageSize) {
    throw new DatabaseError('ERR_DATABASE_CORRUPT', `${wal.path}: frame ${frame} is cut short (${n} of ${pageSize} page bytes at offset ${at})`);
  }
  return page;
}

/**
 * The database size in pages a wal-index header stands for: its nPage, or when that is 0 (an
 * empty log recovered) the size of the database file, as SQLite's pager computes it.
 */
export async function pageCountOf(header: WalIndexHeader, db: VfsFile, pageSize: number): Promise<number> {
  return header.dbSizePages > 0 ? header.dbSizePages : Math.floor((await db.size()) / pageSize);
}

/** Whether two wal-index headers describe the same state of the log. */
export function sameHeader(a: WalIndexHeader | null, b: WalIndexHeader | null): boolean {
  return (
    a !== null &&
    b !== null &&
    a.change === b.change &&
    a.maxFrame === b.maxFrame &&
    a.dbSizePages === b.dbSizePages &&
    a.salt1 === b.salt1 &&
    a.salt2 === b.salt2 &&
    a.frameChecksum.s1 === b.frameChecksum.s1 &&
    a.frameChecksum.s2 === b.frameChecksum.s2
  );
}
