import { describe, expect, it } from 'vitest';
import { Telemetry } from '@litewal/telemetry';
import { GroupCommit, WAKE_REASONS } from '../src/index.js';
import { DeferredSink, settle } from './support/deferred-sink.js';
import { tx } from './support/transactions.js';

const PAGE = 512;
const P = 'litewal_group_commit_';

describe('group commit metrics', () => {
  it('10 transactions in one fsync: fsync reduction ratio 10, and every required metric recorded', async () => {
    const sink = new DeferredSink(PAGE);
    sink.auto = true;
    const group = new GroupCommit(sink);
    await Promise.all(Array.from({ length: 10 }, (_, id) => group.commit(tx(PAGE, id, 1 + (id % 2)))));
    expect(group.stats()).toEqual({
      groups: 1,
      failedGroups: 0,
      transactions: 10,
      frames: 15,
      fsyncs: 1,
      fsyncReductionRatio: 10,
      wakes: { idle: 1, pipeline: 0, 'frame-limit': 0, delay: 0, takeover: 0, durable: 10, failed: 0, aborted: 0 },
    });
    const snap = group.telemetry.snapshot();
    expect(snap.counters).toMatchObject({ [`${P}groups`]: 1, [`${P}frames`]: 15, [`${P}transactions`]: 10, [`${P}fsyncs`]: 1 });
    expect(snap.gauges).toEqual({ [`${P}fsync_reduction_ratio`]: 10, [`${P}pending`]: 0 });
    const h = snap.histograms;
    expect([h[`${P}group_transactions`]?.count, h[`${P}group_transactions`]?.max]).toEqual([1, 10]);
    expect([h[`${P}group_frames`]?.count, h[`${P}group_frames`]?.max]).toEqual([1, 15]);
    expect(h[`${P}flush_us`]?.count).toBe(1);
    expect(h[`${P}waiter_wait_us`]?.count).toBe(9);
    expect(h[`${P}commit_us`]?.count).toBe(10);
    const text = group.telemetry.prometheus();
    expect(text).toContain(`${P}fsync_reduction_ratio 10\n`);
    expect(text).toContain(`${P}groups_total 1\n`);
    for (const reason of WAKE_REASONS) expect(text).toContain(`${P}wake_${reason.replace('-', '_')}_total`);
  });

  it('instances sharing a Telemetry add up; with timing off the counters still count', async () => {
    const telemetry = new Telemetry({ timing: false });
    const sinks = [new DeferredSink(PAGE), new DeferredSink(PAGE)];
    sinks[1]!.syncs = 0;
    const groups = sinks.map((sink) => {
      sink.auto = true;
      return new GroupCommit(sink, { telemetry });
    });
    await Promise.all([groups[0]?.commit(tx(PAGE, 1)), groups[0]?.commit(tx(PAGE, 2)), groups[1]?.commit(tx(PAGE, 3))]);
    expect(groups[0]?.stats()).toMatchObject({ groups: 2, transactions: 3, fsyncs: 1, fsyncReductionRatio: 3 });
    expect(groups[1]?.telemetry).toBe(telemetry);
    const snap = telemetry.snapshot();
    expect(snap.histograms[`${P}commit_us`]?.count).toBe(0);
    expect(snap.histograms[`${P}group_transactions`]?.count).toBe(2);
  });

  it('counts pending commits while a flush is in progress', async () => {
    const sink = new DeferredSink(PAGE);
    const group = new GroupCommit(sink);
    const pending = [group.commit(tx(PAGE, 1)), group.commit(tx(PAGE, 2))];
    await settle();
    expect(group.telemetry.snapshot().gauges[`${P}pending`]).toBe(2);
    sink.calls[0]?.resolve();
    await Promise.all(pending);
    expect(group.telemetry.snapshot().gauges[`${P}pending`]).toBe(0);
  });
});
