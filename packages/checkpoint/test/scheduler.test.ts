import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LiveSqlite3,
  integrityCheck,
  makeTempDir,
  makeWalDatabase,
  openSnapshotReader,
  removeTempDir,
  runSqlite3,
  sqliteRead,
  type DatabaseFiles,
} from '@litewal/sqlite-fixtures';
import { Telemetry } from '@litewal/telemetry';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { WalIndex } from '@litewal/wal-index';
import { CheckpointLockBudgetError, CheckpointScheduler, type CheckpointSchedulerOptions } from '../src/index.js';
import { openConnection, type Connection } from './support/connection.js';

const vfs = new NodeVfs();
/** 40 rows of 3000 bytes, one page each: about 45 frames of 4 KiB pages in 2 commits. */
const ROWS = 40;
const STATEMENTS = ['CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);', `INSERT INTO t(v) SELECT randomblob(3000) FROM generate_series(1, ${ROWS});`];

let dir: string;
let counter = 0;
let cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-checkpoint-scheduler-');
});
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function database(statements: readonly string[] = STATEMENTS): Promise<DatabaseFiles> {
  return makeWalDatabase({ dir: path.join(dir, `db-${++counter}`), statements });
}

async function connection(db: string): Promise<Connection> {
  const opened = await openConnection(db, vfs);
  cleanup.push(() => opened.close());
  return opened;
}

function sqlite(db: string, sql: string): Promise<string> {
  return runSqlite3(db, sql, { keepWal: true });
}

async function pendingFrames(files: Connection): Promise<number> {
  return (await files.index.readHeader()).maxFrame - (await files.index.readCheckpointInfo()).backfilled;
}

function scheduler(files: Connection, options: Partial<CheckpointSchedulerOptions> = {}): CheckpointScheduler {
  return new CheckpointScheduler(files, { busyTimeoutMs: 5000, ...options });
}

function count(telemetry: Telemetry, outcome: string): number {
  return telemetry.snapshot().counters[`litewal_checkpoint_outcome_${outcome}`] ?? -1;
}

describe('when a run is due', () => {
  it('noteCommit reports a run due once thresholdFrames frames were committed since the last run, and again after a restart', async () => {
    const files = await connection((await database()).db);
    const s = scheduler(files, { thresholdFrames: 10 });
    expect([s.noteCommit(0), s.noteCommit(9), s.noteCommit(10), s.noteCommit(25)]).toEqual([false, false, true, true]);
    const maxFrame = (await files.index.readHeader()).maxFrame;
    expect((await s.run()).outcome).toBe('completed');
    expect([s.noteCommit(maxFrame), s.noteCommit(maxFrame + 9), s.noteCommit(maxFrame + 10)]).toEqual([false, false, true]);
    // The log restarted (mxFrame went down): counting starts again from 0.
    expect([s.noteCommit(3), s.noteCommit(9), s.noteCommit(10)]).toEqual([false, false, true]);
  });

  it('a run() while one is in progress returns that run: one checkpoint, one count', async () => {
    const telemetry = new Telemetry();
    const s = scheduler(await connection((await database()).db), { telemetry });
    const [a, b] = await Promise.all([s.run(), s.run()]);
    expect(b).toBe(a);
    expect(a.outcome).toBe('completed');
    expect(count(telemetry, 'completed')).toBe(1);
    expect((await s.run()).outcome).toBe('nothing-pending');
  });

  it('thresholdFrames 0 turns scheduling off', async () => {
    const s = scheduler(await connection((await database()).db), { thresholdFrames: 0 });
    expect(s.noteCommit(1_000_000)).toBe(false);
  });
});

describe('outcomes', () => {
  it('threshold reached: PASSIVE completes and SQLite reads every row from the database file alone', async () => {
    const made = await database();
    const files = await connection(made.db);
    const telemetry = new Telemetry();
    const s = scheduler(files, { thresholdFrames: 20, telemetry });
    const pending = await pendingFrames(files);
    expect(pending).toBeGreaterThan(20);
    expect(s.noteCommit((await files.index.readHeader()).maxFrame)).toBe(true);
    expect(await sqliteRead(made.db, 'SELECT count(*) AS n FROM sqlite_master', { ignoreWal: true })).toEqual([{ n: 0 }]);
    const outcome = await s.run();
    expect(outcome).toMatchObject({ outcome: 'completed', mode: 'passive', maxFrames: null, framesBackfilled: pending, framesPending: 0, blockedWriterMs: 0 });
    expect(outcome.result).toEqual({ busy: 0, log: pending, checkpointed: pending });
    expect(outcome.blockedReaderMs).toBeGreaterThan(0);
    expect(await sqliteRead(made.db, 'SELECT count(*) AS n, sum(length(v)) AS bytes FROM t', { ignoreWal: true })).toEqual([{ n: ROWS, bytes: ROWS * 3000 }]);
    expect(await integrityCheck(made.db)).toBe('ok');
    expect(count(telemetry, 'completed')).toBe(1);
    const snapshot = telemetry.snapshot();
    expect(snapshot.histograms['litewal_checkpoint_run_us']?.count).toBe(1);
    expect(snapshot.histograms['litewal_checkpoint_blocked_writer_us']?.count).toBe(1);
    expect(snapshot.histograms['litewal_checkpoint_blocked_reader_us']?.count).toBe(1);
    expect(telemetry.events().at(-1)).toMatchObject({ kind: 'checkpoint.scheduled', fields: { outcome: 'completed', framesBackfilled: pending } });
  });

  it('nothing pending: no checkpoint runs, and it is counted', async () => {
    const files = await connection((await database()).db);
    const telemetry = new Telemetry();
    const s = scheduler(files, { telemetry });
    expect((await s.run()).outcome).toBe('completed');
    const outcome = await s.run();
    expect(outcome).toMatchObject({ outcome: 'nothing-pending', result: null, framesBackfilled: 0, framesPending: 0, blockedWriterMs: 0, blockedReaderMs: 0 });
    expect([count(telemetry, 'completed'), count(telemetry, 'nothing_pending')]).toEqual([1, 1]);
    expect(telemetry.prometheus()).toContain('litewal_checkpoint_outcome_nothing_pending_total 1');
  });

  it('pinned by a live sqlite3 reader: the read mark, its frame and the holding process', async () => {
    const made = await database();
    const files = await connection(made.db);
    const before = (await files.index.readHeader()).maxFrame;
    const reader = await openSnapshotReader(made.db);
    cleanup.push(() => reader.session.kill());
    await sqlite(made.db, "INSERT INTO t(v) VALUES('after the snapshot');");
    const after = (await files.index.readHeader()).maxFrame;
    expect(after).toBeGreaterThan(before);
    const marks = (await files.index.readCheckpointInfo()).readMarks;
    const slot = marks.indexOf(before);
    expect(slot).toBeGreaterThan(0);
    const telemetry = new Telemetry();
    const outcome = await scheduler(files, { telemetry }).run();
    expect(outcome).toMatchObject({
      outcome: 'pinned',
      mode: 'passive',
      framesBackfilled: before,
      framesPending: after - before,
      pinnedBy: { readMark: slot, frame: before, holder: 'live process', pid: reader.session.pid },
    });
    expect(count(telemetry, 'pinned')).toBe(1);
    expect(telemetry.events().at(-1)?.fields).toMatchObject({ readMark: slot, pinnedFrame: before, holder: 'live process', holderPid: reader.session.pid as number });
    await reader.release();
    expect((await scheduler(files).run()).outcome).toBe('completed');
  });

  it("pinned by a snapshot of this process's own litewal connection: holder 'this process'", async () => {
    const made = await database();
    const files = await connection(made.db);
    const mine = await WalIndex.open(vfs, made.db, { openSource: () => WalFile.open(vfs, `${made.db}-wal`, { readOnly: true }) });
    cleanup.push(() => mine.close());
    const snapshot = await mine.beginRead();
    cleanup.push(() => mine.endRead());
    await sqlite(made.db, "INSERT INTO t(v) VALUES('after the snapshot');");
    const outcome = await scheduler(files).run();
    expect(outcome).toMatchObject({ outcome: 'pinned', pinnedBy: { readMark: snapshot.readLock, frame: snapshot.header.maxFrame, holder: 'this process' } });
    expect(outcome.pinnedBy?.pid).toBeUndefined();
  });

  it('busy: a sqlite3 writer (BEGIN IMMEDIATE) holds the write lock during a TRUNCATE escalation; the run gives up within the budget', async () => {
    const made = await database();
    const files = await connection(made.db);
    const pending = await pendingFrames(files);
    const writer = await LiveSqlite3.open(made.db);
    cleanup.push(() => writer.kill());
    await writer.query("BEGIN IMMEDIATE; INSERT INTO t(v) VALUES('uncommitted');");
    const telemetry = new Telemetry();
    const busyTimeoutMs = 10_000;
    const s = new CheckpointScheduler(files, { busyTimeoutMs, lockBudgetMs: 200, truncateAboveBytes: 0, telemetry });
    const started = performance.now();
    const outcome = await s.run();
    const elapsed = performance.now() - started;
    expect(outcome).toMatchObject({ outcome: 'busy', mode: 'truncate', busyOn: 'writer', blockedWriterMs: 0, framesBackfilled: pending, framesPending: 0 });
    expect(outcome.result?.busy).toBe(1);
    expect(elapsed).toBeLessThan(busyTimeoutMs / 4); // the budget (200 ms) plus the copy, far below the busy timeout
    expect((await stat(`${made.db}-wal`)).size).toBeGreaterThan(0);
    expect(count(telemetry, 'busy')).toBe(1);
    await writer.query('COMMIT;');
    const next = await s.run();
    expect(next).toMatchObject({ outcome: 'completed', mode: 'truncate', framesPending: 0 });
    expect(next.blockedWriterMs).toBeGreaterThan(0);
    expect((await stat(`${made.db}-wal`)).size).toBe(0);
    expect(await sqliteRead(made.db, 'SELECT count(*) AS n FROM t', { ignoreWal: true })).toEqual([{ n: ROWS + 1 }]);
  });

  it('busy: a sqlite3 reader still on the WAL keeps TRUNCATE from resetting it; the writer lock is let go within the budget', async () => {
    const made = await database();
    const files = await connection(made.db);
    const reader = await openSnapshotReader(made.db); // a read mark at mxFrame, READ(1..4)
    cleanup.push(() => reader.session.kill());
    const busyTimeoutMs = 10_000;
    const s = new CheckpointScheduler(files, { busyTimeoutMs, lockBudgetMs: 300, truncateAboveBytes: 0 });
    const started = performance.now();
    const outcome = await s.run();
    const elapsed = performance.now() - started;
    // Every frame is copied (the reader's mark is at mxFrame), but the WAL cannot restart under it.
    expect(outcome).toMatchObject({ outcome: 'busy', mode: 'truncate', busyOn: 'readers', framesPending: 0 });
    expect(outcome.blockedWriterMs).toBeGreaterThan(0);
    expect(outcome.blockedWriterMs).toBeLessThan(busyTimeoutMs / 4);
    expect(elapsed).toBeLessThan(busyTimeoutMs / 4);
    expect((await stat(`${made.db}-wal`)).size).toBeGreaterThan(0);
    // The WAL_WRITE lock is free again: a SQLite writer commits at once.
    await sqlite(made.db, "INSERT INTO t(v) VALUES('after');");
    await reader.release();
    expect(await s.run()).toMatchObject({ outcome: 'completed', mode: 'truncate' });
    expect((await stat(`${made.db}-wal`)).size).toBe(0);
  });

  it('a WAL past truncateAboveBytes escalates to TRUNCATE: the -wal file shrinks to 0 and SQLite reads everything', async () => {
    const made = await database();
    const files = await connection(made.db);
    const walBytes = (await stat(`${made.db}-wal`)).size;
    const pending = await pendingFrames(files);
    const s = scheduler(files, { truncateAboveBytes: walBytes - 1 });
    const outcome = await s.run();
    expect(outcome).toMatchObject({ outcome: 'completed', mode: 'truncate', framesBackfilled: pending, framesPending: 0 });
    expect(outcome.result).toEqual({ busy: 0, log: 0, checkpointed: 0 });
    expect(outcome.blockedWriterMs).toBeGreaterThan(0);
    expect(outcome.blockedReaderMs).toBeGreaterThan(0);
    expect((await stat(`${made.db}-wal`)).size).toBe(0);
    expect(await sqliteRead(made.db, 'SELECT count(*) AS n FROM t', { ignoreWal: true })).toEqual([{ n: ROWS }]);
    expect(await integrityCheck(made.db)).toBe('ok');
    // Below the limit, a WAL with frames is checkpointed PASSIVE.
    await sqlite(made.db, "INSERT INTO t(v) VALUES('small');");
    expect(await s.run()).toMatchObject({ outcome: 'completed', mode: 'passive' });
    expect((await stat(`${made.db}-wal`)).size).toBeGreaterThan(0);
  });

  it('partial: when the estimate passes the budget, bounded PASSIVE steps copy a prefix each and the next run is due at once', async () => {
    const made = await database();
    const files = await connection(made.db);
    const pending = await pendingFrames(files);
    const telemetry = new Telemetry();
    // 10 ms per frame estimated, a 100 ms budget: steps of 10 frames until the measured cost takes over.
    const s = scheduler(files, { initialFrameCostMs: 10, lockBudgetMs: 100, truncateAboveBytes: 0, telemetry });
    const first = await s.run();
    expect(first).toMatchObject({ outcome: 'partial', mode: 'passive', maxFrames: 10, framesBackfilled: 10, framesPending: pending - 10, blockedWriterMs: 0 });
    expect(first.result).toEqual({ busy: 0, log: pending, checkpointed: 10 });
    expect(s.noteCommit(pending)).toBe(true);
    expect(s.frameCostMs).toBeLessThan(10);
    let outcome = first;
    for (let runs = 1; outcome.outcome === 'partial' && runs < 20; runs++) outcome = await s.run();
    // Once the whole log fits the budget, the escalation to TRUNCATE (truncateAboveBytes 0) goes through.
    expect(outcome).toMatchObject({ outcome: 'completed', mode: 'truncate' });
    expect((await stat(`${made.db}-wal`)).size).toBe(0);
    expect(count(telemetry, 'partial')).toBeGreaterThanOrEqual(1);
    expect(count(telemetry, 'completed')).toBe(1);
    expect(await sqliteRead(made.db, 'SELECT count(*) AS n, sum(length(v)) AS bytes FROM t', { ignoreWal: true })).toEqual([{ n: ROWS, bytes: ROWS * 3000 }]);
    expect(await integrityCheck(made.db)).toBe('ok');
  });

  it('busy: another connection holds the CKPT lock', async () => {
    const made = await database();
    const files = await connection(made.db);
    const other = await connection(made.db);
    const session = await other.index.beginCheckpoint();
    cleanup.push(async () => session?.end());
    expect(session).not.toBeNull();
    const outcome = await scheduler(files).run();
    expect(outcome).toMatchObject({ outcome: 'busy', busyOn: 'checkpointer', framesBackfilled: 0, result: { busy: 1, log: -1, checkpointed: -1 } });
  });

  it('a database target ({ vfs, dbPath }) is opened for each run; a database not in WAL mode has nothing pending', async () => {
    const made = await database();
    const s = new CheckpointScheduler({ vfs, dbPath: made.db }, { busyTimeoutMs: 5000 });
    expect(await s.run()).toMatchObject({ outcome: 'completed', mode: 'passive' });
    expect(await sqliteRead(made.db, 'SELECT count(*) AS n FROM t', { ignoreWal: true })).toEqual([{ n: ROWS }]);
    const rollback = path.join(dir, `rollback-${++counter}.db`);
    await runSqlite3(rollback, 'CREATE TABLE t(x); INSERT INTO t VALUES (1);');
    expect(await new CheckpointScheduler({ vfs, dbPath: rollback }, { busyTimeoutMs: 5000 }).run()).toMatchObject({ outcome: 'nothing-pending', result: null });
  });
});

describe('options', () => {
  it('a lock budget not below the busy timeout is a CheckpointLockBudgetError naming both', async () => {
    const files = await connection((await database()).db);
    for (const [lockBudgetMs, busyTimeoutMs] of [
      [5000, 5000],
      [6000, 5000],
      [0, 5000],
    ] as const) {
      const make = (): CheckpointScheduler => new CheckpointScheduler(files, { busyTimeoutMs, lockBudgetMs });
      expect(make).toThrow(CheckpointLockBudgetError);
      expect(make).toThrow(`lockBudgetMs must be above 0 and below busyTimeoutMs ${busyTimeoutMs}, got ${lockBudgetMs}`);
    }
    // No busy timeout leaves no room for a budget: the default (a quarter of it) is refused too.
    let error: unknown;
    try {
      new CheckpointScheduler(files, { busyTimeoutMs: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'ERR_CHECKPOINT_LOCK_BUDGET', name: 'CheckpointLockBudgetError', lockBudgetMs: 0, busyTimeoutMs: 0 });
    expect(new CheckpointScheduler(files, { busyTimeoutMs: 5000 }).lockBudgetMs).toBe(1250);
  });

  it('other options out of range are RangeErrors', async () => {
    const files = await connection((await database()).db);
    expect(() => new CheckpointScheduler(files, { busyTimeoutMs: -1 })).toThrow(RangeError);
    expect(() => new CheckpointScheduler(files, { busyTimeoutMs: 5000, thresholdFrames: 1.5 })).toThrow(RangeError);
    expect(() => new CheckpointScheduler(files, { busyTimeoutMs: 5000, truncateAboveBytes: -1 })).toThrow(RangeError);
    expect(() => new CheckpointScheduler(files, { busyTimeoutMs: 5000, initialFrameCostMs: 0 })).toThrow(RangeError);
  });
});
