import { chmod, copyFile, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makePersistentWalDatabase,
  makeTempDir,
  makeWalDatabase,
  openSnapshotReader,
  removeTempDir,
  runSqlite3,
} from '@litewal/sqlite-fixtures';
import { FaultVfs, NodeVfs } from '@litewal/vfs';
import { decodeWalIndexHeaderCopy, encodeWalIndexHeader } from '@litewal/wal-index';
import { inspectWal, type DiagnosisCode, type InspectReport } from '../src/index.js';
import { inspectWalReadingLocks } from '../src/inspect/inspect-wal.js';
import { directoryState } from './support/directory-state.js';
import { runCli as run } from './support/run-cli.js';
import { subdir } from './support/subdir.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-diagnosis-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

function codes(report: InspectReport): DiagnosisCode[] {
  return report.diagnosis.map((d) => d.code);
}

function message(report: InspectReport, code: DiagnosisCode): string {
  const found = report.diagnosis.filter((d) => d.code === code);
  expect(found, `one ${code} in ${JSON.stringify(report.diagnosis)}`).toHaveLength(1);
  return (found[0] as { message: string }).message;
}

/** One transaction of `rows` one-page rows (pages of 512 bytes): about `rows` frames. */
const bigInsert = (rows: number): string => `INSERT INTO t(v) SELECT randomblob(400) FROM generate_series(1,${rows});`;

describe('litewal inspect diagnosis, on WALs that SQLite wrote', () => {
  it('finds a stale WAL beside a fresh rollback-journal database that replaced the original', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    const fresh = join(sub, 'fresh.db');
    await runSqlite3(fresh, 'CREATE TABLE x(a);');
    await copyFile(fresh, files.db);
    const report = await inspectWal(files.db);
    expect(report.database).toMatchObject({ path: files.db, journal: 'rollback', pageSize: 4096 });
    expect(message(report, 'stale-wal')).toBe(
      `${files.db} is a rollback-journal database (a fresh or restored file), yet ${files.wal} beside it holds 5 committed frames: ` +
        `SQLite applies them on the next open, mixing another database's pages into it; if the database file is the one you want, ` +
        `move ${files.wal} (and its -shm) aside before opening it; if the WAL is, restore the database file that goes with it`,
    );
  });

  it('finds a stale WAL beside a restored database: pages the -shm says were checkpointed differ', async () => {
    const sub = await subdir(dir);
    // The "backup": an older, different database in WAL mode.
    const backup = await makePersistentWalDatabase({ dir: sub, name: 'backup.db', statements: ['CREATE TABLE old(a);', 'INSERT INTO old VALUES(1);'] });
    const files = await makePersistentWalDatabase({ dir: sub, name: 'app.db' });
    const before = await inspectWal(files.db);
    expect(codes(before)).not.toContain('stale-wal');
    expect(before.database?.backfilledPagesDiffering).toEqual([]);
    expect(before.database?.backfilledPagesCompared).toBeGreaterThan(0);
    await copyFile(backup.db, files.db);
    const report = await inspectWal(files.db);
    expect(report.database).toMatchObject({ journal: 'wal', backfilledPagesDiffering: [1, 2] });
    expect(message(report, 'stale-wal')).toMatch(
      /^the -shm says frames up to the checkpoint were copied into .*app\.db, but 2 pages of 2 compared \(1, 2\) differ from the WAL: the database file was replaced or restored after the WAL was written/,
    );
  });

  it('finds a stale WAL whose page size differs from the database file beside it', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db', pageSize: 4096 });
    const other = join(sub, 'other.db');
    await runSqlite3(other, ['PRAGMA page_size=1024;', 'PRAGMA journal_mode=WAL;', 'CREATE TABLE x(a);']);
    await copyFile(other, files.db);
    const report = await inspectWal(files.db);
    expect(report.database).toMatchObject({ journal: 'wal', pageSize: 1024 });
    expect(message(report, 'stale-wal')).toMatch(
      /app\.db has 1024-byte pages but .*app\.db-wal has 4096-byte pages: the WAL belongs to another database and SQLite will report the database as corrupt/,
    );
  });

  it('finds a WAL beside an empty database, which SQLite would delete', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    await truncate(files.db, 0);
    const report = await inspectWal(files.db);
    expect(message(report, 'stale-wal')).toMatch(/is empty \(0 bytes\) but .* holds 5 committed frames: SQLite deletes this WAL on the next open/);
  });

  it('calls a checkpointed WAL healthy and says it may be truncated whole', async () => {
    const files = await makePersistentWalDatabase({ dir: await subdir(dir), name: 'app.db' });
    const bytes = (await readFile(files.wal)).length;
    const report = await inspectWal(files.db);
    expect(report.diagnosis).toEqual([
      {
        code: 'healthy',
        message: `WAL is 20.6 kB with 5 committed frames, 0 pending; nothing needs doing (safe to truncate: 20.6 kB (${bytes} bytes), nothing pending: every committed frame is in the database, and no process holds a lock on the -shm)`,
      },
    ]);
  });

  it('finds -shm header copies that differ, as a writer interrupted between its two copies leaves them', async () => {
    const files = await makeWalDatabase({ dir: await subdir(dir), name: 'app.db' });
    const shm = await readFile(files.shm);
    // A writer writes copy 2, then copy 1: here copy 2 already says mxFrame 6, copy 1 still 5.
    const newer = { ...decodeWalIndexHeaderCopy(shm, 0), maxFrame: 6 };
    shm.set(encodeWalIndexHeader(newer), 48);
    await writeFile(files.shm, shm);
    const report = await inspectWal(files.db);
    expect(report.shm?.headers).toMatchObject({ agree: false, copy1: { valid: true }, copy2: { valid: true, header: { mxFrame: 6 } } });
    expect(report.shm?.mxFrame).toBeNull();
    expect(message(report, 'shm-headers-differ')).toMatch(/^the two header copies of the -shm differ \(mxFrame 5 vs 6\): a writer was interrupted/);
    shm.fill(0, 0, 96);
    await writeFile(files.shm, shm);
    const zeroed = await inspectWal(files.db);
    expect(message(zeroed, 'shm-header-invalid')).toMatch(/^the -shm header fails SQLite's checks \(copy 1: .*; copy 2: .*\); the next SQLite connection rebuilds it/);
  });

  it('explains a WAL without -shm, and does not create one', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    await unlink(files.shm);
    const before = await directoryState(sub);
    const report = await inspectWal(files.db);
    expect(report.shm).toBeNull();
    expect(report.space).toMatchObject({ liveFrames: 5, pendingFrames: null, safeToTruncateBytes: 0 });
    expect(codes(report)).toEqual(['no-shm']);
    expect(message(report, 'no-shm')).toBe(
      'no -shm beside the WAL: no process has the database open, and SQLite will rebuild the index from the WAL (5 committed frames) on the next open; nothing to do',
    );
    expect(await directoryState(sub)).toEqual(before);
  });

  it('says a high-water WAL with nothing pending is safe to truncate whole (checkpointed, WAL kept)', async () => {
    const sub = await subdir(dir);
    const files = await makePersistentWalDatabase({
      dir: sub,
      name: 'app.db',
      pageSize: 512,
      statements: ['CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);', bigInsert(1200)],
    });
    const wal = await readFile(files.wal);
    const report = await inspectWal(files.db);
    expect(report.shm?.nBackfill).toBe(report.wal.frames.committed);
    expect(report.space).toMatchObject({ pendingFrames: 0, staleFrames: 0, safeToTruncateBytes: wal.length });
    expect(message(report, 'wal-deep')).toMatch(
      new RegExp(`^WAL is ${(wal.length / 1000).toFixed(1)} kB with 0 frames pending: safe to truncate: .* \\(${wal.length} bytes\\), nothing pending: every committed frame is in the database`),
    );
    expect(codes(report)).not.toContain('stale-wal');
  });

  it('separates live frames from older generations after a RESTART checkpoint and one small write', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({
      dir: sub,
      name: 'app.db',
      pageSize: 512,
      statements: ['CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);', bigInsert(1200), 'PRAGMA wal_checkpoint(RESTART);', "INSERT INTO t(v) VALUES('small');"],
    });
    const bytes = (await readFile(files.wal)).length;
    const report = await inspectWal(files.db);
    const { wal, space } = report;
    expect(wal.checkpointSequence).toBe(1);
    expect(wal.stop.reason).toBe('salt-mismatch');
    const frameBytes = 512 + 24;
    const committedEnd = 32 + wal.frames.committed * frameBytes;
    expect(space).toMatchObject({
      liveFrames: wal.frames.committed,
      pendingFrames: wal.frames.committed,
      staleFrames: Math.floor((bytes - 32) / frameBytes) - wal.frames.chained,
      brokenFrames: 0,
      safeToTruncateBytes: bytes - committedEnd,
    });
    expect(space.staleFrames).toBeGreaterThan(1000);
    expect(message(report, 'stale-tail')).toMatch(
      new RegExp(`^${space.staleFrames} frames \\(.*\\) after the valid prefix are leftovers of older generations of the log \\(other salts\\): SQLite ignores them; safe to truncate: .* \\(${bytes - committedEnd} bytes\\)`),
    );
    expect(message(report, 'wal-deep')).toMatch(new RegExp(`with ${wal.frames.committed} frames? pending`));
  });

  it('reports a checkpoint pinned by the read mark of a live sqlite3 reader, then the same mark as not held', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    const reader = await openSnapshotReader(files.db);
    let released = false;
    try {
      await runSqlite3(files.db, ["INSERT INTO t(v) VALUES('after 1');", "INSERT INTO t(v) VALUES('after 2');", 'PRAGMA wal_checkpoint(PASSIVE);'], { keepWal: true });
      const before = await directoryState(sub);
      const report = await inspectWal(files.db);
      expect(await directoryState(sub)).toEqual(before); // bytes and mtimes, beside a live reader
      const held = report.shm?.readMarks.filter((m) => m.lock === 'shared') ?? [];
      expect(held).toHaveLength(1);
      const { slot, mark } = held[0] as { slot: number; mark: number };
      expect(mark).toBe(5); // the reader's snapshot: the fixture's last commit frame
      expect(report.shm?.mxFrame).toBe(report.wal.frames.committed);
      expect(report.shm?.nBackfill).toBe(5);
      const pid = reader.session.pid as number;
      expect(report.shm?.lockProbe).toBe('proc-locks');
      expect(report.shm?.locks.find((l) => l.name === `read-${slot}`)).toEqual({
        name: `read-${slot}`,
        offset: 123 + slot,
        state: 'shared',
        holders: [{ pid, holder: 'live process' }],
      });
      expect(message(report, 'checkpoint-pinned')).toBe(
        `checkpoint pinned at frame 5 by read mark ${slot}, held by pid ${pid}: frames 6..${report.wal.frames.committed} cannot be copied into the database and the WAL cannot restart until that reader ends its read transaction; find the long-running reader and commit or close it`,
      );
      const human = await run(['inspect', files.db]);
      expect(human.out).toMatch(new RegExp(`locks held now\\s+read-${slot} \\(byte ${123 + slot}\\) shared, by pid ${pid}`));
      expect(human.out).toMatch(/\[checkpoint-pinned\] checkpoint pinned at frame 5/);

      await reader.release();
      released = true;
      const after = await inspectWal(files.db);
      expect(after.shm?.readMarks[slot]).toEqual({ slot, mark: 5, lock: 'free' });
      expect(codes(after)).not.toContain('checkpoint-pinned');
      expect(after.diagnosis).toContainEqual({
        code: 'stale-read-mark',
        message: `stale read mark, not held: read mark ${slot} = frame 5 (below mxFrame ${after.wal.frames.committed}) but no process holds its lock, so it pins nothing; the next checkpoint moves past it, nothing to do`,
      });
    } finally {
      if (!released) await reader.session.kill();
    }
  });

  it('without /proc/locks, tests the locks and sees a held exclusive lock even when the -shm can only be opened read-only', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    const holder = await new NodeVfs().open(files.shm);
    try {
      expect(await holder.tryLock(120, 1, 'exclusive')).toBe(true);
      // Read-write opening refused, as for a -shm the user may not write (root may write anything,
      // so the refusal is injected): the probe falls back to a read-only descriptor.
      const vfs = new FaultVfs(new NodeVfs());
      vfs.injectFault({ operation: 'open', kind: 'eio', path: files.shm, nth: 2 });
      const report = await inspectWalReadingLocks(files.db, vfs, join(sub, 'no-proc', 'locks'));
      expect(report.shm?.lockProbe).toBe('read-only');
      expect(report.shm?.locks.map((l) => l.holders)).toEqual(Array(8).fill(null));
      expect(report.shm?.locks.map((l) => l.state)).toEqual(['exclusive', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
      expect(message(report, 'locks-unknown')).toBe(
        `the -shm could only be opened read-only, so readers' shared locks cannot be seen: read marks below mxFrame 5 (1 = frame 4) may or may not pin a checkpoint; run inspect as a user allowed to open ${files.shm} for writing (it still writes nothing) to know`,
      );
      expect(codes(report)).not.toContain('stale-read-mark');
    } finally {
      await holder.close();
    }
  });

  it('never changes a byte or an mtime, in a read-only directory too', async () => {
    const sub = await subdir(dir);
    const files = await makeWalDatabase({ dir: sub, name: 'app.db' });
    await runSqlite3(files.db, ['PRAGMA wal_checkpoint(PASSIVE);'], { keepWal: true });
    const before = await directoryState(sub);
    await chmod(sub, 0o555);
    try {
      for (const argv of [['inspect', files.db], ['inspect', files.db, '--json'], ['history', files.db, '--json'], ['inspect', files.wal]]) {
        const { code, err } = await run(argv);
        expect([argv, code, err]).toEqual([argv, 0, '']);
      }
      expect(await directoryState(sub)).toEqual(before);
    } finally {
      await chmod(sub, 0o755);
    }
  });
});
