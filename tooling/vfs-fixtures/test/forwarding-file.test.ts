import { MemoryVfs, type SyncMode, type SyncOptions, type VfsFile } from '@litewal/vfs';
import { describe, expect, it } from 'vitest';
import { ForwardingFile } from '../src/index.js';

/** Records the sync arguments it passes on: they must arrive unchanged. */
class SyncSpy extends ForwardingFile {
  readonly seen: Array<[SyncMode | undefined, SyncOptions | undefined]> = [];
  override sync(mode?: SyncMode, options?: SyncOptions): Promise<void> {
    this.seen.push([mode, options]);
    return super.sync(mode, options);
  }
}

describe('ForwardingFile', () => {
  it('passes every call to the inner file', async () => {
    const vfs = new MemoryVfs();
    const inner = await vfs.open('a.db', { create: true });
    const file: VfsFile = new ForwardingFile(inner);
    expect(file.path).toBe(inner.path);
    await file.write(Uint8Array.of(1, 2, 3, 4), 2);
    expect(await inner.size()).toBe(6);
    expect(await file.size()).toBe(6);
    const back = new Uint8Array(4);
    expect(await file.read(back, 2)).toBe(4);
    expect([...back]).toEqual([1, 2, 3, 4]);
    await file.truncate(3);
    expect(await inner.size()).toBe(3);
    await file.sync('data');

    // Locks are the inner handle's: another handle of the same file sees them.
    const other = await vfs.open('a.db');
    expect(await file.tryLock(100, 1, 'exclusive')).toBe(true);
    expect(await other.tryLock(100, 1, 'shared')).toBe(false);
    await file.unlock(100, 1);
    await file.lock(100, 1, 'shared');
    expect(await other.tryLock(100, 1, 'shared')).toBe(true);
    expect(await other.tryLock(100, 1, 'exclusive')).toBe(false);
    await other.close();

    await file.close();
    await expect(inner.size()).rejects.toMatchObject({ code: 'ERR_VFS_CLOSED' });
  });

  it('lets a subclass override one call and pass it on with its arguments unchanged', async () => {
    const file = new SyncSpy(await new MemoryVfs().open('b.db', { create: true }));
    await file.sync();
    await file.sync('data', { blocking: true });
    expect(file.seen).toEqual([
      [undefined, undefined],
      ['data', { blocking: true }],
    ]);
    await file.close();
  });
});
