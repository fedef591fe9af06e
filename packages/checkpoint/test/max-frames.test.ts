import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { integrityCheck, makeTempDir, makeWalDatabase, openSnapshotReader, removeTempDir, runSqlite3, sqliteRead, type SnapshotReader } from '@litewal/sqlite-fixtures';
import { checkpoint, formatCheckpointResult } from '../src/index.js';
import { openConnection, type Connection } from './support/connection.js';

const ROWS = 40;
/** About 45 frames of 4 KiB pages in 2 commits (one 3000-byte row per page). */
const STATEMENTS = ['CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);', `INSERT INTO t(v) SELECT randomblob(3000) FROM generate_series(1, ${ROWS});`];

let dir: string;
let counter = 0;
let cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-checkpoint-max-frames-');
});
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function connection(): Promise<{ db: string; files: Connection; maxFrame: number }> {
  const made = await makeWalDatabase({ dir: path.join(dir, `db-${++counter}`), statements: STATEMENTS });
  const files = await openConnection(made.db);
  cleanup.push(() => files.close());
  return { db: made.db, files, maxFrame: (await files.index.readHeader()).maxFrame };
}

async function reader(db: string): Promise<SnapshotReader> {
  const pinned = await openSnapshotReader(db);
  cleanup.push(() => pinned.session.kill());
  return pinned;
}

describe('maxFrames: a bounded checkpoint step', () => {
  it('PASSIVE copies frames up to nBackfill + maxFrames, step after step, and SQLite reads the same database throughout', async () => {
    const { db, files, maxFrame } = await connection();
    expect(maxFrame).toBeGreaterThan(30);
    const seen = await sqliteRead(db, 'SELECT id, hex(v) AS v FROM t ORDER BY id');
    const steps: string[] = [];
    for (let backfilled = 0; backfilled < maxFrame; backfilled = Math.min(maxFrame, backfilled + 16)) {
      steps.push(formatCheckpointResult(await checkpoint(files, { maxFrames: 16 })));
      const info = await files.index.readCheckpointInfo();
      expect(info.backfilled).toBe(Math.min(maxFrame, backfilled + 16));
      expect(await sqliteRead(db, 'SELECT id, hex(v) AS v FROM t ORDER BY id')).toEqual(seen);
    }
    expect(steps.at(-1)).toBe(`0|${maxFrame}|${maxFrame}`);
    expect(steps[0]).toBe(`0|${maxFrame}|16`);
    expect(await sqliteRead(db, 'SELECT count(*) AS n FROM t', { ignoreWal: true })).toEqual([{ n: ROWS }]);
    expect(await integrityCheck(db)).toBe('ok');
  });

  it('a step records nBackfillAttempted at its bound and leaves read marks at or above the bound alone', async () => {
    const { files, maxFrame } = await connection();
    const marks = (await files.index.readCheckpointInfo()).readMarks;
    expect(marks[1]).toBe(maxFrame); // the recipe's own last reader
    expect(formatCheckpointResult(await checkpoint(files, { maxFrames: 5 }))).toBe(`0|${maxFrame}|5`);
    expect(await files.index.readCheckpointInfo()).toEqual({ backfilled: 5, backfillAttempted: 5, readMarks: marks });
  });

  it('a reader mark below the bound still limits the copy; one above it does not', async () => {
    const { db, files, maxFrame } = await connection();
    await reader(db); // snapshot at maxFrame
    await runSqlite3(db, "INSERT INTO t(v) VALUES('later');", { keepWal: true });
    const log = (await files.index.readHeader()).maxFrame;
    expect(formatCheckpointResult(await checkpoint(files, { maxFrames: 10 }))).toBe(`0|${log}|10`);
    expect(formatCheckpointResult(await checkpoint(files, { maxFrames: 10_000 }))).toBe(`0|${log}|${maxFrame}`);
  });

  it('TRUNCATE with a bound that leaves frames reports busy and keeps the WAL', async () => {
    const { files, maxFrame } = await connection();
    expect(formatCheckpointResult(await checkpoint(files, { mode: 'truncate', maxFrames: 7 }))).toBe(`1|${maxFrame}|7`);
    expect(await files.wal.size()).toBeGreaterThan(0);
    expect(formatCheckpointResult(await checkpoint(files, { mode: 'truncate', maxFrames: maxFrame }))).toBe('0|0|0');
    expect(await files.wal.size()).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('maxFrames %s is a RangeError', async (maxFrames) => {
    const { files } = await connection();
    await expect(checkpoint(files, { maxFrames })).rejects.toThrow(new RangeError(`maxFrames must be a positive integer, got ${maxFrames}`));
  });
});
