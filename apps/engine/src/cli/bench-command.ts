import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CodecName } from '@litewal/wal-fec';
import {
  BenchSanityError,
  ratioOf,
  runCommitBench,
  type BenchSync,
  type CommitBenchRatio,
  type CommitBenchRatios,
  type CommitBenchReport,
  type CommitBenchResult,
} from '../bench/commit-bench.js';
import { EngineError } from '../errors.js';
import { parseArgs } from './args.js';
import { printJson, type CliIo } from './output.js';

/** Usage line of `litewal bench`. */
export const BENCH_USAGE = 'litewal bench commit [--writers 1,8,64] [--sync full|normal] [--duration-ms N] [--fec rs|raptorq] [--dir D] [--json]';

const SYNCS: readonly BenchSync[] = ['full', 'normal'];
const DEFAULT_WRITERS = [1, 8, 64];
const DEFAULT_DURATION_MS = 2000;
const FEC_CODECS: Readonly<Record<string, CodecName>> = { rs: 'reed-solomon', raptorq: 'raptorq' };

/**
 * `litewal bench commit`: durable single-page commits per second and their p50/p99 latency,
 * litewal (`--writers` concurrent writers) against SQLite through better-sqlite3 (one
 * connection), in the same run, at each `--sync` level (both by default), `--duration-ms` per
 * case. `--fec rs|raptorq` runs each litewal case a second time with `fec` on (R = 2, that codec),
 * right after the unprotected one, and compares the two. Works in a new temporary directory inside `--dir` (the system's by default: choose the
 * disk to measure), removed afterwards.
 *
 * @remarks `--json` prints `{ results, ratios }`: `results` has one row per case
 * (`engine, writers, sync, commitsPerSecond, p50Ms, p99Ms, fsyncs`, fsyncs null for SQLite,
 * whose syncs Node cannot observe), and `ratios[sync][writers]` is litewal / SQLite at that sync
 * level: `commitsPerSecond` (higher is better for litewal) and `p50Latency` (lower is better).
 * Exit 1 when SQLite finds a database litewal wrote unsound (integrity_check, or the row's value).
 */
export async function benchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], ['writers', 'sync', 'duration-ms', 'dir', 'fec']);
  if (args.positionals.length !== 1 || args.positionals[0] !== 'commit') throw new EngineError('ERR_ENGINE_USAGE', `usage: ${BENCH_USAGE}`);
  const writers = parseWriters(args.values.get('writers'));
  const syncs = parseSync(args.values.get('sync'));
  const durationMs = parseDuration(args.values.get('duration-ms'));
  const fec = parseFec(args.values.get('fec'));
  const json = args.flags.has('json');
  const parent = args.values.get('dir') ?? tmpdir();
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'litewal-bench-'));
  let report: CommitBenchReport;
  try {
    report = await runCommitBench({
      dir,
      writers,
      syncs,
      durationMs,
      ...(fec === undefined ? {} : { fec }),
      onCase: (description) => {
        if (!json) io.stderr.write(`measuring ${description} for ${durationMs} ms\n`);
      },
    });
  } catch (error) {
    if (!(error instanceof BenchSanityError)) throw error;
    io.stderr.write(`litewal bench: SQLite rejects what litewal wrote: ${error.message}\n`);
    return 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (json) printJson(io, report);
  else printReport(io, report, durationMs);
  return 0;
}

function parseWriters(value: string | undefined): number[] {
  if (value === undefined) return DEFAULT_WRITERS;
  const writers = value.split(',').map((part) => (/^[1-9]\d{0,3}$/.test(part) ? Number(part) : NaN));
  if (writers.some(Number.isNaN) || new Set(writers).size !== writers.length) {
    throw new EngineError('ERR_ENGINE_USAGE', `--writers ${value} is not a list of distinct counts from 1 to 9999, e.g. 1,8,64`);
  }
  return writers;
}

function parseSync(value: string | undefined): readonly BenchSync[] {
  if (value === undefined) return SYNCS;
  if (!SYNCS.includes(value as BenchSync)) throw new EngineError('ERR_ENGINE_USAGE', `--sync ${value} is not one of ${SYNCS.join(', ')}`);
  return [value as BenchSync];
}

function parseFec(value: string | undefined): CodecName | undefined {
  if (value === undefined) return undefined;
  const codec = FEC_CODECS[value];
  if (codec === undefined) throw new EngineError('ERR_ENGINE_USAGE', `--fec ${value} is not one of ${Object.keys(FEC_CODECS).join(', ')}`);
  return codec;
}

function parseDuration(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DURATION_MS;
  if (!/^[1-9]\d{0,6}$/.test(value)) throw new EngineError('ERR_ENGINE_USAGE', `--duration-ms ${value} is not a whole number of milliseconds from 1 to 9999999`);
  return Number(value);
}

/** A goal of the group-commit issue, evaluated on a run's ratios. */
interface Target {
  readonly goal: string;
  /** The ratio the goal is about, or undefined when the run did not measure it. */
  readonly ratio: (ratios: CommitBenchRatios) => number | undefined;
  readonly met: (ratio: number) => boolean;
}

const TARGETS: readonly Target[] = [
  { goal: '64 writers, FULL: commits/s >= 20x SQLite', ratio: (r) => r.full?.['64']?.commitsPerSecond, met: (x) => x >= 20 },
  { goal: '1 writer, FULL: p50 latency within 1.2x SQLite', ratio: (r) => r.full?.['1']?.p50Latency, met: (x) => x <= 1.2 },
  {
    goal: 'NORMAL: commits/s >= 0.5x SQLite at every writer count (lowest ratio shown)',
    ratio: (r) => (r.normal === undefined ? undefined : Math.min(...Object.values(r.normal).map((x) => x.commitsPerSecond))),
    met: (x) => x >= 0.5,
  },
];

function printReport(io: CliIo, report: CommitBenchReport, durationMs: number): void {
  const w = io.stdout;
  w.write(`litewal bench commit: single-page commits, litewal against SQLite ${sqliteVersion()} (better-sqlite3), ${durationMs} ms per case\n`);
  for (const sync of SYNCS) {
    const rows = report.results.filter((r) => r.sync === sync);
    if (rows.length === 0) continue;
    w.write(`\nsynchronous=${sync.toUpperCase()}\n`);
    const header = ['engine', 'writers', 'commits/s', 'p50 ms', 'p99 ms', 'fsyncs', 'x commits/s', 'x p50'];
    const ratios = report.ratios[sync];
    const sqlite = rows.find((r) => r.engine === 'sqlite');
    const toSqlite = (r: CommitBenchResult): CommitBenchRatio | undefined =>
      r.engine === 'sqlite' || sqlite === undefined ? undefined : r.fec === null ? ratios?.[String(r.writers)] : ratioOf(r, sqlite);
    writeColumns(io, [header, ...rows.map((r) => resultColumns(r, toSqlite(r)))]);
  }
  w.write('\nx commits/s, x p50: litewal / SQLite at the same sync level (SQLite has one connection: every writer count is compared with it).\n');
  w.write('SQLite fsyncs cannot be observed from Node (null in --json): by its documented rule, SQLite at FULL syncs the WAL once per commit, at NORMAL only at checkpoints.\n');
  printFecRatios(io, report);
  w.write('\nissue targets, in this run:\n');
  for (const target of TARGETS) {
    const ratio = target.ratio(report.ratios);
    const verdict = ratio === undefined ? 'not measured in this run' : `${ratio.toFixed(2)}x: ${target.met(ratio) ? 'met' : 'NOT met'}`;
    w.write(`  ${target.goal}: ${verdict}\n`);
  }
}

/** With `--fec`: protected / unprotected litewal, per sync level and writer count, from the same run. */
function printFecRatios(io: CliIo, report: CommitBenchReport): void {
  const codec = report.results.find((r) => r.fec !== null)?.fec;
  if (codec === undefined || codec === null) return;
  io.stdout.write(`\nfec (${codec}, R = 2, worker thread) on / off, litewal against itself in this run:\n`);
  const rows = [['sync', 'writers', 'x commits/s', 'x p50', 'lag at end']];
  for (const sync of SYNCS) {
    for (const [writers, ratio] of Object.entries(report.fecRatios[sync] ?? {})) {
      const lag = report.results.find((r) => r.sync === sync && r.fec !== null && String(r.writers) === writers)?.fecLagGroups;
      rows.push([sync, writers, `${ratio.commitsPerSecond.toFixed(2)}x`, `${ratio.p50Latency.toFixed(2)}x`, `${lag ?? '-'} groups`]);
    }
  }
  writeColumns(io, rows);
}

function resultColumns(r: CommitBenchResult, ratio: CommitBenchRatio | undefined): string[] {
  return [
    r.fec === null ? r.engine : `${r.engine}+fec`,
    String(r.writers),
    Math.round(r.commitsPerSecond).toLocaleString('en-US'),
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
    r.fsyncs === null ? '-' : String(r.fsyncs),
    ratio === undefined ? '' : `${ratio.commitsPerSecond.toFixed(2)}x`,
    ratio === undefined ? '' : `${ratio.p50Latency.toFixed(2)}x`,
  ];
}

/** Writes rows of cells: the first column left-aligned, the others right-aligned. */
function writeColumns(io: CliIo, rows: readonly (readonly string[])[]): void {
  const widths = (rows[0] as readonly string[]).map((_, i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  for (const row of rows) {
    const cells = row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)));
    io.stdout.write(`${cells.join('  ').trimEnd()}\n`);
  }
}

function sqliteVersion(): string {
  const conn = new Database(':memory:');
  try {
    return (conn.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    conn.close();
  }
}
