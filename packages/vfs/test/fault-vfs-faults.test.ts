import { describe, expect, it } from 'vitest';
import { FaultVfs, MemoryVfs, ShortWriteError, type FaultSpec } from '../src/index.js';
import { expectVfsError, filled, readWhole, writeWhole } from './support/fixtures.js';

function setup(seed = 1): { inner: MemoryVfs; vfs: FaultVfs } {
  const inner = new MemoryVfs();
  return { inner, vfs: new FaultVfs(inner, { seed }) };
}

describe('FaultVfs fault injection', () => {
  it('fails the nth write with EIO, writing nothing, and counts every call', async () => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    vfs.injectFault({ operation: 'write', kind: 'eio', nth: 3 });
    await file.write(filled(4, 1), 0);
    await file.write(filled(4, 2), 4);
    const error = await expectVfsError(file.write(filled(4, 3), 8), 'ERR_VFS_IO');
    expect(error).toMatchObject({ errno: 'EIO', path: 'db' });
    expect(error.message).toBe('write failed on db: injected EIO (call #3)');
    await file.write(filled(4, 4), 12);
    const expected = [...filled(4, 1), ...filled(4, 2), 0, 0, 0, 0, ...filled(4, 4)];
    expect(await readWhole(inner, 'db')).toEqual(new Uint8Array(expected));
    expect(vfs.calls).toEqual({ open: 1, read: 0, write: 4, sync: 0, truncate: 0 });
  });

  it('fails writes and truncates with ENOSPC', async () => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    vfs.injectFault({ operation: 'write', kind: 'enospc' });
    vfs.injectFault({ operation: 'truncate', kind: 'enospc' });
    expect((await expectVfsError(file.write(filled(4, 1), 0), 'ERR_VFS_NO_SPACE')).errno).toBe('ENOSPC');
    await expectVfsError(file.truncate(100), 'ERR_VFS_NO_SPACE');
    expect(await readWhole(inner, 'db')).toEqual(new Uint8Array(0));
  });

  it('fails reads and opens with EIO', async () => {
    const { inner, vfs } = setup();
    await writeWhole(inner, 'db', filled(8, 1));
    vfs.injectFault({ operation: 'open', kind: 'eio' });
    await expectVfsError(vfs.open('db'), 'ERR_VFS_IO');
    const file = await vfs.open('db');
    vfs.injectFault({ operation: 'read', kind: 'eio', nth: 2 });
    expect(await file.read(new Uint8Array(8), 0)).toBe(8);
    await expectVfsError(file.read(new Uint8Array(8), 0), 'ERR_VFS_IO');
    expect(vfs.calls.open).toBe(2);
    expect(vfs.calls.read).toBe(2);
  });

  it('leaves writes unsynced when their sync fails', async () => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    await file.write(filled(8, 1), 0);
    vfs.injectFault({ operation: 'sync', kind: 'eio' });
    await expectVfsError(file.sync(), 'ERR_VFS_IO');
    expect(vfs.hasUnsyncedWrites('db')).toBe(true);
    await vfs.crash('drop');
    expect(await readWhole(inner, 'db')).toEqual(new Uint8Array(0));
  });

  it('matches only the given path', async () => {
    const { vfs } = setup();
    const a = await vfs.open('a', { create: true });
    const b = await vfs.open('b', { create: true });
    vfs.injectFault({ operation: 'write', kind: 'eio', path: 'b' });
    await a.write(filled(4, 1), 0);
    await expectVfsError(b.write(filled(4, 1), 0), 'ERR_VFS_IO');
    await b.write(filled(4, 1), 0);
  });

  it("counts calls of every operation for 'any'", async () => {
    const { inner, vfs } = setup();
    await writeWhole(inner, 'db', filled(8, 1));
    vfs.injectFault({ operation: 'any', kind: 'eio', nth: 3 });
    const file = await vfs.open('db');
    await file.write(filled(1, 2), 0);
    await expectVfsError(file.read(new Uint8Array(1), 0), 'ERR_VFS_IO');
    await file.sync();
  });

  it('writes a seeded prefix on a short write, reports it, and tracks it as unsynced', async () => {
    for (const action of ['keep', 'drop'] as const) {
      const { inner, vfs } = setup(5);
      const file = await vfs.open('db', { create: true });
      vfs.injectFault({ operation: 'write', kind: 'short-write' });
      await file.write(new Uint8Array(0), 0); // an empty write cannot be short: not counted
      const data = Uint8Array.from({ length: 4000 }, (_, i) => i % 251);
      const error = await expectVfsError(file.write(data, 100), 'ERR_VFS_SHORT_WRITE');
      expect(error).toBeInstanceOf(ShortWriteError);
      const { bytesWritten, bytesRequested, position } = error as ShortWriteError;
      expect({ bytesRequested, position }).toEqual({ bytesRequested: 4000, position: 100 });
      expect(bytesWritten).toBeGreaterThan(0);
      expect(bytesWritten).toBeLessThan(4000);
      const view = await readWhole(inner, 'db');
      expect(view).toEqual(new Uint8Array([...new Uint8Array(100), ...data.subarray(0, bytesWritten)]));
      expect(vfs.hasUnsyncedWrites('db')).toBe(true);
      const [outcome] = await vfs.crash(action);
      expect(outcome?.operation).toEqual({ kind: 'write', path: 'db', position: 100, length: bytesWritten });
      expect(await readWhole(inner, 'db')).toEqual(action === 'keep' ? view : new Uint8Array(0));
    }
  });

  it('fires each fault once; clearFaults cancels those still pending', async () => {
    const { vfs } = setup();
    const file = await vfs.open('db', { create: true });
    vfs.injectFault({ operation: 'sync', kind: 'eio' });
    await expectVfsError(file.sync(), 'ERR_VFS_IO');
    await file.sync();
    vfs.injectFault({ operation: 'sync', kind: 'eio', nth: 2 });
    vfs.clearFaults();
    await file.sync();
    await file.sync();
  });

  it.each<[FaultSpec, ErrorConstructor]>([
    [{ operation: 'read', kind: 'short-write' }, TypeError],
    [{ operation: 'stat' as 'read', kind: 'eio' }, TypeError],
    [{ operation: 'write', kind: 'explode' as 'eio' }, TypeError],
    [{ operation: 'write', kind: 'eio', nth: 0 }, RangeError],
    [{ operation: 'write', kind: 'eio', nth: 1.5 }, RangeError],
  ])('rejects the spec %o', (spec, type) => {
    expect(() => setup().vfs.injectFault(spec)).toThrow(type);
  });
});

describe('FaultVfs.flipBit', () => {
  it('flips a bit of synced data on the inner file too, and the flip survives a crash', async () => {
    const { inner, vfs } = setup();
    const file = await vfs.open('db', { create: true });
    await file.write(filled(16, 0), 0);
    await file.sync();
    await vfs.flipBit('db', 5, 7);
    const buffer = new Uint8Array(16);
    await file.read(buffer, 0);
    expect(buffer[5]).toBe(0x80);
    await vfs.crash('drop');
    expect((await readWhole(inner, 'db'))[5]).toBe(0x80);
  });

  it('hides the flip behind a newer unsynced write until a crash drops that write', async () => {
    for (const action of ['keep', 'drop'] as const) {
      const { inner, vfs } = setup();
      const file = await vfs.open('db', { create: true });
      await file.write(filled(16, 0), 0);
      await file.sync();
      await file.write(filled(4, 0x11), 4);
      await vfs.flipBit('db', 5, 0);
      expect((await readWhole(inner, 'db'))[5]).toBe(0x11);
      await vfs.crash(action);
      expect((await readWhole(inner, 'db'))[5]).toBe(action === 'keep' ? 0x11 : 0x01);
    }
  });

  it('works on a file never opened through the FaultVfs', async () => {
    const { inner, vfs } = setup();
    await writeWhole(inner, 'db', filled(4, 0xff));
    await vfs.flipBit('db', 3, 1);
    expect(await readWhole(inner, 'db')).toEqual(Uint8Array.of(0xff, 0xff, 0xff, 0xfd));
  });

  it('rejects a bit outside 0..7 and an offset beyond the durable image with RangeError', async () => {
    const { vfs } = setup();
    const file = await vfs.open('db', { create: true });
    await file.write(filled(16, 0), 0);
    await expect(vfs.flipBit('db', 0, 8)).rejects.toThrow(RangeError);
    await expect(vfs.flipBit('db', 0, 0)).rejects.toThrow('byteOffset 0 is beyond the durable size 0 of db');
    await expectVfsError(vfs.flipBit('missing', 0, 0), 'ERR_VFS_NOT_FOUND');
  });
});
