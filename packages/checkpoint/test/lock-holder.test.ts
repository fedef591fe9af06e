import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { holdLocks, makeTempDir, removeTempDir, type LockHolderProcess } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { findLockHolder } from '../src/internal/lock-holder.js';

let dir: string;
let children: LockHolderProcess[] = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-lock-holder-');
});
afterEach(async () => {
  for (const child of children) await child.kill();
  children = [];
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function file(name: string): Promise<string> {
  const at = path.join(dir, name);
  await writeFile(at, new Uint8Array(256));
  return at;
}

async function holdInChild(at: string, offset: number, kind: 'posix' | 'ofd'): Promise<number> {
  const child = await holdLocks(at, [{ offset, length: 1, mode: 'shared', kind }]);
  children.push(child);
  return child.pid;
}

describe('findLockHolder (queryLocks of @litewal/vfs)', () => {
  it('another process holding a POSIX lock, as SQLite does: live process, with its pid', async () => {
    const at = await file('posix.shm');
    const pid = await holdInChild(at, 124, 'posix');
    expect(await findLockHolder(at, 124)).toEqual({ holder: 'live process', pid });
    expect(await findLockHolder(at, 125)).toEqual({ holder: 'unknown' });
  });

  it('another process holding an OFD lock, as litewal does: live process, no pid', async () => {
    const at = await file('ofd.shm');
    await holdInChild(at, 126, 'ofd');
    expect(await findLockHolder(at, 126)).toEqual({ holder: 'live process' });
  });

  it('a file of this process holding an OFD lock: this process; another process beside it wins', async () => {
    const at = await file('own.shm');
    const handle = await new NodeVfs().open(at);
    try {
      expect(await handle.tryLock(127, 1, 'shared')).toBe(true);
      expect(await findLockHolder(at, 127)).toEqual({ holder: 'this process' });
      await holdInChild(at, 127, 'ofd');
      expect(await findLockHolder(at, 127)).toEqual({ holder: 'live process' });
    } finally {
      await handle.close();
    }
  });

  it('a file that does not exist (e.g. a MemoryVfs path): unknown', async () => {
    expect(await findLockHolder(path.join(dir, 'missing.shm'), 123)).toEqual({ holder: 'unknown' });
  });
});
