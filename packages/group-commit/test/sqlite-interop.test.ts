import { open, rm, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck, makeTempDir, makeWalDatabase, removeTempDir, runSqlite3, sqliteRead } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { WalFile, type TransactionFrames } from '@litewal/wal-file';
import { GroupCommit, WalFileSink } from '../src/index.js';
import { track, type CommitRecord } from './support/verify-log.js';

const vfs = new NodeVfs();
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('litewal-group-commit-sqlite-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** The latest committed image of a page: from the WAL when it has one, else from the db file. */
async function latestPage(wal: WalFile, db: string, pageNumber: number): Promise<Uint8Array> {
  const fromWal = await wal.readPage(pageNumber);
  if (fromWal !== null) return Uint8Array.from(fromWal);
  const handle = await open(db, 'r');
  try {
    const bytes = new Uint8Array(wal.pageSize);
    await handle.read(bytes, 0, bytes.length, (pageNumber - 1) * wal.pageSize);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** A distinct 3-character value per transaction, the length of the 'x42' it replaces. */
function valueOf(id: number): string {
  return `${String.fromCharCode(65 + (id % 26))}${String.fromCharCode(65 + Math.floor(id / 26))}9`;
}

/**
 * Transaction `id` as SQLite could have written it: page 1 with user_version 1000 + id, a bumped
 * change counter and the db size; and the table leaf holding row 43 with its value 'x42' replaced
 * by {@link valueOf}(id). Each image is valid on its own, so whichever commit is last, the
 * database is consistent.
 */
async function edits(wal: WalFile, db: string): Promise<(id: number) => TransactionFrames> {
  const dbPages = wal.dbSizePages > 0 ? wal.dbSizePages : (await stat(db)).size / wal.pageSize;
  const page1 = await latestPage(wal, db, 1);
  const needle = Buffer.from('x42');
  let leaf: { pageNumber: number; data: Uint8Array; at: number } | null = null;
  for (let p = 2; p <= dbPages && leaf === null; p++) {
    const data = await latestPage(wal, db, p);
    const at = Buffer.from(data).indexOf(needle);
    if (at >= 0) leaf = { pageNumber: p, data, at };
  }
  const found = leaf as { pageNumber: number; data: Uint8Array; at: number };
  return (id) => {
    const first = Uint8Array.from(page1);
    const view = new DataView(first.buffer);
    const counter = (view.getUint32(24) + 1 + id) >>> 0;
    view.setUint32(24, counter);
    view.setUint32(92, counter);
    view.setUint32(28, dbPages);
    view.setUint32(60, 1000 + id);
    const row = Uint8Array.from(found.data);
    row.set(Buffer.from(valueOf(id)), found.at);
    return { pages: [{ pageNumber: 1, data: first }, { pageNumber: found.pageNumber, data: row }], commitSize: dbPages };
  };
}

/** 16 committers x 2 rounds through one GroupCommit (groups of at most 8 frames), all durable. */
async function commitConcurrently(sink: WalFileSink, make: (id: number) => TransactionFrames): Promise<CommitRecord[]> {
  const group = new GroupCommit(sink, { maxGroupFrames: 8 });
  const records: CommitRecord[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async (_, c) => {
      for (let r = 0; r < 2; r++) {
        const record: CommitRecord = { id: c * 2 + r, transaction: make(c * 2 + r), told: null, receipt: null, error: null };
        records.push(record);
        await track(record, (t) => group.commit(t));
      }
    }),
  );
  await group.close();
  expect(records.every((r) => r.told === 'durable')).toBe(true);
  expect(group.stats().groups).toBeGreaterThan(1);
  return records;
}

function last(records: readonly CommitRecord[]): CommitRecord {
  return records.reduce((a, b) => ((a.receipt?.lastFrame ?? 0) > (b.receipt?.lastFrame ?? 0) ? a : b));
}

describe('groups written by WalFileSink are read by SQLite', () => {
  it('appended to a WAL SQLite wrote (its stale -shm beside it)', async () => {
    const files = await makeWalDatabase({ dir, name: 'append.db' });
    const sink = await WalFileSink.open(vfs, files.wal);
    const before = sink.wal.committedFrames;
    const records = await commitConcurrently(sink, await edits(sink.wal, files.db));
    expect(sink.wal.committedFrames).toBe(before + 64);
    await sink.close();
    const { id } = last(records);
    expect(await integrityCheck(files.db)).toBe('ok');
    expect(await sqliteRead(files.db, 'PRAGMA user_version')).toEqual([{ user_version: 1000 + id }]);
    expect(await sqliteRead(files.db, 'SELECT v FROM t WHERE id = 43')).toEqual([{ v: valueOf(id) }]);
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t', { engine: 'cli' })).toEqual([{ n: 101 }]);
  });

  it('in a new WAL next to a checkpointed database (frame 1 and a new header)', async () => {
    const files = await makeWalDatabase({ dir, name: 'fresh.db' });
    await runSqlite3(files.db, 'PRAGMA wal_checkpoint(TRUNCATE);');
    await rm(files.wal, { force: true });
    await rm(files.shm, { force: true });
    const sink = await WalFileSink.open(vfs, files.wal, { pageSize: 4096 });
    const records = await commitConcurrently(sink, await edits(sink.wal, files.db));
    await sink.close();
    const { id } = last(records);
    expect(await integrityCheck(files.db, { engine: 'cli' })).toBe('ok');
    expect(await sqliteRead(files.db, 'PRAGMA user_version')).toEqual([{ user_version: 1000 + id }]);
    expect(await sqliteRead(files.db, 'SELECT v FROM t WHERE id = 43', { engine: 'cli' })).toEqual([{ v: valueOf(id) }]);
  });
});
