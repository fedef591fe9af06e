import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { findLockHolder } from '../src/internal/lock-holder.js';

/**
 * A python3 process holding a shared lock on one byte of a file: a POSIX lock (`F_SETLK`, what
 * SQLite takes) or an OFD lock (`F_OFD_SETLK`, what litewal takes); it prints `locked` once it
 * holds it and keeps it until killed.
 */
const HOLD_LOCK = `
import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
cmd = fcntl.F_OFD_SETLK if sys.argv[3] == 'ofd' else fcntl.F_SETLK
fcntl.fcntl(fd, cmd, struct.pack('hhqqi4x', fcntl.F_RDLCK, os.SEEK_SET, int(sys.argv[2]), 1, 0))
print('locked', flush=True)
time.sleep(60)
`;

let dir: string;
let children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-lock-holder-');
});
afterEach(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'close');
  }
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
  const child = spawn('python3', ['-c', HOLD_LOCK, at, String(offset), kind]);
  children.push(child);
  const [line] = (await once(child.stdout.setEncoding('utf8'), 'data')) as [string];
  expect(line.trim()).toBe('locked');
  return child.pid as number;
}

describe('findLockHolder (Linux /proc/locks)', () => {
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
