import type { LockMode, SyncMode, SyncOptions, Vfs, VfsFile } from '@litewal/vfs';
import { ForwardingFile } from '@litewal/vfs-fixtures';
import { WalFile } from '@litewal/wal-file';
import { WalIndex, walIndexLockOffset, type WalIndexLock } from '@litewal/wal-index';
import type { CheckpointFiles } from '../../src/index.js';

export const DB = 'app.db';
export const WAL = 'app.db-wal';
export const SHM = 'app.db-shm';

/** One transaction: the pages it writes, in frame order, and the database size it commits. */
export interface Commit {
  readonly pages: readonly number[];
  readonly dbSize: number;
}

/**
 * The image of `page` at `version` (0 = in the database file before any commit): a byte pattern
 * unique to both, with a SQLite header on page 1 (page size at 16, WAL mode at 18/19).
 */
export function pageImage(page: number, version: number, pageSize: number): Uint8Array {
  const bytes = new Uint8Array(pageSize);
  let x = (page * 2654435761 + version * 40503 + 1) >>> 0;
  for (let i = 0; i < pageSize; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  if (page === 1) {
    new DataView(bytes.buffer).setUint16(16, pageSize === 65536 ? 1 : pageSize, false);
    bytes[18] = 2;
    bytes[19] = 2;
  }
  return bytes;
}

/** What the database holds after every commit is applied: page -> version, and the size. */
export function expectedPages(initialPages: number, commits: readonly Commit[]): { versions: Map<number, number>; size: number } {
  const versions = new Map<number, number>();
  for (let page = 1; page <= initialPages; page++) versions.set(page, 0);
  commits.forEach((commit, i) => {
    for (const page of commit.pages) versions.set(page, i + 1);
  });
  const size = commits.at(-1)?.dbSize ?? initialPages;
  for (const page of [...versions.keys()]) if (page > size) versions.delete(page);
  return { versions, size };
}

/**
 * Writes a database of `initialPages` pages (version 0) and a WAL holding `commits` (commit `i`
 * writes version `i + 1` of its pages), both synced.
 */
export async function writeDatabase(vfs: Vfs, initialPages: number, commits: readonly Commit[], pageSize = 4096): Promise<void> {
  const db = await vfs.open(DB, { create: true });
  for (let page = 1; page <= initialPages; page++) await db.write(pageImage(page, 0, pageSize), (page - 1) * pageSize);
  await db.sync();
  await db.close();
  const wal = await WalFile.create(vfs, WAL, { pageSize, salt1: 0x1234, salt2: 0x5678 });
  for (const [i, commit] of commits.entries()) {
    await wal.append(
      commit.pages.map((page) => ({ pageNumber: page, data: pageImage(page, i + 1, pageSize) })),
      commit.dbSize,
    );
  }
  await wal.sync();
  await wal.close();
}

/** Opens the wal-index (rebuilding it from the WAL when nobody else has it) and the two files. */
export async function openFiles(vfs: Vfs): Promise<CheckpointFiles & { close(): Promise<void> }> {
  const index = await WalIndex.open(vfs, DB, { openSource: () => WalFile.open(vfs, WAL, { readOnly: true }) });
  const db = await vfs.open(DB);
  const wal = await vfs.open(WAL);
  return {
    index,
    db,
    wal,
    async close() {
      await index.close();
      await db.close();
      await wal.close();
    },
  };
}

/** A raw handle on the -shm holding `locks`: another process that ignores the protocol. */
export async function rogue(vfs: Vfs, ...locks: ReadonlyArray<readonly [WalIndexLock, LockMode]>): Promise<VfsFile> {
  const file = await vfs.open(SHM, { create: true });
  for (const [lock, mode] of locks) {
    if (!(await file.tryLock(walIndexLockOffset(lock), 1, mode))) throw new Error(`could not take ${lock} ${mode}`);
  }
  return file;
}

/** Reads a whole file of `vfs`. */
export async function readAll(vfs: Vfs, path: string): Promise<Uint8Array> {
  const file = await vfs.open(path);
  try {
    const bytes = new Uint8Array(await file.size());
    await file.read(bytes, 0);
    return bytes;
  } finally {
    await file.close();
  }
}

/** Each call to a file, in order: operation, position or size, and length. */
export interface Call {
  readonly op: 'read' | 'write' | 'truncate' | 'sync';
  readonly at: number;
  readonly length: number;
  readonly mode?: SyncMode;
}

/** A VfsFile that records every read, write, truncate and sync, then passes it through. */
export class RecordingFile extends ForwardingFile {
  readonly calls: Call[] = [];

  override read(buffer: Uint8Array, position: number): Promise<number> {
    this.calls.push({ op: 'read', at: position, length: buffer.length });
    return super.read(buffer, position);
  }

  override write(data: Uint8Array, position: number): Promise<void> {
    this.calls.push({ op: 'write', at: position, length: data.length });
    return super.write(data, position);
  }

  override truncate(size: number): Promise<void> {
    this.calls.push({ op: 'truncate', at: size, length: 0 });
    return super.truncate(size);
  }

  override sync(mode?: SyncMode, options?: SyncOptions): Promise<void> {
    this.calls.push({ op: 'sync', at: 0, length: 0, ...(mode === undefined ? {} : { mode }) });
    return super.sync(mode, options);
  }
}
