import { access, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { copyDatabase, databaseFiles, makeTempDir, makeWalDatabase, removeTempDir, runSqlite3 } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('fixtures-copy-');
});
afterEach(async () => {
  await removeTempDir(dir);
});

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe('copyDatabase', () => {
  it('copies the db, -wal and -shm; using the copy leaves the original alone', async () => {
    const original = await makeWalDatabase({ dir: path.join(dir, 'a') });
    const copy = await copyDatabase(original.db, dir, 'copy.db');
    expect(copy).toEqual(databaseFiles(path.join(dir, 'copy.db')));
    for (const key of ['db', 'wal', 'shm'] as const) {
      expect(await readFile(copy[key])).toEqual(await readFile(original[key]));
    }
    expect(await runSqlite3(copy.db, 'SELECT count(*) FROM t;')).toBe('101\n'); // checkpoints and deletes the copy's WAL
    expect(await exists(copy.wal)).toBe(false);
    expect((await stat(original.wal)).size).toBeGreaterThan(0);
  });

  it('skips a missing -shm and never overwrites', async () => {
    const original = await makeWalDatabase({ dir: path.join(dir, 'a') });
    await rm(original.shm);
    const copy = await copyDatabase(original.db, dir);
    expect(await exists(copy.wal)).toBe(true);
    expect(await exists(copy.shm)).toBe(false);
    await expect(copyDatabase(original.db, dir)).rejects.toThrow(/EEXIST/);
    await expect(copyDatabase(path.join(dir, 'none.db'), dir, 'x.db')).rejects.toThrow(/ENOENT/);
  });
});

describe('makeTempDir / removeTempDir', () => {
  it('makes a fresh directory under the OS temp dir and removes it', async () => {
    const made = await makeTempDir('fixtures-tmp-');
    expect(path.basename(made)).toMatch(/^fixtures-tmp-/);
    expect((await stat(made)).isDirectory()).toBe(true);
    await removeTempDir(made);
    expect(await exists(made)).toBe(false);
    await removeTempDir(made); // already gone: fine
  });

  it('refuses to remove any directory it did not make, even one inside the OS temp dir', async () => {
    const foreign = await mkdtemp(path.join(os.tmpdir(), 'not-made-by-fixtures-'));
    try {
      await writeFile(path.join(foreign, 'keep.txt'), 'precious');
      await expect(removeTempDir(foreign)).rejects.toThrow(RangeError);
      await expect(removeTempDir(os.tmpdir())).rejects.toThrow(RangeError);
      await expect(removeTempDir(path.join(dir, '..'))).rejects.toThrow(RangeError);
      expect(await readFile(path.join(foreign, 'keep.txt'), 'utf8')).toBe('precious');
      expect(await exists(dir)).toBe(true);
    } finally {
      await rm(foreign, { recursive: true, force: true });
    }
  });
});
