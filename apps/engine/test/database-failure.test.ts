import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck, makeTempDir, removeTempDir, sqliteRead } from '@litewal/sqlite-fixtures';
import { FaultVfs, NodeVfs } from '@litewal/vfs';
import { openDatabase } from '../src/index.js';
import { SyncGateVfs, incrementCounter, makeCounterTable, snapshotCounter, type CounterTable } from './database-fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-db-failure-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** The chain of `cause`s of an error, itself first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

async function counter(table: CounterTable, row: number): Promise<number> {
  const [found] = (await sqliteRead(table.db, `SELECT v FROM t WHERE id = ${row}`)) as [{ v: string }];
  return Number(found.v.slice(2));
}

describe('a failed commit group', () => {
  it('fails itself and every transaction staged on top of it; the overlay is dropped and writing goes on', async () => {
    const table = await makeCounterTable(dir, 'fan-out.db', 1);
    const fault = new FaultVfs(new NodeVfs());
    const vfs = new SyncGateVfs(fault);
    const db = await openDatabase(table.db, { vfs });
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(1);

    const held = vfs.hold();
    fault.injectFault({ operation: 'sync', kind: 'eio', path: `${table.db}-wal` });
    const b = db.write((txn) => incrementCounter(txn, table, 1));
    await held; // b's group is written; its sync waits, then fails
    let staged!: () => void;
    const cStaged = new Promise<void>((resolve) => (staged = resolve));
    let cSaw = 0;
    const c = db.write(async (txn) => {
      cSaw = await incrementCounter(txn, table, 1); // on top of b, not yet durable
      staged();
      return cSaw;
    });
    await cStaged;
    await new Promise((resolve) => setImmediate(resolve)); // c joins group commit behind b's group
    vfs.release();
    const [bOutcome, cOutcome] = await Promise.allSettled([b, c]);
    expect(cSaw).toBe(3);
    expect(bOutcome).toMatchObject({ status: 'rejected', reason: { name: 'CommitFailedError', code: 'ERR_DATABASE_COMMIT_FAILED', reason: 'group-failed' } });
    expect(cOutcome).toMatchObject({ status: 'rejected', reason: { code: 'ERR_DATABASE_COMMIT_FAILED', reason: 'staged-on-failed-group' } });
    for (const outcome of [bOutcome, cOutcome]) {
      expect(causes((outcome as PromiseRejectedResult).reason)).toContainEqual(expect.objectContaining({ name: 'VfsError', code: 'ERR_VFS_IO' }));
    }

    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(2); // from the durable state: b and c are gone
    const metrics = db.metrics();
    expect([metrics.counters.litewal_database_failed_commits, metrics.counters.litewal_group_commit_failed_groups]).toEqual([2, 2]);
    expect(metrics.events.some((e) => e.kind === 'database.group-failed')).toBe(true);
    await db.close();
    expect(await counter(table, 1)).toBe(2);
    expect(await integrityCheck(table.db)).toBe('ok');
  });

  it('fails a transaction still staging when the group it read from fails', async () => {
    const table = await makeCounterTable(dir, 'staging.db', 1);
    const fault = new FaultVfs(new NodeVfs());
    const vfs = new SyncGateVfs(fault);
    const db = await openDatabase(table.db, { vfs });
    const held = vfs.hold();
    fault.injectFault({ operation: 'sync', kind: 'eio', path: `${table.db}-wal` });
    const b = db.write((txn) => incrementCounter(txn, table, 1));
    await held;
    const bSettled = b.then(
      () => 'durable',
      () => 'failed',
    );
    const c = db.write(async (txn) => {
      const value = await incrementCounter(txn, table, 1);
      vfs.release();
      expect(await bSettled).toBe('failed'); // b fails while c is still in its callback
      return value;
    });
    await expect(c).rejects.toMatchObject({ code: 'ERR_DATABASE_COMMIT_FAILED', reason: 'staged-on-failed-group' });
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(1);
    await db.close();
    expect(await counter(table, 1)).toBe(1);
  });

  it('fails the group when publishing to the wal-index fails, and rolls it back', async () => {
    const table = await makeCounterTable(dir, 'publish.db', 1);
    const vfs = new FaultVfs(new NodeVfs());
    const db = await openDatabase(table.db, { vfs });
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(1);
    vfs.injectFault({ operation: 'write', kind: 'eio', path: `${table.db}-shm` }); // the next publish
    await expect(db.write((txn) => incrementCounter(txn, table, 1))).rejects.toMatchObject({
      code: 'ERR_DATABASE_COMMIT_FAILED',
      reason: 'group-failed',
    });
    expect(await db.write((txn) => incrementCounter(txn, table, 1))).toBe(2);
    await db.close();
    expect(await counter(table, 1)).toBe(2);
    expect(await integrityCheck(table.db)).toBe('ok');
  });
});

describe('a crash', () => {
  it.each([11, 12, 13, 14])('keeps every write() that resolved (seed %i)', async (seed) => {
    const table = await makeCounterTable(dir, `crash-${seed}.db`, 8);
    const vfs = new FaultVfs(new NodeVfs(), { seed });
    const db = await openDatabase(table.db, { vfs, autoCheckpoint: 16 });
    const acknowledged = new Array<number>(9).fill(0);
    const attempted = new Array<number>(9).fill(0);
    let total = 0;
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    const writers = Array.from({ length: 8 }, async (_, i) => {
      const row = i + 1;
      for (;;) {
        attempted[row] = (attempted[row] as number) + 1;
        try {
          acknowledged[row] = await db.write((txn) => incrementCounter(txn, table, row));
        } catch {
          return;
        }
        if (++total === 30 + seed * 5) crashed();
      }
    });
    await crash;
    await vfs.crash(); // unsynced writes dropped, kept or torn at random
    await Promise.all(writers);

    const reopened = await openDatabase(table.db, { vfs });
    const snapshot = await reopened.read();
    for (let row = 1; row <= 8; row++) {
      const value = await snapshotCounter(snapshot, table, row);
      expect(value).toBeGreaterThanOrEqual(acknowledged[row] as number);
      expect(value).toBeLessThanOrEqual(attempted[row] as number);
    }
    await snapshot.release();
    await reopened.close();
    expect(await integrityCheck(table.db)).toBe('ok');
  });
});
