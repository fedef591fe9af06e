import { FaultVfs, MemoryVfs, type Vfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { GroupCommit, WalFileSink, type AppendGate, type SynchronousMode } from '../../src/index.js';
import { tx } from './transactions.js';
import { track, type CommitRecord } from './verify-log.js';

/** Page size of the simulated WALs. */
export const PAGE = 512;
/** Path of the simulated WAL. */
export const WAL_PATH = 'db-wal';

/** A run of concurrent committers: each commits `rounds` transactions of 1 to 3 pages, one after the other. */
export interface Scenario {
  readonly committers: number;
  readonly rounds: number;
  readonly synchronous: SynchronousMode;
  /** Start from a header-only WAL (the first group writes frame 1 and a new header) rather than one commit. */
  readonly startEmpty: boolean;
  /** Flush through an append gate (which makes the sink check the file before each group). */
  readonly gate: boolean;
}

/** A gate with no other process to exclude: only there to make the sink behave as under one. */
const openGate: AppendGate = { acquire: async () => undefined, release: async () => undefined };

/** A FaultVfs holding a synced WAL: header only, or one committed transaction (returned as a record). */
export async function setupWal(seed: number, startEmpty: boolean): Promise<{ fault: FaultVfs; base: CommitRecord[] }> {
  const fault = new FaultVfs(new MemoryVfs(), { seed, sectorSize: seed % 2 === 0 ? 512 : 4096 });
  const wal = await WalFile.create(fault, WAL_PATH, { pageSize: PAGE });
  const base: CommitRecord[] = [];
  if (!startEmpty) {
    const transaction = tx(PAGE, 1, 2);
    const append = await wal.appendTransactions([transaction]);
    const receipt = { epoch: 0, firstFrame: append.firstFrame, lastFrame: append.lastFrame, groupTransactions: 1, synced: true, role: 'flusher' } as const;
    base.push({ id: 1, transaction, told: 'durable', receipt, error: null });
  }
  await wal.sync();
  await wal.close();
  return { fault, base };
}

/** Opens a sink on `vfs`, runs the committers of `scenario` through a GroupCommit, closes both. */
export async function runCommitters(
  vfs: Vfs,
  scenario: Scenario,
  beforeCommits: (sink: WalFileSink) => void = () => undefined,
): Promise<{ records: CommitRecord[]; sink: WalFileSink }> {
  const sink = await WalFileSink.open(vfs, WAL_PATH, { synchronous: scenario.synchronous, ...(scenario.gate ? { gate: openGate } : {}) });
  beforeCommits(sink);
  const group = new GroupCommit(sink, { maxGroupFrames: 16 });
  const records: CommitRecord[] = [];
  await Promise.all(
    Array.from({ length: scenario.committers }, async (_, c) => {
      for (let r = 0; r < scenario.rounds; r++) {
        const id = 1000 + c * scenario.rounds + r;
        const record: CommitRecord = { id, transaction: tx(PAGE, id, 1 + ((c + r) % 3)), told: null, receipt: null, error: null };
        records.push(record);
        await track(record, (t) => group.commit(t));
      }
    }),
  );
  await group.close();
  await sink.close();
  return { records, sink };
}
