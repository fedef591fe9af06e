import { createHashes } from '@litewal/checksum';
import { FaultVfs, MemoryVfs } from '@litewal/vfs';
import { describe, expect, it } from 'vitest';
import { FecWriter, readRepairSymbols, readSidecar, type CommittedGroup } from '../src/index.js';

const PAGE = 512;
function group(first: number, count: number, salt1 = 7, salt2 = 9): CommittedGroup {
  return {
    salt1,
    salt2,
    pageSize: PAGE,
    frames: Array.from({ length: count }, (_, i) => ({
      frame: first + i,
      pageNumber: 2 + i,
      commitSize: i === count - 1 ? 40 : 0,
      page: new Uint8Array(PAGE).fill(first + i),
    })),
  };
}

describe('FecWriter', () => {
  it('appends groups in call order without awaiting each, and continues an existing sidecar', async () => {
    const vfs = new MemoryVfs();
    const hashes = await createHashes();
    const writer = await FecWriter.open(vfs, 'x-wal-fec', { codec: 'reed-solomon', hashes });
    const pending = [writer.protect([group(1, 3)]), writer.protect([group(4, 2), group(6, 1)])];
    await writer.flush();
    expect(await Promise.all(pending)).toEqual([
      { groups: 1, bytes: 4 + 32 + 3 * 24 + 4 + 2 * (PAGE + 4) },
      { groups: 2, bytes: 2 * (4 + 32 + 4 + 2 * (PAGE + 4)) + 3 * 24 },
    ]);
    expect(writer.lastProtectedFrame).toBe(6);
    await writer.close();
    const again = await FecWriter.open(vfs, 'x-wal-fec', { codec: 'reed-solomon', hashes });
    expect([again.salts, again.lastProtectedFrame]).toEqual([[7, 9], 6]);
    await expect(again.protect([group(5, 2)])).rejects.toThrow(/frame 5 is already protected \(frames up to 6/);
    await again.protect([group(7, 1)]);
    await again.close();
    const contents = await readSidecar(vfs, 'x-wal-fec', hashes);
    expect(contents.groups.map((g) => [g.firstFrame, g.lastFrame])).toEqual([[1, 3], [4, 5], [6, 6], [7, 7]]);
  });

  it('splits a commit group larger than the codec allows and starts over for a new WAL generation', async () => {
    const vfs = new MemoryVfs();
    const hashes = await createHashes();
    const writer = await FecWriter.open(vfs, 'y-wal-fec', { codec: 'reed-solomon', repairSymbols: 250, hashes });
    expect(await writer.protect([group(1, 12)])).toMatchObject({ groups: 3 }); // K ≤ 255 − 250 = 5
    let contents = await readSidecar(vfs, 'y-wal-fec', hashes);
    expect(contents.groups.map((g) => [g.firstFrame, g.lastFrame, g.repairSymbols])).toEqual([[1, 5, 250], [6, 10, 250], [11, 12, 250]]);
    const symbols = await readRepairSymbols(vfs, 'y-wal-fec', contents.groups[2]!, hashes);
    expect(symbols).toHaveLength(250);
    expect(symbols.every((s) => s?.length === PAGE)).toBe(true);
    // The WAL was reset (new salts, frame 1 again) within one batch: only the new generation stays.
    await writer.protect([group(13, 1), group(1, 2, 8, 10)]);
    await writer.close();
    contents = await readSidecar(vfs, 'y-wal-fec', hashes);
    expect(contents.groups.map((g) => [g.salt1, g.firstFrame, g.lastFrame])).toEqual([[8, 1, 2]]);
    expect(contents.fileBytes).toBe(contents.validBytes);
  });

  it('refuses bad input with RangeError', async () => {
    const writer = await FecWriter.open(new MemoryVfs(), 'z-wal-fec', { codec: 'raptorq' });
    const gap = group(1, 3);
    await expect(writer.protect([{ ...gap, frames: [gap.frames[0]!, gap.frames[2]!] }])).rejects.toThrow(/consecutive.*got frame 3 where 2/);
    await expect(writer.protect([{ ...gap, pageSize: 1024 }])).rejects.toThrow(/page of 512 bytes, expected 1024/);
    await writer.close();
    await expect(FecWriter.open(new MemoryVfs(), 'z', { repairSymbols: 256 })).rejects.toThrow(/from 1 to 255, got 256/);
  });

  it('after a failed sync rejects every later call; a new writer overwrites the unsynced tail', async () => {
    const vfs = new FaultVfs(new MemoryVfs(), { seed: 3 });
    const hashes = await createHashes();
    const writer = await FecWriter.open(vfs, 'f-wal-fec', { codec: 'reed-solomon', hashes });
    await writer.protect([group(1, 2)]);
    vfs.injectFault({ operation: 'sync', kind: 'eio' });
    const failed = writer.protect([group(3, 2)]);
    await expect(failed).rejects.toMatchObject({ code: 'ERR_VFS_IO' });
    await expect(writer.protect([group(5, 1)])).rejects.toMatchObject({ code: 'ERR_VFS_IO' });
    await writer.close();
    vfs.clearFaults();
    await vfs.crash('tear');
    const reopened = await FecWriter.open(vfs, 'f-wal-fec', { codec: 'reed-solomon', hashes });
    expect(reopened.lastProtectedFrame).toBe(2);
    await reopened.protect([group(3, 2)]);
    await reopened.close();
    const contents = await readSidecar(vfs, 'f-wal-fec', hashes);
    expect(contents.groups.map((g) => [g.firstFrame, g.lastFrame])).toEqual([[1, 2], [3, 4]]);
    expect(contents.tornTail).toBe(false);
  });

  it('a crash at any step of an append leaves a sidecar that reads as before or after it (seeded)', async () => {
    const hashes = await createHashes();
    const seen = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const vfs = new FaultVfs(new MemoryVfs(), { seed, sectorSize: 512 });
      const writer = await FecWriter.open(vfs, 'c-wal-fec', { codec: 'reed-solomon', hashes });
      await writer.protect([group(1, 2)]);
      // Fail the 1st sync (batch written with a zero length prefix), the 2nd (prefix written),
      // or a write, or none; then crash, tearing, dropping or keeping what was not synced.
      const step = seed % 4;
      if (step < 2) vfs.injectFault({ operation: 'sync', kind: 'eio', nth: step + 1 });
      if (step === 2) vfs.injectFault({ operation: 'write', kind: 'short-write', nth: 1 });
      await writer.protect([group(3, 3), group(6, 1)]).catch(() => undefined);
      await writer.close().catch(() => undefined);
      vfs.clearFaults();
      await vfs.crash((['drop', 'keep', 'tear'] as const)[seed % 3]);
      const contents = await readSidecar(vfs, 'c-wal-fec', hashes);
      const frames = contents.groups.map((g) => `${g.firstFrame}-${g.lastFrame}`).join(' ');
      expect(['1-2', '1-2 3-5 6-6']).toContain(frames);
      seen.add(frames);
      // and the next writer continues from there
      const next = await FecWriter.open(vfs, 'c-wal-fec', { codec: 'reed-solomon', hashes });
      if (next.lastProtectedFrame === 2) await next.protect([group(3, 3), group(6, 1)]);
      await next.close();
      expect((await readSidecar(vfs, 'c-wal-fec', hashes)).groups.map((g) => g.lastFrame)).toEqual([2, 5, 6]);
    }
    expect(seen).toEqual(new Set(['1-2', '1-2 3-5 6-6']));
  });
});
