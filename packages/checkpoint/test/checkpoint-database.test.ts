import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LiveSqlite3, copyDatabase, makeTempDir, makeWalDatabase, removeTempDir, runSqlite3 } from '@litewal/sqlite-fixtures';
import { SQLITE_PENDING_BYTE, type VfsFile } from '@litewal/vfs';
import { walIndexLockOffset } from '@litewal/wal-index';
import { CheckpointLockedError, checkpointDatabase } from '../src/index.js';
import { fileSize, litewalCheckpoint, sqliteCheckpoint, vfs } from './support/sqlite-twins.js';

let dir: string;
let counter = 0;
let cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-checkpoint-database-');
});
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function held(file: VfsFile): Promise<VfsFile> {
  cleanup.push(() => file.close());
  return file;
}

describe('checkpointDatabase: what a connection to the database sees', () => {
  it('a database in rollback-journal mode: 0|-1|-1 as SQLite, and no -wal or -shm is created', async () => {
    const db = path.join(dir, `rollback-${++counter}.db`);
    await runSqlite3(db, ['CREATE TABLE t(x);', 'INSERT INTO t VALUES (1);']);
    const twin = (await copyDatabase(db, dir, `rollback-twin-${counter}.db`)).db;
    expect(await litewalCheckpoint(db, 'truncate')).toBe(await sqliteCheckpoint(twin, 'truncate'));
    expect(await litewalCheckpoint(db, 'passive')).toBe('0|-1|-1');
    expect([existsSync(`${db}-wal`), existsSync(`${db}-shm`)]).toEqual([false, false]);
  });

  it('a WAL-mode database whose -wal was deleted: an empty log, as SQLite', async () => {
    const db = path.join(dir, `walmode-${++counter}.db`);
    await runSqlite3(db, ['PRAGMA journal_mode=WAL;', 'CREATE TABLE t(x);', 'INSERT INTO t VALUES (1);']);
    expect(existsSync(`${db}-wal`)).toBe(false); // the CLI's close checkpointed and deleted it
    const twin = (await copyDatabase(db, dir, `walmode-twin-${counter}.db`)).db;
    for (const mode of ['passive', 'truncate'] as const) expect(await litewalCheckpoint(db, mode)).toBe(await sqliteCheckpoint(twin, mode));
    expect(await fileSize(`${db}-wal`)).toBe(0);
  });

  it('another connection holding the PENDING lock (about to take EXCLUSIVE): CheckpointLockedError', async () => {
    const files = await makeWalDatabase({ dir: path.join(dir, `pending-${++counter}`) });
    const other = await held(await vfs.open(files.db));
    expect(await other.tryLock(SQLITE_PENDING_BYTE, 1, 'exclusive')).toBe(true);
    const error = await checkpointDatabase(vfs, files.db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointLockedError);
    expect(error).toMatchObject({ code: 'ERR_CHECKPOINT_LOCKED', path: files.db });
    await other.unlock(SQLITE_PENDING_BYTE, 1);
    expect(await litewalCheckpoint(files.db, 'passive')).toBe('0|5|5');
  });

  it('holds SHARED like a connection: a sqlite3 session closing meanwhile neither checkpoints nor deletes the WAL', async () => {
    const files = await makeWalDatabase({ dir: path.join(dir, `shared-${++counter}`) });
    const session = await LiveSqlite3.open(files.db, { keepWal: false });
    cleanup.push(() => session.kill());
    expect(await session.query('SELECT count(*) FROM t;')).toBe('101\n');
    const writer = await held(await vfs.open(files.shm));
    expect(await writer.tryLock(walIndexLockOffset('write'), 1, 'exclusive')).toBe(true); // makes TRUNCATE wait
    const checkpointing = litewalCheckpoint(files.db, 'truncate', { busyTimeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await session.close(); // its close would checkpoint and delete the WAL if it could take EXCLUSIVE
    expect(existsSync(files.wal)).toBe(true);
    await writer.unlock(walIndexLockOffset('write'), 1);
    expect(await checkpointing).toBe('0|0|0');
    expect([existsSync(files.wal), await fileSize(files.wal)]).toEqual([true, 0]);
  });
});
