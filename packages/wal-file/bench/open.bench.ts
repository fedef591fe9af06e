/**
 * Opening (recovering) a WAL that SQLite wrote, litewal against SQLite, side by side in one run.
 * Recipe F fixtures: ~10k and ~100k frames of 4 KiB pages. SQLite's side is better-sqlite3 opening
 * the database with no -shm (so it runs its WAL recovery) and answering a first query; litewal's
 * side is WalFile.open plus reading the latest image of page 1 (what the first query needs).
 *
 *   pnpm exec vitest bench --run --project @litewal/wal-file
 */
import { rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { bench, describe } from 'vitest';
import { makeLargeWalDatabase } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '../src/index.js';

const vfs = new NodeVfs();

for (const frames of [10_000, 100_000]) {
  const fixture = await makeLargeWalDatabase({ frames });
  const walBytes = statSync(fixture.wal).size;
  describe(`open a ${fixture.frames}-frame WAL (${(walBytes / 1e6).toFixed(0)} MB)`, () => {
    bench('litewal: WalFile.open + readPage(1)', async () => {
      const wal = await WalFile.open(vfs, fixture.wal, { readOnly: true });
      if ((await wal.readPage(1)) === null) throw new Error('page 1 missing');
      if (wal.committedFrames !== fixture.frames) throw new Error(`recovered ${wal.committedFrames} frames`);
      await wal.close();
    });
    bench('sqlite: open (recovery) + first query', () => {
      rmSync(fixture.shm, { force: true });
      const db = new Database(fixture.db, { readonly: true, fileMustExist: true });
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      db.close();
      if (statSync(fixture.wal).size !== walBytes) throw new Error('SQLite changed the WAL');
    });
  });
}
