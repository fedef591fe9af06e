/**
 * Rebuilding the `-shm` of a large WAL: litewal (scan the WAL with `WalFile`, build the index,
 * write the file) side by side with SQLite's recovery (better-sqlite3: a read-only open of a copy
 * whose `-shm` was removed, then the first query). Run:
 * `pnpm exec vitest bench --run --project @litewal/wal-index`.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, bench, describe } from 'vitest';
import { copyDatabase, makeLargeWalDatabase, makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { rebuildWalIndex } from '../src/index.js';

const vfs = new NodeVfs();
const scratch = await makeTempDir('litewal-wal-index-bench-');
afterAll(async () => {
  await removeTempDir(scratch);
});

const OPTIONS = { time: 0, iterations: 10, warmupTime: 0, warmupIterations: 2 } as const;

for (const wanted of [10_000, 100_000]) {
  const large = await makeLargeWalDatabase({ frames: wanted });
  const copy = await copyDatabase(large.db, scratch, `sqlite-${wanted}.db`);
  const litewalShm = path.join(scratch, `litewal-${wanted}.db-shm`);
  const scanned = await WalFile.open(vfs, large.wal, { readOnly: true });
  afterAll(() => scanned.close());
  const mb = (large.walBytes / 1e6).toFixed(0);

  describe(`rebuild the -shm of ${large.frames} frames (${mb} MB WAL, 4 KiB pages)`, () => {
    bench(
      'litewal: WalFile.open + rebuildWalIndex + write the -shm',
      async () => {
        const wal = await WalFile.open(vfs, large.wal, { readOnly: true });
        try {
          await writeFile(litewalShm, rebuildWalIndex(wal));
        } finally {
          await wal.close();
        }
      },
      OPTIONS,
    );

    bench(
      'SQLite recovery: better-sqlite3 read-only open without -shm + first query',
      async () => {
        await rm(copy.shm, { force: true });
        const db = new Database(copy.db, { readonly: true, fileMustExist: true });
        try {
          db.prepare('SELECT count(*) FROM sqlite_schema').get();
        } finally {
          db.close();
        }
      },
      OPTIONS,
    );

    bench('litewal: rebuildWalIndex alone (WAL already scanned)', () => void rebuildWalIndex(scanned), OPTIONS);
  });
}
