import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LiveSqlite3,
  integrityCheck,
  makeCrashedWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  runSqlite3,
  sqliteRead,
} from '@litewal/sqlite-fixtures';
import { NodeVfs, SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { openDatabase } from '../src/index.js';
import { incrementCounter, makeCounterTable, readUserVersion, snapshotCounter, writeUserVersion } from './database-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-db-open-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('openDatabase: a new database', () => {
  it('writes a valid empty SQLite database in WAL mode, with the page size asked for', async () => {
    const path = join(dir, 'new.db');
    const db = await openDatabase(path, { pageSize: 8192 });
    expect([db.pageSize, db.synchronous, db.closed]).toEqual([8192, 'full', false]);
    const snapshot = await db.read();
    expect([snapshot.pageCount, snapshot.maxFrame]).toEqual([1, 0]);
    const page1 = await snapshot.readPage(1);
    expect(new TextDecoder().decode(page1.subarray(0, 16))).toBe('SQLite format 3\0');
    expect([page1[18], page1[19], page1[100]]).toEqual([2, 2, 0x0d]);
    await snapshot.release();
    await db.close();
    expect(db.closed).toBe(true);
    expect(await integrityCheck(path, { engine: 'cli' })).toBe('ok');
    expect((await runSqlite3(path, 'PRAGMA page_size; PRAGMA page_count; PRAGMA journal_mode;')).trim().split('\n')).toEqual(['8192', '1', 'wal']);
    // SQLite builds on it as on a database it made itself.
    await runSqlite3(path, "CREATE TABLE t(x); INSERT INTO t VALUES ('made by sqlite3');");
    expect(await sqliteRead(path, 'SELECT x FROM t')).toEqual([{ x: 'made by sqlite3' }]);
  });

  it('commits to a new database and SQLite reads the commit', async () => {
    const path = join(dir, 'new-commit.db');
    const db = await openDatabase(path);
    await db.write(async (txn) => {
      const page1 = await txn.readPage(1);
      writeUserVersion(page1, 42);
      txn.writePage(1, page1);
    });
    expect(await sqliteRead(path, 'PRAGMA user_version')).toEqual([{ user_version: 42 }]);
    expect(await integrityCheck(path)).toBe('ok');
    await db.close();
  });

  it('gives a 0-byte file page 1 rather than leaving it empty (SQLite would delete the WAL)', async () => {
    const path = join(dir, 'empty-file.db');
    await writeFile(path, new Uint8Array(0));
    const db = await openDatabase(path, { pageSize: 1024 });
    expect(db.pageSize).toBe(1024);
    await db.close();
    expect(await integrityCheck(path)).toBe('ok');
  });
});

describe('openDatabase: existing databases', () => {
  it('opens a database sqlite3 made and reads its rows', async () => {
    const table = await makeCounterTable(dir, 'existing.db', 5, 1024);
    const db = await openDatabase(table.db, { pageSize: 4096 });
    expect(db.pageSize).toBe(1024); // the file's own, as PRAGMA page_size on an existing database
    const snapshot = await db.read();
    expect(await snapshotCounter(snapshot, table, 5)).toBe(0);
    await snapshot.release();
    await db.close();
  });

  it('runs recovery: a WAL with commits and a torn tail opens at its last commit, and the next commit follows it', async () => {
    const files = await makeCrashedWalDatabase({ dir, name: 'crashed.db', tail: 'broken' });
    const before = await WalFile.open(new NodeVfs(), files.wal, { readOnly: true });
    const committed = before.committedFrames;
    await before.close();
    await rm(files.shm, { force: true });
    const db = await openDatabase(files.db);
    const metrics = db.metrics();
    expect(metrics.gauges.litewal_recovery_committed_frames).toBe(committed);
    expect(metrics.gauges.litewal_recovery_rebuilt_wal_index).toBe(1);
    expect(metrics.events.find((e) => e.kind === 'database.open')?.fields).toMatchObject({ committedFrames: committed, rebuiltWalIndex: true });
    const rows = await sqliteRead(files.db, 'SELECT count(*) AS n FROM t');
    const [{ user_version: version }] = (await sqliteRead(files.db, 'PRAGMA user_version')) as [{ user_version: number }];
    await db.write(async (txn) => {
      const page1 = await txn.readPage(1);
      writeUserVersion(page1, readUserVersion(page1) + 1);
      txn.writePage(1, page1);
    });
    const snapshot = await db.read();
    expect(snapshot.maxFrame).toBe(committed + 1);
    await snapshot.release();
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual(rows);
    expect(await sqliteRead(files.db, 'PRAGMA user_version')).toEqual([{ user_version: version + 1 }]);
    expect(await integrityCheck(files.db)).toBe('ok');
    await db.close();
  });

  it('refuses a database that is not in WAL mode, and a file that is not a database', async () => {
    const rollback = join(dir, 'rollback.db');
    await runSqlite3(rollback, 'CREATE TABLE t(x);');
    await expect(openDatabase(rollback)).rejects.toMatchObject({ name: 'DatabaseError', code: 'ERR_DATABASE_NOT_WAL' });
    const junk = join(dir, 'junk.db');
    await writeFile(junk, new Uint8Array(4096).fill(7));
    await expect(openDatabase(junk)).rejects.toMatchObject({ code: 'ERR_DATABASE_CORRUPT' });
  });

  it('refuses a WAL whose page size is not the database page size, as SQLite does', async () => {
    const table = await makeCounterTable(dir, 'mismatch.db', 1);
    const wal = await WalFile.create(new NodeVfs(), `${table.db}-wal`, { pageSize: 1024 });
    await wal.append([{ pageNumber: 1, data: new Uint8Array(1024) }], 1);
    await wal.close();
    await expect(openDatabase(table.db)).rejects.toMatchObject({ code: 'ERR_DATABASE_CORRUPT' });
  });

  it('waits for, then gives up on, a connection holding the database exclusively', async () => {
    const table = await makeCounterTable(dir, 'locked.db', 1);
    const holder = await new NodeVfs().open(table.db);
    expect(await holder.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'exclusive')).toBe(true);
    const started = performance.now();
    await expect(openDatabase(table.db, { busyTimeoutMs: 50 })).rejects.toMatchObject({ code: 'ERR_DATABASE_BUSY' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    await holder.close();
    const db = await openDatabase(table.db, { busyTimeoutMs: 50 });
    await db.close();
  });

  it('checks its options', async () => {
    const path = join(dir, 'options.db');
    await expect(openDatabase(path, { pageSize: 1000 })).rejects.toThrow(RangeError);
    await expect(openDatabase(path, { synchronous: 'fast' as never })).rejects.toThrow(TypeError);
    await expect(openDatabase(path, { autoCheckpoint: -1 })).rejects.toThrow(RangeError);
    expect(existsSync(path)).toBe(false);
  });
});

describe('Database.close', () => {
  it('as the last user, checkpoints and deletes -wal and -shm; SQLite then reads everything', async () => {
    const table = await makeCounterTable(dir, 'last.db', 3);
    const db = await openDatabase(table.db, { autoCheckpoint: 0 });
    for (let i = 0; i < 20; i++) await db.write((txn) => incrementCounter(txn, table, (i % 3) + 1));
    expect(existsSync(`${table.db}-wal`)).toBe(true);
    await db.close();
    expect([existsSync(`${table.db}-wal`), existsSync(`${table.db}-shm`)]).toEqual([false, false]);
    expect(db.metrics().events.find((e) => e.kind === 'database.close')?.fields).toMatchObject({ lastUser: true, errors: 0 });
    expect(await sqliteRead(table.db, 'SELECT v FROM t ORDER BY id', { ignoreWal: true })).toEqual([
      { v: 'n=00000007' },
      { v: 'n=00000007' },
      { v: 'n=00000006' },
    ]);
    expect(await integrityCheck(table.db, { ignoreWal: true })).toBe('ok');
    await expect(db.write(() => undefined)).rejects.toMatchObject({ code: 'ERR_DATABASE_CLOSED' });
    await expect(db.read()).rejects.toMatchObject({ code: 'ERR_DATABASE_CLOSED' });
    expect(db.close()).toBe(db.close());
  });

  it('while sqlite3 still has the database open, only releases: the WAL stays and sqlite3 sees every commit', async () => {
    const files = await makeWalDatabase({ dir, name: 'shared.db' });
    const live = await LiveSqlite3.open(files.db);
    try {
      expect(await live.query('PRAGMA user_version;')).toBe('7\n');
      const db = await openDatabase(files.db);
      await db.write(async (txn) => {
        const page1 = await txn.readPage(1);
        writeUserVersion(page1, 99);
        txn.writePage(1, page1);
      });
      await db.close();
      expect(db.metrics().events.find((e) => e.kind === 'database.close')?.fields).toMatchObject({ lastUser: false });
      expect([existsSync(files.wal), existsSync(files.shm)]).toEqual([true, true]);
      expect(await live.query('PRAGMA user_version; PRAGMA integrity_check;')).toBe('99\nok\n');
    } finally {
      await live.close();
    }
  });
});
