/**
 * The CheckpointScheduler's costs.
 *
 * 1. `noteCommit` per call, next to the same loop with the threshold comparison inline (what an
 *    engine would do without the scheduler); both figures and their difference are printed in
 *    nanoseconds per call.
 * 2. One `run()` on the recipe F fixture of about 10k frames (42 MB WAL), against SQLite's own
 *    `PRAGMA wal_checkpoint(PASSIVE)` on a fresh copy of the same WAL (better-sqlite3, both
 *    synchronous=NORMAL): a whole PASSIVE run (same work as SQLite's), and a bounded step of
 *    1,000 frames (budget 100 ms at an assumed 0.1 ms per frame), compared per frame copied.
 *    Untimed: copying the fixture, opening the connection; timed: `run()` / the pragma. Two
 *    warm-up runs of each side, then interleaved runs; medians and ratios are printed.
 *
 *   pnpm exec vitest bench --run --project @litewal/checkpoint bench/scheduler.bench.ts
 */
import Database from 'better-sqlite3';
import { bench, describe } from 'vitest';
import { makeLargeWalDatabase } from '@litewal/sqlite-fixtures';
import { MemoryVfs, NodeVfs, type VfsFile } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { WalIndex } from '@litewal/wal-index';
import { CheckpointScheduler, type CheckpointOutcome, type CheckpointSchedulerOptions } from '../src/index.js';
import { Group, benchOnce, median, type Side } from './support/side-by-side.js';

const CALLS = 10_000_000;
const THRESHOLD = 1000;

// --- 1. noteCommit ---------------------------------------------------------------------------

const idle = new CheckpointScheduler({ vfs: new MemoryVfs(), dbPath: 'bench.db' }, { busyTimeoutMs: 5000, thresholdFrames: THRESHOLD });

/** What an engine does without a scheduler (apps/engine's writer today): the same test inline. */
function inlineLoop(): number {
  let due = 0;
  let base = 0;
  for (let frame = 0; frame < CALLS; frame++) {
    const maxFrame = frame % THRESHOLD;
    if (maxFrame < base) base = 0;
    if (THRESHOLD > 0 && maxFrame - base >= THRESHOLD) due++;
  }
  return due;
}

function schedulerLoop(): number {
  let due = 0;
  for (let frame = 0; frame < CALLS; frame++) if (idle.noteCommit(frame % THRESHOLD)) due++;
  return due;
}

function nsPerCall(loop: () => number): number {
  const samples: number[] = [];
  for (let i = 0; i < 7; i++) {
    const started = performance.now();
    loop();
    samples.push(((performance.now() - started) * 1e6) / CALLS);
  }
  return median(samples);
}

describe('noteCommit', () => {
  // Printed once, before the vitest figures: medians of 7 loops of 10M calls after the JIT warmed up.
  schedulerLoop();
  inlineLoop();
  const scheduler = nsPerCall(schedulerLoop);
  const inline = nsPerCall(inlineLoop);
  console.log(`noteCommit: ${scheduler.toFixed(2)} ns per call; inline comparison ${inline.toFixed(2)} ns; difference ${(scheduler - inline).toFixed(2)} ns`);
  let frame = 0;
  bench('CheckpointScheduler.noteCommit', () => {
    idle.noteCommit(frame++ % THRESHOLD);
  });
});

// --- 2. run() against SQLite's PASSIVE --------------------------------------------------------

const vfs = new NodeVfs();
const fixture = await makeLargeWalDatabase({ frames: 10_000 });
const STEP_FRAMES = 1000;

interface Connection {
  readonly index: WalIndex;
  readonly db: VfsFile;
  readonly wal: VfsFile;
  readonly scheduler: CheckpointScheduler;
}

function litewalSide(name: string, options: Omit<CheckpointSchedulerOptions, 'busyTimeoutMs'>, expect: (outcome: CheckpointOutcome) => boolean): Side<Connection> {
  return {
    name,
    async open(path) {
      const index = await WalIndex.open(vfs, path, { openSource: () => WalFile.open(vfs, `${path}-wal`, { readOnly: true }) });
      const files = { index, db: await vfs.open(path), wal: await vfs.open(`${path}-wal`) };
      return { ...files, scheduler: new CheckpointScheduler(files, { busyTimeoutMs: 5000, synchronous: 'normal', ...options }) };
    },
    async run(state) {
      const outcome = await state.scheduler.run();
      if (!expect(outcome)) throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    },
    async close(state) {
      await Promise.all([state.index.close(), state.db.close(), state.wal.close()]);
    },
  };
}

const wholeRun = litewalSide(
  'litewal: CheckpointScheduler.run(), whole PASSIVE',
  { lockBudgetMs: 4000, initialFrameCostMs: 0.05 },
  (o) => o.outcome === 'completed' && o.mode === 'passive' && o.framesBackfilled === fixture.frames,
);
const boundedStep = litewalSide(
  `litewal: CheckpointScheduler.run(), bounded step of ${STEP_FRAMES} frames`,
  { lockBudgetMs: 100, initialFrameCostMs: 100 / STEP_FRAMES },
  (o) => o.outcome === 'partial' && o.maxFrames === STEP_FRAMES && o.framesBackfilled === STEP_FRAMES,
);

const sqliteSide: Side<Database.Database> = {
  name: 'sqlite: PRAGMA wal_checkpoint(PASSIVE)',
  open(file) {
    const db = new Database(file);
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  },
  run(db) {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<Record<string, number>>;
    if (row?.busy !== 0 || row.log !== row.checkpointed) throw new Error(`SQLite returned ${JSON.stringify(row)}`);
  },
  close(db) {
    db.close();
  },
};

const RUNS = 9;
for (const [side, label, frames] of [
  [wholeRun, 'whole PASSIVE', fixture.frames],
  [boundedStep, `bounded step of ${STEP_FRAMES}`, STEP_FRAMES],
] as const) {
  const group = new Group(`${label} vs SQLite PASSIVE, ${fixture.frames}-frame WAL`, RUNS, { litewal: frames, sqlite: fixture.frames });
  describe(`${label} vs SQLite PASSIVE of ${fixture.frames} frames (${(fixture.walBytes / 1e6).toFixed(0)} MB WAL), synchronous=NORMAL`, () => {
    for (const warmUp of ['warm-up 1, not counted', 'warm-up 2, not counted']) {
      benchOnce(side, 'litewal', warmUp, fixture, group, false);
      benchOnce(sqliteSide, 'sqlite', warmUp, fixture, group, false);
    }
    for (let i = 1; i <= RUNS; i++) {
      const pair = [() => benchOnce(side, 'litewal', `run ${i}`, fixture, group), () => benchOnce(sqliteSide, 'sqlite', `run ${i}`, fixture, group)];
      for (const register of i % 2 === 1 ? pair : pair.reverse()) register();
    }
  });
}
