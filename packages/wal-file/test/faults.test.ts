import { describe, expect, it } from 'vitest';
import { FaultVfs, MemoryVfs, type FaultKind } from '@litewal/vfs';
import { WalFile, type PageWrite } from '../src/index.js';

const PAGE = 512;

function page(seed: number): Uint8Array {
  const bytes = new Uint8Array(PAGE);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < PAGE; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function batch(first: number, count: number, tag: number): PageWrite[] {
  return Array.from({ length: count }, (_, i) => ({ pageNumber: first + i, data: page(tag * 1000 + first + i) }));
}

async function freshWal(vfs: FaultVfs): Promise<WalFile> {
  const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE, salt1: 1, salt2: 2 });
  await wal.append(batch(1, 2, 0), 2);
  await wal.sync();
  return wal;
}

describe('WalFile under injected I/O faults (the fault matrix)', () => {
  it.each(['eio', 'enospc', 'short-write'] as FaultKind[])(
    'a %s on the frame write leaves every counter where it was, and the retry lands in the same place',
    async (kind) => {
      const vfs = new FaultVfs(new MemoryVfs(), { seed: 3 });
      const wal = await freshWal(vfs);
      const before = { committed: wal.committedFrames, last: wal.lastFrame, synced: wal.syncedFrames, checksum: wal.checksum };
      vfs.injectFault({ operation: 'write', kind, path: 'w' });
      await expect(wal.append(batch(3, 3, 1), 5)).rejects.toMatchObject({ name: expect.stringMatching(/Error$/) });
      expect({ committed: wal.committedFrames, last: wal.lastFrame, synced: wal.syncedFrames, checksum: wal.checksum }).toEqual(before);
      expect(wal.findFrame(3, 10)).toBe(0);

      const retried = await wal.append(batch(3, 3, 1), 5);
      expect(retried).toMatchObject({ firstFrame: 3, lastFrame: 5, committed: true });
      await wal.sync();
      await wal.close();
      const reopened = await WalFile.open(vfs, 'w', { readOnly: true });
      expect(reopened.committedFrames).toBe(5);
      expect(await reopened.readPage(4)).toEqual(page(1004));
      await reopened.close();
    },
  );

  it('a failed header write when starting frame 1 changes nothing; the retry writes a valid WAL', async () => {
    const vfs = new FaultVfs(new MemoryVfs(), { seed: 5 });
    const wal = await freshWal(vfs);
    await wal.reset();
    const generation = wal.generation;
    vfs.injectFault({ operation: 'write', kind: 'eio', path: 'w' });
    await expect(wal.append(batch(1, 1, 2), 2)).rejects.toMatchObject({ code: 'ERR_VFS_IO' });
    expect([wal.committedFrames, wal.lastFrame]).toEqual([0, 0]);
    expect(wal.generation).toEqual(generation);
    await wal.append(batch(1, 1, 2), 2);
    await wal.sync();
    await wal.close();
    const reopened = await WalFile.open(vfs, 'w', { readOnly: true });
    expect(reopened.header).toMatchObject({ checkpointSequence: 1, salt1: 2 });
    expect(reopened.recovery).toMatchObject({ committed: 1, stop: { reason: 'salt-mismatch' } });
    await reopened.close();
  });

  it('a failed sync does not make the batch durable: syncedFrames stays behind', async () => {
    const vfs = new FaultVfs(new MemoryVfs(), { seed: 9 });
    const wal = await freshWal(vfs);
    await wal.append(batch(3, 2, 1), 4);
    vfs.injectFault({ operation: 'sync', kind: 'eio', path: 'w' });
    await expect(wal.sync()).rejects.toMatchObject({ code: 'ERR_VFS_IO' });
    expect(wal.syncedFrames).toBe(2);
    expect(wal.committedFrames).toBe(4);
    expect(vfs.hasUnsyncedWrites('w')).toBe(true);
    // A crash now may lose the batch: it was never reported durable.
    await vfs.crash('drop');
    const reopened = await WalFile.open(vfs, 'w', { readOnly: true });
    expect(reopened.committedFrames).toBe(2);
    await reopened.close();
  });
});

describe('WalFile crash simulation: every acknowledged commit survives', () => {
  it('holds over 300 seeded runs of appends, syncs and crashes with dropped, kept and torn writes', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const vfs = new FaultVfs(new MemoryVfs(), { seed, sectorSize: seed % 2 === 0 ? 512 : 4096 });
      const wal = await WalFile.create(vfs, 'w', { pageSize: PAGE, salt1: seed, salt2: ~seed >>> 0 });
      await wal.sync();
      let rng = seed;
      const next = (n: number): number => {
        rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0;
        return rng % n;
      };
      /** Frame number -> page image written there, for every commit boundary reached. */
      const written = new Map<number, Uint8Array>();
      const commitEnds = new Set<number>([0]);
      let acknowledged = 0;
      const steps = 1 + next(6);
      for (let step = 0; step < steps; step++) {
        const pages = batch(1 + next(8), 1 + next(4), seed * 100 + step);
        const result = await wal.append(pages, 16);
        pages.forEach((p, i) => written.set(result.firstFrame + i, p.data));
        commitEnds.add(result.lastFrame);
        if (next(3) !== 0) {
          await wal.sync();
          acknowledged = result.lastFrame;
        }
      }
      await vfs.crash();
      const reopened = await WalFile.open(vfs, 'w', { readOnly: true });
      const committed = reopened.committedFrames;
      expect(committed, `seed ${seed}`).toBeGreaterThanOrEqual(acknowledged);
      expect(commitEnds.has(committed), `seed ${seed}: ${committed} is a commit boundary`).toBe(true);
      for (let f = 1; f <= committed; f++) {
        expect((await reopened.readFrame(f)).page, `seed ${seed} frame ${f}`).toEqual(written.get(f));
      }
      await reopened.close();
    }
  });
});
