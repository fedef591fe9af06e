import { stat, truncate } from 'node:fs/promises';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { makeLargeWalDatabase, makeTempDir, removeTempDir, sqliteRead } from '../src/index.js';
import { readBytes, scanWal } from './support/wal-bytes.js';

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await makeTempDir('fixtures-f-');
});
afterEach(async () => {
  await removeTempDir(cacheDir);
});

// Recipe F is for benchmarks (10,000 to 100,000 frames). Here it runs at 1,000 frames only, in a
// private cache directory, to prove what it builds and how the cache behaves.
describe('makeLargeWalDatabase (recipe F, LARGE: tested at 1,000 frames only)', () => {
  it('builds at least the frames asked for, all committed, then reuses the cache', async () => {
    const built = await makeLargeWalDatabase({ frames: 1000, cacheDir });
    expect(built.cached).toBe(false);
    expect(built.frames).toBeGreaterThanOrEqual(1000);
    expect(built.frames).toBeLessThan(1100);
    expect(built.commits).toBe(11); // CREATE TABLE + ceil(1000 / 102) = 10 inserts of 100 rows
    expect(path.dirname(built.db).startsWith(cacheDir)).toBe(true);

    const wal = await readBytes(built.wal);
    expect(wal.byteLength).toBe(built.walBytes);
    expect(wal.byteLength).toBe(32 + built.frames * (4096 + 24));
    expect(scanWal(wal)).toMatchObject({ frameCount: built.frames, lastCommitFrame: built.frames, firstInvalidFrame: undefined });
    expect(await sqliteRead(built.db, 'SELECT count(*) AS n, sum(length(v)) AS bytes FROM t')).toEqual([{ n: 1000, bytes: 1000 * 3900 }]);

    const again = await makeLargeWalDatabase({ frames: 1000, cacheDir });
    expect(again).toEqual({ ...built, cached: true });
    expect((await stat(again.wal)).mtimeMs).toBe((await stat(built.wal)).mtimeMs);
  });

  it('rebuilds a cache entry whose files do not have the recorded sizes', async () => {
    const built = await makeLargeWalDatabase({ frames: 1000, cacheDir });
    await truncate(built.wal, built.walBytes - 4120); // as if someone had damaged it
    const rebuilt = await makeLargeWalDatabase({ frames: 1000, cacheDir });
    expect(rebuilt.cached).toBe(false);
    expect((await stat(rebuilt.wal)).size).toBe(built.walBytes);
  });

  it('keys the cache by parameters, and concurrent builders agree', async () => {
    const [a, b] = await Promise.all([
      makeLargeWalDatabase({ frames: 500, cacheDir }),
      makeLargeWalDatabase({ frames: 500, cacheDir }),
    ]);
    expect(a.db).toBe(b.db);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    const seeded = await makeLargeWalDatabase({ frames: 500, cacheDir, seed: 1 });
    expect(seeded.db).not.toBe(a.db);
    expect(seeded.cached).toBe(false);
  });
});
