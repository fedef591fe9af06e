import { afterEach, describe, expect, it } from 'vitest';
import { MemoryVfs, type VfsFile } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { READ_MARK_NOT_USED, WalIndex, walIndexLockOffset } from '@litewal/wal-index';
import {
  CheckpointAbortedError,
  CheckpointCorruptError,
  checkpoint,
  formatCheckpointResult,
  type CheckpointFiles,
  type CheckpointOptions,
  type CheckpointProgress,
} from '../src/index.js';
import { DB, RecordingFile, WAL, expectedPages, openFiles, pageImage, readAll, rogue, writeDatabase, type Commit } from './support/synthetic.js';

const PAGE = 4096;
let vfs: MemoryVfs;
let toClose: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const item of toClose.reverse()) await item.close();
  toClose = [];
});

/** Commits over an initial database of 6 pages: rewrites, growth to 9 pages, then a shrink to 8. */
const HISTORY: readonly Commit[] = [
  { pages: [2, 3, 1], dbSize: 6 },
  { pages: [3, 7, 8, 9, 1], dbSize: 9 },
  { pages: [4, 3, 1], dbSize: 9 },
  { pages: [9, 5, 1], dbSize: 8 },
];
const FRAMES = HISTORY.reduce((n, commit) => n + commit.pages.length, 0);

async function setup(commits: readonly Commit[] = HISTORY, initialPages = 6, pageSize = PAGE): Promise<CheckpointFiles> {
  vfs = new MemoryVfs();
  await writeDatabase(vfs, initialPages, commits, pageSize);
  const files = await openFiles(vfs);
  toClose.push(files);
  return files;
}

async function run(files: CheckpointFiles, options: CheckpointOptions = {}): Promise<string> {
  return formatCheckpointResult(await checkpoint(files, options));
}

async function held<T extends { close(): Promise<void> }>(item: Promise<T>): Promise<T> {
  const value = await item;
  toClose.push(value);
  return value;
}

/** The database file must hold, page by page, the latest committed version and nothing past nPage. */
async function expectCheckpointed(commits: readonly Commit[], initialPages = 6, pageSize = PAGE): Promise<void> {
  const { versions, size } = expectedPages(initialPages, commits);
  const db = await readAll(vfs, DB);
  expect(db.length).toBe(size * pageSize);
  const wrong = [...versions].filter(([page, version]) => Buffer.compare(db.subarray((page - 1) * pageSize, page * pageSize), pageImage(page, version, pageSize)) !== 0);
  expect(wrong.map(([page]) => page)).toEqual([]);
}

describe('a complete checkpoint', () => {
  it.each(['passive', 'full', 'restart'] as const)('%s copies each page\'s latest frame, truncates to nPage and reports 0|n|n', async (mode) => {
    const files = await setup();
    expect(await run(files, { mode })).toBe(`0|${FRAMES}|${FRAMES}`);
    await expectCheckpointed(HISTORY);
    expect(await files.index.readCheckpointInfo()).toEqual({
      backfilled: FRAMES,
      backfillAttempted: FRAMES,
      readMarks: [0, FRAMES, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED],
    });
    expect((await readAll(vfs, WAL)).length).toBe(32 + FRAMES * (24 + PAGE));
    expect(await run(files, { mode })).toBe(`0|${FRAMES}|${FRAMES}`);
  });

  it('truncate leaves a 0-byte WAL and a restarted wal-index header, 0|0|0 every time', async () => {
    const files = await setup();
    const before = await files.index.readHeader();
    expect(await run(files, { mode: 'truncate' })).toBe('0|0|0');
    await expectCheckpointed(HISTORY);
    expect((await readAll(vfs, WAL)).length).toBe(0);
    expect(await files.index.readHeader()).toMatchObject({ maxFrame: 0, salt1: before.salt1 + 1, dbSizePages: 8, change: before.change });
    expect(await files.index.readCheckpointInfo()).toEqual({
      backfilled: 0,
      backfillAttempted: 0,
      readMarks: [0, 0, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED],
    });
    expect(await run(files, { mode: 'truncate' })).toBe('0|0|0');
    expect(await run(files)).toBe('0|0|0');
  });

  it('an empty log: nothing to copy in any mode', async () => {
    const files = await setup([]);
    for (const mode of ['passive', 'full', 'restart', 'truncate'] as const) expect(await run(files, { mode })).toBe('0|0|0');
    await expectCheckpointed([]);
  });

  it('writes pages in ascending order, a run of consecutive pages in one write, and reads the WAL in few large reads', async () => {
    const commits: Commit[] = [];
    for (let c = 0; c < 40; c++) commits.push({ pages: [...Array.from({ length: 100 }, (_, i) => 2 + c * 100 + i), 1], dbSize: 2 + (c + 1) * 100 - 1 });
    const files = await setup(commits, 1);
    const db = new RecordingFile(files.db);
    const wal = new RecordingFile(files.wal);
    expect(await run({ ...files, db, wal })).toBe('0|4040|4040');
    await expectCheckpointed(commits, 1);
    const writes = db.calls.filter((call) => call.op === 'write');
    expect(writes.map((w) => w.at)).toEqual([...writes.map((w) => w.at)].sort((a, b) => a - b));
    // 4001 pages of 4 KiB, all consecutive: a first batch of 64 pages, then batches of 1 MiB (256 pages).
    expect(writes.length).toBe(1 + Math.ceil((4001 - 64) / 256));
    expect(writes.reduce((n, w) => n + w.length, 0)).toBe(4001 * PAGE);
    expect(wal.calls.filter((call) => call.op === 'read').length).toBeLessThanOrEqual(2 * writes.length); // for 4040 frames
  });

  it('reports progress after each write, up to the total', async () => {
    const files = await setup();
    const seen: CheckpointProgress[] = [];
    await run(files, { onProgress: (progress) => seen.push(progress) });
    // Pages 1..5, then 7 and 8 (6 is not in the log, 9 is past nPage): two writes.
    expect(seen).toEqual([
      { pagesWritten: 5, pagesTotal: 7 },
      { pagesWritten: 7, pagesTotal: 7 },
    ]);
  });

  it.each([512, 65536])('works with %i-byte pages', async (pageSize) => {
    const files = await setup(HISTORY, 6, pageSize);
    expect(await run(files, { mode: 'truncate' })).toBe('0|0|0');
    await expectCheckpointed(HISTORY, 6, pageSize);
  });
});

describe('syncs (synchronous)', () => {
  const syncs = (file: RecordingFile): Array<string | undefined> => file.calls.filter((c) => c.op === 'sync').map((c) => c.mode);

  it('normal and full: the WAL before copying, the database once the copy reached the end of the log', async () => {
    for (const synchronous of ['normal', 'full'] as const) {
      const files = await setup();
      const db = new RecordingFile(files.db);
      const wal = new RecordingFile(files.wal);
      await run({ ...files, db, wal }, { synchronous });
      expect(syncs(wal)).toEqual(['data']);
      expect(syncs(db)).toEqual(['full']);
      const dbOps = db.calls.filter((c) => c.op !== 'read').map((c) => c.op);
      expect(dbOps.slice(-2)).toEqual(['truncate', 'sync']);
    }
  });

  it('off: no sync, except that the database is synced before a TRUNCATE empties the WAL', async () => {
    let files = await setup();
    let db = new RecordingFile(files.db);
    let wal = new RecordingFile(files.wal);
    await run({ ...files, db, wal }, { synchronous: 'off' });
    expect([...syncs(db), ...syncs(wal)]).toEqual([]);
    files = await setup();
    db = new RecordingFile(files.db);
    wal = new RecordingFile(files.wal);
    await run({ ...files, db, wal }, { synchronous: 'off', mode: 'truncate' });
    expect(syncs(wal)).toEqual([]);
    expect(syncs(db)).toEqual(['full']);
    expect(wal.calls.at(-1)).toEqual({ op: 'truncate', at: 0, length: 0 });
  });

  it('a copy that a reader limited neither truncates nor syncs the database', async () => {
    const files = await setup();
    const db = new RecordingFile(files.db);
    await (await held(rogue(vfs, ['read-1', 'shared']))).write(new Uint8Array([8, 0, 0, 0]), 104);
    expect(await run({ ...files, db })).toBe(`0|${FRAMES}|8`);
    expect(db.calls.filter((c) => c.op !== 'read' && c.op !== 'write')).toEqual([]);
  });
});

describe('readers and writers of other connections', () => {
  it('a reader on read mark 8 (READ(1) shared): frames up to 8 only, pages whose latest frame is later are not touched', async () => {
    const files = await setup();
    const reader = await held(rogue(vfs, ['read-1', 'shared']));
    await reader.write(new Uint8Array([8, 0, 0, 0]), 104); // aReadMark[1] = 8, the end of commit 2
    for (const mode of ['passive', 'full', 'restart', 'truncate'] as const) {
      expect(await run(files, { mode })).toBe(mode === 'passive' ? `0|${FRAMES}|8` : `1|${FRAMES}|8`);
    }
    // Latest frames: page 2 -> 1, 7 -> 5, 8 -> 6 (copied); 1 -> 14, 3 -> 10, 4 -> 9, 5 -> 13, 9 -> 12 (not,
    // not even their versions of frames <= 8: the reader reads those from the database).
    const db = await readAll(vfs, DB);
    expect(db.length).toBe(8 * PAGE);
    for (const [page, version] of [[1, 0], [2, 1], [3, 0], [4, 0], [5, 0], [6, 0], [7, 2], [8, 2]] as const) {
      expect(db.subarray((page - 1) * PAGE, page * PAGE), `page ${page}`).toEqual(pageImage(page, version, PAGE));
    }
    expect((await files.index.readCheckpointInfo()).backfillAttempted).toBe(8);
    await reader.unlock(walIndexLockOffset('read-1'), 1);
    expect(await run(files)).toBe(`0|${FRAMES}|${FRAMES}`);
    await expectCheckpointed(HISTORY);
  });

  it('a reader on the database alone (READ(0) shared): nothing is copied, the marks are still taken over', async () => {
    const files = await setup();
    await held(rogue(vfs, ['read-0', 'shared']));
    expect(await run(files)).toBe(`0|${FRAMES}|0`);
    expect(await run(files, { mode: 'full' })).toBe(`1|${FRAMES}|0`);
    expect(await files.index.readCheckpointInfo()).toMatchObject({ backfilled: 0, backfillAttempted: FRAMES, readMarks: [0, FRAMES, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED] });
    await expectCheckpointed([], 6);
  });

  it('a reader at the end of the log: the copy completes, RESTART and TRUNCATE stay busy and leave the WAL', async () => {
    const files = await setup();
    const reader = await held(rogue(vfs, ['read-3', 'shared']));
    await reader.write(new Uint8Array([FRAMES, 0, 0, 0]), 112); // aReadMark[3] = mxFrame
    expect(await run(files, { mode: 'restart' })).toBe(`1|${FRAMES}|${FRAMES}`);
    expect(await run(files, { mode: 'truncate' })).toBe(`1|${FRAMES}|${FRAMES}`);
    expect(await run(files, { mode: 'full' })).toBe(`0|${FRAMES}|${FRAMES}`);
    await expectCheckpointed(HISTORY);
    expect((await readAll(vfs, WAL)).length).toBeGreaterThan(0);
  });

  it('another writer (WAL_WRITE held): FULL and up run as PASSIVE and report busy', async () => {
    const files = await setup();
    await held(rogue(vfs, ['write', 'exclusive']));
    expect(await run(files, { mode: 'truncate' })).toBe(`1|${FRAMES}|${FRAMES}`);
    expect((await readAll(vfs, WAL)).length).toBeGreaterThan(0);
    await expectCheckpointed(HISTORY);
  });

  it('another checkpointer (CKPT held): 1|-1|-1, nothing touched', async () => {
    const files = await setup();
    await held(rogue(vfs, ['checkpoint', 'exclusive']));
    for (const mode of ['passive', 'full', 'restart', 'truncate'] as const) expect(await run(files, { mode })).toBe('1|-1|-1');
    await expectCheckpointed([], 6);
  });

  it('busyTimeoutMs waits, with pauses, for the writer lock to be released', async () => {
    const files = await setup();
    const writer = await held(rogue(vfs, ['write', 'exclusive']));
    setTimeout(() => void writer.unlock(walIndexLockOffset('write'), 1), 40);
    const started = performance.now();
    expect(await run(files, { mode: 'truncate', busyTimeoutMs: 2000 })).toBe('0|0|0');
    expect(performance.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('busyTimeoutMs gives up once its pauses add up to the timeout', async () => {
    const files = await setup();
    await held(rogue(vfs, ['write', 'exclusive']));
    const started = performance.now();
    expect(await run(files, { mode: 'full', busyTimeoutMs: 30 })).toBe(`1|${FRAMES}|${FRAMES}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('an abort ends a busy wait at once', async () => {
    const files = await setup();
    await held(rogue(vfs, ['write', 'exclusive']));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 30);
    const started = performance.now();
    const error = await run(files, { mode: 'full', busyTimeoutMs: 60_000, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_CHECKPOINT_ABORTED', cause: controller.signal.reason });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await run(files)).toBe(`0|${FRAMES}|${FRAMES}`); // every lock was released
  });

  it('PASSIVE never waits: a busy timeout is ignored', async () => {
    const files = await setup();
    await held(rogue(vfs, ['read-0', 'shared']));
    const started = performance.now();
    expect(await run(files, { busyTimeoutMs: 5000 })).toBe(`0|${FRAMES}|0`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a commit that lands during a PASSIVE copy: the copy stops at the old end and the database is not truncated', async () => {
    const files = await setup();
    const writer = await held(openFiles(vfs));
    let committed = false;
    const db = Object.assign(new RecordingFile(files.db), {
      async write(this: RecordingFile, data: Uint8Array, position: number): Promise<void> {
        if (!committed) {
          committed = true;
          await commitPages9And10(writer.index);
        }
        return RecordingFile.prototype.write.call(this, data, position);
      },
    });
    expect(await run({ ...files, db })).toBe(`0|${FRAMES}|${FRAMES}`);
    expect(db.calls.filter((c) => c.op === 'truncate' || c.op === 'sync')).toEqual([]); // not the end of the log any more
    expect(await run(files)).toBe(`0|${FRAMES + 2}|${FRAMES + 2}`);
    await expectCheckpointed([...HISTORY, { pages: [9, 10], dbSize: 10 }]);
  });
});

/** Another connection commits pages 9 and 10 (version 5), growing the database to 10 pages. */
async function commitPages9And10(index: WalIndex): Promise<void> {
  const wal = await WalFile.open(vfs, WAL);
  await index.beginRead();
  await index.beginWrite();
  const pages = [9, 10];
  const appended = await wal.append(pages.map((page) => ({ pageNumber: page, data: pageImage(page, 5, PAGE) })), 10);
  if (wal.header === null) throw new Error('the WAL has no header');
  await index.publish({ pages, dbSizePages: 10, frameChecksum: appended.checksum, walHeader: wal.header });
  await index.endWrite();
  await index.endRead();
  await wal.close();
}

describe('refusals', () => {
  it('a WalIndex inside a read transaction cannot checkpoint', async () => {
    const files = await setup();
    await files.index.beginRead();
    await expect(run(files)).rejects.toMatchObject({ code: 'ERR_WAL_INDEX_STATE' });
    await files.index.endRead();
  });

  it('rejects bad options', async () => {
    const files = await setup();
    await expect(run(files, { mode: 'sideways' as never })).rejects.toThrow(TypeError);
    await expect(run(files, { synchronous: 'extra' as never })).rejects.toThrow(TypeError);
    await expect(run(files, { busyTimeoutMs: -1 })).rejects.toThrow(RangeError);
  });

  it('an aborted signal: nothing starts; an abort during the copy leaves nBackfill and the WAL, and frees every lock', async () => {
    const files = await setup();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(run(files, { signal: controller.signal })).rejects.toBeInstanceOf(CheckpointAbortedError);
    const during = new AbortController();
    const commits: Commit[] = [{ pages: Array.from({ length: 3000 }, (_, i) => i + 1), dbSize: 3000 }];
    const big = await setup(commits, 1);
    const seen: CheckpointProgress[] = [];
    const onProgress = (progress: CheckpointProgress): void => {
      seen.push(progress);
      during.abort();
    };
    const error = await run(big, { mode: 'truncate', signal: during.signal, onProgress }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointAbortedError);
    expect(error).toMatchObject({ code: 'ERR_CHECKPOINT_ABORTED', cause: during.signal.reason });
    expect(seen).toEqual([{ pagesWritten: 64, pagesTotal: 3000 }]); // the first batch (256 KiB), then nothing more
    expect((await big.index.readCheckpointInfo()).backfilled).toBe(0);
    const locks = ['checkpoint', 'write', 'read-0', 'read-1', 'read-2', 'read-3', 'read-4'] as const;
    await (await rogue(vfs, ...locks.map((lock) => [lock, 'exclusive'] as const))).close(); // all free again
    expect(await run(big, { mode: 'truncate' })).toBe('0|0|0');
    await expectCheckpointed(commits, 1);
  });

  it('a WAL page size that is not the database\'s is corruption', async () => {
    vfs = new MemoryVfs();
    await writeDatabase(vfs, 3, [{ pages: [2], dbSize: 3 }], 1024);
    const db = await vfs.open(DB);
    await db.write(pageImage(1, 0, 4096).subarray(0, 100), 0);
    await db.close();
    const files = await held(openFiles(vfs));
    await expect(run(files)).rejects.toBeInstanceOf(CheckpointCorruptError);
  });

  it('a WAL shorter than the frames the wal-index lists, or a frame that does not match it, is corruption and stops the copy', async () => {
    const files = await setup();
    await files.wal.truncate(32 + 5 * (24 + PAGE));
    await expect(run(files)).rejects.toMatchObject({ code: 'ERR_CHECKPOINT_CORRUPT', reason: expect.stringMatching(/WAL ends inside frames/) });
    const again = await setup();
    await again.wal.write(new Uint8Array([0, 0, 0, 42]), 32 + 4 * (24 + PAGE)); // frame 5 (page 7's latest) now says page 42
    await expect(run(again)).rejects.toMatchObject({ reason: expect.stringMatching(/frame 5 holds page 42/) });
    expect((await again.index.readCheckpointInfo()).backfilled).toBe(0);
  });

  it('a log that commits a database far larger than the file and the log together is corruption', async () => {
    const files = await setup([{ pages: [2], dbSize: 100_000 }], 3);
    await expect(run(files)).rejects.toMatchObject({ reason: expect.stringMatching(/100000 pages/) });
  });
});

describe('the recovery fence', () => {
  /** A database file that silently loses writes to page 3, as a lying disk would. */
  class LosesPage3 extends RecordingFile {
    override async write(data: Uint8Array, position: number): Promise<void> {
      const bytes = Uint8Array.from(data);
      const at = 2 * PAGE - position;
      if (at >= 0 && at < bytes.length) bytes.fill(0, at, Math.min(bytes.length, at + PAGE));
      return super.write(bytes, position);
    }
  }

  it('a page that reads back different from its frame refuses the completion: nBackfill stays, TRUNCATE keeps the WAL', async () => {
    const files = await setup();
    const db = new LosesPage3(files.db);
    const walBefore = await readAll(vfs, WAL);
    const error = await run({ ...files, db }, { mode: 'truncate' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_RECOVERY_FENCE_CHECKPOINT_MISMATCH', mismatchCount: 1, mismatches: [{ pageNumber: 3 }] });
    expect((await files.index.readCheckpointInfo()).backfilled).toBe(0);
    expect(await readAll(vfs, WAL)).toEqual(walBefore);
    expect(await run(files, { mode: 'truncate' })).toBe('0|0|0');
    await expectCheckpointed(HISTORY);
  });

  it('a failed database fsync refuses the completion and the truncate', async () => {
    const files = await setup();
    const db: VfsFile = Object.assign(new RecordingFile(files.db), { sync: () => Promise.reject(new Error('EIO on fsync')) });
    await expect(run({ ...files, db }, { mode: 'truncate' })).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_DB_SYNC_FAILED' });
    expect((await files.index.readCheckpointInfo()).backfilled).toBe(0);
    expect((await readAll(vfs, WAL)).length).toBeGreaterThan(0);
  });
});

it('a second connection can checkpoint a log the first one published', async () => {
  const files = await setup();
  const second = await held(WalIndex.open(vfs, DB, { openSource: () => WalFile.open(vfs, WAL, { readOnly: true }) }));
  expect(second.rebuiltOnOpen).toBe(false);
  expect(await run({ ...files, index: second }, { mode: 'restart' })).toBe(`0|${FRAMES}|${FRAMES}`);
  expect((await files.index.readCheckpointInfo()).backfilled).toBe(FRAMES);
});
