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
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bench, describe } from 'vitest';
import { makeLargeWalDatabase, type LargeWalDatabase } from '@litewal/sqlite-fixtures';
import { NodeVfs, type VfsFile } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { WalIndex } from '@litewal/wal-index';
import { checkpoint, formatCheckpointResult } from '../src/index.js';

const vfs = new NodeVfs();

/** A durable copy of the fixture's db and WAL in a new temporary directory (removed by the run's teardown). */
function freshCopy(fixture: LargeWalDatabase): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'litewal-checkpoint-bench-'));
  const db = path.join(dir, 'large.db');
  for (const [from, to] of [
    [fixture.db, db],
    [fixture.wal, `${db}-wal`],
  ] as const) {
    copyFileSync(from, to);
    const fd = openSync(to, 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
  recyclePageCache(dir, fixture.walBytes);
  return db;
}

const RECYCLE_CHUNK = Buffer.alloc(4 * 1024 * 1024, 0x5a);

/**
 * Writes then deletes a scratch file as large as the WAL, so that the memory the timed run's
 * database writes get has been used before. On this kind of VM the first touch of guest memory
 * is about 12x slower than reusing freed pages (400 MB into a new file: about 1000 ms the first
 * time, 80 ms after), which would otherwise fall on whichever side happens to run first.
 */
function recyclePageCache(dir: string, bytes: number): void {
  const file = path.join(dir, 'recycle.tmp');
  const fd = openSync(file, 'w');
  for (let at = 0; at < bytes; at += RECYCLE_CHUNK.length) writeSync(fd, RECYCLE_CHUNK, 0, RECYCLE_CHUNK.length, at);
  closeSync(fd);
  rmSync(file);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One timed run on a fresh copy: `open` (untimed) prepares it, `run` is timed, `close` (untimed) disposes of it. */
interface Side<T> {
  readonly name: string;
  open(db: string): Promise<T> | T;
  run(state: T): Promise<void> | void;
  close(state: T): Promise<void> | void;
}

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

/** The timed runs of one fixture, both sides; the summary is printed once the last one is in. */
class Group {
  readonly litewal: number[] = [];
  readonly sqlite: number[] = [];
  readonly #label: string;
  readonly #runs: number;

  constructor(label: string, runs: number) {
    this.#label = label;
    this.#runs = runs;
  }

  record(side: 'litewal' | 'sqlite', ms: number | null): void {
    if (ms === null) return;
    this[side].push(ms);
    // vitest's bench mode runs no afterAll hook: the last run prints the summary.
    if (this.litewal.length + this.sqlite.length < 2 * this.#runs) return;
    const litewal = median(this.litewal);
    const sqlite = median(this.sqlite);
    console.log(
      `${this.#label}: litewal median ${litewal.toFixed(1)} ms, SQLite median ${sqlite.toFixed(1)} ms, ` +
        `ratio litewal/SQLite ${(litewal / sqlite).toFixed(2)} (litewal ${this.litewal.map((t) => t.toFixed(0)).join(' ')}; ` +
        `SQLite ${this.sqlite.map((t) => t.toFixed(0)).join(' ')})`,
    );
  }
}

/**
 * Registers one single-iteration benchmark of `side`: tinybench's `setup` and `teardown` hooks
 * (outside the timing) make and remove the copy; the time of `run` alone goes to `group`.
 */
function benchOnce<T>(side: Side<T>, key: 'litewal' | 'sqlite', label: string, fixture: LargeWalDatabase, group: Group, counted = true): void {
  let state: { readonly dir: string; readonly value: T } | null = null;
  let elapsed = 0;
  bench(
    `${side.name} (${label})`,
    async () => {
      if (state === null) throw new Error('no database open');
      const started = performance.now();
      await side.run(state.value);
      elapsed = performance.now() - started;
    },
    {
      iterations: 1,
      time: 0,
      warmupIterations: 0,
      warmupTime: 0,
      async setup(_task, mode) {
        if (mode !== 'run') return;
        const db = freshCopy(fixture);
        state = { dir: path.dirname(db), value: await side.open(db) };
      },
      async teardown(_task, mode) {
        if (mode !== 'run' || state === null) return;
        await side.close(state.value);
        rmSync(state.dir, { recursive: true, force: true });
        state = null;
        group.record(key, counted ? elapsed : null);
      },
    },
  );
}

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
