import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { runCli as run } from './support/run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-bench-test-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

interface Result {
  engine: string;
  writers: number;
  sync: string;
  commitsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  fsyncs: number | null;
  fec: string | null;
  fecLagGroups: number | null;
}

describe('litewal bench commit', () => {
  it('measures litewal and SQLite side by side and reports consistent ratios (speed is not asserted)', async () => {
    const { code, out, err } = await run(['bench', 'commit', '--writers', '1,4', '--sync', 'full', '--duration-ms', '300', '--dir', dir, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      results: Result[];
      ratios: Record<string, Record<string, { commitsPerSecond: number; p50Latency: number }>>;
      fecRatios: unknown;
    };
    expect(Object.keys(report).sort()).toEqual(['fecRatios', 'ratios', 'results']);
    expect(report.results.map((r) => [r.engine, r.writers, r.sync])).toEqual([
      ['sqlite', 1, 'full'],
      ['litewal', 1, 'full'],
      ['litewal', 4, 'full'],
    ]);
    for (const r of report.results) {
      expect(Object.keys(r).sort()).toEqual(['commitsPerSecond', 'engine', 'fec', 'fecLagGroups', 'fsyncs', 'p50Ms', 'p99Ms', 'sync', 'writers']);
      expect([r.fec, r.fecLagGroups]).toEqual([null, null]);
      expect(Number.isFinite(r.commitsPerSecond) && r.commitsPerSecond > 0).toBe(true);
      expect(r.p50Ms).toBeGreaterThan(0);
      expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
      expect(r.p99Ms).toBeLessThan(300 + 1000); // no commit outlasts the case by more than a second
      if (r.engine === 'sqlite') {
        expect(r.fsyncs).toBeNull();
      } else {
        // The case lasts 300 ms plus the commits in flight at its end (well under 10% more), so
        // commits / 1.1 <= commitsPerSecond x 0.3 s <= commits. FULL syncs each group once, plus
        // the header of the new WAL (and of each WAL restart by an auto-checkpoint, at most once here).
        const commits = r.commitsPerSecond * 0.3 * 1.1;
        expect(r.fsyncs).toBeGreaterThan(0);
        expect(r.fsyncs as number).toBeLessThanOrEqual(commits + 2);
      }
    }
    const [sqlite, ...litewal] = report.results as [Result, ...Result[]];
    expect(Object.keys(report.ratios)).toEqual(['full']);
    expect(Object.keys(report.ratios['full'] ?? {}).sort()).toEqual(['1', '4']);
    for (const r of litewal) {
      const ratio = report.ratios['full']?.[String(r.writers)];
      expect(ratio?.commitsPerSecond).toBeCloseTo(r.commitsPerSecond / sqlite.commitsPerSecond, 9);
      expect(ratio?.p50Latency).toBeCloseTo(r.p50Ms / sqlite.p50Ms, 9);
    }
    expect(await readdir(dir)).toEqual([]); // its working directory inside --dir is gone
    expect(report.fecRatios).toEqual({});
  }, 30_000);

  it('with --fec, runs each litewal case again with protection on and reports protected / unprotected', async () => {
    const { code, out, err } = await run(['bench', 'commit', '--writers', '2', '--sync', 'full', '--duration-ms', '200', '--fec', 'rs', '--dir', dir, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as { results: Result[]; fecRatios: Record<string, Record<string, { commitsPerSecond: number; p50Latency: number }>> };
    expect(report.results.map((r) => [r.engine, r.writers, r.fec])).toEqual([
      ['sqlite', 1, null],
      ['litewal', 2, null],
      ['litewal', 2, 'reed-solomon'],
    ]);
    const [, off, on] = report.results as [Result, Result, Result];
    expect(off.fecLagGroups).toBeNull();
    expect(on.fecLagGroups).toBeGreaterThanOrEqual(0);
    expect(report.fecRatios['full']?.['2']?.commitsPerSecond).toBeCloseTo(on.commitsPerSecond / off.commitsPerSecond, 9);
    expect(report.fecRatios['full']?.['2']?.p50Latency).toBeCloseTo(on.p50Ms / off.p50Ms, 9);
    const text = await run(['bench', 'commit', '--writers', '1', '--sync', 'normal', '--duration-ms', '50', '--fec', 'raptorq', '--dir', dir]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^litewal\+fec +1 +[\d,]+ +[\d.]+ +[\d.]+ +\d+ +[\d.]+x +[\d.]+x$/m);
    expect(text.out).toMatch(/fec \(raptorq, R = 2, worker thread\) on \/ off, litewal against itself in this run:\nsync +writers +x commits\/s +x p50 +lag at end\nnormal +1 +[\d.]+x +[\d.]+x +\d+ groups\n/);
    expect(await readdir(dir)).toEqual([]);
  }, 30_000);

  it('prints a table per sync level with the issue targets and says how SQLite syncs', async () => {
    const { code, out, err } = await run(['bench', 'commit', '--writers', '2', '--duration-ms', '50', '--dir', dir]);
    expect(code).toBe(0);
    expect(err).toMatch(/measuring litewal, 2 writers, synchronous=normal for 50 ms/);
    expect(out).toMatch(/^synchronous=FULL\n/m);
    expect(out).toMatch(/^synchronous=NORMAL\n/m);
    expect(out).toMatch(/^sqlite +1 +[\d,]+ +[\d.]+ +[\d.]+ +-$/m);
    expect(out).toMatch(/^litewal +2 +[\d,]+ +[\d.]+ +[\d.]+ +\d+ +[\d.]+x +[\d.]+x$/m);
    expect(out).toMatch(/SQLite at FULL syncs the WAL once per commit/);
    expect(out).toMatch(/64 writers, FULL: commits\/s >= 20x SQLite: not measured in this run/);
    expect(out).toMatch(/1 writer, FULL: p50 latency within 1.2x SQLite: not measured in this run/);
    expect(out).toMatch(/NORMAL: commits\/s >= 0.5x SQLite at every writer count \(lowest ratio shown\): [\d.]+x: (met|NOT met)/);
  }, 30_000);

  it.each([
    [['bench'], /usage: litewal bench commit/],
    [['bench', 'commit', '--writers', '0'], /--writers 0 is not a list/],
    [['bench', 'commit', '--writers', '1,1'], /--writers 1,1 is not a list/],
    [['bench', 'commit', '--sync', 'off'], /--sync off is not one of full, normal/],
    [['bench', 'commit', '--duration-ms', '1.5'], /--duration-ms 1.5 is not a whole number/],
    [['bench', 'commit', '--fec', 'lzma'], /--fec lzma is not one of rs, raptorq/],
    [['bench', 'commit', '--fec'], /--fec needs a value/],
  ])('rejects bad usage %j with exit 2', async (argv, message) => {
    const { code, err } = await run(argv);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });
});
