/**
 * Side-by-side single-run benchmarks of litewal and SQLite on fresh copies of a recipe F fixture:
 * each run is its own single-iteration vitest benchmark whose setup and teardown hooks (outside
 * the timing) make and remove the copy.
 */
import { closeSync, copyFileSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bench } from 'vitest';
import type { LargeWalDatabase } from '@litewal/sqlite-fixtures';

/** A durable copy of the fixture's db and WAL in a new temporary directory (removed by the run's teardown). */
export function freshCopy(fixture: LargeWalDatabase): string {
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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One timed run on a fresh copy: `open` (untimed) prepares it, `run` is timed, `close` (untimed) disposes of it. */
export interface Side<T> {
  readonly name: string;
  open(db: string): Promise<T> | T;
  run(state: T): Promise<void> | void;
  close(state: T): Promise<void> | void;
}

/** The timed runs of one fixture, both sides; the summary is printed once the last one is in. */
export class Group {
  readonly litewal: number[] = [];
  readonly sqlite: number[] = [];
  readonly #label: string;
  readonly #runs: number;
  readonly #frames: { readonly litewal: number; readonly sqlite: number } | undefined;

  /**
   * @param frames - frames each side's run copies, when they differ (e.g. a bounded step against
   * a whole checkpoint): the summary then also compares the time per frame
   */
  constructor(label: string, runs: number, frames?: { readonly litewal: number; readonly sqlite: number }) {
    this.#label = label;
    this.#runs = runs;
    this.#frames = frames;
  }

  record(side: 'litewal' | 'sqlite', ms: number | null): void {
    if (ms === null) return;
    this[side].push(ms);
    // vitest's bench mode runs no afterAll hook: the last run prints the summary.
    if (this.litewal.length + this.sqlite.length < 2 * this.#runs) return;
    const litewal = median(this.litewal);
    const sqlite = median(this.sqlite);
    const perFrame =
      this.#frames === undefined
        ? ''
        : `; per frame: litewal ${((litewal * 1000) / this.#frames.litewal).toFixed(2)} us (${this.#frames.litewal} frames), ` +
          `SQLite ${((sqlite * 1000) / this.#frames.sqlite).toFixed(2)} us (${this.#frames.sqlite} frames), ` +
          `ratio ${(litewal / this.#frames.litewal / (sqlite / this.#frames.sqlite)).toFixed(2)}`;
    console.log(
      `${this.#label}: litewal median ${litewal.toFixed(1)} ms, SQLite median ${sqlite.toFixed(1)} ms, ` +
        `ratio litewal/SQLite ${(litewal / sqlite).toFixed(2)}${perFrame} (litewal ${this.litewal.map((t) => t.toFixed(0)).join(' ')}; ` +
        `SQLite ${this.sqlite.map((t) => t.toFixed(0)).join(' ')})`,
    );
  }
}

/**
 * Registers one single-iteration benchmark of `side`: tinybench's `setup` and `teardown` hooks
 * (outside the timing) make and remove the copy; the time of `run` alone goes to `group`.
 */
export function benchOnce<T>(side: Side<T>, key: 'litewal' | 'sqlite', label: string, fixture: LargeWalDatabase, group: Group, counted = true): void {
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

