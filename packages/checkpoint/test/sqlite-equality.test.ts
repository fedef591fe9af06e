import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { copyDatabase, integrityCheck, makeCrashedWalDatabase, makeResetWalDatabase, makeTempDir, removeTempDir, type DatabaseFiles } from '@litewal/sqlite-fixtures';
import { MODES, contents, fileBytes, fileSize, litewalCheckpoint, sqliteCheckpoint, twins } from './support/sqlite-twins.js';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await makeTempDir('litewal-checkpoint-equality-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** Every mode at the smallest, the default and the largest page size; TRUNCATE at all the others. */
const CASES = [512, 4096, 65536].flatMap((pageSize) => MODES.map((mode) => [pageSize, mode] as const)).concat(
  [1024, 2048, 8192, 16384, 32768].map((pageSize) => [pageSize, 'truncate'] as const),
);

describe('litewal and SQLite on twin copies', () => {
  it.each(CASES)('page size %i, %s: same result, byte-identical database, same WAL size, integrity ok, same rows', async (pageSize, mode) => {
    const { litewal, sqlite } = await twins(dir, `eq-${pageSize}-${mode}-${++counter}`, pageSize);
    const before = await contents(litewal.db);
    const walBefore = await fileSize(litewal.wal);
    const dbBefore = await fileSize(litewal.db);
    const expected = await sqliteCheckpoint(sqlite.db, mode);
    expect(await litewalCheckpoint(litewal.db, mode)).toBe(expected);
    expect(expected).toMatch(mode === 'truncate' ? /^0\|0\|0$/ : /^0\|(\d+)\|\1$/);
    expect(Buffer.compare(await fileBytes(litewal.db), await fileBytes(sqlite.db))).toBe(0);
    expect(await fileSize(litewal.db)).toBeLessThan(dbBefore); // the VACUUM shrank it: truncated to nPage
    expect(await fileSize(litewal.wal)).toBe(await fileSize(sqlite.wal));
    expect(await fileSize(litewal.wal)).toBe(mode === 'truncate' ? 0 : walBefore);
    expect(await integrityCheck(litewal.db)).toBe('ok');
    expect(await integrityCheck(litewal.db, { ignoreWal: true })).toBe('ok');
    expect(await contents(litewal.db)).toEqual(before);
  });
});

describe('WALs with frames past the last commit: only committed frames are copied, as SQLite', () => {
  const recipes: ReadonlyArray<readonly [string, (dir: string) => Promise<DatabaseFiles>]> = [
    ['recipe B, a crash left a valid uncommitted tail', (at) => makeCrashedWalDatabase({ dir: at, tail: 'valid' })],
    ['recipe B, a crash left a tail whose chain breaks', (at) => makeCrashedWalDatabase({ dir: at, tail: 'broken' })],
    ['recipe C, a restarted WAL with stale frames of the previous generation', (at) => makeResetWalDatabase({ dir: at })],
  ];
  it.each(recipes)('%s', async (_, make) => {
    const at = path.join(dir, `tail-${++counter}`);
    const made = await make(at);
    for (const mode of ['passive', 'truncate'] as const) {
      const litewal = await copyDatabase(made.db, at, `litewal-${mode}.db`);
      const sqlite = await copyDatabase(made.db, at, `sqlite-${mode}.db`);
      const before = await contents(made.db);
      expect(await litewalCheckpoint(litewal.db, mode)).toBe(await sqliteCheckpoint(sqlite.db, mode));
      expect(Buffer.compare(await fileBytes(litewal.db), await fileBytes(sqlite.db))).toBe(0);
      expect(await integrityCheck(litewal.db, { ignoreWal: true })).toBe('ok');
      expect(await contents(litewal.db)).toEqual(before);
    }
  });
});
