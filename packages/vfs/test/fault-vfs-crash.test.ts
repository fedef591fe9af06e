import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { describe, expect, it } from 'vitest';
import { FaultVfs, MemoryVfs, NodeVfs, type CrashOutcome, type UnsyncedOperation, type Vfs } from '../src/index.js';
import { expectVfsError, filled, readWhole, writeWhole } from './support/fixtures.js';

/** The single byte value each sector of `bytes` is filled with, or 'mixed'. */
function sectorFills(bytes: Uint8Array, sector: number): (number | 'mixed')[] {
  const fills: (number | 'mixed')[] = [];
  for (let start = 0; start < bytes.length; start += sector) {
    const piece = bytes.subarray(start, start + sector);
    fills.push(piece.every((b) => b === piece[0]) ? (piece[0] as number) : 'mixed');
  }
  return fills;
}

/** A MemoryVfs whose syncs all wait until `release` is called. */
function gatedSyncVfs(): { vfs: Vfs; inner: MemoryVfs; release: () => void } {
  const inner = new MemoryVfs();
  let release = (): void => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const vfs: Vfs = {
    exists: (path) => inner.exists(path),
    delete: (path) => inner.delete(path),
    async open(path, options) {
      const file = await inner.open(path, options);
      return {
        path: file.path,
        read: (buffer, position) => file.read(buffer, position),
        write: (data, position) => file.write(data, position),
        size: () => file.size(),
        truncate: (size) => file.truncate(size),
        sync: async (mode) => {
          await gate;
          await file.sync(mode);
        },
        tryLock: (offset, length, mode) => file.tryLock(offset, length, mode),
        lock: (offset, length, mode, lockOptions) => file.lock(offset, length, mode, lockOptions),
        unlock: (offset, length) => file.unlock(offset, length),
        close: () => file.close(),
      };
    },
  };
  return { vfs, inner, release };
}

function setup(options: { seed?: number; sectorSize?: 512 | 4096 } = {}): { inner: MemoryVfs; vfs: FaultVfs } {
  const inner = new MemoryVfs();
  return { inner, vfs: new FaultVfs(inner, options) };
}

describe('FaultVfs.crash', () => {
  it('counts the content found at first open as durable', async () => {
    const { inner, vfs } = setup();
    await writeWhole(inner, 'db', filled(1024, 1));
    const file = await vfs.open('db');
    await file.write(filled(2048, 2), 512);
    expect(await readWhole(inner, 'db')).toEqual(new Uint8Array([...filled(512, 1), ...filled(2048, 2)]));
    await vfs.crash('drop');
    expect(await readWhole(inner, 'db')).toEqual(filled(1024, 1));
  });

  it("'drop' loses every unsynced write and truncate, 'keep' keeps them all", async () => {
    for (const action of ['drop', 'keep'] as const) {
      const { inner, vfs } = setup();
      const file = await vfs.open('db', { create: true });
      await file.write(filled(1000, 1), 0);
      await file.sync();
      await file.write(filled(100, 2), 50);
      await file.truncate(600);
      const outcomes = await vfs.crash(action);
      expect(outcomes.map((o) => [o.operation.kind, o.action])).toEqual([
        ['write', action],
        ['truncate', action],
      ]);
      const expected =
        action === 'drop'
          ? filled(1000, 1)
          : new Uint8Array([...filled(50, 1), ...filled(100, 2), ...filled(450, 1)]);
      expect(await readWhole(inner, 'db')).toEqual(expected);
    }
  });

  it.each([512, 4096] as const)("'tear' keeps whole %i-byte sectors of an aligned write, each all old or all new", async (sector) => {
    let partial = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { inner, vfs } = setup({ seed, sectorSize: sector });
      const file = await vfs.open('db', { create: true });
      await file.write(filled(8 * sector, 0xaa), 0);
      await file.sync();
      await file.write(filled(8 * sector, 0xbb), 0);
      const [outcome] = await vfs.crash('tear');
      const survived = outcome?.survived ?? [];
      for (const range of survived) {
        expect(range.end - range.start).toBe(sector);
        expect(range.start % sector).toBe(0);
      }
      const kept = new Set(survived.map((range) => range.start / sector));
      const expected = Array.from({ length: 8 }, (_, i) => (kept.has(i) ? 0xbb : 0xaa));
      expect(sectorFills(await readWhole(inner, 'db'), sector)).toEqual(expected);
      if (kept.size > 0 && kept.size < 8) partial++;
    }
    expect(partial).toBeGreaterThan(10);
  });

  it("'tear' splits an unaligned write at the file's sector boundaries", async () => {
    const pieces = [
      { start: 300, end: 512 },
      { start: 512, end: 1024 },
      { start: 1024, end: 1300 },
    ];
    const seen = new Set<string>();
    for (let seed = 1; seed <= 10; seed++) {
      const { inner, vfs } = setup({ seed, sectorSize: 512 });
      const file = await vfs.open('db', { create: true });
      await file.write(filled(1300, 1), 0);
      await file.sync();
      await file.write(filled(1000, 2), 300);
      const [outcome] = await vfs.crash('tear');
      const survived = outcome?.survived ?? [];
      expect(pieces).toEqual(expect.arrayContaining([...survived]));
      const expected = filled(1300, 1);
      for (const range of survived) expected.fill(2, range.start, range.end);
      expect(await readWhole(inner, 'db')).toEqual(expected);
      for (const range of survived) seen.add(`${range.start}`);
    }
    expect(seen.size).toBe(3);
  });

  it('asks a plan function about each unsynced operation, in order, and obeys it', async () => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    await file.write(filled(10, 1), 0);
    await file.write(filled(10, 2), 20);
    await file.truncate(25);
    const seen: UnsyncedOperation[] = [];
    const outcomes = await vfs.crash((operation) => {
      seen.push(operation);
      return operation.kind === 'write' && operation.position === 20 ? 'drop' : 'keep';
    });
    expect(seen).toEqual([
      { kind: 'write', path: 'db', position: 0, length: 10 },
      { kind: 'write', path: 'db', position: 20, length: 10 },
      { kind: 'truncate', path: 'db', size: 25 },
    ]);
    expect(outcomes.map((o) => o.survived)).toEqual([[{ start: 0, end: 10 }], [], []]);
    expect(await readWhole(inner, 'db')).toEqual(new Uint8Array([...filled(10, 1), ...new Uint8Array(15)]));
  });

  it('refuses to tear a truncate (RangeError) or an unknown action (TypeError), leaving files and locks free', async () => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    expect(await file.tryLock(0, 1, 'exclusive')).toBe(true);
    await file.truncate(10);
    await expect(vfs.crash('tear')).rejects.toThrow(/cannot be torn/);
    await expect(vfs.crash('lose' as 'drop')).rejects.toThrow(TypeError);
    expect(await (await inner.open('db')).tryLock(0, 1, 'exclusive')).toBe(true);
    expect(vfs.hasUnsyncedWrites('db')).toBe(true);
    await vfs.crash('drop');
    expect(await readWhole(inner, 'db')).toEqual(new Uint8Array(0));
  });

  it('kills every open handle, releases its locks, and lets the vfs open again', async () => {
    const { vfs } = setup();
    const file = await vfs.open('db', { create: true });
    expect(await file.tryLock(0, 1, 'exclusive')).toBe(true);
    await vfs.crash();
    const error = await expectVfsError(file.read(new Uint8Array(1), 0), 'ERR_VFS_CRASHED');
    expect(error.path).toBe('db');
    await expectVfsError(file.write(new Uint8Array(1), 0), 'ERR_VFS_CRASHED');
    await file.close();
    const reopened = await vfs.open('db');
    expect(await reopened.tryLock(0, 1, 'exclusive')).toBe(true);
  });

  it('lets writes in flight finish and treats them as unsynced', async () => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    const writes = [file.write(filled(512, 1), 0), file.write(filled(512, 2), 512)];
    const outcomes = await vfs.crash('keep');
    await Promise.all(writes);
    expect(outcomes).toHaveLength(2);
    expect(await readWhole(inner, 'db')).toEqual(new Uint8Array([...filled(512, 1), ...filled(512, 2)]));
  });

  it('rewrites real files when wrapping NodeVfs', async () => {
    const dir = await makeTempDir('litewal-vfs-');
    try {
      const vfs = new FaultVfs(new NodeVfs());
      const path = join(dir, 'db');
      const file = await vfs.open(path, { create: true });
      await file.write(filled(4096, 1), 0);
      await file.sync('data');
      await file.write(filled(4096, 2), 4096);
      await vfs.crash('drop');
      expect(new Uint8Array(await readFile(path))).toEqual(filled(4096, 1));
    } finally {
      await removeTempDir(dir);
    }
  });
});

describe('FaultVfs unsynced tracking', () => {
  it.each(['full', 'data'] as const)('resets on a %s sync, after which a crash keeps the data', async (mode) => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    expect(vfs.hasUnsyncedWrites('db')).toBe(false);
    await file.write(filled(100, 3), 0);
    expect(vfs.hasUnsyncedWrites('db')).toBe(true);
    await file.sync(mode);
    expect(vfs.hasUnsyncedWrites('db')).toBe(false);
    expect(await vfs.crash('drop')).toEqual([]);
    expect(await readWhole(inner, 'db')).toEqual(filled(100, 3));
  });

  it('covers writes made through another handle of the same file', async () => {
    const { inner, vfs } = setup();
    const writer = await vfs.open('db', { create: true });
    const syncer = await vfs.open('db');
    await writer.write(filled(10, 4), 0);
    await syncer.sync();
    expect(vfs.hasUnsyncedWrites('db')).toBe(false);
    await vfs.crash('drop');
    expect(await readWhole(inner, 'db')).toEqual(filled(10, 4));
  });

  it('does not count a write that completes while a sync is running as synced', async () => {
    const { vfs: gated, inner, release } = gatedSyncVfs();
    const vfs = new FaultVfs(gated);
    const file = await vfs.open('db', { create: true });
    await file.write(filled(10, 1), 0);
    const syncing = file.sync();
    await file.write(filled(10, 2), 10);
    release();
    await syncing;
    expect(vfs.hasUnsyncedWrites('db')).toBe(true);
    await vfs.crash('drop');
    expect(await readWhole(inner, 'db')).toEqual(filled(10, 1));
  });

  it('forgets a deleted file', async () => {
    const { vfs } = setup();
    const file = await vfs.open('db', { create: true });
    await file.write(filled(10, 4), 0);
    await vfs.delete('db');
    expect(vfs.hasUnsyncedWrites('db')).toBe(false);
    expect(await vfs.exists('db')).toBe(false);
    expect(await vfs.crash('keep')).toEqual([]);
    expect(await vfs.exists('db')).toBe(false);
  });
});

describe('FaultVfs determinism', () => {
  async function scenario(seed: number): Promise<{ outcomes: readonly CrashOutcome[]; bytes: Uint8Array }> {
    const { inner, vfs } = setup({ seed });
    const file = await vfs.open('db', { create: true });
    await file.write(filled(4096, 1), 0);
    await file.sync();
    for (let i = 0; i < 6; i++) await file.write(filled(1536, 10 + i), i * 700);
    vfs.injectFault({ operation: 'write', kind: 'short-write' });
    await expectVfsError(file.write(filled(3000, 99), 5000), 'ERR_VFS_SHORT_WRITE');
    const outcomes = await vfs.crash();
    return { outcomes, bytes: await readWhole(inner, 'db') };
  }

  it('gives the same outcome for the same seed and a different one for another seed', async () => {
    const first = await scenario(1234);
    expect(await scenario(1234)).toEqual(first);
    expect(await scenario(4321)).not.toEqual(first);
  });

  it('rejects a bad seed or sector size with RangeError', () => {
    expect(() => new FaultVfs(new MemoryVfs(), { seed: 1.5 })).toThrow(RangeError);
    expect(() => new FaultVfs(new MemoryVfs(), { sectorSize: 1024 as 512 })).toThrow(RangeError);
  });
});
