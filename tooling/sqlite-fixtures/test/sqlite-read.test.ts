import { open, readFile, writeFile } from 'node:fs/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  copyDatabase,
  integrityCheck,
  makePersistentWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  runSqlite3,
  sqliteRead,
  toImmutableUri,
} from '../src/index.js';
import { readBytes, walChecksum } from './support/wal-bytes.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('fixtures-read-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

describe('sqliteRead', () => {
  it('returns rows from either engine, and runs a statement that returns none', async () => {
    const files = await makeWalDatabase({ dir, statements: ["CREATE TABLE k(a INTEGER, b TEXT, c BLOB); INSERT INTO k VALUES (1, 'x', x'0102'), (2, NULL, NULL);"] });
    const sql = 'SELECT a, b, hex(c) AS c FROM k ORDER BY a';
    const expected = [
      { a: 1, b: 'x', c: '0102' },
      { a: 2, b: null, c: '' },
    ];
    expect(await sqliteRead(files.db, sql)).toEqual(expected);
    expect(await sqliteRead(files.db, sql, { engine: 'cli' })).toEqual(expected);
    expect(await sqliteRead(files.db, 'SELECT c FROM k WHERE a = 1')).toEqual([{ c: Buffer.from([1, 2]) }]);
    expect(await sqliteRead(files.db, 'SELECT 1 WHERE 0', { engine: 'cli' })).toEqual([]);
    expect(await sqliteRead(files.db, 'DELETE FROM k')).toEqual([]);
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM k')).toEqual([{ n: 2 }]); // the DELETE hit a copy
  });

  it('throws when SQLite refuses the SQL', async () => {
    const files = await makeWalDatabase({ dir });
    await expect(sqliteRead(files.db, 'SELECT nope FROM t')).rejects.toThrow(/no such column/);
    await expect(sqliteRead(files.db, 'SELECT nope FROM t', { engine: 'cli' })).rejects.toThrow(/no such column/);
    await expect(sqliteRead(`${dir}/missing.db`, 'SELECT 1')).rejects.toThrow(/ENOENT/);
  });

  it('opens odd paths as immutable URIs', async () => {
    const files = await makeWalDatabase({ dir, name: 'we?ird #name%.db' });
    expect(toImmutableUri(files.db)).toMatch(/^file:\/.*we%3Fird%20%23name%25\.db\?immutable=1$/);
    expect(await runSqlite3(toImmutableUri(files.db), 'PRAGMA page_size;')).toBe('4096\n');
  });
});

describe('integrityCheck', () => {
  it("says 'ok' for a sound database, with or without its WAL", async () => {
    const files = await makeWalDatabase({ dir });
    expect(await integrityCheck(files.db)).toBe('ok');
    expect(await integrityCheck(files.db, { engine: 'cli' })).toBe('ok');
    expect(await integrityCheck(files.db, { ignoreWal: true })).toBe('ok');
  });

  it("returns SQLite's messages for a corrupt database instead of throwing", async () => {
    const sound = await makePersistentWalDatabase({ dir, name: 'sound.db' });
    const broken = await copyDatabase(sound.db, dir, 'broken.db');
    await writeFile(broken.wal, ''); // only the db file counts now
    const handle = await open(broken.db, 'r+');
    await handle.write(Buffer.alloc(64, 0xa5), 0, 64, 4096 + 8); // page 2 (table t): trash its cell pointers
    await handle.close();
    const verdict = await integrityCheck(broken.db);
    const cliVerdict = await integrityCheck(broken.db, { engine: 'cli' });
    expect(verdict).not.toBe('ok');
    expect(verdict.length).toBeGreaterThan(0);
    expect(cliVerdict).not.toBe('ok');
    expect(cliVerdict.length).toBeGreaterThan(0);
  });

  it('returns the refusal when SQLite will not open the WAL (version 3007001, valid checksum)', async () => {
    const files = await makeWalDatabase({ dir });
    const wal = await readBytes(files.wal);
    const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
    view.setUint32(4, 3007001, false);
    const [s0, s1] = walChecksum(wal.subarray(0, 24), view.getUint32(0, false) === 0x377f0682, 0, 0);
    view.setUint32(24, s0, false);
    view.setUint32(28, s1, false);
    await writeFile(files.wal, wal);
    expect(await integrityCheck(files.db)).toMatch(/unable to open database file/);
    expect(await integrityCheck(files.db, { engine: 'cli' })).toMatch(/unable to open database file/);
    expect(await readFile(files.wal)).toEqual(Buffer.from(wal)); // and the fixture was left as it was
  });
});
