import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { copyDatabase, makeTempDir, makeWalDatabase, removeTempDir, runSqlite3, Sqlite3ProcessError } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('fixtures-run-');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await removeTempDir(dir);
});

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe('runSqlite3', () => {
  it('feeds SQL and dot-commands through stdin and returns stdout', async () => {
    expect(await runSqlite3(':memory:', 'SELECT 1+1;')).toBe('2\n');
    expect(await runSqlite3(':memory:', ['SELECT 1', '.print hi', "SELECT 'a', 'b'"])).toBe('1\nhi\na|b\n');
  });

  it('rejects with stderr on the first error and runs nothing after it (-bail)', async () => {
    const error = await runSqlite3(':memory:', 'SELECT 1;\nSELECT nope;\nSELECT 3;').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Sqlite3ProcessError);
    const failure = error as Sqlite3ProcessError;
    expect(failure.code).toBe('ERR_SQLITE_FIXTURES_SQLITE3_FAILED');
    expect(failure.exitCode).toBe(1);
    expect(failure.stderr).toMatch(/no such column: nope/);
    expect(failure.message).toMatch(/no such column: nope/);
    expect(failure.stdout).toBe('1\n');
  });

  it('kills the process and rejects when the time limit passes', async () => {
    const started = Date.now();
    const error = await runSqlite3(':memory:', '.shell sleep 5', { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Sqlite3ProcessError);
    expect((error as Sqlite3ProcessError).timedOut).toBe(true);
    expect((error as Error).message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("ignores the developer's ~/.sqliterc", async () => {
    const home = path.join(dir, 'home');
    await mkdir(home);
    await writeFile(path.join(home, '.sqliterc'), '.mode json\n.headers on\n');
    vi.stubEnv('HOME', home);
    expect(await runSqlite3(':memory:', 'SELECT 1+1;')).toBe('2\n');
  });

  it('keeps the WAL with keepWal, and a plain run checkpoints and deletes it', async () => {
    const fixture = await makeWalDatabase({ dir: path.join(dir, 'fixture') });
    const kept = await copyDatabase(fixture.db, dir, 'kept.db');
    expect(await runSqlite3(kept.db, "INSERT INTO t(v) VALUES('more');", { keepWal: true })).toBe('');
    expect(await exists(kept.wal)).toBe(true);
    expect(await runSqlite3(kept.db, 'SELECT count(*) FROM t;', { keepWal: true })).toBe('102\n');
    expect(await exists(kept.wal)).toBe(true);

    const plain = await copyDatabase(fixture.db, dir, 'plain.db');
    expect(await runSqlite3(plain.db, 'SELECT count(*) FROM t;')).toBe('101\n');
    expect(await exists(plain.wal)).toBe(false);
  });
});
