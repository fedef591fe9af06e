import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAL_HEADER_BYTES, decodeWalHeader, encodeWalHeader, sealFrames } from '@litewal/checksum';
import {
  integrityCheck,
  makeCrashedWalDatabase,
  makeResetWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  runSqlite3,
  sqliteRead,
} from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { WalFile, frameBytes, frameOffset } from '../src/index.js';
import { sqliteWalView } from './support/sqlite-oracle.js';

const PAGE_SIZES = [512, 1024, 4096, 65536] as const;
const vfs = new NodeVfs();
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('litewal-wal-interop-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function recover(wal: string): Promise<WalFile['recovery']> {
  const file = await WalFile.open(vfs, wal, { readOnly: true });
  await file.close();
  return file.recovery;
}

/** litewal's valid prefix must be SQLite's: same mxFrame, same database size. */
async function expectSameAsSqlite(db: string, wal: string): Promise<WalFile['recovery']> {
  const mine = await recover(wal);
  const sqlite = await sqliteWalView(db);
  expect({ mxFrame: mine.committed, nPage: mine.dbSizePages }).toEqual(sqlite);
  return mine;
}

async function mutate(path: string, change: (bytes: Uint8Array) => void): Promise<void> {
  const bytes = new Uint8Array(await readFile(path));
  change(bytes);
  await writeFile(path, bytes);
}

/** Rewrites a WAL with big-endian checksum words (SQLite's walcksum recipe E). */
async function toBigEndian(wal: string): Promise<void> {
  await mutate(wal, (bytes) => {
    const h = decodeWalHeader(bytes);
    const header = encodeWalHeader({ ...h, byteOrder: 'big' });
    bytes.set(header, 0);
    const count = Math.floor((bytes.length - WAL_HEADER_BYTES) / frameBytes(h.pageSize));
    const seed = { s1: decodeWalHeader(header).checksum1, s2: decodeWalHeader(header).checksum2 };
    sealFrames(bytes, WAL_HEADER_BYTES, count, h.pageSize, 'big', h.salt1, h.salt2, seed);
  });
}

describe.each(PAGE_SIZES)('WALs written by SQLite, page size %i', (pageSize) => {
  const name = (what: string): string => `${what}-${pageSize}.db`;

  it('several commits: the same committed prefix as SQLite', async () => {
    const files = await makeWalDatabase({ dir, name: name('commits'), pageSize });
    const r = await expectSameAsSqlite(files.db, files.wal);
    expect(r.commits).toBeGreaterThanOrEqual(4);
    expect(r.stop.reason).toBe('end-of-file');
  });

  it('an uncommitted tail left by a crash is invisible', async () => {
    const files = await makeCrashedWalDatabase({ dir, name: name('tail'), pageSize, tail: 'valid' });
    const r = await expectSameAsSqlite(files.db, files.wal);
    expect(r.chained).toBeGreaterThan(r.committed);
  });

  it('a crash mid-transaction leaves a chain that fails: SQLite stops at the same frame', async () => {
    const files = await makeCrashedWalDatabase({ dir, name: name('broken'), pageSize, tail: 'broken' });
    const r = await expectSameAsSqlite(files.db, files.wal);
    expect(['checksum-mismatch', 'salt-mismatch']).toContain(r.stop.reason);
  });

  it('a reset leaves a stale tail that fails the salt check', async () => {
    const files = await makeResetWalDatabase({ dir, name: name('reset'), pageSize });
    const r = await expectSameAsSqlite(files.db, files.wal);
    expect(r.stop.reason).toBe('salt-mismatch');
    expect(r.header?.checkpointSequence).toBe(1);
  });

  it('a flipped bit in a middle frame ends the prefix where SQLite ends it', async () => {
    const files = await makeWalDatabase({ dir, name: name('flip'), pageSize });
    const before = await recover(files.wal);
    const target = Math.max(2, before.committed - 1);
    await mutate(files.wal, (b) => {
      b[frameOffset(target, pageSize) + 24 + Math.floor(pageSize / 3)]! ^= 0x20;
    });
    const r = await expectSameAsSqlite(files.db, files.wal);
    expect(r.stop).toEqual({ frame: target, reason: 'checksum-mismatch' });
    expect(r.committed).toBeLessThan(target);
  });

  it('a wrong salt in a frame ends the prefix where SQLite ends it', async () => {
    const files = await makeWalDatabase({ dir, name: name('salt'), pageSize });
    const before = await recover(files.wal);
    await mutate(files.wal, (b) => {
      b[frameOffset(before.committed, pageSize) + 11]! ^= 0x01;
    });
    const r = await expectSameAsSqlite(files.db, files.wal);
    expect(r.stop).toEqual({ frame: before.committed, reason: 'salt-mismatch' });
  });

  it('a big-endian checksum WAL: same prefix as SQLite, which reads every commit', async () => {
    const files = await makeWalDatabase({ dir, name: name('be'), pageSize });
    const before = await recover(files.wal);
    await toBigEndian(files.wal);
    const r = await expectSameAsSqlite(files.db, files.wal);
    expect(r.header?.byteOrder).toBe('big');
    expect(r.committed).toBe(before.committed);
    expect(await sqliteRead(files.db, 'SELECT count(*) AS n FROM t')).toEqual([{ n: 101 }]);
  });
});

/** Reads the latest committed image of a page: from the WAL when it has one, else the db file. */
async function latestPage(wal: WalFile, db: string, pageNumber: number): Promise<Uint8Array> {
  const fromWal = await wal.readPage(pageNumber);
  if (fromWal !== null) return Uint8Array.from(fromWal);
  const handle = await open(db, 'r');
  try {
    const bytes = new Uint8Array(wal.pageSize);
    await handle.read(bytes, 0, bytes.length, (pageNumber - 1) * wal.pageSize);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Page 1 with a new user_version and a bumped change counter, as SQLite would write it. */
function withUserVersion(page1: Uint8Array, userVersion: number, dbPages: number): Uint8Array {
  const view = new DataView(page1.buffer, page1.byteOffset, page1.byteLength);
  const counter = (view.getUint32(24) + 1) >>> 0;
  view.setUint32(24, counter);
  view.setUint32(92, counter);
  view.setUint32(28, dbPages);
  view.setUint32(60, userVersion);
  return page1;
}

/** Replaces the first occurrence of ASCII `from` with `to` (same length) in any page; returns the page number. */
async function rewriteText(
  wal: WalFile,
  db: string,
  dbPages: number,
  from: string,
  to: string,
): Promise<{ pageNumber: number; data: Uint8Array }> {
  const needle = new TextEncoder().encode(from);
  for (let p = 2; p <= dbPages; p++) {
    const data = await latestPage(wal, db, p);
    const at = Buffer.from(data).indexOf(Buffer.from(needle));
    if (at >= 0) {
      data.set(new TextEncoder().encode(to), at);
      return { pageNumber: p, data };
    }
  }
  throw new Error(`no page holds ${from}`);
}

describe.each(PAGE_SIZES)('WALs written by litewal are read by SQLite, page size %i', (pageSize) => {
  /** A database whose content is all in the db file (SQLite checkpointed and removed its WAL). */
  async function checkpointedDatabase(what: string): Promise<string> {
    const files = await makeWalDatabase({ dir, name: `${what}-${pageSize}.db`, pageSize });
    await runSqlite3(files.db, 'PRAGMA wal_checkpoint(TRUNCATE);');
    await rm(files.wal, { force: true });
    await rm(files.shm, { force: true });
    return files.db;
  }

  it.each(['little', 'big'] as const)('a new %s-endian WAL with one commit frame', async (byteOrder) => {
    const db = await checkpointedDatabase(`new-${byteOrder}`);
    const dbPages = (await readFile(db)).length / pageSize;
    const wal = await WalFile.create(vfs, `${db}-wal`, { pageSize, byteOrder });
    const page1 = withUserVersion(await latestPage(wal, db, 1), 4242, dbPages);
    const edit = await rewriteText(wal, db, dbPages, 'x42', 'y42');
    await wal.append([{ pageNumber: 1, data: page1 }, edit], dbPages);
    await wal.sync();
    await wal.close();
    expect(await integrityCheck(db)).toBe('ok');
    expect(await sqliteRead(db, 'PRAGMA user_version')).toEqual([{ user_version: 4242 }]);
    expect(await sqliteRead(db, "SELECT v FROM t WHERE id = 43")).toEqual([{ v: 'y42' }]);
    expect(await sqliteRead(db, 'SELECT count(*) AS n FROM t', { engine: 'cli' })).toEqual([{ n: 101 }]);
  });

  it('frames appended to a WAL that SQLite wrote (with its stale -shm left beside it)', async () => {
    const files = await makeWalDatabase({ dir, name: `append-${pageSize}.db`, pageSize });
    const wal = await WalFile.open(vfs, files.wal);
    const committedBefore = wal.committedFrames;
    const page1 = withUserVersion(await latestPage(wal, files.db, 1), 99, wal.dbSizePages);
    await wal.append([{ pageNumber: 1, data: page1 }], wal.dbSizePages);
    const edit = await rewriteText(wal, files.db, wal.dbSizePages, 'x77', 'z77');
    await wal.append([edit], wal.dbSizePages);
    await wal.sync();
    await wal.close();
    expect((await sqliteWalView(files.db)).mxFrame).toBe(committedBefore + 2);
    expect(await integrityCheck(files.db)).toBe('ok');
    expect(await sqliteRead(files.db, 'PRAGMA user_version')).toEqual([{ user_version: 99 }]);
    expect(await sqliteRead(files.db, 'SELECT v FROM t WHERE id = 78')).toEqual([{ v: 'z77' }]);
  });
});

describe('a one-byte change anywhere in a frame invalidates it (SQLite walslow)', () => {
  it('agrees with SQLite at sampled offsets of every frame of a real WAL', async () => {
    const files = await makeWalDatabase({ dir, name: 'walslow.db', pageSize: 1024 });
    const original = await readFile(files.wal);
    const frames = (await recover(files.wal)).committed;
    const size = frameBytes(1024);
    let seed = 0x9e3779b9;
    const next = (n: number): number => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % n;
    };
    for (let f = 1; f <= frames; f++) {
      for (let sample = 0; sample < 4; sample++) {
        const within = sample === 0 ? next(24) : 24 + next(1024);
        const bytes = new Uint8Array(original);
        bytes[frameOffset(f, 1024) + within] = (bytes[frameOffset(f, 1024) + within]! + 1 + next(255)) & 0xff;
        await writeFile(files.wal, bytes);
        const r = await recover(files.wal);
        expect(r.chained, `frame ${f}, byte ${within} of ${size}`).toBe(f - 1);
        if (sample === 0) await expectSameAsSqlite(files.db, files.wal);
      }
    }
  });
});
