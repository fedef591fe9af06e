import { describe, expect, it } from 'vitest';
import { MemoryVfs, type VfsFile } from '@litewal/vfs';
import {
  committedWalIndexHeader,
  decodeWalIndexHeader,
  publishCommit,
  rebuildWalIndex,
  type WalIndexCommit,
  type WalIndexSource,
} from '../src/index.js';
import { RecordingFile } from './support/recording-file.js';
import { READER_CHANGED_FIELDS, diffShm } from './support/shm-diff.js';
import { SYNTHETIC_HEADER, syntheticSource } from './support/synthetic-source.js';

const pageOf = (frame: number): number => ((frame * 31) % 389) + 1;

async function fileWith(image: Uint8Array): Promise<VfsFile> {
  const file = await new MemoryVfs().open('db-shm', { create: true });
  await file.write(image, 0);
  return file;
}

async function contents(file: VfsFile): Promise<Uint8Array> {
  const bytes = new Uint8Array(await file.size());
  await file.read(bytes, 0);
  return bytes;
}

function commitOf(from: number, to: number): WalIndexCommit {
  const pages = Array.from({ length: to - from + 1 }, (_, i) => pageOf(from + i));
  return { pages, dbSizePages: 400, frameChecksum: { s1: 1, s2: 2 }, walHeader: SYNTHETIC_HEADER };
}

/** Differences apart from the fields a writer's history changes (iChange, its checksum, marks). */
function structuralDifferences(a: Uint8Array, b: Uint8Array): ReturnType<typeof diffShm> {
  return diffShm(a, b).filter((d) => !READER_CHANGED_FIELDS.has(d.field));
}

describe('publishCommit', () => {
  it.each([
    [0, 3],
    [5, 1],
    [4060, 5],
    [8000, 300],
  ])('a commit of frames %i+1.. on top of the rebuild equals the rebuild of the longer log', async (before, count) => {
    const file = await fileWith(rebuildWalIndex(syntheticSource(before, pageOf)));
    const previous = decodeWalIndexHeader(await contents(file));
    const header = await publishCommit(file, previous, commitOf(before + 1, before + count));
    expect(header).toEqual(committedWalIndexHeader(previous, commitOf(before + 1, before + count)));
    expect(header).toMatchObject({ change: 1, maxFrame: before + count, dbSizePages: 400, pageSize: 4096 });
    const published = await contents(file);
    expect(decodeWalIndexHeader(published)).toEqual(header);
    expect(structuralDifferences(published, rebuildWalIndex(syntheticSource(before + count, pageOf)))).toEqual([]);
  });

  it('writes the changed hash bytes first, then header copy 2, then copy 1, never the lock bytes', async () => {
    const inner = await fileWith(rebuildWalIndex(syntheticSource(10, pageOf)));
    const file = new RecordingFile(inner);
    await publishCommit(file, decodeWalIndexHeader(await contents(inner)), commitOf(11, 13));
    const writes = file.writes;
    expect(writes.slice(-2)).toEqual([
      { position: 48, length: 48 },
      { position: 0, length: 48 },
    ]);
    for (const w of writes.slice(0, -2)) expect(w.position).toBeGreaterThanOrEqual(136);
    // Three frames: at most 4 bytes of aPgno and 2 bytes of aHash each, at least one byte of each.
    const hashBytes = writes.slice(0, -2).reduce((n, w) => n + w.length, 0);
    expect(hashBytes).toBeGreaterThanOrEqual(6);
    expect(hashBytes).toBeLessThanOrEqual(18);
  });

  it("first cleans the entries an earlier writer left past mxFrame (walIndexAppend's cleanup)", async () => {
    const dead: WalIndexSource = { ...syntheticSource(5, (f) => (f <= 5 ? pageOf(f) : 390 + f)), validFrames: 12 };
    const file = await fileWith(rebuildWalIndex(dead));
    await publishCommit(file, decodeWalIndexHeader(await contents(file)), commitOf(6, 7));
    expect(structuralDifferences(await contents(file), rebuildWalIndex(syntheticSource(7, pageOf)))).toEqual([]);
  });

  it('rejects a commit without frames or without a database size', () => {
    const previous = decodeWalIndexHeader(rebuildWalIndex(syntheticSource(1, pageOf)));
    expect(() => committedWalIndexHeader(previous, { ...commitOf(2, 2), pages: [] })).toThrow(RangeError);
    expect(() => committedWalIndexHeader(previous, { ...commitOf(2, 2), dbSizePages: 0 })).toThrow(RangeError);
    expect(() => committedWalIndexHeader({ ...previous, maxFrame: 0xffffffff }, commitOf(2, 2))).toThrow(RangeError);
  });
});
