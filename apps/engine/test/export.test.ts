import { chmod, copyFile, link, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyDatabase,
  integrityCheck,
  makeLargeWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  sqliteRead,
  type DatabaseFiles,
} from '@litewal/sqlite-fixtures';
import { walChecksum } from '@litewal/checksum';
import { exportSnapshot } from '../src/export/export-snapshot.js';
import { AtCommitError } from '../src/errors.js';
import { runCli as run } from './support/run-cli.js';
import { subdir } from './support/subdir.js';
import { frameOffset, walCommitFrames } from './support/wal-frames.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-export-');
});
afterAll(async () => {
  await chmod(join(dir, 'ro'), 0o755).catch(() => undefined);
  await removeTempDir(dir);
});

/** Commits of every kind: new tables, inserts that grow the file, updates, deletes, a VACUUM that shrinks it. */
const STATEMENTS = [
  'CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);',
  "INSERT INTO t(v) VALUES('one');",
  "BEGIN; INSERT INTO t(v) SELECT printf('%.500c', value) FROM generate_series(1,60); COMMIT;",
  "UPDATE t SET v = 'updated ' || id WHERE id % 3 = 0;",
  'CREATE TABLE u(k TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;',
  "INSERT INTO u SELECT 'k' || value, value * value FROM generate_series(1,200);",
  'DELETE FROM t WHERE id > 20;',
  'VACUUM;',
  "INSERT INTO t(v) VALUES('after vacuum');",
  'PRAGMA user_version=9;',
];

const ROWS_SQL = "SELECT json_group_array(json_array(id, v)) AS t, (SELECT json_group_array(json_array(k, n)) FROM u) AS u FROM (SELECT * FROM t ORDER BY id)";
/** Tables may not exist yet at an early commit. */
async function rowsOf(db: string): Promise<unknown> {
  const tables = (await sqliteRead(db, "SELECT group_concat(name) AS names FROM sqlite_schema WHERE type='table'"))[0]?.['names'];
  const version = await sqliteRead(db, 'PRAGMA user_version');
  if (tables === 't,u') return [version, await sqliteRead(db, ROWS_SQL)];
  if (tables === 't') return [version, await sqliteRead(db, 'SELECT id, v FROM t ORDER BY id')];
  return [version, tables];
}

/** SQLite's view at commit `frame`: a copy of db + wal cut after that frame, without -shm. */
async function sqliteAtFrame(files: DatabaseFiles, frame: number, pageSize: number, name: string): Promise<string> {
  const copy = await copyDatabase(files.db, await subdir(dir, name));
  await rm(copy.shm, { force: true });
  await truncate(copy.wal, frameOffset(frame + 1, pageSize));
  return copy.db;
}

describe('litewal export', () => {
  let files: DatabaseFiles;
  let commitFrames: number[];
  let pageSize: number;
  beforeAll(async () => {
    files = await makeWalDatabase({ dir, name: 'multi.db', pageSize: 1024, statements: STATEMENTS });
    ({ commitFrames, pageSize } = await walCommitFrames(files.wal));
  });

  it('exports every commit N exactly as SQLite sees the WAL cut after commit N, as a rollback-journal file', async () => {
    expect(commitFrames.length).toBeGreaterThanOrEqual(STATEMENTS.length);
    for (let n = 1; n <= commitFrames.length; n++) {
      const out = join(dir, `at-${n}.db`);
      const report = await exportSnapshot(files.db, out, { atCommit: n });
      expect(report).toMatchObject({ out, commit: n, commits: commitFrames.length, commitFrame: commitFrames[n - 1], pageSize });
      const oracle = await sqliteAtFrame(files, commitFrames[n - 1] as number, pageSize, `oracle-${n}`);
      expect(await integrityCheck(out)).toBe('ok');
      expect(await rowsOf(out)).toEqual(await rowsOf(oracle));
      const bytes = await readFile(out);
      expect([bytes[18], bytes[19]]).toEqual([1, 1]);
      expect(bytes.length).toBe(report.pages * pageSize);
      expect(await sqliteRead(out, 'PRAGMA page_count')).toEqual(await sqliteRead(oracle, 'PRAGMA page_count'));
    }
  });

  it('exports the whole committed prefix by default with the CLI, with no -shm and without writing the source', async () => {
    const sub = await subdir(dir, 'noshm');
    const copy = await copyDatabase(files.db, sub);
    await rm(copy.shm);
    const before = [await readFile(copy.db), await readFile(copy.wal)];
    const out = join(dir, 'latest.db');
    const { code, out: stdout, err } = await run(['export', copy.db, '--out', out, '--json']);
    expect([code, err]).toEqual([0, '']);
    expect(JSON.parse(stdout)).toEqual({
      out,
      pageSize,
      pages: expect.any(Number),
      bytes: (await stat(out)).size,
      commit: commitFrames.length,
      commits: commitFrames.length,
      commitFrame: commitFrames.at(-1),
      walPages: expect.any(Number),
    });
    expect(await readdir(sub)).toEqual(['multi.db', 'multi.db-wal']);
    expect([await readFile(copy.db), await readFile(copy.wal)]).toEqual(before);
    expect(await integrityCheck(out)).toBe('ok');
    expect(await rowsOf(out)).toEqual(await rowsOf(files.db));
  });

  it('works in a read-only source directory and leaves it as it was', async () => {
    const ro = await subdir(dir, 'ro');
    const copy = await copyDatabase(files.db, ro);
    await rm(copy.shm);
    await chmod(ro, 0o555);
    const listing = await readdir(ro);
    const out = join(dir, 'from-ro.db');
    const { code, err } = await run(['export', copy.db, '--out', out, '--at-commit', '3']);
    expect([code, err]).toEqual([0, '']);
    expect(await readdir(ro)).toEqual(listing);
    const oracle = await sqliteAtFrame(files, commitFrames[2] as number, pageSize, 'oracle-ro');
    expect(await rowsOf(out)).toEqual(await rowsOf(oracle));
  });

  it('rejects an --at-commit outside 1..commits with the value and the count', async () => {
    const out = join(dir, 'bad.db');
    const n = commitFrames.length;
    for (const value of ['0', String(n + 1)]) {
      const { code, err } = await run(['export', files.db, '--out', out, '--at-commit', value]);
      expect(code).toBe(2);
      expect(err).toContain(`--at-commit ${value} is not a commit of this WAL: it has ${n} commits (1..${n})`);
    }
    expect((await run(['export', files.db, '--out', out, '--at-commit', 'two'])).code).toBe(2);
    const error = await exportSnapshot(files.db, out, { atCommit: n + 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtCommitError);
    expect(error).toMatchObject({ code: 'ERR_ENGINE_AT_COMMIT', requested: n + 5, available: n });
    await expect(stat(out)).rejects.toThrow();
  });

  it('refuses to overwrite the source or an existing --out unless --force', async () => {
    const out = join(dir, 'exists.db');
    await writeFile(out, 'keep me');
    const refused = await run(['export', files.db, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('already exists');
    expect(await readFile(out, 'utf8')).toBe('keep me');
    expect((await run(['export', files.db, '--out', out, '--force'])).code).toBe(0);
    expect(await integrityCheck(out)).toBe('ok');
    const hardLink = join(dir, 'hard-link.db');
    await link(files.db, hardLink);
    for (const source of [files.db, files.wal, hardLink]) {
      const r = await run(['export', files.db, '--out', source, '--force']);
      expect(r.code).toBe(2);
      expect(r.err).toContain('export never writes its source');
    }
    expect(await integrityCheck(files.db)).toBe('ok');
  });

  it('exports a database without a WAL as it is, and fails on a missing database with exit 2', async () => {
    const sub = await subdir(dir, 'nowal');
    await copyFile(files.db, join(sub, 'plain.db'));
    const out = join(dir, 'plain-out.db');
    const { code, out: stdout } = await run(['export', join(sub, 'plain.db'), '--out', out, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ commit: 0, commits: 0, walPages: 0 });
    expect(await sqliteRead(out, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect((await run(['export', join(sub, 'missing.db'), '--out', out, '--force'])).code).toBe(2);
  });

  it('refuses a crafted commit frame that records far more pages than the files hold, writing nothing', async () => {
    const sub = await subdir(dir, 'hostile');
    const copy = await copyDatabase(files.db, sub);
    const wal = await readFile(copy.wal);
    const frameSize = pageSize + 24;
    const last = commitFrames.at(-1) as number;
    const prev = wal.subarray(frameOffset(last, pageSize), frameOffset(last, pageSize) + frameSize);
    // A copy of the last frame, valid salts and checksum, whose commit size is 2^31 pages (2 TiB of 1 KiB pages).
    const frame = Buffer.alloc(frameSize);
    prev.copy(frame, 0, 0, frameSize);
    frame.writeUInt32BE(0x80000000, 4);
    const order = wal.readUInt32BE(0) === 0x377f0683 ? 'big' : 'little';
    const seed = { s1: prev.readUInt32BE(16), s2: prev.readUInt32BE(20) };
    const sum = walChecksum(frame.subarray(24), order, walChecksum(frame.subarray(0, 8), order, seed));
    frame.writeUInt32BE(sum.s1, 16);
    frame.writeUInt32BE(sum.s2, 20);
    await writeFile(copy.wal, Buffer.concat([wal.subarray(0, frameOffset(last + 1, pageSize)), frame]));
    const out = join(sub, 'out.db');
    const { code, err } = await run(['export', copy.db, '--out', out]);
    expect(code).toBe(2);
    expect(err).toContain(`records a database of ${0x80000000} pages, but the`);
    expect(await readdir(sub)).toEqual(['multi.db', 'multi.db-shm', 'multi.db-wal']);
  });

  it('keeps memory bounded on a WAL of about 80 MB', async () => {
    const large = await makeLargeWalDatabase({ frames: 20_000, cacheDir: join(dir, 'large-cache') });
    const out = join(dir, 'large-out.db');
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 2);
    let calls = 0;
    try {
      await exportSnapshot(large.db, out, { onProgress: () => void calls++ });
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(large.walBytes).toBeGreaterThan(80_000_000);
    expect(calls).toBeGreaterThan(2);
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
    expect(await sqliteRead(out, 'SELECT count(*) AS n FROM t')).toEqual(await sqliteRead(large.db, 'SELECT count(*) AS n FROM t'));
  });
});
