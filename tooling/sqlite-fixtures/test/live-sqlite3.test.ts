import { stat } from 'node:fs/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LiveSqlite3, makeTempDir, makeWalDatabase, openSnapshotReader, removeTempDir, runSqlite3, Sqlite3ProcessError } from '../src/index.js';

let dir: string;
const sessions: LiveSqlite3[] = [];
beforeEach(async () => {
  dir = await makeTempDir('fixtures-g-');
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.kill()));
  await removeTempDir(dir);
});

async function open(dbPath: string, timeoutMs?: number): Promise<LiveSqlite3> {
  const session = await LiveSqlite3.open(dbPath, timeoutMs === undefined ? {} : { timeoutMs });
  sessions.push(session);
  return session;
}

describe('LiveSqlite3 (recipe G)', () => {
  it('answers queries one by one; send() output goes to the next query', async () => {
    const live = await open(':memory:');
    expect(live.running).toBe(true);
    expect(await live.query('SELECT 1;')).toBe('1\n');
    live.send('CREATE TABLE x(a); INSERT INTO x VALUES (5), (6);');
    live.send("SELECT 'from send'");
    expect(await live.query('SELECT sum(a) FROM x')).toBe('from send\n11\n');
    const [p, q] = [live.query('SELECT 2;'), live.query('SELECT 3;')];
    expect([await p, await q]).toEqual(['2\n', '3\n']);
    await live.close();
    expect(live.running).toBe(false);
    await live.close(); // idempotent
  });

  it('ends the session on the first error and rejects with its stderr', async () => {
    const live = await open(':memory:');
    const error = await live.query('SELECT nope;').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Sqlite3ProcessError);
    expect((error as Sqlite3ProcessError).stderr).toMatch(/no such column: nope/);
    expect(live.running).toBe(false);
    await expect(live.query('SELECT 1;')).rejects.toThrow(Sqlite3ProcessError);
    expect(() => live.send('SELECT 1;')).toThrow(Sqlite3ProcessError);
  });

  it('kills the session when a query runs out of time, and kill() is a SIGKILL', async () => {
    const slow = await open(':memory:', 200);
    const error = await slow.query('.shell sleep 5').catch((e: unknown) => e);
    expect((error as Sqlite3ProcessError).timedOut).toBe(true);
    expect(slow.running).toBe(false);

    const live = await open(':memory:');
    await live.kill();
    expect(live.running).toBe(false);
    await expect(live.query('SELECT 1;')).rejects.toThrow(/SIGKILL/);
  });
});

describe('openSnapshotReader (recipe G)', () => {
  it('pins a snapshot: checkpoints stop at it and cannot reset the WAL until it is released', async () => {
    const files = await makeWalDatabase({ dir });
    const reader = await openSnapshotReader(files.db);
    sessions.push(reader.session);
    expect(reader.result).toBe('101\n');

    // Another connection commits twice (one frame each) and checkpoints, keeping the WAL.
    const other = (sql: string): Promise<string> => runSqlite3(files.db, sql, { keepWal: true });
    await other("INSERT INTO t(v) VALUES('a');");
    await other("INSERT INTO t(v) VALUES('b');");
    expect(await other('PRAGMA wal_checkpoint(PASSIVE);')).toBe('0|7|5\n'); // frames 6..7 are past the snapshot
    expect(await other('PRAGMA wal_checkpoint(TRUNCATE);')).toBe('1|7|5\n'); // busy: the reader holds it
    expect(await reader.session.query('SELECT count(*) FROM t;')).toBe('101\n');
    expect(await other('SELECT count(*) FROM t;')).toBe('103\n');

    await reader.release();
    expect(reader.session.running).toBe(false);
    expect(await other('PRAGMA wal_checkpoint(TRUNCATE);')).toBe('0|0|0\n');
    expect((await stat(files.wal)).size).toBe(0);
    expect(await other('SELECT count(*) FROM t;')).toBe('103\n');
  });
});
