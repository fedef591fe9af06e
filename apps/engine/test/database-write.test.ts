import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSqlite3, integrityCheck, makeTempDir, removeTempDir, runSqlite3, sqliteRead } from '@litewal/sqlite-fixtures';
import { Telemetry } from '@litewal/telemetry';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { openDatabase, type Database } from '../src/index.js';
import {
  SyncGateVfs,
  incrementCounter,
  makeCounterTable,
  readCounter,
  readUserVersion,
  snapshotCounter,
  writeUserVersion,
  type CounterTable,
} from './database-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-db-write-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function counters(table: CounterTable): Promise<number[]> {
  const rows = (await sqliteRead(table.db, 'SELECT v FROM t ORDER BY id')) as { v: string }[];
  return rows.map((row) => Number(row.v.slice(2)));
}

describe('Database.write and Database.read', () => {
  it('round-trips page images: written by a transaction, read by snapshots, by later transactions and by SQLite', async () => {
    const table = await makeCounterTable(dir, 'round-trip.db', 4);
    const db = await openDatabase(table.db);
    const value = await db.write(async (txn) => {
      expect([txn.pageSize, txn.pageCount]).toEqual([4096, 2]);
      const page1 = await txn.readPage(1);
      writeUserVersion(page1, 5);
      txn.writePage(1, page1);
      expect(readUserVersion(await txn.readPage(1))).toBe(5); // its own write
      return incrementCounter(txn, table, 3, 10);
    });
    expect(value).toBe(10);
    expect(await db.write((txn) => incrementCounter(txn, table, 3))).toBe(11);
    const snapshot = await db.read();
    expect([snapshot.pageCount, snapshot.maxFrame, snapshot.held]).toEqual([2, 3, true]);
    expect(await snapshotCounter(snapshot, table, 3)).toBe(11);
    expect(readUserVersion(await snapshot.readPage(1))).toBe(5);
    await snapshot.release();
    expect(snapshot.held).toBe(false);
    await expect(snapshot.readPage(1)).rejects.toMatchObject({ code: 'ERR_DATABASE_CLOSED' });
    expect(await counters(table)).toEqual([0, 0, 11, 0]);
    expect(await sqliteRead(table.db, 'PRAGMA user_version')).toEqual([{ user_version: 5 }]);
    expect(await integrityCheck(table.db)).toBe('ok');
    await db.close();
  });

  it('makes 64 concurrent write() calls durable in a few groups, each seeing all earlier ones', async () => {
    const table = await makeCounterTable(dir, 'concurrent.db', 64);
    const db = await openDatabase(table.db);
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        db.write(async (txn) => {
          await incrementCounter(txn, table, i + 1); // its own row
          return incrementCounter(txn, table, 1, 1); // and the shared one: every transaction sees the ones before
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 64 }, (_, i) => i + 2)); // row 1 ends at 1 + 64
    // the next transaction reads the newest image, whatever order the group's members settled in
    expect(await db.write(async (txn) => readCounter(await txn.readPage(table.rootPage), 1))).toBe(65);
    const metrics = db.metrics();
    expect(metrics.counters.litewal_database_commits).toBe(64);
    expect(metrics.counters.litewal_group_commit_groups).toBeLessThan(64);
    expect(metrics.counters.litewal_group_commit_fsyncs).toBeLessThan(64);
    const snapshot = await db.read();
    for (let row = 2; row <= 64; row++) expect(await snapshotCounter(snapshot, table, row)).toBe(1);
    expect(await snapshotCounter(snapshot, table, 1)).toBe(65);
    await snapshot.release();
    expect(await counters(table)).toEqual([65, ...Array.from({ length: 63 }, () => 1)]);
    await db.close();
    expect(await integrityCheck(table.db)).toBe('ok');
  });

  it('stages a transaction on committed-but-not-durable ones; readers and write() wait for durability', async () => {
    const table = await makeCounterTable(dir, 'overlay.db', 2);
    const vfs = new SyncGateVfs(new NodeVfs());
    const db = await openDatabase(table.db, { vfs });
    await db.write((txn) => incrementCounter(txn, table, 1));
    const held = vfs.hold();
    let firstDone = false;
    const first = db.write((txn) => incrementCounter(txn, table, 1)).then((value) => {
      firstDone = true;
      return value;
    });
    await held; // the first transaction's group is written and waits for its sync
    const second = db.write((txn) => incrementCounter(txn, table, 1)); // stages on the first's pages
    const before = await db.read();
    expect(await snapshotCounter(before, table, 1)).toBe(1); // only durable, published commits
    expect(firstDone).toBe(false);
    vfs.release();
    expect(await first).toBe(2);
    expect(await second).toBe(3);
    expect(await snapshotCounter(before, table, 1)).toBe(1); // a snapshot does not move
    await before.release();
    const after = await db.read();
    expect(await snapshotCounter(after, table, 1)).toBe(3);
    await after.release();
    await db.close();
    expect(await counters(table)).toEqual([3, 0]);
  });

  it('commits nothing for a transaction that writes nothing or throws', async () => {
    const table = await makeCounterTable(dir, 'nothing.db', 1);
    const db = await openDatabase(table.db);
    expect(await db.write(async (txn) => readCounter(await txn.readPage(table.rootPage), 1))).toBe(0);
    await expect(
      db.write(async (txn) => {
        await incrementCounter(txn, table, 1);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(1);
    const metrics = db.metrics();
    expect([metrics.counters.litewal_database_read_only_transactions, metrics.counters.litewal_wal_frames_written]).toEqual([1, 1]);
    await db.close();
    expect(await counters(table)).toEqual([1]);
  });

  it('checks page numbers and images, and refuses a transaction used after its callback', async () => {
    const table = await makeCounterTable(dir, 'checks.db', 1);
    const db = await openDatabase(table.db);
    let kept: Parameters<Parameters<Database['write']>[0]>[0] | undefined;
    await db.write(async (txn) => {
      kept = txn;
      await expect(txn.readPage(0)).rejects.toThrow(RangeError);
      await expect(txn.readPage(3)).rejects.toThrow(RangeError);
      expect(() => txn.writePage(4, new Uint8Array(4096))).toThrow(RangeError); // would leave page 3 a hole
      expect(() => txn.writePage(1, new Uint8Array(512))).toThrow(RangeError);
    });
    expect(() => kept?.writePage(1, new Uint8Array(4096))).toThrow(expect.objectContaining({ code: 'ERR_DATABASE_TRANSACTION_CLOSED' }));
    await expect(kept?.readPage(1)).rejects.toMatchObject({ code: 'ERR_DATABASE_TRANSACTION_CLOSED' });
    await db.close();
  });

  it('grows the database: a new freelist page, valid for SQLite', async () => {
    const table = await makeCounterTable(dir, 'grow.db', 1);
    const db = await openDatabase(table.db);
    const pages = await db.write(async (txn) => {
      const next = txn.pageCount + 1;
      txn.writePage(next, new Uint8Array(4096)); // a freelist trunk page: no next trunk, no leaves
      const page1 = await txn.readPage(1);
      const view = new DataView(page1.buffer);
      view.setUint32(24, view.getUint32(24) + 1); // change counter
      view.setUint32(28, next); // database size in pages
      view.setUint32(32, next); // first freelist trunk page
      view.setUint32(36, 1); // freelist pages
      view.setUint32(92, view.getUint32(24)); // version-valid-for
      txn.writePage(1, page1);
      return txn.pageCount;
    });
    expect(pages).toBe(3);
    const snapshot = await db.read();
    expect(snapshot.pageCount).toBe(3);
    await snapshot.release();
    expect(await sqliteRead(table.db, 'PRAGMA page_count')).toEqual([{ page_count: 3 }]);
    expect(await sqliteRead(table.db, 'PRAGMA freelist_count')).toEqual([{ freelist_count: 1 }]);
    expect(await integrityCheck(table.db)).toBe('ok');
    await db.close();
  });
});

describe('catching up with other writers', () => {
  it("absorbs another connection's commits, and publishes committed frames a writer that died before publishing left", async () => {
    const table = await makeCounterTable(dir, 'orphan.db', 1);
    const db = await openDatabase(table.db);
    await db.write((txn) => incrementCounter(txn, table, 1));
    await new Promise((resolve) => setImmediate(resolve)); // the idle pipeline releases the write lock
    const other = await openDatabase(table.db); // another connection commits, and publishes
    await other.write((txn) => incrementCounter(txn, table, 1));
    await other.close();
    // A writer appends one more commit (user_version 9), then dies before its wal-index update.
    const snapshot = await db.read();
    const page1 = await snapshot.readPage(1);
    await snapshot.release();
    writeUserVersion(page1, 9);
    const orphan = await WalFile.open(new NodeVfs(), `${table.db}-wal`);
    await orphan.append([{ pageNumber: 1, data: page1 }], 2);
    await orphan.sync();
    await orphan.close();
    await expect(db.write((txn) => incrementCounter(txn, table, 1))).rejects.toMatchObject({ code: 'ERR_DATABASE_BUSY_SNAPSHOT' });
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(3);
    const { counters: counted, events } = db.metrics();
    expect(counted.litewal_database_catch_ups).toBe(1);
    expect(events.some((e) => e.kind === 'database.adopted-frames')).toBe(true);
    expect(await sqliteRead(table.db, 'PRAGMA user_version')).toEqual([{ user_version: 9 }]);
    await db.close();
    expect(await counters(table)).toEqual([3]);
    expect(await integrityCheck(table.db)).toBe('ok');
  });
});

describe('Database.checkpoint', () => {
  it("returns SQLite's results, held back by a snapshot as by a SQLite reader", async () => {
    const table = await makeCounterTable(dir, 'checkpoint.db', 2);
    const db = await openDatabase(table.db, { autoCheckpoint: 0, busyTimeoutMs: 0 });
    const pinned = await db.read();
    await db.write((txn) => incrementCounter(txn, table, 1));
    await db.write((txn) => incrementCounter(txn, table, 2));
    expect(await db.checkpoint()).toEqual({ busy: 0, log: 2, checkpointed: 0 });
    expect(await db.checkpoint('full')).toEqual({ busy: 1, log: 2, checkpointed: 0 });
    expect(await db.checkpoint('truncate')).toEqual({ busy: 1, log: 2, checkpointed: 0 });
    await pinned.release();
    expect(await db.checkpoint('passive')).toEqual({ busy: 0, log: 2, checkpointed: 2 });
    expect(await db.checkpoint('truncate')).toEqual({ busy: 0, log: 0, checkpointed: 0 });
    expect(statSync(`${table.db}-wal`).size).toBe(0);
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(2); // the log starts again at frame 1
    const snapshot = await db.read();
    expect(snapshot.maxFrame).toBe(1);
    await snapshot.release();
    expect(db.metrics().counters.litewal_checkpoint_runs).toBe(5);
    expect(await counters(table)).toEqual([2, 1]);
    expect(await integrityCheck(table.db)).toBe('ok');
    await db.close();
  });

  it('auto-checkpoints past the threshold and restarts the log, keeping the WAL short', async () => {
    const table = await makeCounterTable(dir, 'auto.db', 1);
    const db = await openDatabase(table.db, { autoCheckpoint: 8 });
    for (let i = 1; i <= 40; i++) expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(i);
    const metrics = db.metrics();
    expect(metrics.counters.litewal_checkpoint_runs).toBeGreaterThanOrEqual(4);
    expect(metrics.counters.litewal_wal_restarts).toBeGreaterThanOrEqual(3);
    expect(metrics.gauges.litewal_wal_log_frames).toBeLessThanOrEqual(8);
    expect(statSync(`${table.db}-wal`).size).toBeLessThanOrEqual(32 + 9 * (24 + 4096));
    expect(await counters(table)).toEqual([40]);
    expect((await runSqlite3(table.db, 'PRAGMA integrity_check;', { args: ['-readonly'] })).trim()).toBe('ok');
    await db.close();
  });
  it('reports an auto-checkpoint pinned by a live sqlite3 reader, and completes once it has gone', async () => {
    const table = await makeCounterTable(dir, 'pinned.db', 1);
    const db = await openDatabase(table.db, { autoCheckpoint: 4 });
    const reader = await LiveSqlite3.open(table.db);
    try {
      for (let i = 1; i <= 3; i++) await db.write((txn) => incrementCounter(txn, table, 1));
      // An open read transaction: its read mark stays at frame 3 while litewal commits past it.
      expect((await reader.query('BEGIN; SELECT v FROM t WHERE id = 1;')).trim()).not.toBe('');
      for (let i = 4; i <= 12; i++) await db.write((txn) => incrementCounter(txn, table, 1));
      const pinned = db.telemetry.events().filter((e) => e.kind === 'database.checkpoint' && e.fields['outcome'] === 'pinned');
      expect(pinned.length).toBeGreaterThanOrEqual(1);
      expect(pinned[0]?.fields).toMatchObject({ trigger: 'auto', pinnedFrame: 3, pinnedBy: 'live process' });
      expect(db.metrics().counters.litewal_checkpoint_outcome_pinned).toBeGreaterThanOrEqual(1);
      await reader.query('COMMIT;');
    } finally {
      await reader.close();
    }
    for (let i = 13; i <= 20; i++) await db.write((txn) => incrementCounter(txn, table, 1));
    expect(db.metrics().counters.litewal_checkpoint_outcome_completed).toBeGreaterThanOrEqual(1);
    expect(await counters(table)).toEqual([20]);
    await db.close();
    expect(await integrityCheck(table.db)).toBe('ok');
  });
});

describe('synchronous', () => {
  it.each([
    ['full', 6],
    ['normal', 1],
    ['off', 0],
  ] as const)('%s: commits are synced as SQLite syncs them (%i syncs for a new WAL header and 5 commits)', async (synchronous, syncs) => {
    const table = await makeCounterTable(dir, `sync-${synchronous}.db`, 1);
    const db = await openDatabase(table.db, { synchronous });
    expect(db.synchronous).toBe(synchronous);
    for (let i = 1; i <= 5; i++) await db.write((txn) => incrementCounter(txn, table, 1));
    // full: the new WAL header, then one fdatasync per commit group; normal: only the header; off: none.
    expect(db.metrics().counters.litewal_group_commit_fsyncs).toBe(syncs);
    expect(await counters(table)).toEqual([5]);
    await db.close();
  });
});

describe('Database.metrics', () => {
  it('records group commit, WAL, wal-index, checkpoint and recovery into one telemetry', async () => {
    const table = await makeCounterTable(dir, 'metrics.db', 1);
    const telemetry = new Telemetry({ timing: false, labels: { db: 'metrics' } });
    const db = await openDatabase(table.db, { telemetry, timing: true });
    expect(db.telemetry).toBe(telemetry);
    await Promise.all([1, 2, 3].map(() => db.write((txn) => incrementCounter(txn, table, 1))));
    await db.checkpoint();
    const metrics = db.metrics();
    expect(db.telemetry.timing).toBe(false);
    expect(metrics.counters).toMatchObject({
      litewal_database_commits: 3,
      litewal_group_commit_transactions: 3,
      litewal_wal_frames_written: 3,
      litewal_wal_bytes_written: 3 * (24 + 4096),
      litewal_checkpoint_runs: 1,
    });
    expect(metrics.gauges).toMatchObject({ litewal_wal_log_frames: 3, litewal_wal_checkpointed_frames: 3, litewal_recovery_committed_frames: 0 });
    expect(metrics.histograms.litewal_recovery_us?.count).toBe(0); // timing is off: no phase times
    expect(metrics.histograms.litewal_group_commit_group_transactions?.sum).toBe(3);
    expect(db.telemetry.prometheus()).toContain('litewal_database_commits_total{db="metrics"} 3');
    await db.close();
  });
});
