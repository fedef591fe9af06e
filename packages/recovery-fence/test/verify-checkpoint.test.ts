import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHashes, decodeFrameHeader, decodeWalHeader, walFrameOffset, WAL_FRAME_HEADER_BYTES } from '@litewal/checksum';
import { makeTempDir, makeWalDatabase, removeTempDir, runSqlite3 } from '@litewal/sqlite-fixtures';
import { FaultVfs, MemoryVfs, NodeVfs, type Vfs, type VfsFile } from '@litewal/vfs';
import { MAX_PAGE_NUMBER, requireVerified, verifyCheckpointedPrefix, type ExpectedPage } from '../src/index.js';

const PAGE = 512;
const hashes = await createHashes();
const hex = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('hex'));

function page(tag: number, size = PAGE): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size).map((_, i) => (tag * 131 + i * 17 + (i >> 8)) & 0xff);
}

/** A database file in `vfs` whose page n (1-based) is `page(n)` for n in 1..count. */
async function database(vfs: Vfs, count: number, size = PAGE): Promise<VfsFile> {
  const file = await vfs.open('db', { create: true });
  for (let n = 1; n <= count; n++) await file.write(page(n, size), (n - 1) * size);
  await file.sync();
  return file;
}

/** `file`, recording the position and length of each read. */
function recordingReads(file: VfsFile, reads: [number, number][]): VfsFile {
  return {
    path: file.path,
    read: (buffer, position) => {
      reads.push([position, buffer.length]);
      return file.read(buffer, position);
    },
    write: (data, position) => file.write(data, position),
    size: () => file.size(),
    truncate: (size) => file.truncate(size),
    sync: (mode) => file.sync(mode),
    tryLock: (offset, length, mode) => file.tryLock(offset, length, mode),
    lock: (offset, length, mode, options) => file.lock(offset, length, mode, options),
    unlock: (offset, length) => file.unlock(offset, length),
    close: () => file.close(),
  };
}

describe('verifyCheckpointedPrefix', () => {
  it('accepts pages that match, given as images or digests, in a Map, a list or an async iterable', async () => {
    const dbFile = await database(new MemoryVfs(), 4);
    const images = new Map([4, 1, 3].map((n) => [n, page(n)]));
    const digests = new Map([1, 2, 3, 4].map((n) => [n, hashes.xxh3_128(page(n))]));
    const list: ExpectedPage[] = [1, 2, 4].map((n) => ({ pageNumber: n, expected: page(n) }));
    async function* stream(): AsyncGenerator<ExpectedPage> {
      for (const n of [2, 3]) yield { pageNumber: n, expected: hashes.xxh3_128(page(n)) };
    }
    for (const [pages, count] of [
      [images, 3],
      [digests, 4],
      [list, 3],
      [stream(), 2],
      [[], 0],
    ] as const) {
      expect(await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages })).toEqual({
        ok: true,
        pagesChecked: count,
        mismatchCount: 0,
        mismatches: [],
      });
    }
    expect(await requireVerified({ dbFile, pageSize: PAGE, pages: images, hashes })).toMatchObject({ ok: true, pagesChecked: 3 });
  });

  it('finds one flipped bit in one page and refuses with the expected and actual digests', async () => {
    const vfs = new FaultVfs(new MemoryVfs());
    await (await database(vfs, 3)).close();
    await vfs.flipBit('db', PAGE + 100, 3);
    const dbFile = await vfs.open('db');
    const flipped = page(2);
    flipped[100] = (flipped[100] ?? 0) ^ 8;
    const pages = new Map([1, 2, 3].map((n) => [n, page(n)]));
    const report = await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages });
    expect(report).toMatchObject({ ok: false, pagesChecked: 3, mismatchCount: 1 });
    expect(report.mismatches.map((m) => [m.pageNumber, hex(m.expected), hex(m.actual)])).toEqual([
      [2, hex(hashes.xxh3_128(page(2))), hex(hashes.xxh3_128(flipped))],
    ]);
    const error = await requireVerified({ dbFile, pageSize: PAGE, pages }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'CheckpointMismatchError',
      code: 'ERR_RECOVERY_FENCE_CHECKPOINT_MISMATCH',
      path: 'db',
      pagesChecked: 3,
      mismatchCount: 1,
      mismatches: report.mismatches,
    });
    expect((error as Error).message).toBe(
      `refusing to truncate or reset the WAL of db: 1 of 3 checkpointed pages differ from their WAL frames, 0 allowed (page 2 expected ${hex(
        hashes.xxh3_128(page(2)),
      )} got ${hex(hashes.xxh3_128(flipped))})`,
    );
  });

  it('detects a page torn by a power cut in the middle of its write', async () => {
    const pageSize = 4096;
    let torn = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const vfs = new FaultVfs(new MemoryVfs(), { seed, sectorSize: 512 });
      const db = await database(vfs, 2, pageSize);
      await db.write(page(9, pageSize), pageSize); // the checkpoint's new image of page 2, not yet synced
      const [outcome] = await vfs.crash('tear');
      const survived = (outcome?.survived ?? []).reduce((n, r) => n + r.end - r.start, 0);
      const dbFile = await vfs.open('db');
      const report = await verifyCheckpointedPrefix({ dbFile, pageSize, pages: new Map([[2, page(9, pageSize)]]) });
      expect(report.ok, `seed ${seed}`).toBe(survived === pageSize);
      if (survived > 0 && survived < pageSize) {
        torn++;
        const onDisk = new Uint8Array(pageSize);
        await dbFile.read(onDisk, pageSize);
        expect(hex(report.mismatches[0]?.actual ?? null)).toBe(hex(hashes.xxh3_128(onDisk)));
      }
      await dbFile.close();
    }
    expect(torn).toBeGreaterThan(5);
  });

  it('reports a page the file ends before, or in the middle of, as missing', async () => {
    const vfs = new MemoryVfs();
    const dbFile = await database(vfs, 2);
    await dbFile.truncate(PAGE + PAGE / 2);
    const pages = new Map([1, 2, 3].map((n) => [n, page(n)]));
    const report = await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages });
    expect(report.mismatches.map((m) => [m.pageNumber, m.actual])).toEqual([
      [2, null],
      [3, null],
    ]);
    await expect(requireVerified({ dbFile, pageSize: PAGE, pages })).rejects.toThrow(
      /page 2 expected [0-9a-f]{32} got end of file; page 3/,
    );
  });

  it('counts every mismatch and lists the first maxMismatches', async () => {
    const dbFile = await database(new MemoryVfs(), 6);
    const wrong = new Map([1, 2, 3, 4, 5, 6].map((n) => [n, page(n === 1 ? 1 : n + 100)]));
    const two = await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages: wrong, maxMismatches: 2 });
    expect([two.mismatchCount, two.mismatches.map((m) => m.pageNumber)]).toEqual([5, [2, 3]]);
    const none = await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages: wrong, maxMismatches: 0 });
    expect([none.ok, none.mismatchCount, none.mismatches]).toEqual([false, 5, []]);
    const all = await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages: wrong });
    expect(all.mismatches).toHaveLength(5);
  });

  it('reads in batches of consecutive runs, never more than batchPages pages at once', async () => {
    const inner = await database(new MemoryVfs(), 20);
    const reads: [number, number][] = [];
    const dbFile = recordingReads(inner, reads);
    const numbers = [1, 2, 3, 5, 6, 9, 10, 11, 12, 20];
    async function* pages(): AsyncGenerator<ExpectedPage> {
      for (const n of numbers) yield { pageNumber: n, expected: page(n === 11 ? 0 : n) };
    }
    const report = await verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages: pages(), batchPages: 3 });
    expect(report).toMatchObject({ pagesChecked: 10, mismatchCount: 1, mismatches: [{ pageNumber: 11 }] });
    expect(reads).toEqual([
      [0, 3 * PAGE],
      [4 * PAGE, 2 * PAGE],
      [8 * PAGE, PAGE],
      [9 * PAGE, 3 * PAGE],
      [19 * PAGE, PAGE],
    ]);
  });

  it('rejects bad arguments as programmer errors', async () => {
    const dbFile = await database(new MemoryVfs(), 2);
    const verify = (pages: Iterable<ExpectedPage> | Map<number, Uint8Array>, extra: object = {}): Promise<unknown> =>
      verifyCheckpointedPrefix({ dbFile, pageSize: PAGE, pages, ...extra });
    await expect(
      verify([
        { pageNumber: 2, expected: page(2) },
        { pageNumber: 1, expected: page(1) },
      ]),
    ).rejects.toThrow('pages must come in strictly ascending order: page 1 after page 2');
    await expect(
      verify([
        { pageNumber: 1, expected: page(1) },
        { pageNumber: 1, expected: page(1) },
      ]),
    ).rejects.toThrow(RangeError);
    for (const pageNumber of [0, -1, 1.5, MAX_PAGE_NUMBER + 1]) {
      await expect(verify([{ pageNumber, expected: page(1) }])).rejects.toThrow(
        /page number must be an integer from 1 to 4294967294/,
      );
    }
    await expect(verify(new Map([[1, new Uint8Array(100)]]))).rejects.toThrow(
      'expectation for page 1 is 100 bytes: give the page image (512 bytes) or its XXH3-128 (16 bytes)',
    );
    await expect(verify([], { pageSize: 1000 })).rejects.toThrow(/pageSize must be a power of two/);
    await expect(verify([], { batchPages: 0 })).rejects.toThrow(/batchPages must be an integer from 1 to 4096/);
    await expect(verify([], { batchPages: 4097 })).rejects.toThrow(RangeError);
    await expect(verify([], { maxMismatches: -1 })).rejects.toThrow(/maxMismatches/);
  });
});

describe('verifyCheckpointedPrefix against a checkpoint SQLite ran', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('litewal-verify-');
  });
  afterAll(async () => {
    await removeTempDir(dir);
  });

  /** The latest committed image of each page in a WAL SQLite wrote (all of whose frames are committed). */
  async function latestFrames(walPath: string): Promise<{ pageSize: number; pages: Map<number, Uint8Array> }> {
    const wal = await readFile(walPath);
    const { pageSize } = decodeWalHeader(wal);
    const pages = new Map<number, Uint8Array>();
    for (let frame = 1; walFrameOffset(frame + 1, pageSize) <= wal.length; frame++) {
      const at = walFrameOffset(frame, pageSize);
      const { pageNumber } = decodeFrameHeader(wal, at);
      pages.set(pageNumber, wal.subarray(at + WAL_FRAME_HEADER_BYTES, at + WAL_FRAME_HEADER_BYTES + pageSize));
    }
    return { pageSize, pages };
  }

  it('matches every page SQLite copied, and catches one byte changed afterwards', async () => {
    const files = await makeWalDatabase({ dir, name: 'checkpointed.db', pageSize: 4096 });
    const { pageSize, pages } = await latestFrames(files.wal);
    expect(pages.size).toBeGreaterThan(1);
    const vfs = new NodeVfs();
    const before = await vfs.open(files.db, { readOnly: true });
    expect((await verifyCheckpointedPrefix({ dbFile: before, pageSize, pages })).ok).toBe(false); // not copied yet
    await before.close();

    expect(await runSqlite3(files.db, 'PRAGMA wal_checkpoint(PASSIVE)', { keepWal: true })).toMatch(/^0\|5\|5/);
    const dbFile = await vfs.open(files.db);
    expect(await requireVerified({ dbFile, pageSize, pages })).toMatchObject({ ok: true, pagesChecked: pages.size });

    const last = Math.max(...pages.keys());
    const byte = new Uint8Array(1);
    await dbFile.read(byte, (last - 1) * pageSize + 2000);
    await dbFile.write(Uint8Array.of((byte[0] ?? 0) ^ 0x40), (last - 1) * pageSize + 2000);
    await expect(requireVerified({ dbFile, pageSize, pages })).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_CHECKPOINT_MISMATCH',
      mismatchCount: 1,
      mismatches: [{ pageNumber: last }],
    });
    await dbFile.close();
  });
});
