import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CodecName } from '@litewal/wal-fec';
import { openDatabase } from '../database/open-database.js';
import { writeTextCell } from './text-cell.js';

/** The sync levels the commit benchmark compares (SQLite's `PRAGMA synchronous`). */
export type BenchSync = 'full' | 'normal';

/** One measured case of `litewal bench commit`. */
export interface CommitBenchResult {
  readonly engine: 'litewal' | 'sqlite';
  /** Concurrent writers: litewal's async loops; always 1 for SQLite (one connection). */
  readonly writers: number;
  readonly sync: BenchSync;
  /** Commits that returned (durable as `sync` says) per second of the case's wall time. */
  readonly commitsPerSecond: number;
  /** Median and 99th percentile of the time one commit took, in milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** litewal: `litewal_group_commit_fsyncs`; SQLite: null (its syncs cannot be observed from Node). */
  readonly fsyncs: number | null;
  /** The codec of a litewal case run with `fec` on (R = 2); null without protection. */
  readonly fec: CodecName | null;
  /**
   * With `fec` on: commit groups handed to the protection worker and not yet protected when the
   * case's time was up (`litewal_fec_lag_groups`; the close then waited for them); else null.
   */
  readonly fecLagGroups: number | null;
}

/** litewal / SQLite for one sync level and writer count. */
export interface CommitBenchRatio {
  /** litewal's commits per second divided by SQLite's (above 1: litewal commits more). */
  readonly commitsPerSecond: number;
  /** litewal's p50 commit latency divided by SQLite's (below 1: litewal commits sooner). */
  readonly p50Latency: number;
}

/**
 * Ratios of litewal to SQLite, keyed by sync level, then by litewal's writer count (as a
 * string): `ratios.full["64"].commitsPerSecond` is litewal's commits/s with 64 writers at
 * synchronous=FULL divided by SQLite's at FULL. SQLite has one connection, so every writer count
 * is compared with the same SQLite row of that sync level.
 */
export type CommitBenchRatios = Readonly<Partial<Record<BenchSync, Readonly<Record<string, CommitBenchRatio>>>>>;

/**
 * Ratios of litewal with `fec` on to litewal with it off, keyed like {@link CommitBenchRatios}:
 * `fecRatios.full["8"].commitsPerSecond` is protected commits/s over unprotected ones with 8
 * writers at FULL (below 1: protection costs throughput). Empty without `--fec`.
 */
export type CommitBenchFecRatios = CommitBenchRatios;

/** What `litewal bench commit --json` prints. */
export interface CommitBenchReport {
  readonly results: readonly CommitBenchResult[];
  readonly ratios: CommitBenchRatios;
  readonly fecRatios: CommitBenchFecRatios;
}

/** Settings of {@link runCommitBench}. */
export interface CommitBenchOptions {
  /** Where the databases are made (one per case); must exist. */
  readonly dir: string;
  readonly writers: readonly number[];
  readonly syncs: readonly BenchSync[];
  readonly durationMs: number;
  /** Also run each litewal case with `fec` on, with this codec, right after the same case without. */
  readonly fec?: CodecName;
  /** Called as each case starts, with a short description. */
  readonly onCase?: (description: string) => void;
}

/** SQLite found the database litewal wrote unsound: the benchmark's numbers cannot be trusted. */
export class BenchSanityError extends Error {
  override readonly name = 'BenchSanityError';
}

/** Width of the text value rewritten by every commit (a zero-padded commit count). */
const WIDTH = 16;
const ROWS = 16;
/** The row every commit rewrites; it lives in the table's root page, a leaf. */
const ROW_ID = 1;

const text = (n: number): string => String(n).padStart(WIDTH, '0');

/**
 * Measures durable single-page commits per second and their latency, litewal against SQLite
 * (better-sqlite3) in the same process: for each sync level, SQLite first (one connection, WAL
 * mode, autocommit `UPDATE t SET v = ? WHERE id = ?` prepared once), then litewal once per writer
 * count (that many async loops, each `db.write()` rewriting the same row's fixed-width text in
 * place). Each case runs on a fresh database made by better-sqlite3 and lasts `durationMs`. After
 * each litewal case, SQLite checks the database litewal wrote (integrity_check, the row's value).
 * With `fec`, each litewal case runs a second time with protection on (R = 2), right after the
 * unprotected one, and `fecRatios` compares the two.
 * @throws {@link BenchSanityError} when that check fails.
 */
export async function runCommitBench(options: CommitBenchOptions): Promise<CommitBenchReport> {
  const results: CommitBenchResult[] = [];
  const ratios: Partial<Record<BenchSync, Record<string, CommitBenchRatio>>> = {};
  const fecRatios: Partial<Record<BenchSync, Record<string, CommitBenchRatio>>> = {};
  let caseNumber = 0;
  for (const sync of options.syncs) {
    options.onCase?.(`sqlite, synchronous=${sync}`);
    const sqlite = benchSqlite(await makeDatabase(options.dir, ++caseNumber), sync, options.durationMs);
    results.push(sqlite);
    const bySync: Record<string, CommitBenchRatio> = {};
    for (const writers of options.writers) {
      options.onCase?.(`litewal, ${writers} writers, synchronous=${sync}`);
      const litewal = await benchLitewal(await makeDatabase(options.dir, ++caseNumber), sync, writers, options.durationMs);
      results.push(litewal);
      bySync[String(writers)] = ratioOf(litewal, sqlite);
      if (options.fec !== undefined) {
        options.onCase?.(`litewal with fec ${options.fec}, ${writers} writers, synchronous=${sync}`);
        const protectedCase = await benchLitewal(await makeDatabase(options.dir, ++caseNumber), sync, writers, options.durationMs, options.fec);
        results.push(protectedCase);
        (fecRatios[sync] ??= {})[String(writers)] = ratioOf(protectedCase, litewal);
      }
    }
    ratios[sync] = bySync;
  }
  return { results, ratios, fecRatios };
}

/** `a` over `b`: commits per second and p50 latency. */
export function ratioOf(a: CommitBenchResult, b: CommitBenchResult): CommitBenchRatio {
  return { commitsPerSecond: a.commitsPerSecond / b.commitsPerSecond, p50Latency: a.p50Ms / b.p50Ms };
}

/** A database made for one case, and the root page of its table `t` (a leaf holding every row). */
interface MadeDatabase {
  readonly path: string;
  readonly rootPage: number;
}

/**
 * Makes `<dir>/case-N/bench.db` with better-sqlite3: WAL mode, table `t` of {@link ROWS} rows on
 * one leaf page, closed (no `-wal` left), so that litewal's connection is the only one in this
 * process while it runs.
 */
async function makeDatabase(dir: string, caseNumber: number): Promise<MadeDatabase> {
  const caseDir = join(dir, `case-${caseNumber}`);
  await mkdir(caseDir, { recursive: true });
  const path = join(caseDir, 'bench.db');
  const conn = new Database(path);
  try {
    conn.pragma('page_size = 4096');
    conn.pragma('journal_mode = WAL');
    conn.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const insert = conn.prepare('INSERT INTO t(id, v) VALUES (?, ?)');
    conn.transaction(() => {
      for (let id = 1; id <= ROWS; id++) insert.run(id, text(0));
    })();
    const { rootPage } = conn.prepare("SELECT rootpage AS rootPage FROM sqlite_schema WHERE name = 't'").get() as { rootPage: number };
    return { path, rootPage };
  } finally {
    conn.close(); // the last connection: checkpoints and deletes the WAL
  }
}

function benchSqlite({ path }: MadeDatabase, sync: BenchSync, durationMs: number): CommitBenchResult {
  const conn = new Database(path);
  try {
    conn.pragma('journal_mode = WAL');
    conn.pragma(`synchronous = ${sync.toUpperCase()}`);
    const update = conn.prepare('UPDATE t SET v = ? WHERE id = ?');
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(durationMs) * 1_000_000n;
    let now = started;
    while (now < deadline) {
      update.run(text(latencies.length + 1), ROW_ID);
      const done = process.hrtime.bigint();
      latencies.push(Number(done - now) / 1e6);
      now = done;
    }
    return { ...summarize('sqlite', 1, sync, latencies, Number(now - started) / 1e6, null), fec: null, fecLagGroups: null };
  } finally {
    conn.close();
  }
}

async function benchLitewal(made: MadeDatabase, sync: BenchSync, writers: number, durationMs: number, fec?: CodecName): Promise<CommitBenchResult> {
  const { path, rootPage } = made;
  const latencies: number[] = [];
  const db = await openDatabase(path, { synchronous: sync, ...(fec === undefined ? {} : { fec: { codec: fec, repairSymbols: 2 } }) });
  let elapsedMs: number;
  let fsyncs: number;
  let lag: number | null = null;
  try {
    let staged = 0;
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(durationMs) * 1_000_000n;
    const loop = async (): Promise<void> => {
      for (let at = process.hrtime.bigint(); at < deadline; at = process.hrtime.bigint()) {
        await db.write(async (txn) => {
          const page = await txn.readPage(rootPage);
          writeTextCell(page, ROW_ID, text(++staged)); // callbacks run one at a time, in commit order
          txn.writePage(rootPage, page);
        });
        latencies.push(Number(process.hrtime.bigint() - at) / 1e6);
      }
    };
    await Promise.all(Array.from({ length: writers }, loop));
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const metrics = db.metrics();
    fsyncs = metrics.counters['litewal_group_commit_fsyncs'] ?? 0;
    if (fec !== undefined) lag = metrics.gauges['litewal_fec_lag_groups'] ?? 0;
  } finally {
    await db.close();
  }
  checkWithSqlite(path, latencies.length);
  return { ...summarize('litewal', writers, sync, latencies, elapsedMs, fsyncs), fec: fec ?? null, fecLagGroups: lag };
}

/** SQLite must find the database litewal wrote intact, with the row holding the last commit's value. */
function checkWithSqlite(path: string, commits: number): void {
  const conn = new Database(path, { readonly: true });
  try {
    const integrity = conn.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') throw new BenchSanityError(`SQLite integrity_check of ${path}: ${integrity}`);
    const row = conn.prepare('SELECT v FROM t WHERE id = ?').get(ROW_ID) as { v: string } | undefined;
    if (row?.v !== text(commits)) {
      throw new BenchSanityError(`SQLite reads ${row?.v ?? 'no row'} in ${path}, expected ${text(commits)} after ${commits} commits`);
    }
  } finally {
    conn.close();
  }
}

function summarize(
  engine: CommitBenchResult['engine'],
  writers: number,
  sync: BenchSync,
  latencies: number[],
  elapsedMs: number,
  fsyncs: number | null,
): Omit<CommitBenchResult, 'fec' | 'fecLagGroups'> {
  const sorted = Float64Array.from(latencies).sort();
  return {
    engine,
    writers,
    sync,
    commitsPerSecond: latencies.length / (elapsedMs / 1000),
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    fsyncs,
  };
}

/** The nearest-rank quantile of sorted samples (every case commits at least once). */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}
