import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { GroupCommit, WalFileSink } from '../src/index.js';
import { PAGE } from './support/scenario.js';
import { tx } from './support/transactions.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-blocking-sync-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function openSink(name: string, blockingSyncMaxMs?: number): Promise<{ sink: WalFileSink; group: GroupCommit; path: string }> {
  const path = `${dir}/${name}-wal`;
  const sink = await WalFileSink.open(new NodeVfs(), path, { pageSize: PAGE, ...(blockingSyncMaxMs === undefined ? {} : { blockingSyncMaxMs }) });
  return { sink, group: new GroupCommit(sink), path };
}

describe('WalFileSink: blocking syncs for lone groups', () => {
  it('syncs a group of one transaction with a blocking call and a group of several through the thread pool', async () => {
    // A limit no real sync reaches: every lone group may block.
    const { sink, group, path } = await openSink('lone', 60_000);
    for (let id = 1; id <= 3; id++) expect(await group.commit(tx(PAGE, id))).toMatchObject({ synced: true, groupTransactions: 1 });
    expect(sink.blockingSyncs).toBe(3);
    const receipts = await Promise.all([4, 5, 6].map((id) => group.commit(tx(PAGE, id))));
    expect(receipts.map((r) => r.groupTransactions)).toEqual([3, 3, 3]);
    expect(sink.blockingSyncs).toBe(3);
    await sink.close();
    const wal = await WalFile.open(new NodeVfs(), path, { readOnly: true });
    expect(wal.committedFrames).toBe(6);
    await wal.close();
  });

  it('after a blocking sync slower than the limit, the next 256 lone groups go to the thread pool', async () => {
    // A limit every real sync passes: the first blocking sync is too slow.
    const { sink, group } = await openSink('slow', Number.MIN_VALUE);
    for (let id = 1; id <= 257; id++) await group.commit(tx(PAGE, (id % 50) + 1));
    expect(sink.blockingSyncs).toBe(1);
    await group.commit(tx(PAGE, 1));
    expect(sink.blockingSyncs).toBe(2);
    await sink.close();
  });

  it('never blocks with a limit of 0, and refuses a negative or infinite limit', async () => {
    const { sink, group } = await openSink('never', 0);
    for (let id = 1; id <= 3; id++) await group.commit(tx(PAGE, id));
    expect(sink.blockingSyncs).toBe(0);
    await sink.close();
    await expect(openSink('negative', -1)).rejects.toThrow(/blockingSyncMaxMs must be a finite number of milliseconds >= 0, got -1/);
    await expect(openSink('infinite', Infinity)).rejects.toThrow(RangeError);
  });
});
