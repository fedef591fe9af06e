import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, makeWalDatabase, removeTempDir, runSqlite3 } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { LockRegistry, RECOVER_LOCK_OFFSET, RecoveryFence, isProcessAlive } from '../src/index.js';
import { Child } from './support/child-process.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-recovery-fence-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

const vfs = new NodeVfs();
const RECOVER = { file: 'shm', offset: RECOVER_LOCK_OFFSET, length: 1, mode: 'exclusive' } as const;

describe('RecoveryFence across processes', () => {
  it('excludes a fence of another process until it releases, and names its pid from the registry', async () => {
    const db = join(dir, 'two-processes.db');
    const child = Child.start('hold-fence.mjs', db);
    const registry = await LockRegistry.open(vfs, db);
    const fence = await RecoveryFence.open(vfs, db, { registry });
    try {
      await child.expectLine('held');
      const busy = fence.acquire({ timeoutMs: 0 });
      await expect(busy).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_BUSY', scope: 'other-process' });
      const error = (await busy.catch((e: unknown) => e)) as { owners: unknown; message: string };
      expect(error.owners).toEqual([expect.objectContaining({ ...RECOVER, pid: child.pid })]);
      expect(error.message).toContain(`pid ${child.pid}`);

      const waiting = fence.acquire({ timeoutMs: 15_000 });
      child.send('release');
      await child.expectLine('released');
      const lease = await waiting;
      expect(await registry.list()).toEqual([expect.objectContaining({ ...RECOVER, pid: process.pid })]);
      await lease.release();
      expect(await registry.list()).toEqual([]);
      expect(await child.finish()).toEqual({ code: 0, signal: null });
    } finally {
      await child.stop();
      await fence.close();
      await registry.close();
    }
  });

  it('a process killed with SIGKILL while recovering loses the lock; releaseDead reports what it held', async () => {
    const db = join(dir, 'killed.db');
    const child = Child.start('hold-fence.mjs', db);
    const registry = await LockRegistry.open(vfs, db);
    const fence = await RecoveryFence.open(vfs, db, { registry });
    try {
      await child.expectLine('held');
      const pid = child.pid;
      await expect(fence.acquire({ timeoutMs: 0 })).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_BUSY' });
      expect(await child.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      expect(await isProcessAlive(pid)).toBe(false);

      // The kernel dropped the dead process's lock; only its record is left behind.
      const lease = await fence.acquire({ timeoutMs: 0 });
      expect((await registry.list()).map((r) => r.pid)).toEqual([pid, process.pid]);
      const dead = await registry.releaseDead();
      expect(dead).toEqual([expect.objectContaining({ ...RECOVER, pid })]);
      expect(await registry.list()).toEqual([expect.objectContaining({ ...RECOVER, pid: process.pid })]);
      await lease.release();
    } finally {
      await child.stop();
      await fence.close();
      await registry.close();
    }
  });

  it('makes a sqlite3 process that must rebuild the wal-index report "database is locked" until released', async () => {
    const files = await makeWalDatabase({ dir, name: 'sqlite.db' });
    const fence = await RecoveryFence.open(vfs, files.db);
    try {
      // No SQLite connection is open, so the next one finds no dead-man-switch lock and recovers,
      // which needs the RECOVER lock (SQLITE_BUSY_RECOVERY while the fence holds it).
      const lease = await fence.acquire();
      await expect(runSqlite3(files.db, 'SELECT count(*) FROM sqlite_schema', { keepWal: true })).rejects.toThrow(
        /database is locked/,
      );
      await lease.release();
      expect((await runSqlite3(files.db, 'SELECT count(*) FROM sqlite_schema', { keepWal: true })).trim()).toMatch(/^\d+$/);
    } finally {
      await fence.close();
    }
  });
});

describe('LockRegistry across processes', () => {
  it('keeps every record when several processes register at the same time, and drops them once they exit', async () => {
    const db = join(dir, 'concurrent.db');
    const children = [1, 2, 3, 4].map((tag) => Child.start('register-many.mjs', db, '20', String(tag)));
    const registry = await LockRegistry.open(vfs, db);
    try {
      await Promise.all(children.map((child) => child.expectLine('registered')));
      const records = await registry.list();
      expect(records).toHaveLength(80);
      for (const [i, child] of children.entries()) {
        const offsets = records.filter((r) => r.pid === child.pid).map((r) => r.offset);
        expect(offsets.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, k) => (i + 1) * 1000 + k));
      }
      expect(await registry.releaseDead()).toEqual([]);
      for (const child of children) expect(await child.finish()).toEqual({ code: 0, signal: null });
      expect(await registry.releaseDead()).toHaveLength(80);
      expect(await registry.list()).toEqual([]);
    } finally {
      await Promise.all(children.map((child) => child.stop()));
      await registry.close();
    }
  });
});
