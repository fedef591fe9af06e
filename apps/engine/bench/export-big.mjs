#!/usr/bin/env node
// Benchmark of `litewal export` on a large WAL, side by side with SQLite's own ways of writing a
// database out (`VACUUM INTO` and `.backup`) on copies of the same files, each in its own process
// under /usr/bin/time: wall time and peak RSS, and the ratios. Not part of `vitest run`.
//
//   pnpm -C apps/engine exec tsc -b && node apps/engine/bench/export-big.mjs [--wal-mb 2048] [--page-size 4096] [--dir D] [--keep]
//
// The database is built with the sqlite3 CLI (recipe F of TESTING-WITH-SQLITE.md, synchronous=OFF):
// a base of about a fifth of the size checkpointed into the database file, then one-page rows and
// updates of base rows left in the WAL, which therefore overrides pages of the file.
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}
const walMiB = Number(option('wal-mb', '2048'));
const pageSize = Number(option('page-size', '4096'));
const keep = process.argv.includes('--keep');
const parent = option('dir', os.tmpdir());

/** Runs a command under /usr/bin/time after a `sync` (no writeback of earlier runs in its time); returns seconds, peak RSS in MiB and stdout. */
function timed(argv, input) {
  spawnSync('sync');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...argv], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [seconds, kib] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { seconds, peakRssMiB: Math.round((kib / 1024) * 10) / 10, stdout: r.stdout };
}

function sqlite(db, sql, args = []) {
  const r = spawnSync('sqlite3', ['-batch', '-bail', '-init', '/dev/null', ...args, db], { input: sql, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`sqlite3 ${db} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

const dir = await mkdtemp(path.join(parent, 'litewal-export-bench-'));
try {
  const db = path.join(dir, 'big.db');
  const row = `randomblob(${pageSize - 196})`;
  const frameBytes = pageSize + 24;
  // Each statement writes 100 one-page rows plus a few b-tree pages and page 1: about 103 frames.
  const walStatements = Math.ceil((walMiB * 1024 * 1024) / (103 * frameBytes));
  const baseStatements = Math.ceil(walStatements / 5);
  const lines = [
    '.dbconfig no_ckpt_on_close on',
    '.testctrl prng_seed 12345',
    `PRAGMA page_size=${pageSize};`,
    'PRAGMA journal_mode=WAL;',
    'PRAGMA wal_autocheckpoint=0;',
    'PRAGMA synchronous=OFF;',
    'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
  ];
  for (let i = 0; i < baseStatements; i++) lines.push(`INSERT INTO t(v) SELECT ${row} FROM generate_series(1,100);`);
  lines.push('PRAGMA wal_checkpoint(TRUNCATE);');
  for (let i = 0; i < walStatements; i++) {
    lines.push(
      i % 10 === 9
        ? `UPDATE t SET v = ${row} WHERE id IN (SELECT abs(random()) % ${baseStatements * 100} + 1 FROM generate_series(1,100));`
        : `INSERT INTO t(v) SELECT ${row} FROM generate_series(1,100);`,
    );
  }
  const started = performance.now();
  const built = spawnSync('sqlite3', ['-batch', '-bail', '-init', '/dev/null', db], { input: lines.join('\n'), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (built.status !== 0) throw new Error(`building the database failed: ${built.stderr}`);
  const dbBytes = (await stat(db)).size;
  const walBytes = (await stat(`${db}-wal`)).size;
  await rm(`${db}-shm`, { force: true });
  process.stderr.write(`built ${dbBytes} + ${walBytes} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  // litewal: reads big.db and big.db-wal in place (no -shm), writes one file.
  const out = path.join(dir, 'litewal-export.db');
  const litewalRun = async () => {
    await rm(out, { force: true });
    return timed([process.execPath, cli, 'export', db, '--out', out, '--json']);
  };

  // SQLite: on a copy (its open recovers the WAL and writes a -shm), never checkpointing on close.
  let copies = 0;
  const sqliteRun = async (target, sql) => {
    const sub = path.join(dir, `copy-${copies++}`);
    await mkdir(sub);
    const copy = path.join(sub, 'big.db');
    await copyFile(db, copy);
    await copyFile(`${db}-wal`, `${copy}-wal`);
    await rm(target, { force: true });
    const result = timed(['sqlite3', '-batch', '-bail', '-init', '/dev/null', '-cmd', '.dbconfig no_ckpt_on_close on', copy], sql);
    await rm(sub, { recursive: true, force: true });
    return result;
  };
  const vacuumOut = path.join(dir, 'vacuum-into.db');
  const backupOut = path.join(dir, 'backup.db');
  // Two rounds, alternating, keeping each one's faster run: the page cache is warm for all.
  const runs = { litewal: [], vacuum: [], backup: [] };
  for (let round = 0; round < 2; round++) {
    runs.litewal.push(await litewalRun());
    runs.vacuum.push(await sqliteRun(vacuumOut, `VACUUM INTO '${vacuumOut}';`));
    runs.backup.push(await sqliteRun(backupOut, `.backup '${backupOut}'`));
  }
  const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const litewal = best(runs.litewal);
  const vacuum = best(runs.vacuum);
  const backup = best(runs.backup);
  const report = JSON.parse(litewal.stdout);

  // The export must hold what SQLite holds: integrity, and the same content hash as VACUUM INTO's.
  const integrity = sqlite(out, 'PRAGMA integrity_check;');
  const sameContent = sqlite(out, '.sha3sum') === sqlite(vacuumOut, '.sha3sum');
  const rows = sqlite(out, 'SELECT count(*) FROM t;');
  if (integrity !== 'ok' || !sameContent) throw new Error(`export differs from SQLite: integrity ${integrity}, same content ${sameContent}`);

  const pick = ({ seconds, peakRssMiB }) => ({ seconds, peakRssMiB });
  const all = (list) => list.map((r) => r.seconds);
  const result = {
    sqlite: sqlite(':memory:', 'SELECT sqlite_version();'),
    pageSize,
    dbBytes,
    walBytes,
    walFrames: Math.floor((walBytes - 32) / frameBytes),
    commits: report.commits,
    exportedBytes: report.bytes,
    rows: Number(rows),
    litewalExport: { ...pick(litewal), runs: all(runs.litewal) },
    sqliteVacuumInto: { ...pick(vacuum), runs: all(runs.vacuum) },
    sqliteBackup: { ...pick(backup), runs: all(runs.backup) },
    ratios: {
      timeVsVacuumInto: Math.round((litewal.seconds / vacuum.seconds) * 100) / 100,
      timeVsBackup: Math.round((litewal.seconds / backup.seconds) * 100) / 100,
      peakRssVsVacuumInto: Math.round((litewal.peakRssMiB / vacuum.peakRssMiB) * 100) / 100,
      peakRssVsBackup: Math.round((litewal.peakRssMiB / backup.peakRssMiB) * 100) / 100,
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  if (keep) process.stderr.write(`kept ${dir}\n`);
  else await rm(dir, { recursive: true, force: true });
}
