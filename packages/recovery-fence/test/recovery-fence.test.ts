import { mkdir, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { MemoryVfs, NodeVfs } from '@litewal/vfs';
import { LockRegistry, RECOVER_LOCK_OFFSET, RecoveryFence, type RecoveryLease } from '../src/index.js';
import { HookedVfs } from './support/hooked-vfs.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-fence-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

let unique = 0;
/** A database path no other test uses: fences of one process share a queue per path. */
function memoryDb(): string {
  return `/memory/fence-${++unique}.db`;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('RecoveryFence in one process', () => {
  it('lets one fence of a database recover at a time and names the holder in the busy error', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const first = await RecoveryFence.open(vfs, db, { label: 'opener A' });
    const second = await RecoveryFence.open(vfs, db);
    const lease = await first.acquire();
    expect(lease).toMatchObject({ dbPath: first.dbPath, held: true });

    const busy = await second.acquire({ timeoutMs: 0 }).catch((e: unknown) => e);
    expect(busy).toMatchObject({
      name: 'RecoveryBusyError',
      code: 'ERR_RECOVERY_FENCE_BUSY',
      scope: 'this-process',
      holderLabel: 'opener A',
      owners: [],
      timeoutMs: 0,
    });
    expect((busy as Error).message).toMatch(/held in this process by fence "opener A" for \d+ ms; waited \d+ ms, limit 0 ms/);

    await lease.release();
    expect(lease.held).toBe(false);
    await lease.release(); // a second release does nothing
    const next = await second.acquire({ timeoutMs: 0 });
    await next.release();
    await Promise.all([first.close(), second.close()]);
  });

  it('treats every spelling of a real database path, through a symbolic link or relative, as one database', async () => {
    const real = join(dir, 'real');
    await mkdir(real);
    await symlink(real, join(dir, 'link'));
    const vfs = new NodeVfs();
    const a = await RecoveryFence.open(vfs, join(real, 'x.db'));
    const b = await RecoveryFence.open(vfs, join(dir, 'link', 'x.db'));
    const c = await RecoveryFence.open(vfs, relative(process.cwd(), join(dir, 'link', '.', 'x.db')));
    expect(new Set([a.dbPath, b.dbPath, c.dbPath])).toEqual(new Set([join(real, 'x.db')]));
    const lease = await a.acquire();
    await expect(b.acquire({ timeoutMs: 0 })).rejects.toMatchObject({ scope: 'this-process' });
    await expect(c.acquire({ timeoutMs: 0 })).rejects.toMatchObject({ scope: 'this-process' });
    await lease.release();
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('hands the fence to waiters one at a time, first come first served', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const fences = await Promise.all(Array.from({ length: 20 }, () => RecoveryFence.open(vfs, db)));
    const order: number[] = [];
    let inside = 0;
    let most = 0;
    await Promise.all(
      fences.map((fence, i) =>
        fence.run(async () => {
          most = Math.max(most, ++inside);
          order.push(i);
          await new Promise((r) => setImmediate(r));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await Promise.all(fences.map((fence) => fence.close()));
  });

  it('excludes two fences that share one -shm handle (a lock never conflicts with its own handle)', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const shm = await vfs.open(`${db}-shm`, { create: true });
    const a = await RecoveryFence.open(vfs, db, { shm });
    const b = await RecoveryFence.open(vfs, db, { shm });
    expect(a.shmPath).toBe(`${db}-shm`);
    const lease = await a.acquire();
    await expect(b.acquire({ timeoutMs: 0 })).rejects.toMatchObject({ scope: 'this-process' });
    await lease.release();
    await Promise.all([a.close(), b.close()]);
    expect(await shm.tryLock(0, 1, 'shared')).toBe(true); // not closed: the caller owns it
    await shm.close();
  });

  it('waits for the RECOVER lock held through another handle, and reports it busy past the limit', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const other = await vfs.open(`${db}-shm`, { create: true });
    expect(await other.tryLock(RECOVER_LOCK_OFFSET, 1, 'exclusive')).toBe(true);
    const fence = await RecoveryFence.open(vfs, db);
    await expect(fence.acquire({ timeoutMs: 0 })).rejects.toMatchObject({
      code: 'ERR_RECOVERY_FENCE_BUSY',
      scope: 'other-process',
      holderLabel: undefined,
      heldForMs: undefined,
      owners: [],
    });
    await expect(fence.acquire({ timeoutMs: 30 })).rejects.toMatchObject({ scope: 'other-process', timeoutMs: 30 });

    const waiting = fence.acquire({ timeoutMs: 10_000 });
    await other.unlock(RECOVER_LOCK_OFFSET, 1);
    const lease = await waiting;
    expect(await other.tryLock(RECOVER_LOCK_OFFSET, 1, 'shared')).toBe(false);
    await lease.release();
    expect(await other.tryLock(RECOVER_LOCK_OFFSET, 1, 'exclusive')).toBe(true);
    await other.close();
    await fence.close();
  });

  it('a busy error lists the registry records of the RECOVER byte, or carries the error reading them', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const other = await vfs.open(`${db}-shm`, { create: true });
    await other.tryLock(RECOVER_LOCK_OFFSET, 1, 'exclusive');
    const elsewhere = await LockRegistry.open(vfs, db, { pid: 4242 });
    await elsewhere.register({ file: 'shm', offset: 120, length: 8, mode: 'exclusive' });
    await elsewhere.register({ file: 'shm', offset: 123, length: 1, mode: 'shared' });
    await elsewhere.register({ file: 'db', offset: RECOVER_LOCK_OFFSET, length: 1, mode: 'shared' });
    const registry = await LockRegistry.open(vfs, db);
    const fence = await RecoveryFence.open(vfs, db, { registry });
    await expect(fence.acquire({ timeoutMs: 0 })).rejects.toMatchObject({
      owners: [{ pid: 4242, file: 'shm', offset: 120, length: 8, mode: 'exclusive', acquiredAtMs: expect.any(Number) }],
    });

    const garbage = await vfs.open(registry.path);
    await garbage.write(new Uint8Array(64).fill(0xee), 0);
    await garbage.write(new Uint8Array(64).fill(0xee), 4096);
    const busy = await fence.acquire({ timeoutMs: 0 }).catch((e: unknown) => e);
    expect(busy).toMatchObject({
      code: 'ERR_RECOVERY_FENCE_BUSY',
      owners: [],
      cause: { code: 'ERR_RECOVERY_FENCE_REGISTRY_CORRUPT' },
    });
    await Promise.all([garbage.close(), other.close(), fence.close(), registry.close(), elsewhere.close()]);
  });

  it('records the RECOVER lock in the registry while held', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const registry = await LockRegistry.open(vfs, db);
    const fence = await RecoveryFence.open(vfs, db, { registry });
    const seen = await fence.run(async () => registry.list());
    expect(seen).toEqual([
      {
        pid: process.pid,
        file: 'shm',
        offset: RECOVER_LOCK_OFFSET,
        length: 1,
        mode: 'exclusive',
        acquiredAtMs: expect.any(Number),
      },
    ]);
    expect(await registry.list()).toEqual([]);
    await fence.close();
    await registry.close();
  });

  it('gives up the lock and the queue when the registry refuses the record', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const registry = await LockRegistry.open(vfs, db);
    const fence = await RecoveryFence.open(vfs, db, { registry });
    await registry.close();
    await expect(fence.acquire()).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_CLOSED' });
    const plain = await RecoveryFence.open(vfs, db);
    const lease = await plain.acquire({ timeoutMs: 0 });
    await lease.release();
    await Promise.all([fence.close(), plain.close()]);
  });

  it('an aborted wait leaves the queue, and the next waiter gets the fence', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const [holder, quitter, patient] = await Promise.all([1, 2, 3].map(() => RecoveryFence.open(vfs, db)));
    if (holder === undefined || quitter === undefined || patient === undefined) throw new Error('three fences');
    const lease = await holder.acquire();
    const controller = new AbortController();
    const quitting = quitter.acquire({ signal: controller.signal, timeoutMs: 60_000 });
    const waiting = patient.acquire({ timeoutMs: 60_000 });
    controller.abort(new Error('user gave up'));
    await expect(quitting).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_ABORTED', cause: { message: 'user gave up' } });
    await lease.release();
    const next = await waiting;
    expect(next.held).toBe(true);
    await next.release();
    await expect(quitter.acquire({ signal: controller.signal })).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_ABORTED' });
    await Promise.all([holder.close(), quitter.close(), patient.close()]);
  });

  it('an abort while waiting for the RECOVER lock is reported as an abort', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const other = await vfs.open(`${db}-shm`, { create: true });
    await other.tryLock(RECOVER_LOCK_OFFSET, 1, 'exclusive');
    const fence = await RecoveryFence.open(vfs, db);
    const controller = new AbortController();
    const waiting = fence.acquire({ signal: controller.signal, timeoutMs: 60_000 });
    setTimeout(() => controller.abort('stop'), 20);
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_ABORTED', cause: 'stop' });
    await other.close();
    const lease = await fence.acquire({ timeoutMs: 0 });
    await lease.release();
    await fence.close();
  });

  it('run() returns the result and releases after a failure too; a failed release is reported with the failure', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const fence = await RecoveryFence.open(vfs, db);
    expect(await fence.run((lease) => lease.held)).toBe(true);
    await expect(
      fence.run(() => {
        throw new Error('recovery failed');
      }),
    ).rejects.toThrow('recovery failed');
    const other = await RecoveryFence.open(vfs, db);
    await (await other.acquire({ timeoutMs: 0 })).release();

    const registry = await LockRegistry.open(vfs, db);
    const registered = await RecoveryFence.open(vfs, db, { registry });
    const both = await registered
      .run(async () => {
        await registry.close();
        throw new Error('recovery failed');
      })
      .catch((e: unknown) => e);
    expect(both).toBeInstanceOf(AggregateError);
    expect((both as AggregateError).errors).toMatchObject([
      { message: 'recovery failed' },
      { code: 'ERR_RECOVERY_FENCE_CLOSED' },
    ]);
    await (await other.acquire({ timeoutMs: 0 })).release(); // the lock and the queue were released all the same
    await Promise.all([fence.close(), other.close(), registered.close()]);
  });

  it('close() cancels waiters, releases its leases and closes the -shm handle it opened', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const a = await RecoveryFence.open(vfs, db);
    const b = await RecoveryFence.open(vfs, db);
    const held = await a.acquire();
    const waiting = a.acquire({ timeoutMs: 60_000 });
    const otherWaiter = b.acquire({ timeoutMs: 60_000 });
    await a.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_CLOSED' });
    expect(held.held).toBe(false);
    const next = await otherWaiter;
    await expect(a.acquire()).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_CLOSED' });
    await a.close();
    await next.release();
    await b.close();
  });

  it('close() during the wait for the RECOVER lock cancels it', async () => {
    const vfs = new MemoryVfs();
    const db = memoryDb();
    const other = await vfs.open(`${db}-shm`, { create: true });
    await other.tryLock(RECOVER_LOCK_OFFSET, 1, 'exclusive');
    const fence = await RecoveryFence.open(vfs, db);
    const waiting = fence.acquire({ timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 20));
    await fence.close();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_CLOSED' });
    await other.close();
  });

  it('close() while the registry records the lock refuses the lease it was about to grant', async () => {
    const vfs = new HookedVfs(new MemoryVfs());
    const db = memoryDb();
    const registry = await LockRegistry.open(vfs, db);
    const fence = await RecoveryFence.open(vfs, db, { registry });
    const writing = deferred();
    const gate = deferred();
    vfs.hook = async (operation, path) => {
      if (operation !== 'write' || path !== registry.path) return;
      vfs.hook = undefined;
      writing.resolve();
      await gate.promise;
    };
    const acquiring = fence.acquire();
    await writing.promise;
    const closing = fence.close();
    gate.resolve();
    await expect(acquiring).rejects.toMatchObject({ code: 'ERR_RECOVERY_FENCE_CLOSED' });
    await closing;
    expect(await registry.list()).toEqual([]);
    const plain = await RecoveryFence.open(vfs, db);
    await (await plain.acquire({ timeoutMs: 0 })).release();
    await Promise.all([plain.close(), registry.close()]);
  });

  it('rejects a wait limit a timer cannot express', async () => {
    const fence = await RecoveryFence.open(new MemoryVfs(), memoryDb());
    for (const timeoutMs of [-1, 1.5, 2 ** 31, Number.NaN]) {
      await expect(fence.acquire({ timeoutMs })).rejects.toThrow(RangeError);
    }
    const lease: RecoveryLease = await fence.acquire({ timeoutMs: 2 ** 31 - 1 });
    await lease.release();
    await fence.close();
  });
});
