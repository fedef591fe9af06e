import Database from 'better-sqlite3';
import type { CheckpointResult } from '@litewal/checkpoint';
import { writeTextCell } from '../bench/text-cell.js';
import { openDatabase } from '../database/open-database.js';
import { printTable, type CliIo } from './output.js';

/** Rows of the demo's `counters(id INTEGER PRIMARY KEY, v TEXT)` table, all on its root page (a leaf). */
export const COUNTER_ROWS = 64;
/** The value every counter starts with; each transaction writes `txn-<6 digits>`, the same width. */
export const COUNTER_START = 'txn-000000';

const TRANSACTIONS = 200;
const CONCURRENCY = 64;

const counterText = (n: number): string => `txn-${String(n).padStart(6, '0')}`;

/** What the concurrent part of the demo measured and what SQLite read afterwards. */
interface ConcurrentOutcome {
  readonly checkpoint: CheckpointResult;
  readonly groups: number;
  readonly transactions: number;
  readonly fsyncs: number;
  readonly fsyncReductionRatio: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly seen: { rows: number; first: string; last: string; orders: number; integrity: string };
}

/**
 * The demo's second act: litewal opens the demo database (recovering SQLite's WAL and its own
 * commit), runs {@link TRANSACTIONS} transactions, {@link CONCURRENCY} at a time, each rewriting a
 * counter of `counters` in place (transaction n writes `txn-<n>` into row ((n - 1) mod 64) + 1),
 * checkpoints with TRUNCATE and closes; then SQLite reads the result. Prints the steps and the
 * group-commit metrics, and returns whether SQLite saw every transaction.
 */
export async function runConcurrentDemo(io: CliIo, db: string, counterRoot: number, orders: number): Promise<boolean> {
  const m = await writeConcurrently(db, counterRoot);
  const s = m.seen;
  io.stdout.write(`\nlitewal: ${TRANSACTIONS} concurrent transactions through group commit, then SQLite reads them\n\n`);
  printTable(io, [
    ['litewal wrote', `${m.transactions} transactions, ${CONCURRENCY} at a time, each rewriting a counter in place (synchronous=FULL)`],
    ['commit groups', `${m.groups} (${(m.transactions / m.groups).toFixed(1)} transactions per group)`],
    ['fsyncs', `${m.fsyncs} (fsync reduction ratio ${m.fsyncReductionRatio.toFixed(1)}: transactions per fsync)`],
    ['commit latency', `p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms (write() to durable)`],
    ['checkpoint', `TRUNCATE: ${m.checkpoint.busy}|${m.checkpoint.log}|${m.checkpoint.checkpointed} (busy|log|checkpointed)`],
    ['SQLite reads', `${s.rows} counters ${s.first}..${s.last}, ${s.orders} orders rows, integrity_check ${s.integrity}`],
  ]);
  const first = counterText(TRANSACTIONS - COUNTER_ROWS + 1);
  const ok = s.rows === COUNTER_ROWS && s.first === first && s.last === counterText(TRANSACTIONS) && s.orders === orders && s.integrity === 'ok';
  io.stdout.write(ok ? `\nSQLite read all ${TRANSACTIONS} transactions litewal committed.\n` : `\nMISMATCH: SQLite did not see litewal's ${TRANSACTIONS} transactions.\n`);
  return ok;
}

async function writeConcurrently(path: string, counterRoot: number): Promise<ConcurrentOutcome> {
  const db = await openDatabase(path, { synchronous: 'full' });
  let checkpoint: CheckpointResult;
  let metrics: ReturnType<typeof db.metrics>;
  try {
    let started = 0;
    let staged = 0;
    const worker = async (): Promise<void> => {
      while (started < TRANSACTIONS) {
        started++;
        await db.write(async (txn) => {
          const page = await txn.readPage(counterRoot);
          const n = ++staged; // callbacks run one at a time, in commit order
          writeTextCell(page, ((n - 1) % COUNTER_ROWS) + 1, counterText(n));
          txn.writePage(counterRoot, page);
        });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    checkpoint = await db.checkpoint('truncate');
    metrics = db.metrics();
  } finally {
    await db.close();
  }
  const writeUs = metrics.histograms['litewal_database_write_us'];
  return {
    checkpoint,
    groups: metrics.counters['litewal_group_commit_groups'] ?? 0,
    transactions: metrics.counters['litewal_group_commit_transactions'] ?? 0,
    fsyncs: metrics.counters['litewal_group_commit_fsyncs'] ?? 0,
    fsyncReductionRatio: metrics.gauges['litewal_group_commit_fsync_reduction_ratio'] ?? 0,
    p50Ms: (writeUs?.p50 ?? 0) / 1000,
    p99Ms: (writeUs?.p99 ?? 0) / 1000,
    seen: readCounters(path),
  };
}

function readCounters(path: string): ConcurrentOutcome['seen'] {
  const conn = new Database(path, { readonly: true });
  try {
    const counters = conn.prepare('SELECT count(*) AS rows, min(v) AS first, max(v) AS last FROM counters WHERE v <> ?').get(COUNTER_START) as {
      rows: number;
      first: string | null;
      last: string | null;
    };
    return {
      rows: counters.rows,
      first: counters.first ?? '-',
      last: counters.last ?? '-',
      orders: (conn.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n,
      integrity: conn.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    conn.close();
  }
}
