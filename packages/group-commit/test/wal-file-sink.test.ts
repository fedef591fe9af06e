import { describe, expect, it } from 'vitest';
import { FaultVfs, MemoryVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { GroupCommit, WalFileSink, type AppendGate, type FlushedGroup, type WalFileSinkOptions } from '../src/index.js';
import { PAGE, setupWal, WAL_PATH } from './support/scenario.js';
import { StepVfs } from './support/step-vfs.js';
import { tx } from './support/transactions.js';
import { track, verifyLog, type CommitRecord } from './support/verify-log.js';

/** A gate that records its use and can be told to fail once. */
class RecordingGate implements AppendGate {
  held = false;
  acquires = 0;
  releases = 0;
  failAcquire: Error | null = null;
  failRelease: Error | null = null;

  async acquire(): Promise<void> {
    const failure = this.failAcquire;
    this.failAcquire = null;
    if (failure !== null) throw failure;
    expect(this.held, 'acquired twice').toBe(false);
    this.held = true;
    this.acquires++;
  }

  async release(): Promise<void> {
    this.held = false;
    this.releases++;
    const failure = this.failRelease;
    this.failRelease = null;
    if (failure !== null) throw failure;
  }
}

function record(id: number, pages = 1): CommitRecord {
  return { id, transaction: tx(PAGE, id, pages), told: null, receipt: null, error: null };
}

async function open(fault: FaultVfs, options: WalFileSinkOptions = {}): Promise<{ sink: WalFileSink; group: GroupCommit }> {
  const sink = await WalFileSink.open(fault, WAL_PATH, options);
  return { sink, group: new GroupCommit(sink) };
}

/** Commits every record in the same tick (one group) and waits for all of them. */
async function commitAll(group: GroupCommit, records: readonly CommitRecord[]): Promise<void> {
  await Promise.all(records.map((r) => track(r, (t) => group.commit(t))));
}

describe('WalFileSink: one append and one sync per group', () => {
  it('writes a group with one write and one fdatasync, each transaction ending in its own commit frame', async () => {
    const { fault, base } = await setupWal(11, false);
    const { sink, group } = await open(fault);
    const records = [record(10, 2), record(11, 1), record(12, 3), record(13, 1)];
    const before = fault.calls;
    await commitAll(group, records);
    expect([fault.calls.write - before.write, fault.calls.sync - before.sync, fault.calls.read - before.read]).toEqual([1, 1, 0]);
    expect(records.map((r) => [r.receipt?.firstFrame, r.receipt?.lastFrame])).toEqual([
      [3, 4],
      [5, 5],
      [6, 8],
      [9, 9],
    ]);
    expect(sink.wal.committedFrames).toBe(9);
    expect(sink.wal.dbSizePages).toBe(records[3]?.transaction.commitSize);
    expect(group.stats()).toMatchObject({ groups: 1, transactions: 4, frames: 7, fsyncs: 1, fsyncReductionRatio: 4 });
    await sink.close();
    await fault.crash('drop');
    expect(await verifyLog(fault, WAL_PATH, [...base, ...records], true)).toEqual([1, 10, 11, 12, 13]);
  });

  it.each([
    ['full', true, [2, 1]],
    ['normal', false, [1, 0]],
    ['off', false, [0, 0]],
  ] as const)('synchronous %s: synced %s, syncs for the group at frame 1 and the next one: %j', async (synchronous, synced, syncs) => {
    const { fault } = await setupWal(12, true);
    const { sink, group } = await open(fault, { synchronous });
    const counts: number[] = [];
    for (const id of [20, 21]) {
      const before = fault.calls.sync;
      expect(await group.commit(tx(PAGE, id))).toMatchObject({ synced });
      counts.push(fault.calls.sync - before);
    }
    expect(counts).toEqual(syncs);
    expect(group.stats().fsyncs).toBe(syncs[0] + syncs[1]);
    expect(fault.hasUnsyncedWrites(WAL_PATH)).toBe(synchronous !== 'full');
    await sink.close();
  });

  it('holds the gate around every I/O call of a flush and runs afterFlush inside it', async () => {
    const { fault } = await setupWal(13, false);
    const vfs = new StepVfs(fault);
    const gate = new RecordingGate();
    const seen: FlushedGroup[] = [];
    const sink = await WalFileSink.open(vfs, WAL_PATH, {
      gate,
      afterFlush: (flushed) => {
        expect(gate.held).toBe(true);
        expect(flushed.wal.committedFrames).toBe(flushed.append.lastFrame);
        seen.push(flushed);
      },
    });
    const operations: string[] = [];
    vfs.onOperation = (operation) => {
      expect(gate.held, `${operation} outside the gate`).toBe(true);
      operations.push(operation);
    };
    const group = new GroupCommit(sink, { maxGroupFrames: 4 });
    await commitAll(group, [20, 21, 22, 23, 24, 25].map((id) => record(id, 2)));
    // Each flush checks the file still continues the log (size, header), then one write, one sync.
    expect(operations).toEqual(Array.from({ length: 3 }, () => ['size', 'read', 'write', 'sync']).flat());
    expect(gate.acquires).toBe(3);
    expect(gate.releases).toBe(3);
    expect(seen.map((s) => [s.transactions.length, s.append.firstFrame, s.synced])).toEqual([
      [2, 3, true],
      [2, 7, true],
      [2, 11, true],
    ]);
    await sink.close();
  });
});

describe('WalFileSink: a failed group leaves no trace', () => {
  it('after a failed sync, a retry of identical pages cannot resurrect the other failed transaction', async () => {
    const { fault, base } = await setupWal(21, false);
    const { sink, group } = await open(fault);
    const a = record(30, 2);
    const b = record(31, 2);
    fault.injectFault({ operation: 'sync', kind: 'eio', path: WAL_PATH });
    await commitAll(group, [a, b]);
    expect([a.told, b.told]).toEqual(['failed', 'failed']);
    expect(a.error).toMatchObject({ code: 'ERR_GROUP_COMMIT_FAILED', cause: { code: 'ERR_VFS_IO' } });
    expect(sink.wal.committedFrames).toBe(2);
    const retry: CommitRecord = { ...record(30, 2), id: 30 }; // the same pages, frame for frame
    await commitAll(group, [retry]);
    expect(retry.receipt).toMatchObject({ firstFrame: 3, lastFrame: 4 });
    await sink.close();
    await fault.crash('keep');
    expect(await verifyLog(fault, WAL_PATH, [...base, retry, b], true)).toEqual([1, 30]);
  });

  it('after a short write, the next group is written at the same frames', async () => {
    const { fault, base } = await setupWal(22, false);
    const { sink, group } = await open(fault);
    const doomed = [record(40, 3), record(41, 1)];
    fault.injectFault({ operation: 'write', kind: 'short-write', path: WAL_PATH });
    await commitAll(group, doomed);
    expect(doomed.map((r) => r.told)).toEqual(['failed', 'failed']);
    const next = [record(42, 1)];
    await commitAll(group, next);
    expect(next[0]?.receipt).toMatchObject({ firstFrame: 3, lastFrame: 3 });
    await sink.close();
    await fault.crash('tear');
    expect(await verifyLog(fault, WAL_PATH, [...base, ...doomed, ...next], true)).toEqual([1, 42]);
  });

  it('a throwing afterFlush fails the group, which is rolled back although it was synced', async () => {
    const { fault, base } = await setupWal(23, false);
    let fail = true;
    const { sink, group } = await open(fault, {
      afterFlush: () => {
        if (fail) throw new Error('wal-index publish failed');
      },
    });
    const handle = sink.wal;
    const doomed = [record(50, 2), record(51, 2)];
    await commitAll(group, doomed);
    expect(doomed[0]?.error).toMatchObject({ code: 'ERR_GROUP_COMMIT_FAILED', cause: { message: 'wal-index publish failed' } });
    expect(sink.wal).not.toBe(handle); // reopened: the old handle had counted the group as committed
    expect([sink.wal.committedFrames, sink.wal.lastFrame]).toEqual([2, 2]);
    fail = false;
    const next = [record(52, 1)];
    await commitAll(group, next);
    expect(next[0]?.receipt?.firstFrame).toBe(3);
    await sink.close();
    await fault.crash('keep');
    expect(await verifyLog(fault, WAL_PATH, [...base, ...doomed, ...next], true)).toEqual([1, 52]);
  });

  it('when the rollback fails too, the outcome is unknown and the sink refuses to write again', async () => {
    const { fault, base } = await setupWal(24, false);
    const { sink, group } = await open(fault);
    fault.injectFault({ operation: 'sync', kind: 'eio', path: WAL_PATH });
    fault.injectFault({ operation: 'truncate', kind: 'enospc', path: WAL_PATH });
    const doomed = [record(60, 1), record(61, 1)];
    await commitAll(group, doomed);
    expect(doomed.map((r) => r.told)).toEqual(['unknown', 'unknown']);
    expect(doomed[0]?.error).toMatchObject({
      code: 'ERR_GROUP_COMMIT_OUTCOME_UNKNOWN',
      cause: { code: 'ERR_GROUP_COMMIT_ROLLBACK_FAILED', committedFrames: 2, rollbackError: { code: 'ERR_VFS_NO_SPACE' } },
    });
    expect(sink.broken).toBe(true);
    const writes = fault.calls.write;
    const refused = [record(62, 1)];
    await commitAll(group, refused);
    expect(refused[0]?.error).toMatchObject({ code: 'ERR_GROUP_COMMIT_FAILED', cause: { code: 'ERR_GROUP_COMMIT_SINK_BROKEN' } });
    expect(fault.calls.write).toBe(writes);
    await sink.close();
    await fault.crash('keep'); // the unsynced group may come back: it was never told failed
    expect(await verifyLog(fault, WAL_PATH, [...base, ...doomed, ...refused], true)).toEqual([1, 60, 61]);
  });
});

describe('WalFileSink: the gate and other writers', () => {
  it('a gate that cannot be acquired fails the group with nothing written; the next group goes on', async () => {
    const { fault } = await setupWal(31, false);
    const gate = new RecordingGate();
    const { sink, group } = await open(fault, { gate });
    gate.failAcquire = new Error('SQLITE_BUSY');
    const writes = fault.calls.write;
    const doomed = [record(70, 1)];
    await commitAll(group, doomed);
    expect(doomed[0]?.error).toMatchObject({ code: 'ERR_GROUP_COMMIT_FAILED', cause: { message: 'SQLITE_BUSY' } });
    expect([fault.calls.write, gate.releases, sink.broken]).toEqual([writes, 0, false]);
    const next = [record(71, 1)];
    await commitAll(group, next);
    expect(next[0]?.receipt?.firstFrame).toBe(3);
    await sink.close();
  });

  it('a failed gate release leaves the group durable but breaks the sink', async () => {
    const { fault, base } = await setupWal(32, false);
    const gate = new RecordingGate();
    const { sink, group } = await open(fault, { gate });
    gate.failRelease = new Error('unlock: EBADF');
    const durable = [record(80, 1)];
    await commitAll(group, durable);
    expect(durable[0]?.told).toBe('durable');
    expect(sink.broken).toBe(true);
    const refused = [record(81, 1)];
    await commitAll(group, refused);
    expect(refused[0]?.error).toMatchObject({ cause: { code: 'ERR_GROUP_COMMIT_SINK_BROKEN', cause: { message: 'unlock: EBADF' } } });
    await sink.close();
    await fault.crash('drop');
    expect(await verifyLog(fault, WAL_PATH, [...base, ...durable, ...refused], true)).toEqual([1, 80]);
  });

  it("refuses to write over a log another writer reset, and leaves that writer's frames alone", async () => {
    const { fault } = await setupWal(33, false);
    const { sink, group } = await open(fault, { gate: new RecordingGate() });
    await group.commit(tx(PAGE, 90));
    const other = await WalFile.open(fault, WAL_PATH);
    await other.reset({ truncate: true });
    await other.append(tx(PAGE, 91).pages, 60);
    await other.sync();
    const doomed = [record(92, 1)];
    await commitAll(group, doomed);
    expect(doomed[0]?.error).toMatchObject({ cause: { code: 'ERR_WAL_FILE_STALE_WINDOW' } });
    const check = await WalFile.open(fault, WAL_PATH, { readOnly: true });
    expect([check.committedFrames, check.header?.checkpointSequence]).toEqual([1, 1]);
    expect(await check.readPage(tx(PAGE, 91).pages[0]?.pageNumber as number)).toEqual(tx(PAGE, 91).pages[0]?.data);
    await check.close();
    await other.close();
    await sink.close();
  });
});

describe('WalFileSink used directly', () => {
  it('runs concurrent flush() calls one after the other, and close() after them', async () => {
    const { fault, base } = await setupWal(41, false);
    const sink = await WalFileSink.open(fault, WAL_PATH);
    const groups = [[record(100, 2)], [record(101, 1), record(102, 1)], [record(103, 3)]];
    const flushed = groups.map((g) => sink.flush(g.map((r) => r.transaction)));
    const closed = sink.close();
    expect((await Promise.all(flushed)).map((f) => [f.firstFrame, f.lastFrame, f.syncs, f.synced])).toEqual([
      [3, 4, 1, true],
      [5, 6, 1, true],
      [7, 9, 1, true],
    ]);
    await closed;
    for (const r of groups.flat()) r.told = 'durable';
    expect(await verifyLog(fault, WAL_PATH, [...base, ...groups.flat()], true)).toEqual([1, 100, 101, 102, 103]);
  });
});

describe('WalFileSink.open', () => {
  it('starts a new WAL from a page size, and refuses a file without a header when none is given', async () => {
    const vfs = new MemoryVfs();
    await expect(WalFileSink.open(vfs, 'none-wal')).rejects.toThrow(/no valid WAL header: give options.pageSize/);
    const sink = await WalFileSink.open(vfs, 'new-wal', { pageSize: 1024, byteOrder: 'big' });
    const group = new GroupCommit(sink);
    expect(await group.commit(tx(1024, 1, 2))).toMatchObject({ firstFrame: 1, lastFrame: 2, synced: true });
    expect(sink.wal.byteOrder).toBe('big');
    await sink.close();
    const reopened = await WalFile.open(vfs, 'new-wal', { readOnly: true });
    expect([reopened.committedFrames, reopened.header?.byteOrder]).toEqual([2, 'big']);
    await reopened.close();
    await expect(WalFileSink.open(vfs, 'new-wal', { synchronous: 'extra' as 'full' })).rejects.toThrow(TypeError);
  });
});
