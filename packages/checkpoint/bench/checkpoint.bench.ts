/**
 * A TRUNCATE checkpoint of the recipe F fixtures (about 10k and 100k frames of 4 KiB pages),
 * litewal against SQLite's own `PRAGMA wal_checkpoint(TRUNCATE)`, side by side in one run, both
 * at synchronous=NORMAL.
 *
 * Each iteration works on a fresh copy of the fixture (a checkpoint consumes it): the copy, an
 * fsync of it (so that neither side pays for flushing the other's dirty pages), a recycling of
 * page-cache memory (see recyclePageCache), and opening the
 * database with its wal-index recovery all happen in tinybench's `setup` hook, outside the timed
 * part (each run is its own single-iteration benchmark, litewal and SQLite alternating). Timed:
 * litewal's `checkpoint()` on an open `WalIndex` and files; SQLite's pragma on an open
 * better-sqlite3 connection that has already run a first query. Medians and the ratio
 * litewal / SQLite are printed at the end of each group.
 *
 *   pnpm exec vitest bench --run --project @litewal/checkpoint
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe } from 'vitest';
import { makeLargeWalDatabase } from '@litewal/sqlite-fixtures';
import { NodeVfs, type VfsFile } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { WalIndex } from '@litewal/wal-index';
import { checkpoint, formatCheckpointResult } from '../src/index.js';
import { Group, benchOnce, type Side } from './support/side-by-side.js';

const vfs = new NodeVfs();

interface LitewalState {
  readonly index: WalIndex;
  readonly db: VfsFile;
  readonly wal: VfsFile;
}

const litewalSide: Side<LitewalState> = {
  name: 'litewal: checkpoint(mode truncate)',
  async open(db) {
    const index = await WalIndex.open(vfs, db, { openSource: () => WalFile.open(vfs, `${db}-wal`, { readOnly: true }) });
    return { index, db: await vfs.open(db), wal: await vfs.open(`${db}-wal`) };
  },
  async run(state) {
    const result = formatCheckpointResult(await checkpoint(state, { mode: 'truncate', synchronous: 'normal' }));
    if (result !== '0|0|0') throw new Error(`litewal returned ${result}`);
  },
  async close(state) {
    if (statSync(`${state.db.path}-wal`).size !== 0) throw new Error('the WAL was not truncated');
    await Promise.all([state.index.close(), state.db.close(), state.wal.close()]);
  },
};

const sqliteSide: Side<Database.Database> = {
  name: 'sqlite: PRAGMA wal_checkpoint(TRUNCATE)',
  open(file) {
    const db = new Database(file);
    db.pragma('synchronous = NORMAL');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  },
  run(db) {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<Record<string, number>>;
    if (row?.busy !== 0 || row.log !== 0) throw new Error(`SQLite returned ${JSON.stringify(row)}`);
  },
  close(db) {
    db.close();
  },
};

for (const frames of [10_000, 100_000]) {
  const fixture = await makeLargeWalDatabase({ frames });
  const runs = frames > 50_000 ? 7 : 11;
  const group = new Group(`TRUNCATE ${fixture.frames} frames`, runs);
  describe(`TRUNCATE checkpoint of ${fixture.frames} frames (${(fixture.walBytes / 1e6).toFixed(0)} MB WAL), synchronous=NORMAL`, () => {
    // Two untimed runs of each side first (JIT and WebAssembly tier-up, first use of each code
    // path), then the timed runs, interleaved, alternating which side goes first, so that neither
    // always follows the other.
    for (const label of ['warm-up 1, not counted', 'warm-up 2, not counted']) {
      benchOnce(litewalSide, 'litewal', label, fixture, group, false);
      benchOnce(sqliteSide, 'sqlite', label, fixture, group, false);
    }
    for (let i = 1; i <= runs; i++) {
      const pair = [
        () => benchOnce(litewalSide, 'litewal', `run ${i}`, fixture, group),
        () => benchOnce(sqliteSide, 'sqlite', `run ${i}`, fixture, group),
      ];
      for (const register of i % 2 === 1 ? pair : pair.reverse()) register();
    }
  });
}
