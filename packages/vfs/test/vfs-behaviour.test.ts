import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LockMode, SyncMode, VfsFile } from '../src/index.js';
import { expectVfsError, filled, implementations, type VfsFixture } from './support/fixtures.js';

const BAD_OFFSETS = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53];

describe.each(implementations)('$name', (implementation) => {
  let fx: VfsFixture;
  beforeEach(async () => {
    fx = await implementation.create();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  describe('open, exists, delete', () => {
    it('reports a missing file as ERR_VFS_NOT_FOUND with its path and errno', async () => {
      const error = await expectVfsError(fx.open('missing'), 'ERR_VFS_NOT_FOUND');
      expect(error.path).toBe(fx.path('missing'));
      expect(error.errno).toBe('ENOENT');
      expect(await fx.vfs.exists(fx.path('missing'))).toBe(false);
    });

    it('creates an empty file, which then opens without create', async () => {
      const created = await fx.open('a', { create: true });
      expect(await created.size()).toBe(0);
      expect(await fx.vfs.exists(fx.path('a'))).toBe(true);
      const again = await fx.open('a');
      expect(again.path).toBe(fx.path('a'));
    });

    it('rejects an exclusive create of an existing file with ERR_VFS_EXISTS', async () => {
      await fx.open('a', { exclusive: true });
      const error = await expectVfsError(fx.open('a', { exclusive: true }), 'ERR_VFS_EXISTS');
      expect(error.errno).toBe('EEXIST');
    });

    it('deletes a file; deleting it again is ERR_VFS_NOT_FOUND', async () => {
      await fx.open('a', { create: true });
      await fx.vfs.delete(fx.path('a'));
      expect(await fx.vfs.exists(fx.path('a'))).toBe(false);
      await expectVfsError(fx.vfs.delete(fx.path('a')), 'ERR_VFS_NOT_FOUND');
    });

    it('keeps an unlinked file usable through a handle opened before the delete', async () => {
      const file = await fx.open('a', { create: true });
      await file.write(filled(10, 7), 0);
      await fx.vfs.delete(fx.path('a'));
      const buffer = new Uint8Array(10);
      expect(await file.read(buffer, 0)).toBe(10);
      expect(buffer).toEqual(filled(10, 7));
      const recreated = await fx.open('a', { create: true });
      expect(await recreated.size()).toBe(0);
    });

    it('rejects readOnly combined with create or exclusive with TypeError', async () => {
      await expect(fx.open('a', { readOnly: true, create: true })).rejects.toThrow(TypeError);
      await expect(fx.open('a', { readOnly: true, exclusive: true })).rejects.toThrow(TypeError);
    });
  });

  describe('read and write', () => {
    it('reads back what was written, through another handle too', async () => {
      const writer = await fx.open('a', { create: true });
      const reader = await fx.open('a', { readOnly: true });
      await writer.write(Uint8Array.of(1, 2, 3, 4, 5), 0);
      await writer.write(Uint8Array.of(9, 9), 1);
      const buffer = new Uint8Array(5);
      expect(await reader.read(buffer, 0)).toBe(5);
      expect(buffer).toEqual(Uint8Array.of(1, 9, 9, 4, 5));
    });

    it('returns the bytes read: fewer at the end of the file, 0 past it', async () => {
      const file = await fx.open('a', { create: true });
      await file.write(Uint8Array.of(1, 2, 3), 0);
      const buffer = filled(5, 0xee);
      expect(await file.read(buffer, 1)).toBe(2);
      expect(buffer).toEqual(Uint8Array.of(2, 3, 0xee, 0xee, 0xee));
      expect(await file.read(buffer, 3)).toBe(0);
      expect(await file.read(buffer, 1000)).toBe(0);
      expect(await file.read(new Uint8Array(0), 0)).toBe(0);
    });

    it('fills the gap with zeros when writing past the end', async () => {
      const file = await fx.open('a', { create: true });
      await file.write(Uint8Array.of(7), 0);
      await file.write(Uint8Array.of(1, 2, 3), 100);
      expect(await file.size()).toBe(103);
      const buffer = filled(103, 0xee);
      expect(await file.read(buffer, 0)).toBe(103);
      expect(buffer.subarray(0, 1)).toEqual(Uint8Array.of(7));
      expect(buffer.subarray(1, 100)).toEqual(new Uint8Array(99));
      expect(buffer.subarray(100)).toEqual(Uint8Array.of(1, 2, 3));
    });

    it('honours the byteOffset of subarray views for data and buffer', async () => {
      const file = await fx.open('a', { create: true });
      const source = Uint8Array.of(0, 0, 5, 6, 7, 0);
      await file.write(source.subarray(2, 5), 0);
      const target = filled(6, 0xee);
      expect(await file.read(target.subarray(1, 4), 0)).toBe(3);
      expect(target).toEqual(Uint8Array.of(0xee, 5, 6, 7, 0xee, 0xee));
    });

    it('treats an empty write as a no-op', async () => {
      const file = await fx.open('a', { create: true });
      await file.write(new Uint8Array(0), 10);
      expect(await file.size()).toBe(0);
    });
  });

  describe('size and truncate', () => {
    it('shrinks, then grows with zeros (no stale bytes come back)', async () => {
      const file = await fx.open('a', { create: true });
      await file.write(filled(100, 9), 0);
      await file.truncate(10);
      expect(await file.size()).toBe(10);
      await file.truncate(50);
      const buffer = filled(60, 0xee);
      expect(await file.read(buffer, 0)).toBe(50);
      expect(buffer.subarray(0, 10)).toEqual(filled(10, 9));
      expect(buffer.subarray(10, 50)).toEqual(new Uint8Array(40));
    });
  });

  describe('sync', () => {
    it.each<SyncMode>(['full', 'data'])('syncs in %s mode', async (mode) => {
      const file = await fx.open('a', { create: true });
      await file.write(filled(4096, 1), 0);
      await file.sync(mode);
      await file.sync();
      expect(await file.size()).toBe(4096);
    });

    it('rejects an unknown mode with TypeError', async () => {
      const file = await fx.open('a', { create: true });
      await expect(file.sync('meta' as SyncMode)).rejects.toThrow(TypeError);
    });
  });

  describe('read-only handles', () => {
    it('read and take shared locks, but refuse writes, truncates and exclusive locks', async () => {
      const writer = await fx.open('a', { create: true });
      await writer.write(Uint8Array.of(1, 2), 0);
      const file = await fx.open('a', { readOnly: true });
      expect(await file.read(new Uint8Array(2), 0)).toBe(2);
      expect(await file.tryLock(0, 1, 'shared')).toBe(true);
      const error = await expectVfsError(file.write(Uint8Array.of(3), 0), 'ERR_VFS_READ_ONLY');
      expect(error.path).toBe(fx.path('a'));
      await expectVfsError(file.truncate(0), 'ERR_VFS_READ_ONLY');
      await expectVfsError(file.tryLock(5, 1, 'exclusive'), 'ERR_VFS_READ_ONLY');
      expect(await writer.size()).toBe(2);
    });
  });

  describe('closed handles', () => {
    it('reject every operation with ERR_VFS_CLOSED; closing again does nothing', async () => {
      const file = await fx.open('a', { create: true });
      await file.close();
      await file.close();
      await expectVfsError(file.read(new Uint8Array(1), 0), 'ERR_VFS_CLOSED');
      await expectVfsError(file.write(new Uint8Array(1), 0), 'ERR_VFS_CLOSED');
      await expectVfsError(file.size(), 'ERR_VFS_CLOSED');
      await expectVfsError(file.truncate(0), 'ERR_VFS_CLOSED');
      await expectVfsError(file.sync(), 'ERR_VFS_CLOSED');
      await expectVfsError(file.tryLock(0, 1, 'shared'), 'ERR_VFS_CLOSED');
      await expectVfsError(file.lock(0, 1, 'shared'), 'ERR_VFS_CLOSED');
      await expectVfsError(file.unlock(0, 1), 'ERR_VFS_CLOSED');
    });
  });

  describe('argument validation', () => {
    it.each(BAD_OFFSETS)('rejects offset %s with RangeError', async (bad) => {
      const file = await fx.open('a', { create: true });
      await expect(file.read(new Uint8Array(1), bad)).rejects.toThrow(RangeError);
      await expect(file.write(new Uint8Array(1), bad)).rejects.toThrow(RangeError);
      await expect(file.truncate(bad)).rejects.toThrow(RangeError);
      await expect(file.tryLock(bad, 1, 'shared')).rejects.toThrow(RangeError);
      await expect(file.unlock(bad, 1)).rejects.toThrow(RangeError);
      expect(await file.size()).toBe(0);
    });

    it('rejects a lock length below 1 or past the safe-integer range with RangeError', async () => {
      const file = await fx.open('a', { create: true });
      await expect(file.tryLock(0, 0, 'shared')).rejects.toThrow(/length must be a positive safe integer, got 0/);
      await expect(file.tryLock(0, -5, 'shared')).rejects.toThrow(RangeError);
      await expect(file.lock(Number.MAX_SAFE_INTEGER, 2, 'shared')).rejects.toThrow(RangeError);
    });

    it('rejects an unknown lock mode and non-Uint8Array data with TypeError', async () => {
      const file = await fx.open('a', { create: true });
      await expect(file.tryLock(0, 1, 'read' as LockMode)).rejects.toThrow(TypeError);
      await expect(file.write([1, 2] as unknown as Uint8Array, 0)).rejects.toThrow(TypeError);
      await expect(file.read('x' as unknown as Uint8Array, 0)).rejects.toThrow(TypeError);
    });
  });

  describe('byte-range locks between two handles of one file', () => {
    let a: VfsFile;
    let b: VfsFile;
    beforeEach(async () => {
      a = await fx.open('db', { create: true });
      b = await fx.open('db');
    });

    it('share a range between shared holders', async () => {
      expect(await a.tryLock(0, 10, 'shared')).toBe(true);
      expect(await b.tryLock(5, 10, 'shared')).toBe(true);
    });

    it('make exclusive conflict with shared and exclusive, both ways', async () => {
      expect(await a.tryLock(0, 10, 'shared')).toBe(true);
      expect(await b.tryLock(9, 1, 'exclusive')).toBe(false);
      await a.unlock(0, 10);
      expect(await b.tryLock(9, 1, 'exclusive')).toBe(true);
      expect(await a.tryLock(0, 10, 'shared')).toBe(false);
      expect(await a.tryLock(9, 1, 'exclusive')).toBe(false);
    });

    it('do not conflict on disjoint ranges, adjacent ones included', async () => {
      expect(await a.tryLock(0, 10, 'exclusive')).toBe(true);
      expect(await b.tryLock(10, 10, 'exclusive')).toBe(true);
      expect(await b.tryLock(0x40000002, 510, 'exclusive')).toBe(true);
    });

    it('change the mode of their own range in place (upgrade, downgrade)', async () => {
      expect(await a.tryLock(0, 10, 'shared')).toBe(true);
      expect(await a.tryLock(0, 10, 'exclusive')).toBe(true);
      expect(await b.tryLock(0, 1, 'shared')).toBe(false);
      expect(await a.tryLock(0, 10, 'shared')).toBe(true);
      expect(await b.tryLock(0, 1, 'shared')).toBe(true);
    });

    it('keep the existing lock when an upgrade fails', async () => {
      const c = await fx.open('db');
      expect(await a.tryLock(0, 10, 'shared')).toBe(true);
      expect(await b.tryLock(0, 10, 'shared')).toBe(true);
      expect(await a.tryLock(0, 10, 'exclusive')).toBe(false);
      await b.unlock(0, 10);
      expect(await c.tryLock(0, 10, 'exclusive')).toBe(false);
      expect(await c.tryLock(0, 10, 'shared')).toBe(true);
    });

    it('split a range on a partial unlock', async () => {
      expect(await a.tryLock(0, 100, 'exclusive')).toBe(true);
      await a.unlock(20, 10);
      expect(await b.tryLock(20, 10, 'exclusive')).toBe(true);
      expect(await b.tryLock(19, 1, 'shared')).toBe(false);
      expect(await b.tryLock(30, 1, 'shared')).toBe(false);
    });

    it('ignore unlocking a range that holds no lock', async () => {
      await a.unlock(0, 1000);
      expect(await b.tryLock(0, 1000, 'exclusive')).toBe(true);
    });

    it('are all released when the handle closes', async () => {
      expect(await a.tryLock(0, 10, 'exclusive')).toBe(true);
      expect(await a.tryLock(0x40000002, 510, 'exclusive')).toBe(true);
      await a.close();
      expect(await b.tryLock(0, 10, 'exclusive')).toBe(true);
      expect(await b.tryLock(0x40000002, 510, 'exclusive')).toBe(true);
    });

    it('lock() waits until the holder releases', async () => {
      expect(await a.tryLock(0, 1, 'exclusive')).toBe(true);
      let granted = false;
      const waiting = b.lock(0, 1, 'exclusive').then(() => {
        granted = true;
      });
      await sleep(30);
      expect(granted).toBe(false);
      await a.unlock(0, 1);
      await waiting;
      expect(await a.tryLock(0, 1, 'shared')).toBe(false);
    });

    it('lock() rejects with ERR_VFS_ABORTED on abort and takes nothing afterwards', async () => {
      expect(await a.tryLock(0, 1, 'exclusive')).toBe(true);
      const controller = new AbortController();
      const waiting = b.lock(0, 1, 'shared', { signal: controller.signal });
      await sleep(10);
      controller.abort(new Error('gave up'));
      const error = await expectVfsError(waiting, 'ERR_VFS_ABORTED');
      expect((error.cause as Error).message).toBe('gave up');
      await a.unlock(0, 1);
      await sleep(40);
      expect(await a.tryLock(0, 1, 'exclusive')).toBe(true);
      await expectVfsError(b.lock(5, 1, 'shared', { signal: AbortSignal.abort() }), 'ERR_VFS_ABORTED');
    });

    it('lock() rejects with ERR_VFS_CLOSED when the waiting handle is closed', async () => {
      expect(await a.tryLock(0, 1, 'exclusive')).toBe(true);
      const waiting = b.lock(0, 1, 'exclusive');
      await sleep(10);
      await b.close();
      await expectVfsError(waiting, 'ERR_VFS_CLOSED');
    });
  });
});
