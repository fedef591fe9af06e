import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DEFAULT_STATEMENTS,
  integrityCheck,
  makeTempDir,
  makeWalDatabase,
  RecipeError,
  removeTempDir,
  Sqlite3ProcessError,
  sqliteRead,
} from '../src/index.js';
import { FRAME_HEADER_BYTES, frameHeader, readBytes, scanWal, WAL_HEADER_BYTES, WAL_MAGIC_BE, WAL_MAGIC_LE } from './support/wal-bytes.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('fixtures-a-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

async function snapshot(files: { db: string; wal: string; shm: string }): Promise<Buffer[]> {
  return Promise.all([readFile(files.db), readFile(files.wal), readFile(files.shm)]);
}

describe('makeWalDatabase (recipe A)', () => {
  it('leaves a db, a -shm, and a WAL of 5 committed frames that SQLite reads', async () => {
    const files = await makeWalDatabase({ dir });
    expect(files).toEqual({ db: path.join(dir, 'test.db'), wal: path.join(dir, 'test.db-wal'), shm: path.join(dir, 'test.db-shm') });
    expect((await stat(files.db)).size).toBe(4096); // only page 1 ever reached the db file
    expect((await stat(files.shm)).size).toBe(32768);

    const wal = await readBytes(files.wal);
    expect(wal.byteLength).toBe(WAL_HEADER_BYTES + 5 * (4096 + FRAME_HEADER_BYTES));
    const scan = scanWal(wal);
    expect([WAL_MAGIC_LE, WAL_MAGIC_BE]).toContain(scan.header.magic);
    expect(scan.header).toMatchObject({ version: 3007000, pageSize: 4096, sequence: 0 });
    expect(scan).toMatchObject({ frameCount: 5, firstInvalidFrame: undefined, lastCommitFrame: 5 });
    expect(frameHeader(wal, 5, 4096).commitSize).toBe(2);

    const before = await snapshot(files);
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n, max(v) AS last FROM t')).toEqual([{ n: 101, last: 'x99' }]);
    expect(await sqliteRead(files.db, 'PRAGMA user_version', { engine: 'cli' })).toEqual([{ user_version: 7 }]);
    expect(await integrityCheck(files.db)).toBe('ok');
    expect(await integrityCheck(files.db, { engine: 'cli' })).toBe('ok');
    expect(await snapshot(files)).toEqual(before); // reads go to copies: the fixture is untouched
  });

  it('keeps everything in the WAL: the db file alone has no table', async () => {
    const files = await makeWalDatabase({ dir });
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM sqlite_schema', { ignoreWal: true })).toEqual([{ n: 0 }]);
  });

  it('is byte-for-byte repeatable for a seed, and the seed changes the salts', async () => {
    const one = await makeWalDatabase({ dir, name: 'one.db', seed: 7 });
    const two = await makeWalDatabase({ dir, name: 'two.db', seed: 7 });
    const other = await makeWalDatabase({ dir, name: 'other.db', seed: 8 });
    expect(await snapshot(two)).toEqual(await snapshot(one));
    const salts = async (wal: string): Promise<number[]> => {
      const { salt1, salt2 } = scanWal(await readBytes(wal)).header;
      return [salt1, salt2];
    };
    expect(await salts(other.wal)).not.toEqual(await salts(one.wal));
  });

  it.each([512, 1024, 65536])('honours page size %i', async (pageSize) => {
    const files = await makeWalDatabase({
      dir,
      pageSize,
      statements: ['CREATE TABLE t(v);', 'INSERT INTO t VALUES (randomblob(100));'],
    });
    const wal = await readBytes(files.wal);
    const scan = scanWal(wal);
    expect(scan.header.pageSize).toBe(pageSize);
    expect(wal.byteLength).toBe(WAL_HEADER_BYTES + scan.frameCount * (pageSize + FRAME_HEADER_BYTES));
    expect(scan.lastCommitFrame).toBe(scan.frameCount);
    expect(await sqliteRead(files.db, 'PRAGMA page_size')).toEqual([{ page_size: pageSize }]);
  });

  it('runs caller statements, dot-commands included', async () => {
    const files = await makeWalDatabase({ dir, statements: ['CREATE TABLE k(a)', '.print ignored', 'INSERT INTO k VALUES (42)'] });
    expect(await sqliteRead(files.db, 'SELECT a FROM k')).toEqual([{ a: 42 }]);
    expect(DEFAULT_STATEMENTS).toHaveLength(4);
  });

  it('refuses to reuse an existing database', async () => {
    await makeWalDatabase({ dir });
    const error = await makeWalDatabase({ dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipeError);
    expect((error as RecipeError).code).toBe('ERR_SQLITE_FIXTURES_RECIPE');
    expect((error as Error).message).toMatch(/already exists/);
  });

  it('fails loudly when a statement fails or the WAL is checkpointed away', async () => {
    const failed = await makeWalDatabase({ dir, name: 'bad.db', statements: ['SELECT nope;'] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Sqlite3ProcessError);
    expect((failed as Error).message).toMatch(/no such column: nope/);

    const emptied = await makeWalDatabase({
      dir,
      name: 'emptied.db',
      statements: ['CREATE TABLE t(v);', 'PRAGMA wal_checkpoint(TRUNCATE);'],
    }).catch((e: unknown) => e);
    expect(emptied).toBeInstanceOf(RecipeError);
    expect((emptied as Error).message).toMatch(/holds no frame/);
  });

  it('rejects bad parameters before running anything', async () => {
    await expect(makeWalDatabase({ dir, pageSize: 1000 })).rejects.toThrow(RangeError);
    await expect(makeWalDatabase({ dir, seed: -1 })).rejects.toThrow(RangeError);
    await expect(makeWalDatabase({ dir, name: '../x.db' })).rejects.toThrow(RangeError);
  });
});
