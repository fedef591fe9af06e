import { describe, expect, it } from 'vitest';
import { FaultVfs, MemoryVfs } from '@litewal/vfs';
import { TruncateGuard, verifyCheckpointedPrefix } from '../src/index.js';
import { HookedVfs } from './support/hooked-vfs.js';

const PAGE = 1024;

function page(tag: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(PAGE).map((_, i) => (tag * 31 + i * 7) & 0xff);
}

describe('TruncateGuard', () => {
  it('refuses until a full fsync covered every write, and again after any later write or truncate', async () => {
    const vfs = new MemoryVfs();
    const guard = new TruncateGuard(await vfs.open('db', { create: true }));
    expect(guard.file.path).toBe('db');
    expect(guard.synced).toBe(false);
    expect(() => guard.assertSynced()).toThrow(
      expect.objectContaining({
        name: 'DbNotSyncedError',
        code: 'ERR_RECOVERY_FENCE_DB_NOT_SYNCED',
        neverSynced: true,
        writesSinceSync: 0,
        message:
          'refusing to truncate or reset the WAL of db: the database was never fully fsynced through the guard (0 write(s) not covered, 0 allowed)',
      }),
    );
    await guard.file.write(page(1), 0);
    await guard.file.write(page(2), PAGE);
    expect(guard.writesSinceSync).toBe(2);
    await guard.sync();
    expect(guard.synced).toBe(true);
    guard.assertSynced();

    await guard.file.truncate(PAGE);
    expect(() => guard.assertSynced()).toThrow(expect.objectContaining({ neverSynced: false, writesSinceSync: 1 }));
    await guard.file.sync('data');
    expect(guard.synced).toBe(false); // fdatasync does not count
    await guard.file.sync(); // a full sync through the file counts like guard.sync()
    guard.assertSynced();
    await guard.file.close();
  });

  it('does not count a write still running, or finished after the sync began, as covered', async () => {
    const vfs = new HookedVfs(new MemoryVfs());
    const guard = new TruncateGuard(await vfs.open('db', { create: true }));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    vfs.hook = async (operation) => {
      if (operation === 'write') await gate;
    };
    const writing = guard.file.write(page(1), 0);
    await guard.sync(); // runs while the write is held back
    expect(guard.writesSinceSync).toBe(1);
    expect(() => guard.assertSynced()).toThrow(expect.objectContaining({ code: 'ERR_RECOVERY_FENCE_DB_NOT_SYNCED' }));
    release();
    await writing;
    expect(() => guard.assertSynced()).toThrow(expect.objectContaining({ writesSinceSync: 1 }));
    vfs.hook = undefined;
    await guard.sync();
    guard.assertSynced();
  });

  it('a failed fsync refuses for good, even after a later fsync succeeds', async () => {
    const vfs = new FaultVfs(new MemoryVfs());
    const guard = new TruncateGuard(await vfs.open('db', { create: true }));
    await guard.file.write(page(1), 0);
    vfs.injectFault({ operation: 'sync', kind: 'eio' });
    const failed = await guard.sync().catch((e: unknown) => e);
    expect(failed).toMatchObject({
      name: 'DbSyncFailedError',
      code: 'ERR_RECOVERY_FENCE_DB_SYNC_FAILED',
      path: 'db',
      cause: { code: 'ERR_VFS_IO' },
    });
    await guard.sync();
    expect(guard.synced).toBe(false);
    expect(() => guard.assertSynced()).toThrow(
      expect.objectContaining({
        code: 'ERR_RECOVERY_FENCE_DB_SYNC_FAILED',
        cause: expect.objectContaining({ code: 'ERR_VFS_IO' }),
      }),
    );
    await expect(guard.authorizeWalTruncate({ pageSize: PAGE, pages: [] })).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_DB_SYNC_FAILED',
    });
  });

  it('a failed data-only sync through its file poisons it too', async () => {
    const vfs = new FaultVfs(new MemoryVfs());
    const guard = new TruncateGuard(await vfs.open('db', { create: true }));
    await guard.sync();
    vfs.injectFault({ operation: 'sync', kind: 'eio' });
    await expect(guard.file.sync('data')).rejects.toMatchObject({ code: 'ERR_VFS_IO' });
    expect(() => guard.assertSynced()).toThrow(expect.objectContaining({ code: 'ERR_RECOVERY_FENCE_DB_SYNC_FAILED' }));
  });

  it('authorizeWalTruncate checks the sync first, then the pages, and returns the report', async () => {
    const vfs = new MemoryVfs();
    const guard = new TruncateGuard(await vfs.open('db', { create: true }));
    const pages = new Map([
      [1, page(1)],
      [2, page(2)],
    ]);
    await guard.file.write(page(1), 0);
    await guard.file.write(page(2), PAGE);
    await expect(guard.authorizeWalTruncate({ pageSize: PAGE, pages })).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_DB_NOT_SYNCED',
    });
    await guard.sync();
    expect(await guard.authorizeWalTruncate({ pageSize: PAGE, pages })).toEqual({
      ok: true,
      pagesChecked: 2,
      mismatchCount: 0,
      mismatches: [],
    });
    await expect(guard.authorizeWalTruncate({ pageSize: PAGE, pages: new Map([[2, page(3)]]) })).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_CHECKPOINT_MISMATCH',
      mismatches: [{ pageNumber: 2 }],
    });
  });

  it('authorizeWalTruncate refuses when the database is written while it verifies', async () => {
    const vfs = new MemoryVfs();
    const guard = new TruncateGuard(await vfs.open('db', { create: true }));
    await guard.file.write(page(1), 0);
    await guard.sync();
    async function* pages(): AsyncGenerator<{ pageNumber: number; expected: Uint8Array }> {
      yield { pageNumber: 1, expected: page(1) };
      await guard.file.write(page(1), PAGE); // a stray write during verification
    }
    await expect(guard.authorizeWalTruncate({ pageSize: PAGE, pages: pages() })).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_DB_NOT_SYNCED',
      writesSinceSync: 1,
    });
  });

  it('why it matters: pages a power cut drops are caught only if nobody skipped the fsync', async () => {
    const vfs = new FaultVfs(new MemoryVfs(), { seed: 7 });
    const db = await vfs.open('db', { create: true });
    await db.write(page(0), 0);
    await db.sync();
    const guard = new TruncateGuard(db);
    await guard.file.write(page(1), 0); // the checkpoint copies a new image of page 1
    expect(() => guard.assertSynced()).toThrow(expect.objectContaining({ code: 'ERR_RECOVERY_FENCE_DB_NOT_SYNCED' }));
    await vfs.crash('drop'); // had the WAL been truncated here, page 1's new image would be lost for good
    const reopened = await vfs.open('db');
    const report = await verifyCheckpointedPrefix({ dbFile: reopened, pageSize: PAGE, pages: new Map([[1, page(1)]]) });
    expect(report).toMatchObject({ ok: false, mismatchCount: 1 });

    const again = new TruncateGuard(reopened);
    await again.file.write(page(1), 0);
    await again.sync();
    await vfs.crash('drop');
    const survivor = await vfs.open('db');
    expect(await verifyCheckpointedPrefix({ dbFile: survivor, pageSize: PAGE, pages: new Map([[1, page(1)]]) })).toMatchObject({
      ok: true,
    });
    await survivor.close();
  });
});
