import { copyFile, mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck, makeTempDir, makeWalDatabase, removeTempDir, runSqlite3, sqliteRead } from '@litewal/sqlite-fixtures';
import { runCli as run } from './support/run-cli.js';
import { verifyDatabase, type VerifyReport } from '../src/index.js';
import { frameOffset, patchFile, walCommitFrames } from './support/wal-frames.js';

let dir: string;
let healthy: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-verify-');
  healthy = join(dir, 'healthy.db');
  await runSqlite3(healthy, [
    'PRAGMA page_size=1024;',
    'CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b);',
    'CREATE INDEX t_a ON t(a);',
    "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 400) INSERT INTO t(a, b) SELECT 'a' || i, zeroblob(i * 5) FROM s;",
  ]);
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function snapshot(of: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const name of await readdir(of)) {
    const s = await stat(join(of, name));
    result[name] = `${s.size}:${s.mtimeMs}`;
  }
  return result;
}

/** A copy of the healthy database with one row's index entry changed, so the index disagrees with its table. */
async function corruptedCopy(name: string): Promise<string> {
  const bytes = new Uint8Array(await readFile(healthy));
  const needle = new TextEncoder().encode('a123');
  // 'a123' is stored twice, in the table row and in its index entry: changing one copy makes them disagree.
  let at = -1;
  for (let i = bytes.length - needle.length; i >= 0 && at < 0; i--) {
    if (needle.every((b, k) => bytes[i + k] === b)) at = i;
  }
  bytes[at + 1] = '9'.charCodeAt(0);
  const file = join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** Ten commits of one 4 KiB-page row each (plus the table), so a break has commits after it. */
const TEN_COMMITS = [
  'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
  ...Array.from({ length: 10 }, () => 'INSERT INTO t(v) VALUES(randomblob(3800));'),
];

describe('litewal verify', () => {
  it('exits 0 with the JSON contract for a database SQLite calls ok, and writes nothing', async () => {
    expect(await integrityCheck(healthy)).toBe('ok');
    const before = await snapshot(dir);
    const { code, out, err } = await run(['verify', healthy, '--json']);
    expect([code, err]).toEqual([0, '']);
    const pages = (await stat(healthy)).size / 1024;
    const report = JSON.parse(out) as VerifyReport;
    expect(report).toMatchObject({ ok: true, level: 5, pages, issues: [], wal: { pairing: 'ok', breaks: [], lostCommitsBeyondBreak: 0 } });
    expect(report.wal.reasons.map((r) => r.code)).toEqual(['WAL_ABSENT']);
    expect(await snapshot(dir)).toEqual(before);
    const human = await run(['verify', healthy]);
    expect(human).toEqual({ code: 0, out: `${healthy}: ok (${pages} pages, levels 1-5)\nwal: ok\n`, err: '' });
  });

  it('exits 1 and lists the issue for a database SQLite calls corrupt', async () => {
    const file = await corruptedCopy('bad-index.db');
    expect(await integrityCheck(file)).not.toBe('ok');
    const { code, out, err } = await run(['verify', file, '--json']);
    expect([code, err]).toEqual([1, '']);
    const report = JSON.parse(out) as { ok: boolean; level: number; issues: { level: number; page: number; code: string; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.issues.map((i) => i.code)).toEqual(['index-content']);
    expect(report.issues[0]).toMatchObject({ level: 5, severity: 'error', message: expect.stringContaining('index t_a') });
    // The same database passes levels 1..4: the damage is only visible to the record checks.
    expect(JSON.parse((await run(['verify', file, '--json', '--level', '4'])).out)).toMatchObject({ ok: true, level: 4, issues: [] });
    const human = await run(['verify', file, '--level=5']);
    expect(human.code).toBe(1);
    expect(human.out).toContain(`${file}: 1 error (`);
    expect(human.out).toContain('index-content: the entries of index t_a differ from what the 400 rows of table t imply (key fingerprints differ)');
  });

  it('a flipped b-tree page type is a level 1 issue with its page', async () => {
    const bytes = new Uint8Array(await readFile(healthy));
    bytes[1024] = 0x07; // page 2 is the table's root
    const file = join(dir, 'bad-type.db');
    await writeFile(file, bytes);
    expect(await integrityCheck(file)).not.toBe('ok');
    const { code, out } = await run(['verify', file, '--json', '--level', '1']);
    expect(code).toBe(1);
    expect(JSON.parse(out).issues).toEqual([
      { level: 1, page: 2, code: 'page-type', severity: 'error', message: 'page 2 has page type 7, not a b-tree page (2, 5, 10 or 13)' },
    ]);
  });

  it('checks a database with a WAL as SQLite would read it', async () => {
    const sub = join(dir, 'wal');
    await mkdir(sub);
    const files = await makeWalDatabase({ dir: sub, name: 'w.db' });
    const before = await snapshot(sub);
    const { code, out } = await run(['verify', files.db, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: true, issues: [] });
    expect(await snapshot(sub)).toEqual(before);
  });

  it('exits 2 for a missing file, a directory, a file that is not a database and bad usage', async () => {
    const notDb = join(dir, 'notes.txt');
    const text = `hello, this is not a database${'.'.repeat(100)}`;
    await writeFile(notDb, text);
    const missing = await run(['verify', join(dir, 'nope.db')]);
    expect(missing).toEqual({ code: 2, out: '', err: `litewal verify: ${join(dir, 'nope.db')}: no such file\n` });
    expect((await run(['verify', dir])).err).toBe(`litewal verify: ${dir}: is a directory, not a database file\n`);
    const bad = await run(['verify', notDb, '--json']);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe('');
    expect(bad.err).toBe(`litewal verify: ${notDb}: not a SQLite database (${text.length} bytes): the first 16 bytes are not "SQLite format 3\\0" (byte 0 is 0x68)\nhint: litewal verify checks SQLite database files (not a -wal or -shm)\n`);
    expect((await run(['verify'])).code).toBe(2);
    expect(await run(['verify', healthy, '--level', '6'])).toMatchObject({ code: 2, err: 'litewal verify: --level must be 1, 2, 3, 4 or 5, got "6"\n' });
    await expect(verifyDatabase(notDb)).rejects.toMatchObject({ name: 'EngineError', code: 'ERR_ENGINE_INPUT' });
  });

  it('pair-checks the WAL first: a restored older database beside a newer WAL is foreign (exit 1)', async () => {
    const sub = join(dir, 'restored');
    await mkdir(sub);
    const files = await makeWalDatabase({ dir: sub, statements: TEN_COMMITS });
    const backup = join(sub, 'backup.db');
    await copyFile(files.db, backup);
    await runSqlite3(files.db, ['PRAGMA wal_checkpoint(TRUNCATE);', 'INSERT INTO t(v) VALUES(randomblob(3800));'], { keepWal: true });
    expect((await run(['verify', files.db, '--json'])).code).toBe(0);
    await rename(backup, files.db);
    const { code, out } = await run(['verify', files.db, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out) as VerifyReport;
    expect(report.ok).toBe(false);
    expect(report.wal.pairing).toBe('foreign');
    expect(report.wal.reasons.map((r) => r.code)).toContain('DB_OLDER_THAN_WAL');
    expect((await run(['verify', files.db])).out).toMatch(/^wal: foreign\n  DB_OLDER_THAN_WAL: /m);
  });

  it('reports a mid-log break with the commits SQLite drops beyond it (exit 1), the pages SQLite reads being sound', async () => {
    const sub = join(dir, 'midlog');
    await mkdir(sub);
    const files = await makeWalDatabase({ dir: sub, statements: TEN_COMMITS });
    const { pageSize, commitFrames } = await walCommitFrames(files.wal);
    const broken = (commitFrames[3] as number) + 1;
    await patchFile(files.wal, frameOffset(broken, pageSize) + 24 + 1000, new Uint8Array([0xff, 0x00, 0xff]));
    const lost = commitFrames.filter((f) => f > broken).length;
    const { code, out } = await run(['verify', files.db, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out) as VerifyReport;
    expect(report).toMatchObject({ ok: false, issues: [], wal: { pairing: 'ok', lostCommitsBeyondBreak: lost } });
    expect(report.wal.breaks.map((b) => [b.code, b.normal])).toEqual([['MID_LOG_CORRUPTION', false]]);
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
    expect((await run(['verify', files.db])).out).toContain(`wal: ok, ${lost} committed transactions beyond a break that SQLite drops`);
  });
});
