import { copyFile, readdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyDatabase,
  makeCrashedWalDatabase,
  makeResetWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  runSqlite3,
  sqliteRead,
  type DatabaseFiles,
} from '@litewal/sqlite-fixtures';
import { checkWalPairing, type WalPairing } from '../src/doctor/pair-check.js';
import { exportSnapshot } from '../src/export/export-snapshot.js';
import { runCli as run } from './support/run-cli.js';
import { subdir } from './support/subdir.js';
import { frameOffset, patchFile, walCommitFrames } from './support/wal-frames.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-pair-check-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** Ten commits of one 4 KiB-page row each (plus the table), so breaks have commits after them. */
const TEN_COMMITS = [
  'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
  ...Array.from({ length: 10 }, () => 'INSERT INTO t(v) VALUES(randomblob(3800));'),
];

async function pairCheck(db: string): Promise<{ code: number; report: WalPairing }> {
  const { code, out, err } = await run(['pair-check', db, '--json']);
  expect(err).toBe('');
  return { code, report: JSON.parse(out) as WalPairing };
}

const codes = (r: WalPairing): string[] => r.reasons.map((x) => x.code);
const breakCodes = (r: WalPairing): string[] => r.breaks.map((b) => `${b.code}${b.normal ? '' : '!'}`);

async function fresh(name: string, make: (sub: string) => Promise<DatabaseFiles>): Promise<DatabaseFiles> {
  return make(await subdir(dir, name));
}

describe('litewal pair-check', () => {
  it('reports a WAL that SQLite wrote for the database beside it as ok, with the JSON contract, and creates no -shm', async () => {
    const files = await fresh('ok', (sub) => makeWalDatabase({ dir: sub }));
    await rm(files.shm);
    const { code, report } = await pairCheck(files.db);
    expect(code).toBe(0);
    expect(report).toEqual({
      pairing: 'ok',
      reasons: [],
      breaks: [],
      lostCommitsBeyondBreak: 0,
      db: { path: files.db, bytes: 4096, pageSize: 4096, changeCounter: expect.any(Number), writeVersion: 2, readVersion: 2 },
      wal: {
        path: files.wal,
        bytes: expect.any(Number),
        headerValid: true,
        pageSize: 4096,
        checkpointSequence: 0,
        salt1: expect.any(Number),
        salt2: expect.any(Number),
        framesInFile: 5,
        validFrames: 5,
        committedFrames: 5,
        commits: 4,
        dbSizePages: 2,
      },
    });
    expect(await readdir(join(dir, 'ok'))).toEqual(['test.db', 'test.db-wal']);
    expect((await run(['pair-check', files.db])).out).toMatch(/^pairing\s+ok$/m);
  });

  it('reports a restored older database beside a newer WAL as foreign (DB_OLDER_THAN_WAL)', async () => {
    const files = await fresh('restore', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    const backup = join(dir, 'restore', 'backup.db');
    await copyFile(files.db, backup); // the database file as it was before its WAL was checkpointed
    await runSqlite3(files.db, ['PRAGMA wal_checkpoint(TRUNCATE);', 'INSERT INTO t(v) VALUES(randomblob(3800));'], { keepWal: true });
    expect((await pairCheck(files.db)).report.pairing).toBe('ok');
    await rename(backup, files.db);
    const { code, report } = await pairCheck(files.db);
    expect(code).toBe(1);
    expect(report.pairing).toBe('foreign');
    expect(codes(report)).toContain('DB_OLDER_THAN_WAL');
    const refused = await run(['export', files.db, '--out', join(dir, 'restore', 'out.db')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/the database file's change counter is \d+, but the WAL was written on a database at \d+/);
  });

  it('reports a stale WAL beside a fresh database: empty (DB_EMPTY) or rebuilt (foreign)', async () => {
    const files = await fresh('fresh', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    await writeFile(files.db, '');
    const empty = await pairCheck(files.db);
    expect([empty.code, empty.report.pairing, codes(empty.report)]).toEqual([1, 'foreign', ['DB_EMPTY']]);
    await rm(files.db);
    expect(codes((await pairCheck(files.db)).report)).toEqual(['DB_MISSING']);
    // A new database with its own content, written in rollback mode and switched to WAL.
    const other = join(dir, 'fresh', 'other.db');
    await runSqlite3(other, [
      'CREATE TABLE a(x);',
      ...Array.from({ length: 5 }, () => 'INSERT INTO a VALUES(randomblob(3000));'),
      'PRAGMA journal_mode=WAL;',
    ]);
    await rename(other, files.db);
    const rebuilt = await pairCheck(files.db);
    expect(rebuilt.code).toBe(1);
    expect(rebuilt.report.pairing).toBe('foreign');
    expect(codes(rebuilt.report)).toContain('CHANGE_COUNTER_BACKWARDS');
  });

  it('reports a page-size mismatch as foreign', async () => {
    const big = await fresh('ps4k', (sub) => makeWalDatabase({ dir: sub, pageSize: 4096 }));
    const small = await fresh('ps1k', (sub) => makeWalDatabase({ dir: sub, pageSize: 1024 }));
    await copyFile(big.wal, small.wal);
    const { code, report } = await pairCheck(small.db);
    expect([code, report.pairing, codes(report)]).toEqual([1, 'foreign', ['PAGE_SIZE_MISMATCH']]);
    expect(report.reasons[0]?.message).toContain('the database page size is 1024, the WAL\'s 4096');
  });

  it('reports a database whose change counter went past the WAL (stale WAL put back) as CHANGE_COUNTER_BACKWARDS', async () => {
    const files = await fresh('backwards', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    const oldWal = join(dir, 'backwards', 'old-wal');
    await copyFile(files.wal, oldWal);
    await runSqlite3(files.db, ['INSERT INTO t(v) VALUES(randomblob(3800));', 'PRAGMA wal_checkpoint(TRUNCATE);'], { keepWal: true });
    await rm(files.shm, { force: true });
    await rename(oldWal, files.wal);
    const { code, report } = await pairCheck(files.db);
    expect([code, report.pairing]).toEqual([1, 'foreign']);
    expect(codes(report)).toEqual(['CHANGE_COUNTER_BACKWARDS']);
    expect(report.reasons[0]?.message).toMatch(/change counter is \d+, but the newest page 1 in the WAL has \d+/);
    const refused = await run(['export', files.db, '--out', join(dir, 'backwards', 'out.db')]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/newer than page 1 at commit 11 \(\d+\): the file holds a later state/);
  });

  it('counts the commits SQLite silently drops after a mid-log break, and SQLite does drop them', async () => {
    const files = await fresh('midlog', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    const { pageSize, commitFrames } = await walCommitFrames(files.wal);
    const broken = (commitFrames[3] as number) + 1; // the first frame of commit 5: not a commit frame
    expect(commitFrames).not.toContain(broken);
    await patchFile(files.wal, frameOffset(broken, pageSize) + 24 + 1000, new Uint8Array([0xff, 0x00, 0xff]));
    const lost = commitFrames.filter((f) => f > broken).length;
    const { code, report } = await pairCheck(files.db);
    expect(code).toBe(1);
    expect(report.pairing).toBe('ok'); // the WAL is this database's: the damage is inside it
    expect(breakCodes(report)).toEqual(['MID_LOG_CORRUPTION!']);
    expect(report.breaks[0]).toMatchObject({ frame: broken, lostCommits: lost });
    expect(report.lostCommitsBeyondBreak).toBe(lost);
    expect(report.wal?.commits).toBe(4);
    // SQLite sees 3 of the 10 rows: the commits after the break are gone for it.
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 3 }]);
  });

  it('flags the valid frames before a damaged commit frame as part of the damage', async () => {
    const files = await fresh('midlog-commit', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    const { pageSize, commitFrames } = await walCommitFrames(files.wal);
    const damaged = commitFrames[5] as number;
    expect(damaged - (commitFrames[4] as number)).toBeGreaterThan(1); // the transaction has frames before its commit frame
    await patchFile(files.wal, frameOffset(damaged, pageSize) + 24 + 2000, new Uint8Array([0x5a]));
    const { code, report } = await pairCheck(files.db);
    expect(code).toBe(1);
    expect(breakCodes(report)).toEqual(['UNCOMMITTED_TAIL!', 'MID_LOG_CORRUPTION!']);
    expect(report.breaks.map((b) => b.frame)).toEqual([(commitFrames[4] as number) + 1, damaged]);
    expect(report.lostCommitsBeyondBreak).toBe(commitFrames.length - 6);
  });

  it('reports a zero page number with the commits beyond it', async () => {
    const files = await fresh('zero', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    const { pageSize, commitFrames } = await walCommitFrames(files.wal);
    const frame = (commitFrames[6] as number) + 1;
    await patchFile(files.wal, frameOffset(frame, pageSize), new Uint8Array(4));
    const { code, report } = await pairCheck(files.db);
    expect(code).toBe(1);
    expect(breakCodes(report)).toEqual(['ZERO_PAGE!']);
    expect(report.breaks[0]).toMatchObject({ frame, lostCommits: commitFrames.filter((f) => f > frame).length });
  });

  it('reports a torn tail, an uncommitted tail and a salt change as normal (exit 0)', async () => {
    const torn = await fresh('torn', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    const { pageSize, frames, commitFrames } = await walCommitFrames(torn.wal);
    await truncate(torn.wal, frameOffset(frames, pageSize) + 100);
    const t = await pairCheck(torn.db);
    expect([t.code, t.report.pairing, breakCodes(t.report), t.report.lostCommitsBeyondBreak]).toEqual([0, 'ok', ['UNCOMMITTED_TAIL', 'TORN_TAIL'], 0]);
    // Cutting the last commit frame leaves the other frames of its transaction uncommitted.
    expect(t.report.breaks.map((b) => b.frame)).toEqual([(commitFrames.at(-2) as number) + 1, frames]);

    const crashed = await fresh('crashed', (sub) => makeCrashedWalDatabase({ dir: sub, tail: 'broken', tailRows: 60 }));
    const c = await pairCheck(crashed.db);
    expect([c.code, c.report.pairing, c.report.lostCommitsBeyondBreak]).toEqual([0, 'ok', 0]);
    expect(breakCodes(c.report)).toEqual(['UNCOMMITTED_TAIL', 'TORN_TAIL']);

    const reset = await fresh('reset', (sub) => makeResetWalDatabase({ dir: sub }));
    const r = await pairCheck(reset.db);
    expect([r.code, r.report.pairing, breakCodes(r.report)]).toEqual([0, 'ok', ['SALT_CHANGE']]);
    expect(r.report.wal?.checkpointSequence).toBe(1);
  });

  it('reports the unsealed frames a savepoint rollback after spilling pages leaves as normal, and export matches SQLite', async () => {
    const files = await fresh('savepoint', (sub) =>
      makeWalDatabase({
        dir: sub,
        statements: [
          'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
          'INSERT INTO t(v) SELECT randomblob(3800) FROM generate_series(1,5);',
          'PRAGMA cache_size=10;',
          'BEGIN;',
          'INSERT INTO t(v) SELECT randomblob(3800) FROM generate_series(1,40);',
          'SAVEPOINT s;',
          'UPDATE t SET v = randomblob(3800) WHERE id <= 30;',
          'INSERT INTO t(v) SELECT randomblob(3800) FROM generate_series(1,20);',
          'ROLLBACK TO s;',
          'INSERT INTO t(v) VALUES(randomblob(100));',
          'COMMIT;',
          'INSERT INTO t(v) VALUES(randomblob(100));',
        ],
      }),
    );
    const { code, report } = await pairCheck(files.db);
    expect([code, report.pairing, report.lostCommitsBeyondBreak]).toEqual([0, 'ok', 0]);
    // The frames spilled after the savepoint and rolled back stay after the last commit, unsealed.
    expect(breakCodes(report)).toEqual(['UNSEALED_FRAMES']);
    expect(report.breaks[0]?.frame).toBe((report.wal?.committedFrames ?? 0) + 1);
    expect(report.wal?.framesInFile).toBeGreaterThan(report.wal?.committedFrames ?? 0);
    const out = join(dir, 'savepoint', 'export.db');
    await exportSnapshot(files.db, out);
    const rows = 'SELECT count(*) AS n, sum(length(v)) AS bytes, group_concat(hex(substr(v, 1, 16))) AS heads FROM t';
    expect(await sqliteRead(out, rows)).toEqual(await sqliteRead(files.db, rows));
    expect(await sqliteRead(out, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 47 }]);
  });

  it('reports commits that record more pages than a truncated database file and the WAL hold', async () => {
    const files = await fresh('short', (sub) => makeWalDatabase({ dir: sub, statements: TEN_COMMITS }));
    await runSqlite3(files.db, ['PRAGMA wal_checkpoint(TRUNCATE);', 'INSERT INTO t(v) VALUES(randomblob(3800));'], { keepWal: true });
    await truncate(files.db, 4096);
    const { code, report } = await pairCheck(files.db);
    expect([code, report.pairing, codes(report)]).toEqual([1, 'suspect', ['COMMIT_SIZE_BEYOND_FILES']]);
    expect(report.reasons[0]?.message).toMatch(/^commit 1 \(frame \d+\) records a database of \d+ pages, but page \d+ is neither in the 4096-byte database file nor in the WAL/);
  });

  it('reports a rollback-journal database file (header bytes 18/19 = 1/1) beside a WAL as suspect', async () => {
    const files = await fresh('notwal', (sub) => makeWalDatabase({ dir: sub }));
    const exported = join(dir, 'notwal', 'exported.db');
    await exportSnapshot(files.db, exported, { atCommit: 1 });
    await rename(exported, files.db);
    const { code, report } = await pairCheck(files.db);
    expect([code, report.pairing, codes(report)]).toEqual([1, 'suspect', ['DB_NOT_WAL_MODE']]);
    expect(report.reasons[0]?.message).toContain('database header bytes 18/19 are 1/1, a database in WAL mode has 2/2');
  });

  it('exits 2 for unusable input', async () => {
    expect((await run(['pair-check', join(dir, 'nothing.db')])).code).toBe(2);
    expect((await run(['pair-check', dir])).code).toBe(2);
    expect((await run(['pair-check'])).code).toBe(2);
  });

  it('compares copies only: the source files are left byte for byte', async () => {
    const files = await fresh('untouched', (sub) => makeWalDatabase({ dir: sub }));
    const copy = await copyDatabase(files.db, join(dir, 'untouched'), 'copy.db');
    await pairCheck(files.db);
    expect(await sqliteRead(copy.db, 'SELECT count(*) AS n FROM t')).toEqual(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t'));
  });
});
