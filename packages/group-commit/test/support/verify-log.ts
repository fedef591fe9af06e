import { expect } from 'vitest';
import type { Vfs } from '@litewal/vfs';
import { WalFile, type TransactionFrames } from '@litewal/wal-file';
import type { CommitReceipt } from '../../src/index.js';
import { tagOf } from './transactions.js';

/** What a committer was told. */
export type Told = 'durable' | 'failed' | 'unknown';

/** One committed (or attempted) transaction of a test and what its committer was told. */
export interface CommitRecord {
  readonly id: number;
  readonly transaction: TransactionFrames;
  told: Told | null;
  receipt: CommitReceipt | null;
  error: unknown;
}

/** Maps a commit's rejection to what the committer was told. */
export function toldOf(error: unknown): Told {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_GROUP_COMMIT_FAILED') return 'failed';
  if (code === 'ERR_GROUP_COMMIT_OUTCOME_UNKNOWN') return 'unknown';
  throw error;
}

/** Commits `record.transaction` with `commit` and records the outcome. */
export async function track(record: CommitRecord, commit: (t: TransactionFrames) => Promise<CommitReceipt>): Promise<void> {
  try {
    record.receipt = await commit(record.transaction);
    record.told = 'durable';
  } catch (error) {
    record.error = error;
    record.told = toldOf(error);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Reopens the WAL as recovery sees it and checks the log against what committers were told: it
 * is a sequence of whole known transactions, each exactly as written (page numbers, bytes, its
 * own commit frame and size), ending at a commit boundary; no transaction appears twice; those
 * told failed are absent; those told durable are present at their receipt's frames
 * (when `durableSurvives`; otherwise they may be lost, but only as a suffix of the log).
 * @returns the ids present, in log order.
 */
export async function verifyLog(
  vfs: Vfs,
  path: string,
  records: readonly CommitRecord[],
  durableSurvives: boolean,
): Promise<number[]> {
  const wal = await WalFile.open(vfs, path, { readOnly: true });
  try {
    const byId = new Map(records.map((r) => [r.id, r]));
    const present: number[] = [];
    let frame = 1;
    while (frame <= wal.committedFrames) {
      const { id, index } = tagOf((await wal.readFrame(frame)).page);
      const record = byId.get(id);
      expect(record, `frame ${frame} holds a page of transaction ${id}, which nobody committed`).toBeDefined();
      expect(index, `frame ${frame} starts transaction ${id}`).toBe(0);
      expect(present.includes(id), `transaction ${id} appears twice`).toBe(false);
      const { pages, commitSize } = (record as CommitRecord).transaction;
      expect(frame + pages.length - 1, `transaction ${id} is whole`).toBeLessThanOrEqual(wal.committedFrames);
      for (let i = 0; i < pages.length; i++) {
        const { header, page } = await wal.readFrame(frame + i);
        expect(header.pageNumber).toBe(pages[i]?.pageNumber);
        expect(header.commitSize).toBe(i === pages.length - 1 ? commitSize : 0);
        expect(sameBytes(page, pages[i]?.data as Uint8Array), `bytes of frame ${frame + i}`).toBe(true);
      }
      const told = (record as CommitRecord).told;
      expect(['durable', 'unknown'], `transaction ${id} was told ${told} but is in the log`).toContain(told);
      const receipt = (record as CommitRecord).receipt;
      if (receipt !== null) expect([receipt.firstFrame, receipt.lastFrame]).toEqual([frame, frame + pages.length - 1]);
      present.push(id);
      frame += pages.length;
    }
    expect(frame - 1, 'the log ends at a commit boundary').toBe(wal.committedFrames);
    const durable = records
      .filter((r) => r.told === 'durable')
      .sort((a, b) => (a.receipt?.firstFrame ?? 0) - (b.receipt?.firstFrame ?? 0))
      .map((r) => r.id);
    if (durableSurvives) {
      for (const id of durable) expect(present, `transaction ${id} was told durable`).toContain(id);
    } else {
      const kept = durable.filter((id) => present.includes(id));
      expect(kept, 'what a crash kept of the durable commits is a prefix of them').toEqual(durable.slice(0, kept.length));
    }
    return present;
  } finally {
    await wal.close();
  }
}
