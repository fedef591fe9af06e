import { join } from 'node:path';
import { LiveSqlite3, makeTempDir, removeTempDir, runSqlite3, Sqlite3ProcessError } from '@litewal/sqlite-fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NodeVfs,
  SQLITE_PENDING_BYTE as PENDING,
  SQLITE_RESERVED_BYTE as RESERVED,
  SQLITE_SHARED_FIRST as SHARED_FIRST,
  SQLITE_SHARED_SIZE as SHARED_SIZE,
  type VfsFile,
} from '../src/index.js';

// On the -shm file, bytes 120 + i (WAL_WRITE = 0, CKPT = 1, RECOVER = 2, READ(k) = 3 + k, DMS = 8):
const WAL_WRITE = 120;
const READ0 = 123;
const DMS = 128;

describe('NodeVfs locks against a real sqlite3 process', () => {
  const vfs = new NodeVfs();
  let dir: string;
  let db: string;
  const sessions: LiveSqlite3[] = [];
  const opened: VfsFile[] = [];

  beforeEach(async () => {
    dir = await makeTempDir('litewal-vfs-');
    db = join(dir, 'app.db');
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.kill()));
    await Promise.all(opened.splice(0).map((file) => file.close()));
    await removeTempDir(dir);
  });

  /**
   * Every test starts here, so a missing sqlite3 CLI fails each of them (never skips) with an
   * install hint (Sqlite3NotFoundError). runSqlite3 resolves only when sqlite3 exits with code 0.
   */
  async function createDb(journalMode: 'wal' | 'delete'): Promise<void> {
    const stdout = await runSqlite3(db, [
      `PRAGMA journal_mode=${journalMode};`,
      'CREATE TABLE t(x);',
      'INSERT INTO t VALUES (1), (2), (3);',
    ]);
    expect(stdout).toBe(`${journalMode}\n`);
  }

  /** A one-shot sqlite3 read of `t` that never waits for a lock (`.timeout 0`). */
  function readNow(): Promise<string> {
    return runSqlite3(db, ['.timeout 0', 'SELECT count(*) FROM t;']);
  }

  /**
   * Expects `readNow()` to fail with SQLITE_BUSY: sqlite3 exits by itself with a non-zero code,
   * reports "database is locked (5)" and prints no row.
   */
  async function expectReadLocked(): Promise<void> {
    const error: unknown = await readNow().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Sqlite3ProcessError);
    const failure = error as Sqlite3ProcessError;
    expect(failure).toMatchObject({ signal: null, timedOut: false, stdout: '' });
    expect(failure.exitCode).not.toBeNull();
    expect(failure.exitCode).not.toBe(0);
    expect(failure.stderr).toMatch(/database is locked \(5\)/);
  }

  async function open(path: string): Promise<VfsFile> {
    const file = await vfs.open(path);
    opened.push(file);
    return file;
  }

  /**
   * A long-running sqlite3 process holding `db` open, like an application. keepWal: false so that,
   * as with a plain `sqlite3 app.db`, its close may checkpoint and delete the WAL.
   */
  async function startSession(): Promise<LiveSqlite3> {
    const session = await LiveSqlite3.open(db, { keepWal: false });
    sessions.push(session);
    return session;
  }

  it('holding the SHARED range exclusively makes sqlite3 report "database is locked"; releasing lets it read', async () => {
    await createDb('wal');
    const file = await open(db);
    expect(await file.tryLock(SHARED_FIRST, SHARED_SIZE, 'exclusive')).toBe(true);

    await expectReadLocked();

    await file.unlock(SHARED_FIRST, SHARED_SIZE);
    expect(await readNow()).toBe('3\n');
  });

  it('a WAL-mode reader holds SHARED and its read mark; NodeVfs sees both and waits for them', async () => {
    await createDb('wal');
    const session = await startSession();
    // The WAL is empty (the creating process checkpointed it on close), so the reader uses READ(0).
    expect(await session.query('BEGIN; SELECT count(*) FROM t;')).toBe('3\n');
    const dbFile = await open(db);
    const shm = await open(`${db}-shm`);

    expect(await dbFile.tryLock(SHARED_FIRST, SHARED_SIZE, 'exclusive')).toBe(false);
    expect(await dbFile.tryLock(SHARED_FIRST, SHARED_SIZE, 'shared')).toBe(true);
    await dbFile.unlock(SHARED_FIRST, SHARED_SIZE);
    expect(await shm.tryLock(READ0, 1, 'exclusive')).toBe(false);
    expect(await shm.tryLock(DMS, 1, 'exclusive')).toBe(false);
    expect(await shm.tryLock(WAL_WRITE, 1, 'exclusive')).toBe(true);
    await shm.unlock(WAL_WRITE, 1);

    await session.query('COMMIT;');
    expect(await shm.tryLock(READ0, 1, 'exclusive')).toBe(true);
    await shm.unlock(READ0, 1);
    // An open WAL-mode connection keeps SHARED for its whole life.
    expect(await dbFile.tryLock(SHARED_FIRST, SHARED_SIZE, 'exclusive')).toBe(false);

    const granted = dbFile.lock(SHARED_FIRST, SHARED_SIZE, 'exclusive');
    // close() ends stdin and resolves once sqlite3 has exited with code 0 (it rejects otherwise).
    await session.close();
    await granted;
    await expectReadLocked();
  });

  it('a WAL-mode writer holds WAL_WRITE exclusively until it commits', async () => {
    await createDb('wal');
    const session = await startSession();
    await session.query('BEGIN IMMEDIATE; INSERT INTO t VALUES (4);');
    const shm = await open(`${db}-shm`);
    expect(await shm.tryLock(WAL_WRITE, 1, 'shared')).toBe(false);
    await session.query('COMMIT;');
    expect(await shm.tryLock(WAL_WRITE, 1, 'shared')).toBe(true);
  });

  it('a rollback-journal BEGIN EXCLUSIVE holds PENDING, RESERVED and SHARED exclusively until it commits', async () => {
    await createDb('delete');
    const session = await startSession();
    await session.query('BEGIN EXCLUSIVE;');
    const file = await open(db);
    expect(await file.tryLock(SHARED_FIRST, SHARED_SIZE, 'shared')).toBe(false);
    expect(await file.tryLock(PENDING, 1, 'shared')).toBe(false);
    expect(await file.tryLock(RESERVED, 1, 'shared')).toBe(false);
    await session.query('COMMIT;');
    // Outside a transaction a rollback-journal connection holds no lock at all.
    expect(await file.tryLock(PENDING, SHARED_SIZE + 2, 'exclusive')).toBe(true);
  });
});
