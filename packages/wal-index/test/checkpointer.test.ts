import { afterEach, describe, expect, it } from 'vitest';
import { MemoryVfs, type VfsFile } from '@litewal/vfs';
import {
  READ_MARK_NOT_USED,
  WalIndex,
  WalIndexBusyError,
  WalIndexStateError,
  walIndexLockOffset,
  type WalIndexCheckpoint,
  type WalIndexLock,
} from '../src/index.js';
import { syntheticSource } from './support/synthetic-source.js';

const pageOf = (frame: number): number => (frame % 997) + 1;
let vfs: MemoryVfs;
let opened: Array<{ close(): Promise<void> }> = [];
let sourceOpens = 0;

afterEach(async () => {
  for (const item of opened.reverse()) await item.close();
  opened = [];
});

async function openIndex(frames: number): Promise<WalIndex> {
  const index = await WalIndex.open(vfs, 'app.db', {
    openSource: async () => {
      sourceOpens++;
      return syntheticSource(frames, pageOf);
    },
  });
  opened.push(index);
  return index;
}

/** A raw handle on the -shm: another lock owner, as another process would be. */
async function rogue(...locks: WalIndexLock[]): Promise<VfsFile> {
  const file = await vfs.open('app.db-shm', { create: true });
  opened.push(file);
  for (const lock of locks) expect(await file.tryLock(walIndexLockOffset(lock), 1, 'exclusive')).toBe(true);
  return file;
}

async function canLock(file: VfsFile, lock: WalIndexLock): Promise<boolean> {
  const granted = await file.tryLock(walIndexLockOffset(lock), 1, 'exclusive');
  if (granted) await file.unlock(walIndexLockOffset(lock), 1);
  return granted;
}

async function begin(index: WalIndex): Promise<WalIndexCheckpoint> {
  const checkpoint = await index.beginCheckpoint();
  if (checkpoint === null) throw new Error('the CKPT lock was busy');
  opened.push({ close: () => checkpoint.end() });
  return checkpoint;
}

function fresh(): void {
  vfs = new MemoryVfs();
  sourceOpens = 0;
}

describe('WalIndex.beginCheckpoint', () => {
  it('takes the CKPT lock, or returns null while another connection holds it', async () => {
    fresh();
    const index = await openIndex(10);
    const other = await rogue('checkpoint');
    expect(await index.beginCheckpoint()).toBeNull();
    await other.unlock(walIndexLockOffset('checkpoint'), 1);
    const checkpoint = await begin(index);
    expect(await canLock(other, 'checkpoint')).toBe(false);
    await checkpoint.end();
    expect(await canLock(other, 'checkpoint')).toBe(true);
  });

  it('needs the connection outside any transaction, and blocks reads until it ends', async () => {
    fresh();
    const index = await openIndex(10);
    await index.beginRead();
    await expect(index.beginCheckpoint()).rejects.toBeInstanceOf(WalIndexStateError);
    await index.endRead();
    const checkpoint = await begin(index);
    await expect(index.beginCheckpoint()).rejects.toMatchObject({ code: 'ERR_WAL_INDEX_STATE', operation: 'beginCheckpoint' });
    await expect(index.beginRead()).rejects.toMatchObject({ code: 'ERR_WAL_INDEX_STATE', operation: 'beginRead' });
    await checkpoint.end();
    await checkpoint.end();
    await expect(checkpoint.readCheckpointInfo()).rejects.toBeInstanceOf(WalIndexStateError);
    expect(await index.beginRead()).toMatchObject({ readLock: 1 });
  });
});

describe('locks', () => {
  it('takes the writer and READ locks without waiting, all or none, and end releases everything', async () => {
    fresh();
    const index = await openIndex(10);
    const other = await rogue('read-3');
    const checkpoint = await begin(index);
    expect(await checkpoint.tryLockWriter()).toBe(true);
    expect(checkpoint.writing).toBe(true);
    expect(await checkpoint.tryLockReaders([1, 2, 3, 4])).toBe(false);
    expect(await canLock(other, 'read-1')).toBe(true); // the partial set was given back
    await other.unlock(walIndexLockOffset('read-3'), 1);
    expect(await checkpoint.tryLockReaders([0, 1, 2, 3, 4])).toBe(true);
    await checkpoint.unlockReaders([0]);
    expect(await canLock(other, 'read-0')).toBe(true);
    expect(await canLock(other, 'read-4')).toBe(false);
    await checkpoint.end();
    expect(checkpoint.writing).toBe(false);
    for (const lock of ['write', 'checkpoint', 'read-1', 'read-2', 'read-3', 'read-4'] as const) expect(await canLock(other, lock)).toBe(true);
  });

  it('reports a busy writer', async () => {
    fresh();
    const index = await openIndex(10);
    await rogue('write');
    const checkpoint = await begin(index);
    expect(await checkpoint.tryLockWriter()).toBe(false);
    expect(checkpoint.writing).toBe(false);
  });
});

describe('fields written under their locks', () => {
  it('read marks need READ(i), nBackfill and nBackfillAttempted need READ(0)', async () => {
    fresh();
    const index = await openIndex(10);
    const checkpoint = await begin(index);
    await expect(checkpoint.writeReadMark(2, 7)).rejects.toBeInstanceOf(WalIndexStateError);
    await expect(checkpoint.writeBackfill(7)).rejects.toMatchObject({ operation: 'writeBackfill' });
    await expect(checkpoint.writeBackfillAttempted(7)).rejects.toMatchObject({ operation: 'writeBackfillAttempted' });
    await expect(checkpoint.writeReadMark(0, 0)).rejects.toThrow(RangeError);
    expect(await checkpoint.tryLockReaders([0, 2])).toBe(true);
    await checkpoint.writeReadMark(2, 7);
    await checkpoint.writeBackfillAttempted(9);
    await checkpoint.writeBackfill(8);
    expect(await checkpoint.readCheckpointInfo()).toEqual({
      backfilled: 8,
      backfillAttempted: 9,
      readMarks: [0, 10, 7, READ_MARK_NOT_USED, READ_MARK_NOT_USED],
    });
    await expect(checkpoint.writeBackfill(-1)).rejects.toThrow(RangeError);
  });

  it('framePages reads the page of every frame, across segments', async () => {
    fresh();
    const frames = 9000; // segments 0, 1 and 2
    const index = await openIndex(frames);
    const checkpoint = await begin(index);
    const expected = (first: number, last: number): number[] => Array.from({ length: last - first + 1 }, (_, i) => pageOf(first + i));
    expect([...(await checkpoint.framePages(1, frames))]).toEqual(expected(1, frames));
    expect([...(await checkpoint.framePages(4060, 4064))]).toEqual(expected(4060, 4064));
    expect([...(await checkpoint.framePages(8158, 8159))]).toEqual(expected(8158, 8159));
    expect([...(await checkpoint.framePages(5, 5))]).toEqual([pageOf(5)]);
    await expect(checkpoint.framePages(0, 3)).rejects.toThrow(RangeError);
    await expect(checkpoint.framePages(4, 3)).rejects.toThrow(RangeError);
    await expect(checkpoint.framePages(1, 12_300)).rejects.toMatchObject({ code: 'ERR_WAL_INDEX_SHORT' });
  });

  it('restartHeader needs the writer, READ(1..4) and a header, then restarts as walRestartHdr does', async () => {
    fresh();
    const index = await openIndex(10);
    const checkpoint = await begin(index);
    await expect(checkpoint.restartHeader()).rejects.toMatchObject({ state: 'the WAL_WRITE lock (tryLockWriter)' });
    expect(await checkpoint.tryLockWriter()).toBe(true);
    await expect(checkpoint.restartHeader()).rejects.toMatchObject({ code: 'ERR_WAL_INDEX_STATE' });
    expect(await checkpoint.tryLockReaders([1, 2, 3, 4])).toBe(true);
    await expect(checkpoint.restartHeader()).rejects.toMatchObject({ state: 'the header read first (readHeader)' });
    const before = await checkpoint.readHeader();
    const restarted = await checkpoint.restartHeader();
    expect(restarted).toEqual({ ...before, maxFrame: 0, salt1: before.salt1 + 1, salt2: restarted.salt2 });
    expect(await index.readHeader()).toEqual(restarted);
    expect(await checkpoint.currentMaxFrame()).toBe(0);
    expect(await checkpoint.readCheckpointInfo()).toEqual({
      backfilled: 0,
      backfillAttempted: 0,
      readMarks: [0, 0, READ_MARK_NOT_USED, READ_MARK_NOT_USED, READ_MARK_NOT_USED],
    });
  });
});

describe('readHeader', () => {
  it('rebuilds a damaged header under the writer lock it holds, keeping that lock and CKPT', async () => {
    fresh();
    const index = await openIndex(10);
    const other = await rogue();
    const checkpoint = await begin(index);
    expect(await checkpoint.tryLockWriter()).toBe(true);
    await other.write(new Uint8Array([0xee]), 20);
    expect((await checkpoint.readHeader()).maxFrame).toBe(10);
    expect(sourceOpens).toBe(2);
    expect(await canLock(other, 'write')).toBe(false);
    expect(await canLock(other, 'checkpoint')).toBe(false);
  });

  it('without the writer lock, takes it for the rebuild and gives it back', async () => {
    fresh();
    const index = await openIndex(10);
    const other = await rogue();
    const checkpoint = await begin(index);
    await other.write(new Uint8Array([0xee]), 20);
    expect((await checkpoint.readHeader()).maxFrame).toBe(10);
    expect(await canLock(other, 'write')).toBe(true);
    expect(await canLock(other, 'checkpoint')).toBe(false);
  });

  it('is busy when a damaged header needs the writer lock another connection holds', async () => {
    fresh();
    const index = await openIndex(10);
    const other = await rogue('write');
    const checkpoint = await begin(index);
    await other.write(new Uint8Array([0xee]), 20);
    const error = await checkpoint.readHeader().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalIndexBusyError);
    expect(error).toMatchObject({ lock: 'write' });
  });
});
