import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../src/index.js';
import { expectVfsError, filled, readWhole } from './support/fixtures.js';

describe('MemoryVfs size limit', () => {
  it('refuses writes and truncates beyond maxFileBytes with ERR_VFS_NO_SPACE, leaving the file as it was', async () => {
    const vfs = new MemoryVfs({ maxFileBytes: 1024 });
    const file = await vfs.open('a', { create: true });
    await file.write(filled(1000, 1), 0);
    const error = await expectVfsError(file.write(filled(25, 2), 1000), 'ERR_VFS_NO_SPACE');
    expect(error.errno).toBe('EFBIG');
    expect(error.message).toBe('a would grow to 1025 bytes, more than the limit of 1024');
    await expectVfsError(file.truncate(1025), 'ERR_VFS_NO_SPACE');
    await file.write(filled(24, 2), 1000);
    expect(await readWhole(vfs, 'a')).toEqual(new Uint8Array([...filled(1000, 1), ...filled(24, 2)]));
  });

  it('rejects a write far past the end instead of allocating it', async () => {
    const file = await new MemoryVfs().open('a', { create: true });
    await expectVfsError(file.write(Uint8Array.of(1), 2 ** 52), 'ERR_VFS_NO_SPACE');
    expect(await file.size()).toBe(0);
  });

  it('rejects a bad maxFileBytes with RangeError', () => {
    expect(() => new MemoryVfs({ maxFileBytes: -1 })).toThrow(RangeError);
  });
});
