import { open, readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LiveSqlite3,
  makeTempDir,
  makeWalDatabase,
  openSnapshotReader,
  removeTempDir,
  runSqlite3,
  type DatabaseFiles,
} from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { BusySnapshotError, READ_MARK_NOT_USED, WalIndex, type WalIndexCommit } from '../src/index.js';
import { diffShm } from './support/shm-diff.js';
import { sqliteRecoveredShm } from './support/sqlite-shm.js';

const vfs = new NodeVfs();
let dir: string;
let cleanup: Array<() => Promise<void>> = [];
let counter = 0;

beforeAll(async () => {
  dir = await makeTempDir('litewal-wal-index-interop-');
});
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function database(): Promise<DatabaseFiles> {
  return makeWalDatabase({ dir, name: `interop-${++counter}.db` });
}

async function openIndex(files: DatabaseFiles): Promise<WalIndex> {
  const index = await WalIndex.open(vfs, files.db, { openSource: () => WalFile.open(vfs, files.wal, { readOnly: true }) });
  cleanup.push(() => index.close());
  return index;
}

async function liveSession(files: DatabaseFiles): Promise<LiveSqlite3> {
  const live = await LiveSqlite3.open(files.db);
  cleanup.push(() => live.close());
  return live;
}

/** A one-shot sqlite3 process that never checkpoints or deletes the WAL on close. */
function sqlite(files: DatabaseFiles, sql: string | readonly string[]): Promise<string> {
  return runSqlite3(files.db, sql, { keepWal: true });
}

/** The latest committed image of page 1: from the WAL when it has one, else the db file. */
async function page1(wal: WalFile, db: string): Promise<Uint8Array> {
  const fromWal = await wal.readPage(1);
  if (fromWal !== null) return Uint8Array.from(fromWal);
  const handle = await open(db, 'r');
  try {
    const bytes = new Uint8Array(wal.pageSize);
    await handle.read(bytes, 0, bytes.length, 0);
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Appends to the WAL, as a commit frame, page 1 with a new user_version and a bumped change
 * counter (as SQLite would write it); returns what {@link WalIndex.publish} needs to show it.
 */
async function appendUserVersion(index: WalIndex, files: DatabaseFiles, userVersion: number): Promise<WalIndexCommit> {
  const wal = await WalFile.open(vfs, files.wal);
  try {
    expect(wal.committedFrames).toBe(index.snapshot?.header.maxFrame);
    const page = await page1(wal, files.db);
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const changeCounter = (view.getUint32(24) + 1) >>> 0;
    view.setUint32(24, changeCounter);
    view.setUint32(92, changeCounter);
    view.setUint32(60, userVersion);
    const result = await wal.append([{ pageNumber: 1, data: page }], wal.dbSizePages);
    await wal.sync();
    if (wal.header === null) throw new Error('the WAL has no header after an append');
    return { pages: [1], dbSizePages: wal.dbSizePages, frameChecksum: result.checksum, walHeader: wal.header };
  } finally {
    await wal.close();
  }
}

describe('the dead-man switch with live SQLite processes', () => {
  it("alone, litewal rebuilds the -shm through the live protocol exactly as SQLite's recovery does", async () => {
    const files = await database();
    const expected = await sqliteRecoveredShm(files.db);
    const index = await openIndex(files);
    expect(index.rebuiltOnOpen).toBe(true);
    expect(diffShm(new Uint8Array(await readFile(files.shm)), expected)).toEqual([]);
  });

  it('while SQLite has the database open, litewal trusts its -shm', async () => {
    const files = await database();
    const live = await liveSession(files);
    expect(await live.query('SELECT count(*) FROM t;')).toBe('101\n');
    const index = await openIndex(files);
    expect(index.rebuiltOnOpen).toBe(false);
    expect((await index.readHeader()).maxFrame).toBe(5);
  });
});

describe('publishing a commit into a live -shm', () => {
  it.each([
    ['SQLite', true],
    ['litewal', false],
  ] as const)('first opener %s: another sqlite3 sees the commit only once it is published, without recovery', async (_, sqliteFirst) => {
    const files = await database();
    const live = sqliteFirst ? await liveSession(files) : null;
    expect(await live?.query('SELECT count(*) FROM t;')).toBe(sqliteFirst ? '101\n' : undefined);
    const index = await openIndex(files);
    await index.beginRead();
    await index.beginWrite();
    const commit = await appendUserVersion(index, files, 8);
    expect(await sqlite(files, 'PRAGMA user_version;')).toBe('7\n'); // in the WAL, not in the -shm yet
    const published = await index.publish(commit);
    await index.endWrite();
    await index.endRead();
    expect(await sqlite(files, 'PRAGMA user_version;')).toBe('8\n');
    expect(await sqlite(files, 'PRAGMA integrity_check;')).toBe('ok\n');
    expect(await live?.query('PRAGMA user_version;')).toBe(sqliteFirst ? '8\n' : undefined);
    // A recovery would have reset iChange to 0: SQLite used the header litewal published.
    expect(published.change).toBeGreaterThan(0);
    expect(await index.readHeader()).toEqual(published);
  });
});

describe('locks shared with sqlite3 processes', () => {
  it('litewal holds WAL_WRITE: a sqlite3 writer gets "database is locked"; then a stale litewal snapshot is busy', async () => {
    const files = await database();
    const index = await openIndex(files);
    await index.beginRead();
    await index.beginWrite();
    const insert = ['.timeout 0', "INSERT INTO t(v) VALUES('after');"];
    await expect(sqlite(files, insert)).rejects.toThrow(/database is locked/);
    await index.endWrite();
    await sqlite(files, insert);
    await expect(index.beginWrite()).rejects.toBeInstanceOf(BusySnapshotError);
    await index.endRead();
    expect((await index.beginRead()).header.maxFrame).toBeGreaterThan(5);
    await index.endRead();
  });

  it("a sqlite3 reader in an open transaction: litewal sees its read mark and its READ lock", async () => {
    const files = await database();
    const reader = await openSnapshotReader(files.db);
    cleanup.push(() => reader.session.kill());
    expect(reader.result).toBe('101\n');
    const index = await openIndex(files);
    const { maxFrame } = await index.readHeader();
    expect((await index.readCheckpointInfo()).readMarks).toEqual([0, maxFrame, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED]);
    expect(await index.probeReadLocks()).toEqual([false, true, false, false, false]);
    await reader.release();
    expect(await index.probeReadLocks()).toEqual([false, false, false, false, false]);
  });

  it("litewal's read mark pins what PRAGMA wal_checkpoint(PASSIVE) can backfill", async () => {
    const files = await database();
    const index = await openIndex(files);
    const pinned = (await index.beginRead()).header.maxFrame;
    await sqlite(files, "INSERT INTO t(v) VALUES('a'); INSERT INTO t(v) VALUES('b');");
    const log = (await index.readHeader()).maxFrame;
    expect(log).toBeGreaterThan(pinned);
    expect(await sqlite(files, 'PRAGMA wal_checkpoint(PASSIVE);')).toBe(`0|${log}|${pinned}\n`);
    expect((await index.readCheckpointInfo()).backfilled).toBe(pinned);
    expect(await index.findFrame(1)).toBe(pinned);
    await index.endRead();
    expect(await sqlite(files, 'PRAGMA wal_checkpoint(PASSIVE);')).toBe(`0|${log}|${log}\n`);
  });
});
