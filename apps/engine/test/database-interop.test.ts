import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSqlite3, integrityCheck, makeTempDir, removeTempDir, runSqlite3, sqliteRead } from '@litewal/sqlite-fixtures';
import { openDatabase, type Database, type WriteTransaction } from '../src/index.js';
import {
  incrementCounter,
  makeCounterTable,
  readCounter,
  readUserVersion,
  snapshotCounter,
  sqlIncrement,
  writeCounter,
  writeUserVersion,
} from './database-fixtures.js';

/** Live interop: litewal and real `sqlite3` processes on the same files at the same time. */

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-db-interop-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** Lets the database's idle pipeline release SQLite's write lock. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A write transaction whose snapshot may go stale, run again until it commits. */
async function writeRetrying<T>(db: Database, fn: (txn: WriteTransaction) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await db.write(fn);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_DATABASE_BUSY_SNAPSHOT') throw error;
    }
  }
}

describe('litewal and sqlite3 on one live database', () => {
  it('sqlite3 readers see every litewal commit, in order, never torn', async () => {
    const table = await makeCounterTable(dir, 'readers.db', 1);
    const db = await openDatabase(table.db);
    const readers = await Promise.all([LiveSqlite3.open(table.db), LiveSqlite3.open(table.db)]);
    const commits = 150;
    let writing = true;
    try {
      const seen: number[][] = readers.map(() => []);
      const polls = readers.map(async (reader, r) => {
        while (writing) {
          // One statement, one read transaction: the row (root page) and user_version (page 1).
          const out = await reader.query("SELECT substr(v, 3) || ' ' || (SELECT user_version FROM pragma_user_version) FROM t WHERE id = 1;");
          const [value, version] = out.trim().split(' ').map(Number) as [number, number];
          expect(value).toBe(version); // both pages of one commit, or neither
          (seen[r] as number[]).push(value);
        }
      });
      for (let i = 1; i <= commits; i++) {
        await db.write(async (txn) => {
          const page = await txn.readPage(table.rootPage);
          writeCounter(page, 1, i);
          txn.writePage(table.rootPage, page);
          const page1 = await txn.readPage(1);
          writeUserVersion(page1, i);
          txn.writePage(1, page1);
        });
      }
      writing = false;
      await Promise.all(polls);
      for (const [r, reader] of readers.entries()) {
        const values = seen[r] as number[];
        expect(new Set(values).size).toBeGreaterThan(1); // it saw commits land
        expect(values.every((v, i) => i === 0 || (values[i - 1] as number) <= v)).toBe(true); // in commit order
        expect(await reader.query('SELECT v FROM t WHERE id = 1; PRAGMA user_version;')).toBe(`n=${String(commits).padStart(8, '0')}\n${commits}\n`);
      }
    } finally {
      writing = false;
      await Promise.all(readers.map((reader) => reader.close()));
      await db.close();
    }
    expect(await integrityCheck(table.db)).toBe('ok');
  });

  it('litewal snapshots read sqlite3 commits as they happen, each one stable while held', async () => {
    const table = await makeCounterTable(dir, 'snapshots.db', 2);
    const db = await openDatabase(table.db);
    const writer = await LiveSqlite3.open(table.db);
    const commits = 150;
    try {
      // Each sqlite3 transaction adds 1 to rows 1 and 2: a snapshot always sees them equal.
      const writes = writer.query(Array.from({ length: commits }, () => `BEGIN; ${sqlIncrement(1)} ${sqlIncrement(2)} COMMIT;`).join('\n'));
      let done = false;
      void writes.finally(() => (done = true));
      let previous = 0;
      const seen = new Set<number>();
      const first = await db.read();
      const firstValue = await snapshotCounter(first, table, 1);
      while (!done) {
        const snapshot = await db.read();
        const page = await snapshot.readPage(table.rootPage);
        const [one, two] = [readCounter(page, 1), readCounter(page, 2)];
        expect(one).toBe(two);
        expect(one).toBeGreaterThanOrEqual(previous);
        previous = one;
        seen.add(one);
        await snapshot.release();
      }
      await writes;
      expect(seen.size).toBeGreaterThan(1); // commits landed between snapshots
      expect(await snapshotCounter(first, table, 1)).toBe(firstValue); // held all along: unchanged
      await first.release();
      const last = await db.read();
      expect([await snapshotCounter(last, table, 1), await snapshotCounter(last, table, 2)]).toEqual([commits, commits]);
      await last.release();
      // And the writer side catches up with sqlite3's commits before its own.
      expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(commits + 1);
      expect(await writer.query('SELECT v FROM t WHERE id = 1;')).toBe(`n=${String(commits + 1).padStart(8, '0')}\n`);
    } finally {
      await writer.close();
      await db.close();
    }
    expect(await integrityCheck(table.db)).toBe('ok');
  });

  it('litewal and sqlite3 writers take turns through the WAL write lock for 1,000 transactions; nothing is lost', async () => {
    const table = await makeCounterTable(dir, 'writers.db', 1);
    const db = await openDatabase(table.db, { busyTimeoutMs: 10_000 });
    const sqlite = await LiveSqlite3.open(table.db, { timeoutMs: 60_000 });
    try {
      await sqlite.query('.timeout 10000');
      // Every transaction, litewal's or sqlite3's, adds 1 to the same row.
      // First strictly in turn: each litewal transaction follows a sqlite3 commit it must catch up with.
      const turns = 250;
      for (let i = 0; i < turns; i++) {
        await db.write((txn) => incrementCounter(txn, table, 1));
        await sqlite.query(sqlIncrement(1));
      }
      // Then both at once, litewal letting its idle pipeline release the lock between transactions.
      const theirs = (async () => {
        for (let i = 0; i < turns; i += 50) await sqlite.query(Array.from({ length: 50 }, () => sqlIncrement(1)).join('\n'));
      })();
      const ours = (async () => {
        for (let i = 0; i < turns; i++) {
          await writeRetrying(db, (txn) => incrementCounter(txn, table, 1));
          await nextTurn();
        }
      })();
      await Promise.all([theirs, ours]);
      const total = 4 * turns;
      const snapshot = await db.read();
      expect(await snapshotCounter(snapshot, table, 1)).toBe(total);
      await snapshot.release();
      expect(await sqlite.query('SELECT v FROM t WHERE id = 1; PRAGMA integrity_check;')).toBe(`n=${String(total).padStart(8, '0')}\nok\n`);
      const { counters } = db.metrics();
      expect(counters.litewal_database_commits).toBe(2 * turns);
      expect(counters.litewal_database_catch_ups).toBeGreaterThanOrEqual(turns - 1); // after each of sqlite3's turns
    } finally {
      await sqlite.close();
      await db.close();
    }
    expect(await integrityCheck(table.db)).toBe('ok');
  }, 60_000);

  it("refuses a transaction whose snapshot another connection's commit made stale (SQLite's busy-snapshot)", async () => {
    const table = await makeCounterTable(dir, 'busy-snapshot.db', 1);
    const db = await openDatabase(table.db);
    const attempt = db.write(async (txn) => {
      const seen = await incrementCounter(txn, table, 1); // staged on the snapshot: counter 0
      await runSqlite3(table.db, sqlIncrement(1), { keepWal: true }); // sqlite3 commits meanwhile
      return seen;
    });
    await expect(attempt).rejects.toMatchObject({
      name: 'BusySnapshotDatabaseError',
      code: 'ERR_DATABASE_BUSY_SNAPSHOT',
      cause: expect.objectContaining({ code: 'ERR_WAL_INDEX_BUSY_SNAPSHOT' }),
    });
    expect(await sqliteRead(table.db, 'SELECT v FROM t')).toEqual([{ v: 'n=00000001' }]); // nothing of it was written
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(2); // run again: on top of sqlite3's
    expect(db.metrics().counters.litewal_database_busy_snapshot).toBe(1);
    await db.close();
    expect(await sqliteRead(table.db, 'SELECT v FROM t')).toEqual([{ v: 'n=00000002' }]);
  });

  it('waits for a sqlite3 writer holding the write lock, and gives up after the busy timeout', async () => {
    const table = await makeCounterTable(dir, 'busy.db', 1);
    const db = await openDatabase(table.db, { busyTimeoutMs: 100 });
    const sqlite = await LiveSqlite3.open(table.db);
    try {
      await sqlite.query(`BEGIN IMMEDIATE; ${sqlIncrement(1)}`);
      await expect(db.write((txn) => incrementCounter(txn, table, 1))).rejects.toMatchObject({ code: 'ERR_DATABASE_BUSY' });
      const waiting = db.write(async (txn) => {
        const page1 = await txn.readPage(1);
        writeUserVersion(page1, readUserVersion(page1) + 1);
        txn.writePage(1, page1);
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await sqlite.query('ROLLBACK;');
      await waiting;
      await nextTurn();
      expect(await sqlite.query('PRAGMA user_version; SELECT v FROM t;')).toBe('1\nn=00000000\n');
    } finally {
      await sqlite.close();
      await db.close();
    }
  });
});
