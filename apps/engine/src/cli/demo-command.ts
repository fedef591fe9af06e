import { copyFile, mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { EngineError } from '../errors.js';
import { inspectWal } from '../inspect/inspect-wal.js';
import { parseArgs } from './args.js';
import { COUNTER_ROWS, COUNTER_START, runConcurrentDemo } from './demo-concurrent.js';
import { runFecDemo } from './demo-fec.js';
import { printTable, type CliIo } from './output.js';

/** Usage line of `litewal demo`. */
export const DEMO_USAGE = 'litewal demo [--dir D] [--keep]';

const USER_VERSION_OFFSET = 60;
const CHANGE_COUNTER_OFFSET = 24;
const DB_SIZE_OFFSET = 28;
const VERSION_VALID_FOR_OFFSET = 92;

/**
 * `litewal demo`: SQLite makes a database with an un-checkpointed WAL; litewal inspects the WAL,
 * appends a commit of its own (page 1 with a new user_version) and SQLite reads that commit back.
 * Then litewal opens the database and commits 200 concurrent transactions through group commit,
 * checkpoints, and SQLite reads them (see {@link runConcurrentDemo}). Last, litewal commits with
 * `fec` on, a byte is flipped in two frames of one commit group of the WAL, and reopening repairs
 * it byte for byte (see {@link runFecDemo}).
 * Works in `--dir` (a new temporary directory by default, removed afterwards unless `--keep`).
 */
export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['keep'], ['dir']);
  if (args.positionals.length > 0) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${DEMO_USAGE}`);
  const given = args.values.get('dir');
  const dir = given ?? (await mkdtemp(join(tmpdir(), 'litewal-demo-')));
  if (given !== undefined) await mkdir(dir, { recursive: true });
  const started = performance.now();
  try {
    const db = join(dir, 'demo.db');
    const { rows, counterRoot } = await makeSqliteDatabase(dir, db);
    const before = await inspectWal(db);
    const userVersion = await appendUserVersionCommit(db);
    const seen = readWithSqlite(db);
    const ms = performance.now() - started;
    const w = before.wal;
    io.stdout.write('litewal demo: a real SQLite WAL, read and extended by litewal\n\n');
    printTable(io, [
      ['database', `${db} (${rows} rows written by SQLite ${seen.sqliteVersion})`],
      ['WAL', `${w.bytes} bytes, page size ${w.pageSize}, ${w.byteOrder}-endian checksums`],
      ['frames', `${w.frames.committed} committed in ${w.frames.commits} commits, ${w.distinctPages} distinct pages`],
      ['litewal appended', `page 1 with user_version ${userVersion} as commit frame ${w.frames.committed + 1}`],
      ['SQLite reads', `user_version ${seen.userVersion}, ${seen.rows} rows, integrity_check ${seen.integrity}`],
      ['time', `${ms.toFixed(0)} ms`],
    ]);
    const ok = seen.userVersion === userVersion && seen.integrity === 'ok' && seen.rows === rows;
    io.stdout.write(ok ? '\nSQLite accepted the frame litewal wrote.\n' : '\nMISMATCH: SQLite did not see litewal\'s commit.\n');
    const concurrentOk = await runConcurrentDemo(io, db, counterRoot, rows);
    const fecOk = await runFecDemo(io, db, counterRoot);
    io.stdout.write(`\ntime: ${(performance.now() - started).toFixed(0)} ms in all\n`);
    return ok && concurrentOk && fecOk ? 0 : 1;
  } finally {
    if (given === undefined && !args.flags.has('keep')) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Builds `db` with SQLite in WAL mode and leaves its WAL un-checkpointed: the writes happen in a
 * scratch connection and the files are copied while it is still open (its close would checkpoint).
 * Returns the rows of `orders` and the root page of `counters` (a leaf holding all its rows).
 */
async function makeSqliteDatabase(dir: string, db: string): Promise<{ rows: number; counterRoot: number }> {
  const scratch = join(dir, 'scratch');
  await mkdir(scratch, { recursive: true });
  const source = join(scratch, 'demo.db');
  const conn = new Database(source);
  let rows = 0;
  try {
    conn.pragma('journal_mode = WAL');
    conn.pragma('wal_autocheckpoint = 0');
    conn.exec('CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount REAL NOT NULL)');
    const insert = conn.prepare('INSERT INTO orders(customer, amount) VALUES (?, ?)');
    for (let batch = 0; batch < 5; batch++) {
      conn.transaction(() => {
        for (let i = 0; i < 200; i++) insert.run(`customer-${(batch * 200 + i) % 37}`, ((i * 7919) % 10000) / 100);
      })();
      rows += 200;
    }
    conn.exec('CREATE TABLE counters(id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const counter = conn.prepare('INSERT INTO counters(id, v) VALUES (?, ?)');
    conn.transaction(() => {
      for (let id = 1; id <= COUNTER_ROWS; id++) counter.run(id, COUNTER_START);
    })();
    const { counterRoot } = conn.prepare("SELECT rootpage AS counterRoot FROM sqlite_schema WHERE name = 'counters'").get() as { counterRoot: number };
    for (const suffix of ['', '-wal']) await copyFile(source + suffix, db + suffix);
    return { rows, counterRoot };
  } finally {
    conn.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Appends page 1 with user_version + 1 (and a bumped change counter) as a commit frame. */
async function appendUserVersionCommit(db: string): Promise<number> {
  const wal = await WalFile.open(new NodeVfs(), `${db}-wal`);
  try {
    const latest = await wal.readPage(1);
    if (latest === null) throw new EngineError('ERR_ENGINE_INPUT', 'the demo WAL holds no image of page 1');
    const page = Uint8Array.from(latest);
    const view = new DataView(page.buffer);
    const userVersion = view.getUint32(USER_VERSION_OFFSET, false) + 42;
    const counter = (view.getUint32(CHANGE_COUNTER_OFFSET, false) + 1) >>> 0;
    view.setUint32(USER_VERSION_OFFSET, userVersion, false);
    view.setUint32(CHANGE_COUNTER_OFFSET, counter, false);
    view.setUint32(VERSION_VALID_FOR_OFFSET, counter, false);
    view.setUint32(DB_SIZE_OFFSET, wal.dbSizePages, false);
    await wal.append([{ pageNumber: 1, data: page }], wal.dbSizePages);
    await wal.sync();
    return userVersion;
  } finally {
    await wal.close();
  }
}

function readWithSqlite(db: string): { userVersion: number; rows: number; integrity: string; sqliteVersion: string } {
  const conn = new Database(db, { readonly: true });
  try {
    return {
      userVersion: conn.pragma('user_version', { simple: true }) as number,
      rows: (conn.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n,
      integrity: conn.pragma('integrity_check', { simple: true }) as string,
      sqliteVersion: (conn.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    };
  } finally {
    conn.close();
  }
}
