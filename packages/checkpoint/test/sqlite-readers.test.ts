import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeWalHeader, type WalHeader } from '@litewal/checksum';
import {
  LiveSqlite3,
  copyDatabase,
  integrityCheck,
  makeTempDir,
  makeWalDatabase,
  openSnapshotReader,
  removeTempDir,
  runSqlite3,
  type DatabaseFiles,
  type SnapshotReader,
} from '@litewal/sqlite-fixtures';
import { walIndexLockOffset } from '@litewal/wal-index';
import { MODES, contents, fileBytes, fileSize, litewalCheckpoint, sqliteCheckpoint, vfs } from './support/sqlite-twins.js';
import type { CheckpointMode } from '../src/index.js';

let dir: string;
let counter = 0;
let cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-checkpoint-readers-');
});
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** A one-shot sqlite3 process that keeps the WAL on close. */
function sqlite(db: string, sql: string | readonly string[]): Promise<string> {
  return runSqlite3(db, sql, { keepWal: true });
}

/** Recipe A, twice: `litewal` and `sqlite` are identical copies. */
async function twinDatabases(prepare: (db: string) => Promise<void> = async () => undefined): Promise<{ litewal: DatabaseFiles; sqlite: DatabaseFiles }> {
  const at = path.join(dir, `twins-${++counter}`);
  const made = await makeWalDatabase({ dir: at });
  await prepare(made.db);
  return { litewal: made, sqlite: await copyDatabase(made.db, at, 'twin.db') };
}

async function reader(db: string): Promise<SnapshotReader> {
  const pinned = await openSnapshotReader(db);
  cleanup.push(() => pinned.session.kill());
  return pinned;
}

async function idleSession(db: string): Promise<LiveSqlite3> {
  const live = await LiveSqlite3.open(db);
  cleanup.push(() => live.kill());
  expect(await live.query('SELECT count(*) FROM t;')).toBe('101\n');
  return live;
}

/** Two one-row commits: each writes one frame. */
async function twoCommits(db: string): Promise<void> {
  await sqlite(db, "INSERT INTO t(v) VALUES('a');");
  await sqlite(db, "INSERT INTO t(v) VALUES('b');");
}

const READ_SNAPSHOT = 'SELECT count(*), sum(length(v)) FROM t;';

describe('recipe G: a sqlite3 reader pinning a snapshot while litewal checkpoints beside it', () => {
  it.each(MODES)('reader on the database alone (READ(0)), 2 commits later: %s gives what SQLite gives', async (mode) => {
    const emptied = async (db: string): Promise<void> => {
      expect(await sqlite(db, 'PRAGMA wal_checkpoint(TRUNCATE);')).toBe('0|0|0\n');
    };
    const { litewal, sqlite: twin } = await twinDatabases(emptied);
    for (const files of [litewal, twin]) {
      await reader(files.db);
      await twoCommits(files.db);
    }
    const expected = await sqliteCheckpoint(twin.db, mode);
    expect(expected).toBe(mode === 'passive' ? '0|2|0' : '1|2|0');
    expect(await litewalCheckpoint(litewal.db, mode)).toBe(expected);
    expect(await fileBytes(litewal.db)).toEqual(await fileBytes(twin.db));
  });

  it.each(MODES)('reader on read mark 5 (2 commits back): %s copies up to its mark, as SQLite, and its snapshot stays intact', async (mode) => {
    const { litewal, sqlite: twin } = await twinDatabases();
    const readers: SnapshotReader[] = [];
    for (const files of [litewal, twin]) {
      readers.push(await reader(files.db));
      await twoCommits(files.db);
    }
    const [litewalReader] = readers as [SnapshotReader];
    const seen = await litewalReader.session.query(READ_SNAPSHOT);
    const expected = await sqliteCheckpoint(twin.db, mode);
    expect(expected).toBe(mode === 'passive' ? '0|7|5' : '1|7|5');
    expect(await litewalCheckpoint(litewal.db, mode)).toBe(expected);
    expect(await fileBytes(litewal.db)).toEqual(await fileBytes(twin.db));
    expect(await litewalReader.session.query(READ_SNAPSHOT)).toBe(seen);
    await litewalReader.release();
    expect(await litewalCheckpoint(litewal.db, 'passive')).toBe('0|7|7');
    expect(await integrityCheck(litewal.db)).toBe('ok');
    expect(await sqlite(litewal.db, 'SELECT count(*) FROM t;')).toBe('103\n');
  });

  it('a reader at the end of the log lets the copy finish but keeps RESTART and TRUNCATE busy', async () => {
    const { litewal, sqlite: twin } = await twinDatabases();
    for (const files of [litewal, twin]) await reader(files.db);
    for (const mode of ['restart', 'truncate', 'full'] as const) {
      const expected = await sqliteCheckpoint(twin.db, mode);
      expect(expected).toBe(mode === 'full' ? '0|5|5' : '1|5|5');
      expect(await litewalCheckpoint(litewal.db, mode)).toBe(expected);
    }
    expect(await fileSize(litewal.wal)).toBe(await fileSize(twin.wal));
    expect(await fileBytes(litewal.db)).toEqual(await fileBytes(twin.db));
  });
});

describe('busy locks held by live sqlite3 processes', () => {
  it('a writer in BEGIN IMMEDIATE: FULL gives 1|5|5 without a busy timeout, as the CLI; with one it waits for the COMMIT', async () => {
    const { litewal, sqlite: twin } = await twinDatabases();
    const writers: LiveSqlite3[] = [];
    for (const files of [litewal, twin]) {
      const writer = await idleSession(files.db);
      await writer.query('BEGIN IMMEDIATE;');
      writers.push(writer);
    }
    const expected = await sqliteCheckpoint(twin.db, 'full');
    expect(expected).toBe('1|5|5');
    expect(await litewalCheckpoint(litewal.db, 'full')).toBe(expected);
    const [writer] = writers as [LiveSqlite3];
    const waiting = litewalCheckpoint(litewal.db, 'truncate', { busyTimeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await writer.query("INSERT INTO t(v) VALUES('c'); COMMIT;");
    expect(await waiting).toBe('0|0|0');
    expect(await fileSize(litewal.wal)).toBe(0);
    expect(await writer.query('SELECT count(*) FROM t;')).toBe('102\n');
    expect(await integrityCheck(litewal.db)).toBe('ok');
  });

  it('another checkpointer holding the CKPT lock: 1|-1|-1 in every mode, as SQLite', async () => {
    const { litewal, sqlite: twin } = await twinDatabases();
    for (const files of [litewal, twin]) {
      await idleSession(files.db);
      const shm = await vfs.open(files.shm);
      cleanup.push(() => shm.close());
      expect(await shm.tryLock(walIndexLockOffset('checkpoint'), 1, 'exclusive')).toBe(true);
    }
    for (const mode of MODES) {
      const expected = await sqliteCheckpoint(twin.db, mode);
      expect(expected).toBe('1|-1|-1');
      expect(await litewalCheckpoint(litewal.db, mode)).toBe(expected);
    }
  });
});

describe("SQLite's next write after a litewal RESTART or TRUNCATE restarts the log", () => {
  it.each(['restart', 'truncate'] as const)('%s, then a sqlite3 commit: same WAL header transition as after SQLite\'s own, all rows there', async (mode: CheckpointMode) => {
    const { litewal, sqlite: twin } = await twinDatabases();
    for (const files of [litewal, twin]) await idleSession(files.db);
    const before = decodeWalHeader(await fileBytes(litewal.wal));
    expect(await litewalCheckpoint(litewal.db, mode)).toBe(await sqliteCheckpoint(twin.db, mode));
    for (const files of [litewal, twin]) await sqlite(files.db, "INSERT INTO t(v) VALUES('after');");
    const [mine, theirs] = (await Promise.all([litewal, twin].map(async (files) => decodeWalHeader(await fileBytes(files.wal))))) as [WalHeader, WalHeader];
    expect(mine.checkpointSequence).toBe(theirs.checkpointSequence);
    // After RESTART the writer restarts the log from the wal-index header: salt-1 + 1, a new salt-2. After
    // TRUNCATE a writer that did not run recovery draws new salts (its checkpoint count is 0).
    if (mode === 'restart') expect(mine).toMatchObject({ checkpointSequence: before.checkpointSequence + 1, salt1: (before.salt1 + 1) >>> 0 });
    expect(await fileSize(litewal.wal)).toBe(await fileSize(twin.wal));
    expect(await sqlite(litewal.db, 'PRAGMA wal_checkpoint(PASSIVE);')).toBe(await sqlite(twin.db, 'PRAGMA wal_checkpoint(PASSIVE);'));
    expect(await integrityCheck(litewal.db)).toBe('ok');
    expect(await contents(litewal.db)).toEqual(await contents(twin.db));
    expect(await sqlite(litewal.db, "SELECT count(*), max(v) = 'x99' FROM t WHERE v LIKE 'x%';")).toBe('100|1\n');
  });
});
