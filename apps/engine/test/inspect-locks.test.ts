import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { holdLocks, makeTempDir, makeWalDatabase, removeTempDir, type HeldLock } from '@litewal/sqlite-fixtures';
import { NodeVfs, queryLocks, type LockMode, type LockOptions, type OpenOptions, type Vfs, type VfsFile } from '@litewal/vfs';
import { ForwardingFile } from '@litewal/vfs-fixtures';
import { inspectWal } from '../src/index.js';
import { inspectWalReadingLocks } from '../src/inspect/inspect-wal.js';
import { runCli as run } from './support/run-cli.js';

const SHM_LOCK_NAMES = ['write', 'checkpoint', 'recover', 'read-0', 'read-1', 'read-2', 'read-3', 'read-4'];

let dir: string;
let cleanup: (() => Promise<void>)[] = [];
beforeAll(async () => {
  dir = await makeTempDir('litewal-inspect-locks-');
});
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});
afterAll(async () => {
  await removeTempDir(dir);
});

let count = 0;
async function database(): Promise<{ db: string; shm: string }> {
  const sub = join(dir, `case-${++count}`);
  await mkdir(sub);
  return makeWalDatabase({ dir: sub, name: 'app.db' });
}

async function hold(path: string, locks: readonly HeldLock[]) {
  const child = await holdLocks(path, locks);
  cleanup.push(() => child.kill());
  return child;
}

/** A file that calls `count` before each tryLock and lock. */
class LockCountingFile extends ForwardingFile {
  readonly #count: () => void;

  constructor(inner: VfsFile, count: () => void) {
    super(inner);
    this.#count = count;
  }

  override tryLock(offset: number, length: number, mode: LockMode): Promise<boolean> {
    this.#count();
    return super.tryLock(offset, length, mode);
  }

  override lock(offset: number, length: number, mode: LockMode, options?: LockOptions): Promise<void> {
    this.#count();
    return super.lock(offset, length, mode, options);
  }
}

/** A NodeVfs that counts the lock calls made on the files it opens: the test-lock probe's footprint. */
class LockCountingVfs implements Vfs {
  readonly #inner = new NodeVfs();
  lockCalls = 0;

  async open(path: string, options?: OpenOptions): Promise<VfsFile> {
    const file = await this.#inner.open(path, options);
    return new LockCountingFile(file, () => {
      this.lockCalls++;
    });
  }
  exists(path: string): Promise<boolean> {
    return this.#inner.exists(path);
  }
  delete(path: string): Promise<void> {
    return this.#inner.delete(path);
  }
}

describe('litewal inspect reads the -shm locks from /proc/locks, taking none', () => {
  it('a python child holding WAL_WRITE exclusively: reported with its pid, and its lock untouched', async () => {
    const files = await database();
    const child = await hold(files.shm, [{ offset: 120, length: 1, mode: 'exclusive', kind: 'posix' }]);
    const { code, out } = await run(['inspect', files.db, '--json']);
    expect(code).toBe(0);
    const shm = JSON.parse(out).shm;
    expect(shm.lockProbe).toBe('proc-locks');
    expect(shm.locks[0]).toEqual({ name: 'write', offset: 120, state: 'exclusive', holders: [{ pid: child.pid, holder: 'live process' }] });
    expect(shm.locks.slice(1).map((l: { state: string }) => l.state)).toEqual(Array(7).fill('free'));
    // The child still holds exactly its lock, and it still excludes others.
    expect(child.alive()).toBe(true);
    expect(await queryLocks(files.shm)).toEqual([{ offset: 120, length: 1, mode: 'exclusive', kind: 'posix', pid: child.pid, holder: 'live process' }]);
    const probe = await new NodeVfs().open(files.shm);
    try {
      expect(await probe.tryLock(120, 1, 'shared')).toBe(false);
    } finally {
      await probe.close();
    }
    const human = await run(['inspect', files.db]);
    expect(human.out).toMatch(new RegExp(`locks held now\\s+write \\(byte 120\\) exclusive, by pid ${child.pid}\\n`));
    expect(human.out).not.toMatch(/lock probe/);
  });

  it('issues no test lock: every byte held exclusively by another process comes back from the query, with its pid', async () => {
    const files = await database();
    const child = await hold(files.shm, [{ offset: 120, length: 8, mode: 'exclusive', kind: 'posix' }]);
    const vfs = new LockCountingVfs();
    const report = await inspectWal(files.db, vfs);
    expect(report.shm?.lockProbe).toBe('proc-locks');
    expect(report.shm?.locks).toEqual(
      SHM_LOCK_NAMES.map((name, i) => ({ name, offset: 120 + i, state: 'exclusive', holders: [{ pid: child.pid, holder: 'live process' }] })),
    );
    expect(vfs.lockCalls).toBe(0);
    // The same inspect without a lock table falls back to test locks: one per byte (each shared
    // test fails against the exclusive holder), and no holder can be named.
    const probed = await inspectWalReadingLocks(files.db, vfs, join(dir, 'no-proc', 'locks'));
    expect(probed.shm?.lockProbe).toBe('read-write');
    expect(probed.shm?.locks.map((l) => [l.state, l.holders])).toEqual(Array(8).fill(['exclusive', null]));
    expect(vfs.lockCalls).toBe(8);
  });

  it('several shared holders of one READ lock, one of them an OFD lock: each listed', async () => {
    const files = await database();
    const posix = await hold(files.shm, [{ offset: 124, length: 1, mode: 'shared', kind: 'posix' }]);
    await hold(files.shm, [{ offset: 124, length: 1, mode: 'shared', kind: 'ofd' }]);
    const report = await inspectWal(files.db);
    const read1 = report.shm?.locks.find((l) => l.name === 'read-1');
    expect(read1?.state).toBe('shared');
    expect(read1?.holders).toHaveLength(2);
    expect(read1?.holders).toEqual(expect.arrayContaining([{ pid: posix.pid, holder: 'live process' }, { pid: null, holder: 'live process' }]));
    expect(report.shm?.readMarks[1]?.lock).toBe('shared');
    const human = await run(['inspect', files.db]);
    expect(human.out).toMatch(new RegExp(`read-1 \\(byte 124\\) shared, by pid ${posix.pid} and a live process`));
  });

  it("this process's own lock: holder 'this process'", async () => {
    const files = await database();
    const own = await new NodeVfs().open(files.shm);
    cleanup.push(() => own.close());
    expect(await own.tryLock(126, 1, 'shared')).toBe(true);
    const report = await inspectWal(files.db);
    expect(report.shm?.locks.find((l) => l.name === 'read-3')).toEqual({ name: 'read-3', offset: 126, state: 'shared', holders: [{ pid: null, holder: 'this process' }] });
    const human = await run(['inspect', files.db]);
    expect(human.out).toMatch(/read-3 \(byte 126\) shared, by this process/);
  });

  it("another database's locks are not reported", async () => {
    const locked = await database();
    const quiet = await database();
    await hold(locked.shm, [{ offset: 120, length: 8, mode: 'shared', kind: 'posix' }]);
    const report = await inspectWal(quiet.db);
    expect(report.shm?.lockProbe).toBe('proc-locks');
    expect(report.shm?.locks.map((l) => [l.state, l.holders])).toEqual(Array(8).fill(['free', []]));
  });
});
