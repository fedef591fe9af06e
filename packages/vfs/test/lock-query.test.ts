import { link, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { holdLocks, makeTempDir, makeWalDatabase, openSnapshotReader, removeTempDir, type HeldLock } from '@litewal/sqlite-fixtures';
import { LockTableError, MAX_LOCK_LINE_BYTES, MAX_LOCK_RECORDS, NodeVfs, VfsError, queryLocks, type LockRecord } from '../src/index.js';

let dir: string;
let cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = await makeTempDir('litewal-lock-query-');
});
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});
afterAll(async () => {
  await removeTempDir(dir);
});

async function file(name: string): Promise<string> {
  const at = path.join(dir, name);
  await writeFile(at, new Uint8Array(256));
  return at;
}

async function hold(at: string, locks: readonly HeldLock[]): Promise<number> {
  const child = await holdLocks(at, locks);
  cleanup.push(() => child.kill());
  return child.pid;
}

/** `MAJOR:MINOR:INODE` of `at` as the kernel prints it, read from /proc/locks while a child holds a lock on it. */
async function kernelId(at: string): Promise<string> {
  const pid = await hold(at, [{ offset: 0, length: 1, mode: 'shared', kind: 'posix' }]);
  const line = (await readFile('/proc/locks', 'utf8')).split('\n').find((l) => l.split(/\s+/).includes(String(pid)));
  const id = line?.split(/\s+/)[5];
  expect(id).toMatch(/^[0-9a-f]+:[0-9a-f]+:\d+$/);
  return id as string;
}

const byOffset = (a: LockRecord, b: LockRecord): number => a.offset - b.offset;

describe('queryLocks on real locks (Linux /proc/locks)', () => {
  it('POSIX locks of another process, as SQLite takes them: mode, range and the holder pid', async () => {
    const at = await file('posix.shm');
    const pid = await hold(at, [
      { offset: 120, length: 1, mode: 'exclusive', kind: 'posix' },
      { offset: 123, length: 2, mode: 'shared', kind: 'posix' },
    ]);
    expect((await queryLocks(at))?.sort(byOffset)).toEqual([
      { offset: 120, length: 1, mode: 'exclusive', kind: 'posix', pid, holder: 'live process' },
      { offset: 123, length: 2, mode: 'shared', kind: 'posix', pid, holder: 'live process' },
    ]);
    expect(await queryLocks(at, { range: { offset: 124, length: 4 } })).toEqual([
      { offset: 123, length: 2, mode: 'shared', kind: 'posix', pid, holder: 'live process' },
    ]);
    expect(await queryLocks(at, { range: { offset: 121, length: 2 } })).toEqual([]);
  });

  it('an OFD lock of another process: no pid, a live process', async () => {
    const at = await file('ofd.shm');
    await hold(at, [{ offset: 126, length: 1, mode: 'shared', kind: 'ofd' }]);
    expect(await queryLocks(at)).toEqual([{ offset: 126, length: 1, mode: 'shared', kind: 'ofd', pid: null, holder: 'live process' }]);
  });

  it("this process's own locks (NodeVfs OFD locks) are 'this process'; another process's identical lock beside them is not", async () => {
    const at = await file('own.shm');
    const handle = await new NodeVfs().open(at);
    cleanup.push(() => handle.close());
    expect(await handle.tryLock(127, 1, 'shared')).toBe(true);
    expect(await handle.tryLock(0, 4, 'exclusive')).toBe(true);
    expect((await queryLocks(at))?.sort(byOffset)).toEqual([
      { offset: 0, length: 4, mode: 'exclusive', kind: 'ofd', pid: null, holder: 'this process' },
      { offset: 127, length: 1, mode: 'shared', kind: 'ofd', pid: null, holder: 'this process' },
    ]);
    await hold(at, [{ offset: 127, length: 1, mode: 'shared', kind: 'ofd' }]);
    const holders = (await queryLocks(at, { range: { offset: 127, length: 1 } }))?.map((l) => l.holder).sort();
    expect(holders).toEqual(['live process', 'this process']);
  });

  it('a live sqlite3 reader on a -shm: its READ lock and DMS byte, named by its pid', async () => {
    const files = await makeWalDatabase({ dir: await makeTempDir('litewal-lock-query-db-') });
    const reader = await openSnapshotReader(files.db);
    cleanup.push(() => reader.session.kill());
    const locks = await queryLocks(files.shm);
    const pid = reader.session.pid;
    expect(pid).toBeGreaterThan(0);
    // READ(n) is one of bytes 123..127 (read marks 0..4), DMS is byte 128; both shared while the
    // read transaction is open.
    const read = locks?.filter((l) => l.offset >= 123 && l.offset <= 127);
    expect(read).toEqual([{ offset: read?.[0]?.offset, length: 1, mode: 'shared', kind: 'posix', pid, holder: 'live process' }]);
    expect(locks).toContainEqual({ offset: 128, length: 1, mode: 'shared', kind: 'posix', pid, holder: 'live process' });
    await reader.release();
    expect(await queryLocks(files.shm)).toEqual([]);
  });

  it('a file with no locks: an empty list', async () => {
    expect(await queryLocks(await file('quiet.shm'))).toEqual([]);
  });

  it("matches the inode: another file's locks are not reported, another name of the same file's are", async () => {
    const locked = await file('locked.shm');
    const other = await file('other.shm');
    const pid = await hold(locked, [{ offset: 121, length: 1, mode: 'exclusive', kind: 'posix' }]);
    expect(await queryLocks(other)).toEqual([]);
    const alias = path.join(dir, 'alias.shm');
    await link(locked, alias);
    expect(await queryLocks(alias)).toEqual([{ offset: 121, length: 1, mode: 'exclusive', kind: 'posix', pid, holder: 'live process' }]);
  });

  it('a file that does not exist: ERR_VFS_NOT_FOUND', async () => {
    const error = await queryLocks(path.join(dir, 'missing.shm')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VfsError);
    expect((error as VfsError).code).toBe('ERR_VFS_NOT_FOUND');
  });

  it('a range that is not whole non-negative numbers: RangeError', async () => {
    const at = await file('range.shm');
    await expect(queryLocks(at, { range: { offset: -1, length: 1 } })).rejects.toThrow(RangeError);
    await expect(queryLocks(at, { range: { offset: 0, length: 0 } })).rejects.toThrow(RangeError);
    await expect(queryLocks(at, { range: { offset: 1.5, length: 1 } })).rejects.toThrow(RangeError);
  });
});

describe('queryLocks on a given lock table', () => {
  it('no lock table (not Linux, no /proc): null', async () => {
    expect(await queryLocks(await file('no-table.shm'), { lockTable: path.join(dir, 'no', 'locks') })).toBeNull();
  });

  it('parses waiters, EOF ranges, flock and lease lines and hidden pids as the kernel prints them', async () => {
    const at = await file('table.shm');
    const id = await kernelId(at);
    const table = path.join(dir, 'table.locks');
    await writeFile(
      table,
      [
        `1: POSIX  ADVISORY  WRITE 4242 ${id} 120 120`,
        `1: -> POSIX  ADVISORY  WRITE 4343 ${id} 120 120`,
        `2: OFDLCK ADVISORY  READ  -1 ${id} 200 EOF`,
        `3: POSIX  ADVISORY  READ  0 ${id} 124 124`,
        `4: FLOCK  ADVISORY  WRITE 4444 ${id} 0 EOF`,
        `5: LEASE  BREAKING  UNLCK 4545 ${id} 0 EOF`,
        `6: POSIX  ADVISORY  READ  4646 00:00:1 120 120`,
        `7: FLOCK  ADVISORY  WRITE 4747 <none>:0 0 EOF`,
        '',
      ].join('\n'),
    );
    expect(await queryLocks(at, { lockTable: table })).toEqual([
      { offset: 120, length: 1, mode: 'exclusive', kind: 'posix', pid: 4242, holder: 'live process' },
      { offset: 200, length: null, mode: 'shared', kind: 'ofd', pid: null, holder: 'live process' },
      { offset: 124, length: 1, mode: 'shared', kind: 'posix', pid: null, holder: 'live process' },
    ]);
  });

  it('an entry listed twice by a read that straddled a change is listed once (POSIX); two identical OFD entries stay two', async () => {
    const at = await file('repeated.shm');
    const id = await kernelId(at);
    const table = path.join(dir, 'repeated.locks');
    await writeFile(
      table,
      [
        `1: POSIX  ADVISORY  WRITE 4242 ${id} 121 121`,
        `2: OFDLCK ADVISORY  READ  -1 ${id} 124 124`,
        `3: OFDLCK ADVISORY  READ  -1 ${id} 124 124`,
        `4: POSIX  ADVISORY  WRITE 4242 ${id} 121 121`,
        '',
      ].join('\n'),
    );
    expect(await queryLocks(at, { lockTable: table })).toEqual([
      { offset: 121, length: 1, mode: 'exclusive', kind: 'posix', pid: 4242, holder: 'live process' },
      { offset: 124, length: 1, mode: 'shared', kind: 'ofd', pid: null, holder: 'live process' },
      { offset: 124, length: 1, mode: 'shared', kind: 'ofd', pid: null, holder: 'live process' },
    ]);
  });

  it('reads a table of a million lines in bounded chunks and keeps only this file\'s locks', async () => {
    const at = await file('big.shm');
    const id = await kernelId(at);
    const table = path.join(dir, 'million.locks');
    const noise = '1: POSIX  ADVISORY  READ  4646 fe:01:99 1073741826 1073742335\n'.repeat(500_000);
    await writeFile(table, `${noise}2: POSIX  ADVISORY  READ  4242 ${id} 123 123\n${noise}`);
    expect(await queryLocks(at, { lockTable: table })).toEqual([{ offset: 123, length: 1, mode: 'shared', kind: 'posix', pid: 4242, holder: 'live process' }]);
  });

  it(`more than ${MAX_LOCK_RECORDS} locks on the file: ERR_VFS_LOCK_TABLE_LIMIT, naming the line`, async () => {
    const at = await file('crowded.shm');
    const id = await kernelId(at);
    const table = path.join(dir, 'crowded.locks');
    const lines = Array.from({ length: MAX_LOCK_RECORDS + 10 }, (_, i) => `${i + 1}: POSIX  ADVISORY  READ  4242 ${id} ${1000 + i} ${1000 + i}\n`);
    await writeFile(table, lines.join(''));
    const error = (await queryLocks(at, { lockTable: table }).catch((e: unknown) => e)) as LockTableError;
    expect([error.name, error.code, error.line, error.message]).toEqual([
      'LockTableError',
      'ERR_VFS_LOCK_TABLE_LIMIT',
      MAX_LOCK_RECORDS + 1,
      `${table} line ${MAX_LOCK_RECORDS + 1}: more than ${MAX_LOCK_RECORDS} locks on ${at}`,
    ]);
    expect(await queryLocks(at, { lockTable: table, range: { offset: 0, length: 1001 } })).toEqual([{ offset: 1000, length: 1, mode: 'shared', kind: 'posix', pid: 4242, holder: 'live process' }]);
  });

  it('a line that is not a lock line, or an endless one: ERR_VFS_LOCK_TABLE_FORMAT', async () => {
    const at = await file('hostile.shm');
    const table = path.join(dir, 'hostile.locks');
    await writeFile(table, '1: POSIX  ADVISORY  READ  4242 fe:00:1 123 123\n{"not": "a lock"}\n');
    await expect(queryLocks(at, { lockTable: table })).rejects.toMatchObject({
      code: 'ERR_VFS_LOCK_TABLE_FORMAT',
      line: 2,
      message: `${table} line 2: not a lock line: "{\\"not\\": \\"a lock\\"}"`,
    });
    // One line and then 64 GiB of zero bytes without a newline (a sparse file): rejected within
    // the first 64 KiB chunk, never read whole.
    await writeFile(table, '1: POSIX  ADVISORY  READ  4242 fe:00:1 123 123\n');
    await truncate(table, 64 * 1024 ** 3);
    await expect(queryLocks(at, { lockTable: table })).rejects.toMatchObject({
      code: 'ERR_VFS_LOCK_TABLE_FORMAT',
      line: 2,
      message: expect.stringMatching(new RegExp(`line 2: line longer than ${MAX_LOCK_LINE_BYTES} bytes \\(\\d+ bytes and counting\\)$`)),
    });
  });
});
