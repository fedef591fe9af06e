import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_DELAY_CEILING_MS,
  DEFAULT_MAX_GROUP_FRAMES,
  GroupCommit,
  GroupFailedError,
  MAX_DELAY_CEILING_MS,
  RollbackFailedError,
  type CommitReceipt,
} from '../src/index.js';
import { DeferredSink, settle } from './support/deferred-sink.js';
import { tx } from './support/transactions.js';

const PAGE = 512;

describe('flusher election and epochs', () => {
  it('the first committer of an epoch flushes, the others of the same tick wait: one group', async () => {
    const sink = new DeferredSink(PAGE);
    sink.auto = true;
    const group = new GroupCommit(sink);
    const receipts = await Promise.all([1, 2, 3, 4].map((id) => group.commit(tx(PAGE, id, id % 2 === 0 ? 2 : 1))));
    expect(sink.calls).toHaveLength(1);
    expect(sink.calls[0]?.transactions.map((t) => t.pages.length)).toEqual([1, 2, 1, 2]);
    expect(receipts.map((r) => r.role)).toEqual(['flusher', 'waiter', 'waiter', 'waiter']);
    expect(receipts.map((r) => [r.firstFrame, r.lastFrame])).toEqual([
      [1, 1],
      [2, 3],
      [4, 4],
      [5, 6],
    ]);
    expect(receipts.every((r) => r.epoch === 1 && r.groupTransactions === 4 && r.synced)).toBe(true);
    expect(group.stats().wakes).toMatchObject({ idle: 1, durable: 4 });
    expect(group.pending).toBe(0);
  });

  it('pipelining: commits arriving during a flush form the next group, flushed the moment it completes', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const first = group.commit(tx(PAGE, 1));
    await settle();
    expect(sink.calls).toHaveLength(1);
    const during = [2, 3, 4, 5].map((id) => group.commit(tx(PAGE, id)));
    await settle();
    // They joined (pending) but did not wait for the flush in progress to be flushed with it.
    expect(sink.calls).toHaveLength(1);
    expect(group.pending).toBe(5);
    sink.calls[0]?.resolve();
    await settle();
    expect(await first).toMatchObject({ epoch: 1, firstFrame: 1, lastFrame: 1, role: 'flusher' });
    expect(sink.calls).toHaveLength(2);
    expect(sink.calls[1]?.transactions).toHaveLength(4);
    const late = group.commit(tx(PAGE, 6)); // arrives during the second flush: third group
    sink.calls[1]?.resolve();
    const receipts = await Promise.all(during);
    expect(receipts.map((r) => [r.epoch, r.firstFrame, r.role])).toEqual([
      [2, 2, 'flusher'],
      [2, 3, 'waiter'],
      [2, 4, 'waiter'],
      [2, 5, 'waiter'],
    ]);
    await settle();
    sink.calls[2]?.resolve();
    expect(await late).toMatchObject({ epoch: 3, firstFrame: 6, groupTransactions: 1 });
    expect(sink.maxConcurrent).toBe(1);
    expect(group.stats().wakes).toMatchObject({ idle: 1, pipeline: 2 });
  });

  it('a group is sealed at maxGroupFrames; a transaction that does not fit starts the next one', async () => {
    const sink = new DeferredSink(PAGE);
    sink.auto = true;
    const group = new GroupCommit(sink, { maxGroupFrames: 4 });
    const sizes = [1, 1, 1, 1, 1, 1, 3, 2, 6];
    const receipts = await Promise.all(sizes.map((n, id) => group.commit(tx(PAGE, id, n))));
    expect(sink.calls.map((c) => c.transactions.map((t) => t.pages.length))).toEqual([[1, 1, 1, 1], [1, 1], [3], [2], [6]]);
    expect(receipts.map((r) => r.epoch)).toEqual([1, 1, 1, 1, 2, 2, 3, 4, 5]);
    expect(group.stats().wakes).toMatchObject({ 'frame-limit': 5, pipeline: 0, idle: 0 });
  });
});

describe('the delay bound (fake timers)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('with maxDelayMs the first committer waits for company, then one group is flushed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const sink = new DeferredSink(PAGE);
    sink.auto = true;
    const group = new GroupCommit(sink, { maxDelayMs: 5 });
    const a = group.commit(tx(PAGE, 1));
    await settle();
    await vi.advanceTimersByTimeAsync(3);
    expect(sink.calls).toHaveLength(0);
    const b = group.commit(tx(PAGE, 2));
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(sink.calls).toHaveLength(1);
    expect((await a).groupTransactions).toBe(2);
    expect((await b).role).toBe('waiter');
    expect(group.stats().wakes.delay).toBe(1);
  });

  it('the frame limit seals a group before the delay runs out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const sink = new DeferredSink(PAGE);
    sink.auto = true;
    const group = new GroupCommit(sink, { maxDelayMs: 10, maxGroupFrames: 2 });
    const both = Promise.all([group.commit(tx(PAGE, 1)), group.commit(tx(PAGE, 2))]);
    await settle();
    expect(sink.calls).toHaveLength(1);
    expect((await both).map((r) => r.epoch)).toEqual([1, 1]);
    expect(group.stats().wakes['frame-limit']).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('time spent behind a flush counts: a long flush seals the next group on completion, a short one leaves the rest of the delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink, { maxDelayMs: 5 });
    const first = group.commit(tx(PAGE, 1));
    await vi.advanceTimersByTimeAsync(5);
    expect(sink.calls).toHaveLength(1);
    const slow = group.commit(tx(PAGE, 2));
    await vi.advanceTimersByTimeAsync(6); // the flush takes longer than the delay
    sink.calls[0]?.resolve();
    await settle();
    expect(sink.calls).toHaveLength(2); // sealed when the previous flush completed
    await first;
    const quick = group.commit(tx(PAGE, 3));
    await vi.advanceTimersByTimeAsync(2);
    sink.calls[1]?.resolve();
    await settle();
    expect(sink.calls).toHaveLength(2); // 3 ms of its delay are left
    await vi.advanceTimersByTimeAsync(3);
    expect(sink.calls).toHaveLength(3);
    sink.calls[2]?.resolve();
    expect([(await slow).epoch, (await quick).epoch]).toEqual([2, 3]);
    expect(group.stats().wakes).toMatchObject({ delay: 2, pipeline: 1 });
  });

  it('applies defaults, clamps the delay to its ceiling and rejects what no ceiling allows', () => {
    const sink = new DeferredSink(PAGE);
    expect(new GroupCommit(sink).config).toEqual({
      maxGroupFrames: DEFAULT_MAX_GROUP_FRAMES,
      maxDelayMs: 0,
      delayCeilingMs: DEFAULT_DELAY_CEILING_MS,
    });
    expect(new GroupCommit(sink, { maxDelayMs: 50 }).config.maxDelayMs).toBe(DEFAULT_DELAY_CEILING_MS);
    expect(new GroupCommit(sink, { maxDelayMs: 50, delayCeilingMs: 20 }).config.maxDelayMs).toBe(20);
    expect(() => new GroupCommit(sink, { delayCeilingMs: MAX_DELAY_CEILING_MS + 1 })).toThrow(RangeError);
    expect(() => new GroupCommit(sink, { delayCeilingMs: -1 })).toThrow(RangeError);
    expect(() => new GroupCommit(sink, { maxDelayMs: Number.NaN })).toThrow(/maxDelayMs/);
    expect(() => new GroupCommit(sink, { maxGroupFrames: 0 })).toThrow(/maxGroupFrames/);
    expect(() => new GroupCommit(sink, { maxGroupFrames: 1.5 })).toThrow(RangeError);
  });
});

describe('failure fan-out', () => {
  it('a failed flush rejects every member of its group with the same error; the next group goes on', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const doomed = [1, 2, 3, 4, 5].map((id) => group.commit(tx(PAGE, id)));
    await settle();
    const next = group.commit(tx(PAGE, 6));
    const cause = new Error('EIO on the WAL');
    sink.calls[0]?.reject(cause);
    const outcomes = await Promise.allSettled(doomed);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    const reasons = outcomes.map((o) => (o as PromiseRejectedResult).reason as GroupFailedError);
    for (const reason of reasons) {
      expect(reason).toBeInstanceOf(GroupFailedError);
      expect(reason).toMatchObject({ code: 'ERR_GROUP_COMMIT_FAILED', epoch: 1, transactions: 5, cause });
    }
    await settle();
    sink.calls[1]?.resolve();
    expect(await next).toMatchObject({ epoch: 2, firstFrame: 1, role: 'flusher' });
    expect(group.stats()).toMatchObject({ groups: 1, failedGroups: 1, transactions: 1, wakes: { failed: 5, durable: 1 } });
    expect(group.telemetry.events().map((e) => [e.kind, e.fields])).toEqual([
      ['group-commit.failed', { epoch: 1, transactions: 5, code: 'ERR_GROUP_COMMIT_FAILED' }],
    ]);
  });

  it('a sink that could not roll back makes every member OutcomeUnknown', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const doomed = [1, 2, 3].map((id) => group.commit(tx(PAGE, id)));
    await settle();
    sink.calls[0]?.reject(new RollbackFailedError('w', 7, new Error('sync: EIO'), new Error('truncate: EIO')));
    for (const outcome of await Promise.allSettled(doomed)) {
      expect(outcome).toMatchObject({
        status: 'rejected',
        reason: { code: 'ERR_GROUP_COMMIT_OUTCOME_UNKNOWN', epoch: 1, cause: { code: 'ERR_GROUP_COMMIT_ROLLBACK_FAILED' } },
      });
    }
  });
});

describe('withdrawal and takeover', () => {
  it('a flusher that withdraws before its flush hands the role to the next member of its epoch', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const first = group.commit(tx(PAGE, 1));
    await settle();
    const controller = new AbortController();
    const a = group.commit(tx(PAGE, 2), { signal: controller.signal });
    const b = group.commit(tx(PAGE, 3));
    const c = group.commit(tx(PAGE, 4));
    controller.abort(new Error('statement timeout'));
    await expect(a).rejects.toMatchObject({ code: 'ERR_GROUP_COMMIT_ABORTED', cause: { message: 'statement timeout' } });
    expect(group.stats().wakes.takeover).toBe(1);
    sink.calls[0]?.resolve();
    await settle();
    expect(sink.calls[1]?.transactions.map((t) => t.pages[0]?.pageNumber)).toEqual([4, 5]);
    sink.calls[1]?.resolve();
    expect(await b).toMatchObject({ epoch: 2, role: 'flusher', firstFrame: 2 });
    expect(await c).toMatchObject({ epoch: 2, role: 'waiter', firstFrame: 3 });
    await first;
    expect(group.telemetry.events().map((e) => e.kind)).toEqual(['group-commit.takeover']);
  });

  it('an epoch whose members all withdraw disappears; the next committer opens a new one', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const first = group.commit(tx(PAGE, 1));
    await settle();
    const controller = new AbortController();
    const a = group.commit(tx(PAGE, 2), { signal: controller.signal });
    controller.abort();
    await expect(a).rejects.toMatchObject({ name: 'CommitAbortedError' });
    const b = group.commit(tx(PAGE, 3));
    sink.calls[0]?.resolve();
    await settle();
    expect(sink.calls[1]?.transactions).toHaveLength(1);
    sink.calls[1]?.resolve();
    expect(await b).toMatchObject({ epoch: 3, firstFrame: 2 });
    await first;
    expect(group.stats().wakes).toMatchObject({ aborted: 1, takeover: 0 });
  });

  it('a withdrawn flusher with a delay armed leaves no timer and no flush behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const sink = new DeferredSink(PAGE);
      const group = new GroupCommit(sink, { maxDelayMs: 5 });
      const controller = new AbortController();
      const a = group.commit(tx(PAGE, 1), { signal: controller.signal });
      await settle();
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      await expect(a).rejects.toMatchObject({ code: 'ERR_GROUP_COMMIT_ABORTED' });
      await settle();
      expect(vi.getTimerCount()).toBe(0);
      expect(sink.calls).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an abort after the flush started is ignored: the commit settles with its group', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const controller = new AbortController();
    const a = group.commit(tx(PAGE, 1), { signal: controller.signal });
    await settle();
    controller.abort();
    sink.calls[0]?.resolve();
    expect(await a).toMatchObject({ epoch: 1, role: 'flusher' });
  });
});

describe('arguments and lifecycle', () => {
  it('refuses malformed transactions without touching the sink or the other committers', async () => {
    const sink = new DeferredSink(PAGE);
    sink.auto = true;
    const group = new GroupCommit(sink);
    const good = group.commit(tx(PAGE, 1));
    const page = new Uint8Array(PAGE);
    await expect(group.commit({ pages: [], commitSize: 1 })).rejects.toThrow(/at least one page/);
    await expect(group.commit({ pages: [{ pageNumber: 1, data: page }], commitSize: 0 })).rejects.toThrow(/commit size 0/);
    await expect(group.commit({ pages: [{ pageNumber: 0, data: page }], commitSize: 1 })).rejects.toThrow(/page number 0/);
    await expect(group.commit({ pages: [{ pageNumber: 2, data: new Uint8Array(100) }], commitSize: 2 })).rejects.toThrow(
      /page 2 is 100 bytes, the page size is 512/,
    );
    const aborted = AbortSignal.abort(new Error('gone'));
    await expect(group.commit(tx(PAGE, 2), { signal: aborted })).rejects.toMatchObject({ code: 'ERR_GROUP_COMMIT_ABORTED' });
    expect(await good).toMatchObject({ groupTransactions: 1 });
    expect(sink.calls).toHaveLength(1);
  });

  it('close() waits for accepted commits, then refuses new ones', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const accepted = [1, 2, 3].map((id) => group.commit(tx(PAGE, id)));
    await settle();
    let closed = false;
    const closing = group.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    sink.calls[0]?.resolve();
    await closing;
    const receipts: CommitReceipt[] = await Promise.all(accepted);
    expect(receipts.map((r) => [r.epoch, r.firstFrame])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
    await expect(group.commit(tx(PAGE, 4))).rejects.toMatchObject({ code: 'ERR_GROUP_COMMIT_CLOSED' });
    await group.close();
  });
});
