import { copyFile, open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyDatabase,
  makeCrashedWalDatabase,
  makeResetWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  sqliteRead,
} from '@litewal/sqlite-fixtures';
import { inspectWal, walHistory, type WalCommit } from '../src/index.js';
import { directoryState } from './support/directory-state.js';
import { runCli as run } from './support/run-cli.js';
import { subdir } from './support/subdir.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-history-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** The commits of the default fixture (recipe A): CREATE TABLE, one row, 100 rows, user_version. */
const DEFAULT_COMMITS: readonly WalCommit[] = [
  { commit: 1, firstFrame: 1, lastFrame: 2, pages: [1, 2], dbSizePages: 2 },
  { commit: 2, firstFrame: 3, lastFrame: 3, pages: [2], dbSizePages: 2 },
  { commit: 3, firstFrame: 4, lastFrame: 4, pages: [2], dbSizePages: 2 },
  { commit: 4, firstFrame: 5, lastFrame: 5, pages: [1], dbSizePages: 2 },
];

/** Flips one bit of a file in place. */
async function flipBit(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const byte = new Uint8Array(1);
    await handle.read(byte, 0, 1, offset);
    byte[0] = (byte[0] as number) ^ 0x10;
    await handle.write(byte, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

describe('litewal history', () => {
  it('lists every commit of the valid prefix as a snapshot, writing nothing', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    const before = await directoryState(sub);
    const { code, out, err } = await run(['history', files.db, '--json']);
    expect([code, err]).toEqual([0, '']);
    const wal = await readFile(files.wal);
    const view = new DataView(wal.buffer, wal.byteOffset);
    expect(JSON.parse(out)).toEqual({
      wal: {
        path: files.wal,
        bytes: wal.length,
        pageSize: 4096,
        checkpointSequence: 0,
        salt1: view.getUint32(16),
        salt2: view.getUint32(20),
        headerValid: true,
      },
      commits: DEFAULT_COMMITS,
      uncommitted: null,
      break: null,
      stale: [],
      beyondBreak: [],
      trailingBytes: 0,
    });
    expect(await directoryState(sub)).toEqual(before);
    // SQLite agrees on the size of the last snapshot.
    const copy = await copyDatabase(files.db, await subdir(dir));
    expect(await sqliteRead(copy.db, 'PRAGMA page_count;')).toEqual([{ page_count: 2 }]);

    const human = await run(['history', files.db]);
    expect(human.code).toBe(0);
    expect(human.out).toContain('commits in the valid prefix: 4\n  commit 1: frames 1..2, database 2 pages; pages changed 1 2\n');
    expect(human.out).toContain('break: none, the valid prefix runs to the end of the file\n');
  });

  it('lists the frames of the older generation left by a reset, with deterministic salts', async () => {
    const seed = 4242;
    const plain = await walHistory((await makeWalDatabase({ dir: await subdir(dir), seed })).db);
    const again = await walHistory((await makeWalDatabase({ dir: await subdir(dir), seed })).db);
    const other = await walHistory((await makeWalDatabase({ dir: await subdir(dir), seed: seed + 1 })).db);
    expect([again.wal.salt1, again.wal.salt2]).toEqual([plain.wal.salt1, plain.wal.salt2]);
    expect([other.wal.salt1, other.wal.salt2]).not.toEqual([plain.wal.salt1, plain.wal.salt2]);
    expect(again.commits).toEqual(plain.commits);

    const files = await makeResetWalDatabase({ dir: await subdir(dir), seed });
    const history = await walHistory(files.db);
    // The same seed and statements: the first generation is the plain fixture's.
    expect(history.wal.checkpointSequence).toBe(1);
    expect(history.wal.salt1).toBe(((plain.wal.salt1 as number) + 1) >>> 0);
    expect(history.commits).toEqual([{ commit: 1, firstFrame: 1, lastFrame: 1, pages: [2], dbSizePages: 2 }]);
    expect(history.break).toEqual({ frame: 2, reason: 'salt-mismatch' });
    expect(history.beyondBreak).toEqual([]);
    expect(history.stale).toEqual([
      {
        firstFrame: 2,
        lastFrame: 5,
        salt1: plain.wal.salt1,
        salt2: plain.wal.salt2,
        checkpointSequence: 0,
        pages: [1, 2],
        commitFrames: plain.commits.filter((c) => c.lastFrame >= 2).map((c) => ({ frame: c.lastFrame, dbSizePages: c.dbSizePages })),
      },
    ]);
    const human = await run(['history', files.db]);
    expect(human.out).toContain(`older generations left in the file: \n  frames 2..5: stale salts, salts ${plain.wal.salt1} ${plain.wal.salt2}, checkpoint sequence 0; pages 1 2; commit frames 2 (2 pages), 3 (2 pages), 4 (2 pages), 5 (2 pages)\n`);
  });

  it('shows the break left by a savepoint rollback and the frames beyond it, which SQLite never reads', async () => {
    const files = await makeWalDatabase({
      dir: await subdir(dir),
      pageSize: 1024,
      statements: [
        'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
        'INSERT INTO t(v) SELECT randomblob(800) FROM generate_series(1,10);',
        'PRAGMA cache_size=10;',
        'BEGIN;',
        'SAVEPOINT s;',
        'INSERT INTO t(v) SELECT randomblob(800) FROM generate_series(1,100);', // spills frames into the WAL
        'ROLLBACK TO s;', // the WAL's end moves back; the spilled frames stay in the file
        'INSERT INTO t(v) VALUES(randomblob(800));',
        'COMMIT;',
      ],
    });
    const history = await walHistory(files.db);
    const last = history.commits.at(-1) as WalCommit;
    expect(history.commits).toHaveLength(3);
    expect(history.break).toEqual({ frame: last.lastFrame + 1, reason: 'checksum-mismatch' });
    expect(history.stale).toEqual([]);
    expect(history.beyondBreak).toHaveLength(1);
    const beyond = history.beyondBreak[0];
    expect(beyond).toMatchObject({ firstFrame: last.lastFrame + 1, salt1: history.wal.salt1, salt2: history.wal.salt2, checkpointSequence: 0, commitFrames: [] });
    expect(beyond?.lastFrame).toBe(Math.floor((history.wal.bytes - 32) / (1024 + 24)));
    expect(beyond?.pages.length).toBeGreaterThan(50);
    // SQLite sees the 11 committed rows and nothing of the rolled-back ones.
    const copy = await copyDatabase(files.db, await subdir(dir));
    expect(await sqliteRead(copy.db, 'SELECT count(*) AS n FROM t;')).toEqual([{ n: 11 }]);
    const report = await inspectWal(files.db);
    expect(report.space.brokenFrames).toBe((beyond?.lastFrame ?? 0) - last.lastFrame);
    expect(report.diagnosis.map((d) => d.code)).toContain('chain-break');
  });

  it('shows the commits beyond a checksum break caused by a flipped bit', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    await flipBit(files.wal, 32 + 2 * (4096 + 24) + 24 + 1000); // page data of frame 3
    const history = await walHistory(files.db);
    expect(history.commits).toEqual(DEFAULT_COMMITS.slice(0, 1));
    expect(history.break).toEqual({ frame: 3, reason: 'checksum-mismatch' });
    expect(history.beyondBreak).toEqual([
      {
        firstFrame: 3,
        lastFrame: 5,
        salt1: history.wal.salt1,
        salt2: history.wal.salt2,
        checkpointSequence: 0,
        pages: [1, 2],
        commitFrames: DEFAULT_COMMITS.slice(1).map((c) => ({ frame: c.lastFrame, dbSizePages: c.dbSizePages })),
      },
    ]);
    const report = await inspectWal(files.db);
    expect(report.diagnosis.find((d) => d.code === 'chain-break')?.message).toBe(
      `the checksum chain stops at frame 3 (checksum-mismatch), and 3 frames after it still carry this generation's salts: SQLite never reads them. If commits are missing, run \`litewal history ${files.wal}\` to see what lies beyond the break before anything writes to this database`,
    );
    const human = await run(['history', files.db]);
    expect(human.out).toContain('break: frame 3, checksum-mismatch\n');
    expect(human.out).toContain('  frames 3..5: current salts, unreachable');
  });

  it('lists the uncommitted tail, zeroed-salt frames and a torn last frame of a crashed writer', async () => {
    const sub = await subdir(dir);
    const files = await makeCrashedWalDatabase({ dir: sub, name: 'crash.db', pageSize: 1024, tail: 'broken' });
    const wal = await readFile(files.wal);
    await truncate(files.wal, wal.length - 100);
    const history = await walHistory(files.wal);
    const { frames } = (await inspectWal(files.wal)).wal;
    expect(history.commits.map((c) => c.commit)).toEqual([...Array(frames.commits).keys()].map((i) => i + 1));
    expect(history.commits.at(-1)?.lastFrame).toBe(frames.committed);
    expect(history.uncommitted).toMatchObject({ firstFrame: frames.committed + 1, lastFrame: frames.chained });
    expect(history.break).toEqual({ frame: frames.chained + 1, reason: 'checksum-mismatch' });
    expect(history.beyondBreak.some((run) => run.salt1 === 0 && run.salt2 === 0)).toBe(true);
    expect(history.trailingBytes).toBe((wal.length - 100 - 32) % (1024 + 24));
    const report = await inspectWal(files.wal);
    expect(report.diagnosis.map((d) => d.code)).toEqual(['uncommitted-tail', 'chain-break', 'torn-frame']);
    expect(report.diagnosis[0]?.message).toBe(
      `${frames.uncommittedTail} valid frames after the last commit frame (${frames.committed + 1}..${frames.chained}) belong to a transaction that never committed (no process holds the write lock): SQLite ignores them and overwrites them with the next write; nothing to do`,
    );
    const human = await run(['history', files.wal]);
    expect(human.out).toMatch(/zeroed salts, salts 0 0/);
    expect(human.out).toContain(`torn: ${history.trailingBytes} bytes of a partial frame at the end\n`);
  });

  it('reads a WAL given by a path without -wal, and one whose header SQLite rejects', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    const loose = join(sub, 'evidence.bin');
    await copyFile(files.wal, loose);
    const history = await walHistory(loose);
    expect(history.commits).toEqual(DEFAULT_COMMITS);
    const report = await inspectWal(loose);
    expect([report.shm, report.database]).toEqual([null, null]);
    expect(report.diagnosis.map((d) => d.code)).toEqual(['healthy']);

    await flipBit(loose, 8); // the page size field: the header checksum fails
    expect(await walHistory(loose)).toMatchObject({
      wal: { headerValid: false },
      commits: [],
      uncommitted: null,
      break: { frame: 1, reason: 'no-header' },
      stale: [],
      beyondBreak: [],
    });
  });

  it('exits 2 on bad usage and unusable input', async () => {
    expect((await run(['history'])).code).toBe(2);
    expect((await run(['history', 'a', 'b'])).code).toBe(2);
    const missing = await run(['history', join(dir, 'missing.db'), '--json']);
    expect([missing.code, missing.out]).toEqual([2, '']);
    expect(missing.err).toMatch(/does not exist/);
    expect((await run(['--help'])).out).toContain('litewal history <db | db-wal> [--json]');
  });
});
