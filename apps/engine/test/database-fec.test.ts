import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashes } from '@litewal/checksum';
import { LiveSqlite3, integrityCheck, makeTempDir, removeTempDir, sqliteRead } from '@litewal/sqlite-fixtures';
import type { TelemetrySnapshot } from '@litewal/telemetry';
import { MemoryVfs, NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { readSidecar, scanWal, sidecarPath, type StoredGroup } from '@litewal/wal-fec';
import { fecWorkerUrl } from '../src/database/fec-protector.js';
import { openDatabase, type Database } from '../src/index.js';
import { incrementCounter, makeCounterTable, readUserVersion, writeUserVersion } from './database-fixtures.js';

const ROWS = 16;
const TRANSACTIONS = 120;
const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

let dir: string;
beforeAll(async () => {
  // The worker thread runs the built worker (vitest runs src/, a worker cannot load TypeScript).
  const worker = fileURLToPath(fecWorkerUrl());
  if (!existsSync(worker)) throw new Error(`${worker} is missing: build first (pnpm build; turbo's test task builds the engine)`);
  dir = await makeTempDir('litewal-db-fec-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

const vfs = new NodeVfs();

/** Transaction n (1-based) sets user_version to n (page 1) and adds 1 to row ((n - 1) mod 16) + 1: two frames. */
async function writeConcurrently(db: Database, rootPage: number, transactions: number): Promise<void> {
  let staged = 0;
  await Promise.all(
    Array.from({ length: transactions }, () =>
      db.write(async (txn) => {
        const n = ++staged;
        const page1 = await txn.readPage(1);
        writeUserVersion(page1, n);
        txn.writePage(1, page1);
        await incrementCounter(txn, { db: db.path, rootPage, rows: ROWS }, ((n - 1) % ROWS) + 1);
      }),
    ),
  );
}

function events(metrics: TelemetrySnapshot, kind: string): Record<string, unknown>[] {
  return metrics.events.filter((e) => e.kind === kind).map((e) => e.fields);
}

/**
 * A database written by litewal with fec on, closed while another litewal connection holds it (so
 * its WAL stays), then copied to `<name>` (database, WAL, sidecar) as a closed database would be.
 */
async function protectedDatabase(name: string, codec: 'reed-solomon' | 'raptorq' = 'reed-solomon'): Promise<{ db: string; metrics: TelemetrySnapshot }> {
  const table = await makeCounterTable(dir, `${name}-source.db`, ROWS);
  const holder = await openDatabase(table.db);
  try {
    const db = await openDatabase(table.db, { fec: { repairSymbols: 2, codec }, autoCheckpoint: 0 });
    await writeConcurrently(db, table.rootPage, TRANSACTIONS);
    await db.close();
    const copy = join(dir, name);
    for (const suffix of ['', '-wal', '-wal-fec']) await copyFile(table.db + suffix, copy + suffix);
    return { db: copy, metrics: db.metrics() };
  } finally {
    await holder.close();
  }
}

async function sidecarGroups(db: string): Promise<readonly StoredGroup[]> {
  return (await readSidecar(vfs, sidecarPath(db), await createHashes())).groups;
}

/** SHA-256 of a file, hex. */
async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Flips one byte in the middle of each frame's page. */
async function damageFrames(db: string, frames: readonly number[], pageSize = 4096): Promise<void> {
  const wal = await readFile(`${db}-wal`);
  for (const f of frames) {
    const at = WAL_HEADER_BYTES + (f - 1) * (FRAME_HEADER_BYTES + pageSize) + FRAME_HEADER_BYTES + 2000;
    wal[at] = (wal[at] as number) ^ 0x5a;
  }
  await writeFile(`${db}-wal`, wal);
}

/** What SQLite reads: every row's counter summed, user_version, integrity_check. */
async function sqliteSees(db: string): Promise<{ sum: number; userVersion: number; integrity: string }> {
  const [row] = (await sqliteRead(db, "SELECT sum(CAST(substr(v, 3) AS INTEGER)) AS sum FROM t")) as { sum: number }[];
  const [version] = (await sqliteRead(db, 'PRAGMA user_version')) as { user_version: number }[];
  return { sum: row?.sum ?? -1, userVersion: version?.user_version ?? -1, integrity: await integrityCheck(db) };
}

describe('DatabaseOptions.fec', () => {
  it('protects every durable commit group in a worker thread; close waits for the sidecar', async () => {
    const { db, metrics } = await protectedDatabase('covered.db');
    const groups = metrics.counters['litewal_group_commit_groups'] ?? 0;
    expect(groups).toBeGreaterThan(1);
    expect(groups).toBeLessThan(TRANSACTIONS); // concurrent writes were grouped
    expect(metrics.counters['litewal_fec_groups_protected']).toBe(groups);
    expect(metrics.counters['litewal_fec_groups_unprotected']).toBe(0);
    expect(metrics.counters['litewal_fec_failures']).toBe(0);
    expect(metrics.counters['litewal_fec_bytes_written']).toBeGreaterThan(groups * 2 * 4096);
    expect(metrics.gauges['litewal_fec_lag_groups']).toBe(0);
    expect(metrics.histograms['litewal_fec_encode_us']?.count).toBeGreaterThan(0);
    expect(events(metrics, 'database.fec-start')).toEqual([{ sidecar: `${join(dir, 'covered.db-source.db')}-wal-fec`, codec: 'reed-solomon', repairSymbols: 2 }]);

    // The records tile the committed WAL, frame 1 up to the last commit frame: one per commit group,
    // or per run of small consecutive groups (fewer than 16 frames).
    const wal = await WalFile.open(vfs, `${db}-wal`, { readOnly: true });
    const committed = wal.committedFrames;
    await wal.close();
    expect(committed).toBe(2 * TRANSACTIONS);
    const records = await sidecarGroups(db);
    expect(records.length).toBeLessThanOrEqual(groups);
    expect(records.every((g) => (g.frames.at(-1)?.commitSize ?? 0) > 0 && g.frames.slice(0, -1).every((f, i) => i % 2 === 1 || f.commitSize === 0))).toBe(true); // ends at a commit frame; transactions are whole
    records.forEach((g, i) => expect(g.firstFrame).toBe(i === 0 ? 1 : (records[i - 1] as StoredGroup).lastFrame + 1));
    expect(records.at(-1)?.lastFrame).toBe(committed);
    expect(records.every((g) => g.codec === 'reed-solomon' && g.repairSymbols === 2)).toBe(true);
    const scan = await scanWal(vfs, db);
    expect(scan).toMatchObject({ groups: records.length, staleGroups: 0, damagedFrames: [], unrepairableGroups: [], tornTail: false });
    expect(await sqliteSees(db)).toEqual({ sum: TRANSACTIONS, userVersion: TRANSACTIONS, integrity: 'ok' });
  });

  it('follows a WAL restart: the sidecar then protects the new generation from frame 1', async () => {
    const table = await makeCounterTable(dir, 'restart.db', ROWS);
    const holder = await openDatabase(table.db);
    try {
      const db = await openDatabase(table.db, { fec: {}, autoCheckpoint: 0 });
      await writeConcurrently(db, table.rootPage, 30);
      expect(await db.checkpoint('restart')).toMatchObject({ busy: 0 });
      await writeConcurrently(db, table.rootPage, 30); // the first of these restarts the WAL
      await db.close();
      const metrics = db.metrics();
      expect(metrics.counters['litewal_wal_restarts']).toBe(1);
      expect(metrics.counters['litewal_fec_groups_protected']).toBe(metrics.counters['litewal_group_commit_groups']);
      const wal = await WalFile.open(vfs, `${table.db}-wal`, { readOnly: true });
      const { committedFrames, header } = wal;
      await wal.close();
      const records = await sidecarGroups(table.db);
      expect(records[0]?.firstFrame).toBe(1);
      expect(records.at(-1)?.lastFrame).toBe(committedFrames);
      expect(records.every((g) => g.salt1 === header?.salt1 && g.salt2 === header.salt2)).toBe(true);
      expect(await scanWal(vfs, table.db)).toMatchObject({ groups: records.length, staleGroups: 0, damagedFrames: [] });
    } finally {
      await holder.close();
    }
  });

  it('protects with RaptorQ too', async () => {
    const { db } = await protectedDatabase('raptorq.db', 'raptorq');
    const records = await sidecarGroups(db);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((g) => g.codec === 'raptorq')).toBe(true);
    expect(await scanWal(vfs, db)).toMatchObject({ groups: records.length, damagedFrames: [], unrepairableGroups: [] });
  });

  it('repairs R damaged frames of one group, and of several groups, on open: the WAL as it was, every commit readable', async () => {
    const { db } = await protectedDatabase('repair.db');
    const before = await sha256(`${db}-wal`);
    const records = (await sidecarGroups(db)).filter((g) => g.lastFrame - g.firstFrame >= 3);
    expect(records.length).toBeGreaterThan(1);
    const [a, b] = records as [StoredGroup, StoredGroup];
    const damaged = [a.firstFrame, a.lastFrame, b.firstFrame + 1, b.lastFrame - 1]; // R = 2 in each of two groups
    await damageFrames(db, damaged);
    expect(await sha256(`${db}-wal`)).not.toBe(before);
    expect((await scanWal(vfs, db)).damagedFrames).toEqual(damaged.sort((x, y) => x - y));

    const opened = await openDatabase(db);
    try {
      expect(await sha256(`${db}-wal`)).toBe(before);
      const metrics = opened.metrics();
      expect(events(metrics, 'database.fec-repair')).toEqual([{ sidecar: `${db}-wal-fec`, frames: damaged.join(','), protectedGroups: (await sidecarGroups(db)).length }]);
      expect(metrics.counters['litewal_fec_repaired_frames']).toBe(4);
      expect(events(metrics, 'wal-fec.repair')).toHaveLength(2);
      const snapshot = await opened.read();
      expect(readUserVersion(await snapshot.readPage(1))).toBe(TRANSACTIONS);
      await snapshot.release();
      expect(await sqliteSees(db)).toEqual({ sum: TRANSACTIONS, userVersion: TRANSACTIONS, integrity: 'ok' });
    } finally {
      await opened.close();
    }
  });

  it('repairs only as the sole user: with a live sqlite3 connection on the database it changes nothing', async () => {
    const { db } = await protectedDatabase('shared.db');
    const before = await sha256(`${db}-wal`);
    const [group] = (await sidecarGroups(db)).filter((g) => g.lastFrame - g.firstFrame >= 3);
    const damaged = [(group as StoredGroup).firstFrame + 1];
    await damageFrames(db, damaged);
    const damagedWal = await sha256(`${db}-wal`);
    const other = await LiveSqlite3.open(db);
    try {
      await other.query('SELECT count(*) FROM sqlite_schema;'); // it has the database and its -shm open
      const opened = await openDatabase(db);
      try {
        expect(await sha256(`${db}-wal`)).toBe(damagedWal);
        const skipped = events(opened.metrics(), 'database.fec-skipped');
        expect(skipped).toHaveLength(1);
        expect(String(skipped[0]?.['reason'])).toMatch(/another connection holds/);
        expect(events(opened.metrics(), 'database.fec-repair')).toEqual([]);
      } finally {
        await opened.close();
      }
    } finally {
      await other.kill(); // no last-close checkpoint: the WAL stays as it is
    }
    const reopened = await openDatabase(db);
    try {
      expect(await sha256(`${db}-wal`)).toBe(before);
      expect(events(reopened.metrics(), 'database.fec-repair')).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });

  it('changes nothing when a group is beyond repair, opens the valid prefix as SQLite does and names the lost group', async () => {
    const { db } = await protectedDatabase('lost.db');
    const lost = (await sidecarGroups(db)).filter((g) => g.lastFrame - g.firstFrame >= 3)[1] as StoredGroup;
    await damageFrames(db, [lost.firstFrame, lost.firstFrame + 1, lost.firstFrame + 2]); // R + 1
    const damagedWal = await sha256(`${db}-wal`);
    const dbFile = await sha256(db);
    const prefix = (lost.firstFrame - 1) / 2; // transactions before the group (two frames each)
    const sqlite = await sqliteSees(db); // SQLite, on a copy: the valid prefix
    expect(sqlite).toEqual({ sum: prefix, userVersion: prefix, integrity: 'ok' });

    const opened = await openDatabase(db);
    try {
      expect(await sha256(`${db}-wal`)).toBe(damagedWal);
      expect(await sha256(db)).toBe(dbFile);
      const metrics = opened.metrics();
      expect(events(metrics, 'database.fec-lost')).toEqual([
        {
          sidecar: `${db}-wal-fec`,
          groups: `${lost.firstFrame}-${lost.lastFrame}`,
          damagedFrames: [lost.firstFrame, lost.firstFrame + 1, lost.firstFrame + 2].join(','),
          reasons: 'too-many-losses',
        },
      ]);
      expect(metrics.counters['litewal_fec_lost_groups']).toBe(1);
      expect(events(metrics, 'database.fec-repair')).toEqual([]);
      const snapshot = await opened.read();
      expect(snapshot.maxFrame).toBe(lost.firstFrame - 1);
      expect(readUserVersion(await snapshot.readPage(1))).toBe(prefix);
      await snapshot.release();
    } finally {
      await opened.close();
    }
  });

  it('keeps committing when the worker fails (the sidecar path is a directory), and records it', async () => {
    const table = await makeCounterTable(dir, 'failing.db', ROWS);
    await mkdir(sidecarPath(table.db));
    const db = await openDatabase(table.db, { fec: {} });
    await writeConcurrently(db, table.rootPage, 20);
    await db.close();
    const metrics = db.metrics();
    expect(metrics.counters['litewal_database_commits']).toBe(20);
    expect(metrics.counters['litewal_fec_failures']).toBe(1);
    expect(metrics.counters['litewal_fec_groups_protected']).toBe(0);
    expect(metrics.counters['litewal_fec_groups_unprotected']).toBe(metrics.counters['litewal_group_commit_groups']);
    const [failed] = events(metrics, 'database.fec-failed');
    expect(failed).toMatchObject({ stage: 'open', code: 'ERR_VFS_IO' });
    expect(String(failed?.message)).toMatch(/EISDIR/);
    // The open before it could not read the "sidecar" either: recorded, and the open went on.
    expect(events(metrics, 'database.fec-error')).toMatchObject([{ sidecar: sidecarPath(table.db) }]);
    expect(metrics.counters['litewal_fec_open_errors']).toBe(1);
    expect(await sqliteSees(table.db)).toEqual({ sum: 20, userVersion: 20, integrity: 'ok' });
  });

  it('refuses invalid settings', async () => {
    const path = join(dir, 'invalid.db');
    await expect(openDatabase(path, { fec: { repairSymbols: 0 } })).rejects.toThrow(/fec.repairSymbols must be an integer from 1 to 255, got 0/);
    await expect(openDatabase(path, { fec: { codec: 'lzma' as 'raptorq' } })).rejects.toThrow(/fec.codec must be one of reed-solomon, raptorq, got lzma/);
    await expect(openDatabase(path, { vfs: new MemoryVfs(), fec: {} })).rejects.toThrow(TypeError);
  });
});
