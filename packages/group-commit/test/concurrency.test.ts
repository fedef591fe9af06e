import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { MemoryVfs, NodeVfs, type Vfs } from '@litewal/vfs';
import { GroupCommit, WalFileSink } from '../src/index.js';
import { settle } from './support/deferred-sink.js';
import { tx } from './support/transactions.js';
import { track, verifyLog, type CommitRecord } from './support/verify-log.js';

const PAGE = 4096;
const ROUNDS = 4;
let dir: string;

beforeAll(async () => {
  dir = await makeTempDir('litewal-group-commit-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

const VFSES: readonly [string, () => { vfs: Vfs; path: (name: string) => string }][] = [
  ['MemoryVfs', () => ({ vfs: new MemoryVfs(), path: (name) => name })],
  ['NodeVfs', () => ({ vfs: new NodeVfs(), path: (name) => join(dir, name) })],
];

describe.each(VFSES)('%s', (_, make) => {
  it.each([1, 2, 8, 64])('%i concurrent committers: every commit durable at its own frames, read back byte for byte', async (n) => {
    const { vfs, path } = make();
    const wal = path(`concurrent-${n}.db-wal`);
    const sink = await WalFileSink.open(vfs, wal, { pageSize: PAGE });
    const group = new GroupCommit(sink);
    const records: CommitRecord[] = [];
    await Promise.all(
      Array.from({ length: n }, async (_, c) => {
        for (let r = 0; r < ROUNDS; r++) {
          for (let wait = 0; wait < (c + r) % 3; wait++) await settle(); // staggered arrivals
          const id = c * ROUNDS + r;
          const record: CommitRecord = { id, transaction: tx(PAGE, id, 1 + ((c * 7 + r) % 3)), told: null, receipt: null, error: null };
          records.push(record);
          await track(record, (t) => group.commit(t));
        }
      }),
    );
    await group.close();
    expect(records.every((r) => r.told === 'durable')).toBe(true);

    // Receipts tile frames 1..total without gaps or overlaps, each committer's in its own order.
    const receipts = records.map((r) => r.receipt).filter((r) => r !== null);
    const byFrame = [...receipts].sort((a, b) => a.firstFrame - b.firstFrame);
    const total = records.reduce((sum, r) => sum + r.transaction.pages.length, 0);
    byFrame.forEach((r, i) => expect(r.firstFrame).toBe(i === 0 ? 1 : (byFrame[i - 1]?.lastFrame ?? 0) + 1));
    expect(byFrame.at(-1)?.lastFrame).toBe(total);
    for (let c = 0; c < n; c++) {
      const mine = records.filter((r) => Math.floor(r.id / ROUNDS) === c).map((r) => r.receipt?.firstFrame ?? 0);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
    // Groups: one fsync each (plus the new header's), as many transactions as receipts say.
    const epochs = new Map<number, number>();
    for (const r of receipts) epochs.set(r.epoch, (epochs.get(r.epoch) ?? 0) + 1);
    for (const r of receipts) expect(r.groupTransactions).toBe(epochs.get(r.epoch));
    const stats = group.stats();
    expect(stats).toMatchObject({ groups: epochs.size, transactions: n * ROUNDS, frames: total, fsyncs: epochs.size + 1, failedGroups: 0 });
    expect(stats.wakes.durable).toBe(n * ROUNDS);
    if (n >= 8) expect(stats.groups).toBeLessThan(stats.transactions);
    expect(sink.wal.committedFrames).toBe(total);
    await sink.close();
    expect(await verifyLog(vfs, wal, records, true)).toHaveLength(n * ROUNDS);
  });
});
