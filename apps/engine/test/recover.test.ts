import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LiveSqlite3,
  copyDatabase,
  makeCrashedWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  runSqlite3,
  sqliteRead,
} from '@litewal/sqlite-fixtures';
import { runCli as run } from './support/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-recover-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** The -shm SQLite's own recovery builds for a copy of `db` (WAL kept, no -shm to start from). */
async function sqliteShm(db: string, name: string): Promise<Buffer> {
  const sub = join(dir, `oracle-${name}`);
  await mkdir(sub);
  const copy = await copyDatabase(db, sub);
  await rm(copy.shm, { force: true });
  await runSqlite3(copy.db, 'SELECT count(*) FROM sqlite_schema;', { keepWal: true });
  return readFile(copy.shm);
}

describe('litewal recover', () => {
  it.each([
    ['several commits', 101, () => makeWalDatabase({ dir, name: 'commits.db', pageSize: 4096 })],
    ['an uncommitted tail', 100, () => makeCrashedWalDatabase({ dir, name: 'tail.db', pageSize: 1024, tail: 'valid' })],
  ])('rebuilds the -shm byte for byte as SQLite recovers it: %s', async (name, rows, make) => {
    const files = await make();
    await rm(files.shm, { force: true });
    const expected = await sqliteShm(files.db, name.replace(/ /g, '-'));
    const { code, out, err } = await run(['recover', files.db, '--json']);
    expect([code, err]).toEqual([0, '']);
    const shm = await readFile(files.shm);
    expect(shm.equals(expected)).toBe(true);
    const view = new DataView(shm.buffer, shm.byteOffset);
    expect(JSON.parse(out)).toEqual({
      recovered: {
        frames: expect.any(Number),
        mxFrame: view.getUint32(16, true),
        nPage: view.getUint32(20, true),
        segments: shm.length / 32768,
      },
      shm: { path: files.shm, bytes: shm.length },
    });
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: rows }]);
  });

  it('refuses with exit 1 while a sqlite3 process has the database open, and changes nothing', async () => {
    const files = await makeWalDatabase({ dir, name: 'live.db', pageSize: 4096 });
    const live = await LiveSqlite3.open(files.db);
    try {
      await live.query('SELECT count(*) FROM t;');
      const before = await readFile(files.shm);
      const { code, out, err } = await run(['recover', files.db]);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(/another process has .*live\.db open/);
      expect((await readFile(files.shm)).equals(before)).toBe(true);
    } finally {
      await live.close();
    }
  });

  it('exits 2 when there is no WAL or no database', async () => {
    const files = await makeWalDatabase({ dir, name: 'nowal.db', pageSize: 4096 });
    await copyFile(files.db, join(dir, 'lonely.db'));
    expect(await run(['recover', join(dir, 'lonely.db')])).toMatchObject({ code: 2, err: expect.stringMatching(/has no WAL/) });
    expect(await run(['recover', join(dir, 'missing.db')])).toMatchObject({ code: 2, err: expect.stringMatching(/does not exist/) });
    expect((await run(['recover'])).code).toBe(2);
  });
});
