import { afterEach, describe, expect, it } from 'vitest';
import { FaultVfs, MemoryVfs, type OpenOptions, type Vfs, type VfsFile } from '@litewal/vfs';
import {
  BusySnapshotError,
  READ_MARK_NOT_USED,
  WAL_INDEX_VERSION,
  WalIndex,
  WalIndexBusyError,
  WalIndexProtocolError,
  WalIndexStateError,
  WalIndexVersionError,
  encodeWalIndexHeader,
  rebuildWalIndex,
  walIndexLockOffset,
  type WalIndexCommit,
  type WalIndexLock,
} from '../src/index.js';
import { RecordingFile } from './support/recording-file.js';
import { READER_CHANGED_FIELDS, diffShm } from './support/shm-diff.js';
import { SYNTHETIC_HEADER, syntheticSource } from './support/synthetic-source.js';

const pageOf = (frame: number): number => (frame % 50) + 1;
let vfs: MemoryVfs;
let opened: Array<{ close(): Promise<void> }> = [];
let sourceOpens = 0;

afterEach(async () => {
  for (const item of opened.reverse()) await item.close();
  opened = [];
});

async function openIndex(frames = 10, maxReadAttempts?: number): Promise<WalIndex> {
  const index = await WalIndex.open(vfs, 'app.db', {
    openSource: async () => {
      sourceOpens++;
      return syntheticSource(frames, pageOf);
    },
    ...(maxReadAttempts === undefined ? {} : { maxReadAttempts }),
  });
  opened.push(index);
  return index;
}

/** Another connection that takes raw locks on the -shm, ignoring the protocol. */
async function rogue(...locks: WalIndexLock[]): Promise<VfsFile> {
  const file = await vfs.open('app.db-shm', { create: true });
  opened.push(file);
  for (const lock of locks) expect(await file.tryLock(walIndexLockOffset(lock), 1, 'exclusive')).toBe(true);
  return file;
}

function commit(first: number, count: number): WalIndexCommit {
  const pages = Array.from({ length: count }, (_, i) => pageOf(first + i));
  return { pages, dbSizePages: 400, frameChecksum: { s1: 3, s2: 4 }, walHeader: SYNTHETIC_HEADER };
}

function fresh(): void {
  vfs = new MemoryVfs();
  sourceOpens = 0;
}

describe('opening: the dead-man switch', () => {
  it('the first connection rebuilds the -shm from the WAL; later ones trust it', async () => {
    fresh();
    const first = await openIndex();
    expect(first.rebuiltOnOpen).toBe(true);
    expect(sourceOpens).toBe(1);
    const second = await openIndex();
    expect(second.rebuiltOnOpen).toBe(false);
    expect(sourceOpens).toBe(1);
    expect((await second.readHeader()).maxFrame).toBe(10);
    await first.close();
    await second.close();
    expect((await openIndex()).rebuiltOnOpen).toBe(true);
  });

  it('rejects a retry limit that is not a positive integer', async () => {
    fresh();
    await expect(openIndex(10, 0)).rejects.toThrow(RangeError);
  });

  it('is busy while another connection holds the switch exclusive (initialising)', async () => {
    fresh();
    await rogue('dms');
    await expect(openIndex()).rejects.toMatchObject({ code: 'ERR_WAL_INDEX_BUSY', lock: 'dms' });
  });
});

describe('read transactions', () => {
  it('uses the mark recovery left at mxFrame and finds frames within the snapshot', async () => {
    fresh();
    const index = await openIndex(10);
    const snapshot = await index.beginRead();
    expect(snapshot).toMatchObject({ readLock: 1, readMark: 10, minFrame: 1 });
    expect(await index.findFrame(pageOf(7))).toBe(7);
    expect(await index.findFrame(400)).toBe(0);
    expect(await index.probeReadLocks()).toEqual([false, true, false, false, false]);
    await index.endRead();
    expect(await index.probeReadLocks()).toEqual([false, false, false, false, false]);
  });

  it('a newer snapshot raises a free mark when the old one is in use', async () => {
    fresh();
    const old = await openIndex(10);
    await old.beginRead();
    const writer = await openIndex();
    await writer.beginRead();
    await writer.beginWrite();
    await writer.publish(commit(11, 2));
    await writer.endWrite();
    await writer.endRead();
    const reader = await openIndex();
    expect(await reader.beginRead()).toMatchObject({ readLock: 2, readMark: 12 });
    expect((await reader.readCheckpointInfo()).readMarks).toEqual([0, 10, 12, READ_MARK_NOT_USED, READ_MARK_NOT_USED]);
    expect(await old.findFrame(pageOf(11))).toBe(0); // frame 11 is past its snapshot; no older frame holds that page
    expect(await reader.findFrame(pageOf(11))).toBe(11);
    expect(await reader.probeReadLocks()).toEqual([false, true, true, false, false]);
  });

  it('an empty (fully backfilled) log is read from the database under READ(0)', async () => {
    fresh();
    const index = await openIndex(0);
    expect(await index.beginRead()).toMatchObject({ readLock: 0, readMark: 0 });
    expect(await index.findFrame(1)).toBe(0);
    // A writer moves off READ(0) before it appends, so that it can read back its own frames.
    await index.beginWrite();
    expect(index.snapshot?.readLock).toBe(1);
    await index.publish(commit(1, 3));
    expect(await index.findFrame(pageOf(2))).toBe(2);
    await index.endWrite();
    await index.endRead();
  });

  it('gives up with a protocol error when the READ locks stay taken', async () => {
    fresh();
    const index = await openIndex(10, 8);
    await rogue('read-1', 'read-2', 'read-3', 'read-4');
    const error = await index.beginRead().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalIndexProtocolError);
    expect(error).toMatchObject({ code: 'ERR_WAL_INDEX_PROTOCOL', attempts: 8 });
    expect((error as WalIndexProtocolError).lastReason).toMatch(/READ\(1\)/);
    expect(index.snapshot).toBeNull();
  });

  it('rebuilds a damaged header under the write lock', async () => {
    fresh();
    const index = await openIndex(10);
    const raw = await rogue();
    await raw.write(new Uint8Array([0xee]), 20); // copy 1 nPage: the copies now differ
    expect(sourceOpens).toBe(1);
    expect(await index.beginRead()).toMatchObject({ readLock: 1, readMark: 10 });
    expect(sourceOpens).toBe(2);
    expect((await index.readHeader()).dbSizePages).toBe(400);
  });

  it('reports a rebuild in progress elsewhere as busy, and retries while only the writer is busy', async () => {
    fresh();
    const index = await openIndex(10, 7);
    const raw = await rogue('write');
    await raw.write(new Uint8Array(48), 0);
    const retried = await index.beginRead().catch((e: unknown) => e);
    expect(retried).toMatchObject({ code: 'ERR_WAL_INDEX_PROTOCOL', attempts: 7 });
    expect((retried as WalIndexProtocolError).lastReason).toMatch(/write lock is busy/);
    expect(await raw.tryLock(walIndexLockOffset('recover'), 1, 'exclusive')).toBe(true);
    const busy = await index.beginRead().catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(WalIndexBusyError);
    expect(busy).toMatchObject({ lock: 'recover' });
  });

  it('refuses a wal-index of another version instead of rebuilding it', async () => {
    fresh();
    const index = await openIndex(10);
    const copy = encodeWalIndexHeader(await index.readHeader());
    const view = new DataView(copy.buffer);
    view.setUint32(0, WAL_INDEX_VERSION + 1, true);
    // Re-seal: SQLite's checksum of bytes 0..39 with native (little-endian) words.
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < 40; i += 8) {
      s1 = (s1 + view.getUint32(i, true) + s2) >>> 0;
      s2 = (s2 + view.getUint32(i + 4, true) + s1) >>> 0;
    }
    view.setUint32(40, s1, true);
    view.setUint32(44, s2, true);
    const raw = await rogue();
    await raw.write(copy, 48);
    await raw.write(copy, 0);
    await expect(index.beginRead()).rejects.toBeInstanceOf(WalIndexVersionError);
    expect(sourceOpens).toBe(1);
  });
});

describe('bytes SQLite never writes', () => {
  it('no write of open, rebuild, read-mark raising or publish touches bytes 120..127 or 132..135', async () => {
    fresh();
    const files: RecordingFile[] = [];
    const recording: Vfs = {
      open: async (path: string, options?: OpenOptions) => {
        const file = new RecordingFile(await vfs.open(path, options));
        files.push(file);
        return file;
      },
      exists: (path) => vfs.exists(path),
      delete: (path) => vfs.delete(path),
    };
    const open = async (): Promise<WalIndex> => {
      const index = await WalIndex.open(recording, 'app.db', { openSource: async () => syntheticSource(10, pageOf) });
      opened.push(index);
      return index;
    };
    const index = await open();
    const reader = await open();
    await reader.beginRead(); // holds mark 1 at frame 10
    await index.beginRead();
    await index.beginWrite();
    await index.publish(commit(11, 3));
    await index.endWrite();
    await index.endRead();
    const other = await open();
    expect(await other.beginRead()).toMatchObject({ readLock: 2, readMark: 13 }); // raised a free mark
    const writes = files.flatMap((f) => f.writes);
    expect(writes).toContainEqual({ position: 108, length: 4 });
    expect(writes.length).toBeGreaterThan(5);
    for (const { position, length } of writes) {
      const end = position + length;
      expect(end <= 120 || position >= 128).toBe(true);
      expect(end <= 132 || position >= 136).toBe(true);
    }
  });
});

describe('write transactions', () => {
  it('one writer at a time: the second gets a busy error on the write lock', async () => {
    fresh();
    const a = await openIndex();
    const b = await openIndex();
    await a.beginRead();
    await a.beginWrite();
    await b.beginRead();
    const error = await b.beginWrite().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalIndexBusyError);
    expect(error).toMatchObject({ code: 'ERR_WAL_INDEX_BUSY', lock: 'write' });
    expect(b.writing).toBe(false);
  });

  it('a writer whose snapshot is stale gets a busy-snapshot error', async () => {
    fresh();
    const a = await openIndex(10);
    const b = await openIndex();
    await a.beginRead();
    await b.beginRead();
    await b.beginWrite();
    await b.publish(commit(11, 1));
    await b.endWrite();
    const error = await a.beginWrite().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusySnapshotError);
    expect(error).toMatchObject({ code: 'ERR_WAL_INDEX_BUSY_SNAPSHOT', snapshotMaxFrame: 10, currentMaxFrame: 11 });
    expect(a.writing).toBe(false);
    await a.endRead();
    expect((await a.beginRead()).header.maxFrame).toBe(11);
    await a.beginWrite();
  });

  it('calls out of order are state errors', async () => {
    fresh();
    const index = await openIndex();
    await expect(index.findFrame(1)).rejects.toBeInstanceOf(WalIndexStateError);
    await expect(index.beginWrite()).rejects.toMatchObject({ code: 'ERR_WAL_INDEX_STATE' });
    await expect(index.endWrite()).rejects.toBeInstanceOf(WalIndexStateError);
    await index.beginRead();
    await expect(index.beginRead()).rejects.toBeInstanceOf(WalIndexStateError);
    await expect(index.publish(commit(11, 1))).rejects.toBeInstanceOf(WalIndexStateError);
    await index.beginWrite();
    await expect(index.endRead()).rejects.toBeInstanceOf(WalIndexStateError);
    await index.close();
    await expect(index.readHeader()).rejects.toBeInstanceOf(WalIndexStateError);
  });
});

describe('publishing under one write lock', () => {
  it('reads each segment once for a pipeline of commits; after a publish that failed half-way, the retry leaves the file equal to the rebuild', async () => {
    // Commits whose running checksum is the one the synthetic source gives every log.
    const next = (first: number, count: number): WalIndexCommit => ({ ...commit(first, count), frameChecksum: { s1: 1, s2: 2 } });
    const fault = new FaultVfs(new MemoryVfs());
    const index = await WalIndex.open(fault, 'app.db', { openSource: async () => syntheticSource(10, pageOf) });
    opened.push(index);
    await index.beginRead();
    await index.beginWrite();
    const reads = fault.calls.read;
    await index.publish(next(11, 3));
    await index.publish(next(14, 7));
    expect(fault.calls.read - reads).toBe(1); // segment 0, once, for both commits
    // The second write of the next publish (its hash slot, after its aPgno entry) fails.
    fault.injectFault({ operation: 'write', kind: 'eio', nth: 2, path: 'app.db-shm' });
    await expect(index.publish(next(21, 2))).rejects.toThrow(/injected EIO/);
    await index.publish(next(21, 2)); // reads the segment again and cleans the half-written entry
    await index.endWrite();
    await index.endRead();
    const file = await fault.open('app.db-shm');
    const bytes = new Uint8Array(await file.size());
    await file.read(bytes, 0);
    await file.close();
    const differences = diffShm(bytes, rebuildWalIndex(syntheticSource(22, pageOf))).filter((d) => !READER_CHANGED_FIELDS.has(d.field));
    expect(differences).toEqual([]);
  });
});
