import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { sharedHashes, WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from '@litewal/checksum';
import { NodeVfs } from '@litewal/vfs';
import { readSidecar, scanWal, sidecarPath, type StoredGroup } from '@litewal/wal-fec';
import { writeTextCell } from '../bench/text-cell.js';
import { openDatabase } from '../database/open-database.js';
import { COUNTER_ROWS } from './demo-concurrent.js';
import { printTable, type CliIo } from './output.js';

const REPAIR_SYMBOLS = 2;
const fecText = (n: number): string => `fec-${String(n).padStart(6, '0')}`;

/**
 * The demo's third act: litewal opens the demo database with `fec` on (Reed–Solomon, R = 2) and
 * commits one transaction per counter, {@link COUNTER_ROWS} at a time (transaction n writes
 * `fec-<n>` into row n); a second connection keeps the WAL when the first closes. The database,
 * its WAL and its sidecar are then copied, as a backup or a disk found after a crash would hold
 * them (litewal repairs only as the database's sole user, and the second connection still has the
 * original open). In the copy it flips a byte in R frames of one commit group of the real WAL,
 * scans it, shows what SQLite reads from the damaged files, opens the copy with litewal (which
 * repairs the WAL before recovering it), and shows the WAL's SHA-256 equal to the one before the
 * damage and SQLite reading every commit. Returns whether all of that held.
 */
export async function runFecDemo(io: CliIo, db: string, counterRoot: number): Promise<boolean> {
  const vfs = new NodeVfs();
  const holder = await openDatabase(db); // keeps the WAL (and the sidecar) when the protected connection closes
  try {
    const protectedDb = await openDatabase(db, { fec: { codec: 'reed-solomon', repairSymbols: REPAIR_SYMBOLS }, autoCheckpoint: 0 });
    let staged = 0;
    try {
      await Promise.all(
        Array.from({ length: COUNTER_ROWS }, () =>
          protectedDb.write(async (txn) => {
            const page = await txn.readPage(counterRoot);
            const n = ++staged;
            writeTextCell(page, n, fecText(n));
            txn.writePage(counterRoot, page);
          }),
        ),
      );
    } finally {
      await protectedDb.close(); // waits for the worker: every group is in the sidecar
    }
    const protection = protectedDb.metrics().counters;
    const groups = (await readSidecar(vfs, sidecarPath(db), await sharedHashes())).groups;
    const target = groups.reduce((a, b) => (b.lastFrame - b.firstFrame >= a.lastFrame - a.firstFrame ? b : a)); // the largest, the last of equals
    const damaged = [target.firstFrame, target.lastFrame].slice(0, target.lastFrame - target.firstFrame + 1);
    const healed = join(dirname(db), 'healed.db');
    for (const suffix of ['', '-wal', '-wal-fec']) await copyFile(`${db}${suffix}`, `${healed}${suffix}`);
    const before = await sha256(`${healed}-wal`);
    await flipBytes(`${healed}-wal`, damaged, holder.pageSize);
    const scan = await scanWal(vfs, healed);
    const damagedSeen = await readCopy(healed, 'fec-');

    const reopened = await openDatabase(healed);
    const repair = reopened.metrics().events.find((e) => e.kind === 'database.fec-repair');
    const after = await sha256(`${healed}-wal`);
    await reopened.close(); // the last connection: checkpoints, then deletes the WAL and the sidecar
    const seen = readCounters(healed);
    for (const suffix of ['', '-wal', '-shm', '-wal-fec']) await rm(`${healed}${suffix}`, { force: true });

    io.stdout.write(`\nlitewal: a self-healing WAL (${basename(sidecarPath(db))}: Reed-Solomon, R = ${REPAIR_SYMBOLS})\n\n`);
    printTable(io, [
      ['litewal wrote', `${staged} transactions with fec on: ${protection['litewal_fec_groups_protected'] ?? 0} commit groups protected in a worker thread`],
      ['damage', `flipped a byte in frames ${damaged.join(', ')} (${damaged.length} frames of group ${describe(target)})`],
      ['scan', `damaged frames ${scan.damagedFrames.join(', ')}: ${scan.repairable ? 'repairable' : 'NOT repairable'}`],
      ['SQLite, damaged', `reads ${damagedSeen} of ${staged} transactions (its valid prefix ends before frame ${damaged[0]})`],
      ['repair on open', `litewal rebuilt frames ${String(repair?.fields['frames'] ?? 'none')} from the sidecar`],
      ['WAL sha-256', `${before.slice(0, 16)} before the damage, ${after.slice(0, 16)} after the repair${after === before ? ' (identical)' : ' (DIFFERENT)'}`],
      ['SQLite reads', `${seen.rows} counters ${seen.first}..${seen.last}, integrity_check ${seen.integrity}`],
    ]);
    const ok = after === before && seen.rows === staged && seen.integrity === 'ok' && scan.repairable && damagedSeen < staged;
    io.stdout.write(ok ? '\nThe WAL was repaired byte for byte and SQLite read every commit.\n' : '\nMISMATCH: the WAL was not repaired.\n');
    return ok;
  } finally {
    await holder.close();
  }
}

function describe(g: StoredGroup): string {
  return g.firstFrame === g.lastFrame ? `${g.firstFrame}` : `${g.firstFrame}..${g.lastFrame}`;
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Flips one byte in the middle of each frame's page, as a bad sector would. */
async function flipBytes(walPath: string, frames: readonly number[], pageSize: number): Promise<void> {
  const wal = await readFile(walPath);
  for (const frame of frames) {
    const at = WAL_HEADER_BYTES + (frame - 1) * (WAL_FRAME_HEADER_BYTES + pageSize) + WAL_FRAME_HEADER_BYTES + pageSize / 2;
    wal[at] = (wal[at] as number) ^ 0xff;
  }
  await writeFile(walPath, wal);
}

/** Counters SQLite reads with the given prefix, from a copy of the database and its WAL (no `-shm`). */
async function readCopy(db: string, prefix: string): Promise<number> {
  const scratch = `${db}.damaged`;
  await mkdir(scratch, { recursive: true });
  try {
    const copy = join(scratch, 'copy.db');
    await copyFile(db, copy);
    await copyFile(`${db}-wal`, `${copy}-wal`);
    const conn = new Database(copy, { readonly: true });
    try {
      return (conn.prepare('SELECT count(*) AS n FROM counters WHERE v LIKE ?').get(`${prefix}%`) as { n: number }).n;
    } finally {
      conn.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function readCounters(db: string): { rows: number; first: string; last: string; integrity: string } {
  const conn = new Database(db, { readonly: true });
  try {
    const r = conn.prepare("SELECT count(*) AS rows, min(v) AS first, max(v) AS last FROM counters WHERE v LIKE 'fec-%'").get() as {
      rows: number;
      first: string | null;
      last: string | null;
    };
    return { rows: r.rows, first: r.first ?? '-', last: r.last ?? '-', integrity: conn.pragma('integrity_check', { simple: true }) as string };
  } finally {
    conn.close();
  }
}
