import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCrashedWalDatabase, makeTempDir, makeWalDatabase, removeTempDir } from '@litewal/sqlite-fixtures';
import { directoryState as snapshot } from './support/directory-state.js';
import { runCli as run } from './support/run-cli.js';
import { inspectWal } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('litewal-inspect-');
});
afterAll(async () => {
  await removeTempDir(dir);
});


describe('litewal inspect', () => {
  it('prints the JSON contract for a WAL that SQLite wrote, and writes nothing', async () => {
    const sub = join(dir, 'json');
    await mkdir(sub);
    const files = await makeWalDatabase({ dir: sub, name: 'a.db', pageSize: 4096 });
    const before = await snapshot(sub);
    const { code, out, err } = await run(['inspect', files.db, '--json']);
    expect([code, err]).toEqual([0, '']);
    const report = JSON.parse(out) as Record<string, unknown>;
    const wal = await readFile(files.wal);
    const view = new DataView(wal.buffer, wal.byteOffset);
    expect(Object.keys(report)).toEqual(['wal', 'space', 'shm', 'database', 'diagnosis']);
    const salt1 = view.getUint32(16);
    const salt2 = view.getUint32(20);
    // The fields of the first release, unchanged.
    expect(report['wal']).toEqual({
        path: files.wal,
        bytes: wal.length,
        magic: '0x377f0682',
        byteOrder: 'little',
        version: 3007000,
        pageSize: 4096,
        checkpointSequence: 0,
        salt1,
        salt2,
        headerValid: true,
        frames: { chained: 5, committed: 5, commits: 4, uncommittedTail: 0 },
        lastCommit: { frame: 5, dbSizePages: 2 },
        stop: { frame: 6, reason: 'end-of-file' },
        distinctPages: 2,
    });
    expect(report['space']).toEqual({
      frameBytes: 4120,
      liveFrames: 5,
      pendingFrames: 5,
      uncommittedFrames: 0,
      staleFrames: 0,
      brokenFrames: 0,
      trailingBytes: 0,
      safeToTruncateBytes: 0,
      safeToTruncateReason: 'bytes after the last commit frame: 5 committed frames are not in the database yet',
    });
    const header = { change: 4, mxFrame: 5, nPage: 2, pageSize: 4096, salt1, salt2 };
    expect(report['shm']).toEqual({
      path: files.shm,
      bytes: 32768,
      headers: { copy1: { valid: true, problem: null, header }, copy2: { valid: true, problem: null, header }, agree: true },
      mxFrame: 5,
      nPage: 2,
      nBackfill: 0,
      nBackfillAttempted: 0,
      readMarks: [
        { slot: 0, mark: 0, lock: 'free' },
        { slot: 1, mark: 4, lock: 'free' },
        { slot: 2, mark: null, lock: 'free' },
        { slot: 3, mark: null, lock: 'free' },
        { slot: 4, mark: null, lock: 'free' },
      ],
      locks: ['write', 'checkpoint', 'recover', 'read-0', 'read-1', 'read-2', 'read-3', 'read-4'].map((name, i) => ({
        name,
        offset: 120 + i,
        state: 'free',
        holders: [],
      })),
      lockProbe: 'proc-locks',
      matchesWal: true,
    });
    expect(report['database']).toEqual({
      path: files.db,
      bytes: 4096,
      pageSize: 4096,
      journal: 'wal',
      backfilledPagesDiffering: null,
      backfilledPagesCompared: 0,
    });
    expect(report['diagnosis']).toEqual([
      {
        code: 'stale-read-mark',
        message:
          'stale read mark, not held: read mark 1 = frame 4 (below mxFrame 5) but no process holds its lock, so it pins nothing; the next checkpoint moves past it, nothing to do',
      },
    ]);
    expect(await snapshot(sub)).toEqual(before);
  });

  it('reports an uncommitted tail and where the chain broke, given the WAL path directly', async () => {
    const files = await makeCrashedWalDatabase({ dir, name: 'crash.db', pageSize: 1024, tail: 'broken' });
    const { wal } = await inspectWal(files.wal);
    expect(wal.path).toBe(files.wal);
    expect(wal.frames.uncommittedTail).toBe(wal.frames.chained - wal.frames.committed);
    expect(wal.frames.uncommittedTail).toBeGreaterThan(0);
    expect(wal.stop).toEqual({ frame: wal.frames.chained + 1, reason: 'checksum-mismatch' });
    expect(wal.lastCommit?.frame).toBe(wal.frames.committed);
  });

  it('prints a human summary by default', async () => {
    const files = await makeWalDatabase({ dir, name: 'human.db', pageSize: 512 });
    const { code, out } = await run(['inspect', files.db]);
    expect(code).toBe(0);
    expect(out).toMatch(/header\s+valid, little-endian checksums/);
    expect(out).toMatch(/frames\s+8 valid, 8 committed in 4 commits, 0 uncommitted/);
    expect(out).toMatch(/scan stopped\s+at frame 9: end-of-file/);
  });

  it('reports an invalid header without failing: SQLite ignores such a WAL', async () => {
    const path = join(dir, 'bad-magic.db-wal');
    const bytes = new Uint8Array(32 + 24 + 512);
    new DataView(bytes.buffer).setUint32(0, 0x377f0699);
    await writeFile(path, bytes);
    const { wal } = await inspectWal(path);
    expect(wal).toMatchObject({ headerValid: false, magic: '0x377f0699', stop: { frame: 1, reason: 'no-header' } });
    expect(wal.frames.committed).toBe(0);
    const { diagnosis } = await inspectWal(path);
    expect(diagnosis[0]).toEqual({
      code: 'wal-header-invalid',
      message: `the WAL header is invalid (magic 0x377f0699): SQLite ignores all 568 B of ${path}; move it aside if you want to keep it as evidence, SQLite will not read it`,
    });
  });

  it.each([
    ['a missing file', (d: string) => join(d, 'nope.db'), /does not exist/],
    ['a directory', (d: string) => d, /is a directory/],
    ['a file that is not a WAL', (d: string) => join(d, 'plain.txt'), /is not a WAL/],
  ])('exits 2 with a clear message for %s, writing nothing', async (_what, pathOf, message) => {
    const sub = join(dir, `err-${Math.random().toString(36).slice(2)}`);
    await mkdir(sub);
    await writeFile(join(sub, 'plain.txt'), 'hello, not a WAL at all');
    const before = await snapshot(sub);
    const { code, out, err } = await run(['inspect', pathOf(sub), '--json']);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(await snapshot(sub)).toEqual(before);
  });

  it('exits 2 on bad usage', async () => {
    expect((await run(['inspect'])).code).toBe(2);
    expect((await run(['inspect', 'a', 'b'])).code).toBe(2);
    expect((await run(['inspect', 'a', '--frobnicate'])).err).toMatch(/unknown option --frobnicate/);
    expect((await run(['no-such-command'])).code).toBe(2);
  });

  it('the built binary exits with the same codes', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const files = await makeWalDatabase({ dir, name: 'bin.db', pageSize: 4096 });
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, [cli, 'inspect', files.db, '--json']);
    expect(JSON.parse(ok.stdout).wal.frames.committed).toBe(5);
    await expect(exec(process.execPath, [cli, 'inspect', join(dir, 'missing.db')])).rejects.toMatchObject({ code: 2 });
  });
});
