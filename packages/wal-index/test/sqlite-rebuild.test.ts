import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES, decodeWalHeader, encodeWalHeader, sealFrames } from '@litewal/checksum';
import {
  DEFAULT_STATEMENTS,
  makeCrashedWalDatabase,
  makeLargeWalDatabase,
  makePersistentWalDatabase,
  makeResetWalDatabase,
  makeTempDir,
  makeWalDatabase,
  removeTempDir,
  runSqlite3,
} from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { READ_MARK_NOT_USED, decodeCheckpointInfo, decodeWalIndexHeader, findFrame, rebuildWalIndex } from '../src/index.js';
import { rawWalSource } from './support/raw-wal-source.js';
import { READER_CHANGED_FIELDS, diffShm } from './support/shm-diff.js';
import { sqliteRecoveredShm } from './support/sqlite-shm.js';

const vfs = new NodeVfs();
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('litewal-wal-index-rebuild-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

/** litewal's rebuild from a WalFile opened read-only on `walPath`. */
async function rebuildFromWalFile(walPath: string): Promise<Uint8Array> {
  const wal = await WalFile.open(vfs, walPath, { readOnly: true });
  try {
    return rebuildWalIndex(wal);
  } finally {
    await wal.close();
  }
}

/** Rebuilds `db`'s WAL with litewal and with SQLite; returns litewal's image and every difference. */
async function compareWithSqlite(db: string): Promise<{ image: Uint8Array; differences: ReturnType<typeof diffShm> }> {
  const image = await rebuildFromWalFile(`${db}-wal`);
  return { image, differences: diffShm(image, await sqliteRecoveredShm(db)) };
}

const SIX_FRAME_STATEMENTS = [...DEFAULT_STATEMENTS, 'PRAGMA user_version=8;'];

describe.each([512, 1024, 4096, 65536])('rebuild equals SQLite recovery byte for byte, page size %i', (pageSize) => {
  it('a WAL of a few commits', async () => {
    const files = await makeWalDatabase({ dir, name: `small-${pageSize}.db`, pageSize, statements: SIX_FRAME_STATEMENTS });
    const { image, differences } = await compareWithSqlite(files.db);
    expect(differences).toEqual([]);
    const header = decodeWalIndexHeader(image);
    expect(header.pageSize).toBe(pageSize);
    if (pageSize === 4096) expect(header.maxFrame).toBe(6);
  });

  it("matches the -shm SQLite's writer left, apart from the fields readers change", async () => {
    const files = await makeWalDatabase({ dir, name: `live-${pageSize}.db`, pageSize, statements: SIX_FRAME_STATEMENTS });
    const image = await rebuildFromWalFile(files.wal);
    const differences = diffShm(image, new Uint8Array(await readFile(files.shm)));
    expect(differences.filter((d) => !READER_CHANGED_FIELDS.has(d.field))).toEqual([]);
    // The writer counted its commits and left mark 1 at the snapshot of its last read.
    expect(differences.map((d) => d.field)).toContain('copy 1 iChange');
  });
});

describe('large WALs (recipe F)', () => {
  it.each([
    { frames: 10_000, pageSize: 4096 },
    { frames: 10_000, pageSize: 512 },
    { frames: 100_000, pageSize: 4096 },
  ])('$frames frames of $pageSize bytes: byte for byte', async ({ frames, pageSize }) => {
    const large = await makeLargeWalDatabase({ frames, pageSize });
    const { image, differences } = await compareWithSqlite(large.db);
    expect(differences).toEqual([]);
    const header = decodeWalIndexHeader(image);
    expect(header.maxFrame).toBe(large.frames);
    expect(image.length).toBe(32768 * (Math.floor((large.frames + 4096 - 4062 - 1) / 4096) + 1));
    expect(decodeCheckpointInfo(image)).toEqual({
      backfilled: 0,
      readMarks: [0, large.frames, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED],
      backfillAttempted: large.frames,
    });
  }, 60_000);
});

describe('other WAL shapes SQLite leaves', () => {
  it('a reset WAL with a stale tail (recipe C)', async () => {
    const files = await makeResetWalDatabase({ dir, name: 'reset.db' });
    expect((await compareWithSqlite(files.db)).differences).toEqual([]);
  });

  it('a checkpointed WAL kept by persist_wal (recipe D)', async () => {
    const files = await makePersistentWalDatabase({ dir, name: 'persist.db' });
    expect((await compareWithSqlite(files.db)).differences).toEqual([]);
  });

  it('an empty WAL after a TRUNCATE checkpoint', async () => {
    const files = await makeWalDatabase({ dir, name: 'empty.db' });
    await runSqlite3(files.db, 'PRAGMA wal_checkpoint(TRUNCATE);', { keepWal: true });
    expect((await readFile(files.wal)).length).toBe(0);
    const { image, differences } = await compareWithSqlite(files.db);
    expect(differences).toEqual([]);
    expect(decodeWalIndexHeader(image).maxFrame).toBe(0);
    expect(decodeCheckpointInfo(image).readMarks[1]).toBe(READ_MARK_NOT_USED);
  });

  it('a WAL with big-endian checksums (recipe E)', async () => {
    const files = await makeWalDatabase({ dir, name: 'big-endian.db' });
    const wal = new Uint8Array(await readFile(files.wal));
    const h = decodeWalHeader(wal);
    const header = encodeWalHeader({ ...h, byteOrder: 'big' });
    wal.set(header, 0);
    const count = (wal.length - WAL_HEADER_BYTES) / (WAL_FRAME_HEADER_BYTES + h.pageSize);
    const seed = { s1: decodeWalHeader(header).checksum1, s2: decodeWalHeader(header).checksum2 };
    sealFrames(wal, WAL_HEADER_BYTES, count, h.pageSize, 'big', h.salt1, h.salt2, seed);
    await writeFile(files.wal, wal);
    const { image, differences } = await compareWithSqlite(files.db);
    expect(differences).toEqual([]);
    expect(decodeWalIndexHeader(image).byteOrder).toBe('big');
  });
});

describe('a crash left frames after the last commit (recipe B)', () => {
  it.each(['valid', 'broken'] as const)('%s tail: indexing every valid frame gives SQLite\'s bytes', async (tail) => {
    const files = await makeCrashedWalDatabase({ dir, name: `crash-${tail}.db`, tail });
    const source = await rawWalSource(files.wal);
    expect(source.validFrames).toBeGreaterThan(source.committedFrames);
    expect(diffShm(rebuildWalIndex(source), await sqliteRecoveredShm(files.db))).toEqual([]);
  });

  it('frames that were never committed: no page size or checksum in the header, yet indexed', async () => {
    const files = await makeWalDatabase({ dir, name: 'uncommitted.db' });
    await runSqlite3(files.db, 'PRAGMA wal_checkpoint(TRUNCATE);', { keepWal: true });
    const wal = await WalFile.open(vfs, files.wal, { pageSize: 4096 });
    const page = new Uint8Array(4096);
    await wal.append([{ pageNumber: 2, data: page }, { pageNumber: 3, data: page }], 0);
    await wal.close();
    const source = await rawWalSource(files.wal);
    expect(source).toMatchObject({ committedFrames: 0, validFrames: 2 });
    const image = rebuildWalIndex(source);
    expect(diffShm(image, await sqliteRecoveredShm(files.db))).toEqual([]);
    expect(decodeWalIndexHeader(image)).toMatchObject({ pageSize: 0, maxFrame: 0, salt1: source.header?.salt1 });
  });

  it('a WalFile source after a crash (valid uncommitted tail) equals SQLite byte for byte', async () => {
    const files = await makeCrashedWalDatabase({ dir, name: 'crash-walfile.db', tail: 'valid' });
    const { image, differences } = await compareWithSqlite(files.db);
    expect(differences).toEqual([]);
    const sqlite = await sqliteRecoveredShm(files.db);
    const source = await rawWalSource(files.wal);
    for (let page = 1; page <= source.dbSizePages; page++) {
      expect(findFrame(image, page)).toBe(findFrame(sqlite, page));
    }
  });
});
