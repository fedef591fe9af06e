import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, makeWalDatabase, removeTempDir, runSqlite3 } from '@litewal/sqlite-fixtures';
import { MemoryVfs, NodeVfs } from '@litewal/vfs';
import { WalFile, type PageWrite } from '../src/index.js';
import { sqliteWalView } from './support/sqlite-oracle.js';

const PAGE = 512;

function pages(tag: number, ...numbers: number[]): PageWrite[] {
  return numbers.map((n) => ({ pageNumber: n, data: new Uint8Array(PAGE).fill((tag * 16 + n) & 0xff) }));
}

describe('WalFile.refresh', () => {
  it('absorbs commits another handle appended, then continues the chain from them', async () => {
    const vfs = new MemoryVfs();
    const a = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await a.append(pages(1, 1, 2), 2);
    const b = await WalFile.open(vfs, 'w');
    expect(await b.refresh()).toBe('unchanged');
    await a.append(pages(2, 2, 3), 3);
    await a.append(pages(3, 1), 3);
    expect(await b.refresh()).toBe('appended');
    expect([b.committedFrames, b.dbSizePages, b.checksum]).toEqual([a.committedFrames, 3, a.checksum]);
    expect(await b.readPage(1)).toEqual(pages(3, 1)[0]!.data);
    await b.append(pages(4, 4), 4);
    expect(await a.refresh()).toBe('appended');
    expect(a.committedFrames).toBe(6);
    await a.close();
    await b.close();
    const check = await WalFile.open(vfs, 'w', { readOnly: true });
    expect(check.recovery).toMatchObject({ committed: 6, commits: 4, stop: { reason: 'end-of-file' } });
    await check.close();
  });

  it("ignores another handle's uncommitted frames until they commit", async () => {
    const vfs = new MemoryVfs();
    const a = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await a.append(pages(1, 1), 1);
    const b = await WalFile.open(vfs, 'w');
    await a.append(pages(2, 2));
    expect(await b.refresh()).toBe('unchanged');
    expect(b.committedFrames).toBe(1);
    await a.append(pages(3, 3), 3);
    expect(await b.refresh()).toBe('appended');
    expect(b.committedFrames).toBe(3);
    await a.close();
    await b.close();
  });

  it('recovers from scratch after a reset and truncation by another handle', async () => {
    const vfs = new MemoryVfs();
    const a = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await a.append(pages(1, 1, 2, 3), 3);
    const b = await WalFile.open(vfs, 'w');
    await a.reset({ truncate: true });
    await a.append(pages(2, 1), 3);
    expect(await b.refresh()).toBe('rebuilt');
    expect(b.generation).toEqual(a.generation);
    expect([b.committedFrames, b.recovery.committed]).toEqual([1, 1]);
    await a.close();
    await b.close();
  });

  it('refuses while this handle has uncommitted frames', async () => {
    const vfs = new MemoryVfs();
    const a = await WalFile.create(vfs, 'w', { pageSize: PAGE });
    await a.append(pages(1, 1));
    await expect(a.refresh()).rejects.toMatchObject({ code: 'ERR_WAL_FILE_UNCOMMITTED' });
    await a.close();
  });
});

describe('WalFile.refresh beside SQLite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('litewal-refresh-');
  });
  afterAll(async () => {
    await removeTempDir(dir);
  });

  it('absorbs the commits a sqlite3 process appended to the same WAL', async () => {
    const files = await makeWalDatabase({ dir, name: 'r.db', pageSize: 4096 });
    const wal = await WalFile.open(new NodeVfs(), files.wal);
    const before = wal.committedFrames;
    await runSqlite3(files.db, ["INSERT INTO t(v) VALUES('from sqlite');", 'PRAGMA user_version=8;'], { keepWal: true });
    expect(await wal.refresh()).toBe('appended');
    expect(wal.committedFrames).toBeGreaterThan(before);
    expect({ mxFrame: wal.committedFrames, nPage: wal.dbSizePages }).toEqual(await sqliteWalView(files.db));
    await wal.close();
  });
});
