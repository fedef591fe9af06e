import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeVfs, type VfsFile } from '../src/index.js';
import { toVfsError } from '../src/internal/node-errors.js';
import { expectVfsError, filled } from './support/fixtures.js';

describe('NodeVfs on real files', () => {
  const vfs = new NodeVfs();
  let dir: string;
  const opened: VfsFile[] = [];
  beforeEach(async () => {
    dir = await makeTempDir('litewal-vfs-');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((file) => file.close()));
    await removeTempDir(dir);
  });

  it('writes bytes that node:fs reads back, and reports the size stat reports', async () => {
    const path = join(dir, 'a.db');
    const file = await vfs.open(path, { create: true });
    opened.push(file);
    await file.write(filled(4096, 0x5a), 8192);
    await file.sync('data');
    const onDisk = await readFile(path);
    expect(onDisk.length).toBe(12288);
    expect(new Uint8Array(onDisk.subarray(8192))).toEqual(filled(4096, 0x5a));
    expect(await file.size()).toBe((await stat(path)).size);
    await file.truncate(100);
    expect((await stat(path)).size).toBe(100);
  });

  it('reads a file written by node:fs', async () => {
    const path = join(dir, 'b');
    await writeFile(path, Uint8Array.of(1, 2, 3));
    const file = await vfs.open(path, { readOnly: true });
    opened.push(file);
    const buffer = new Uint8Array(8);
    expect(await file.read(buffer, 0)).toBe(3);
    expect(buffer.subarray(0, 3)).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('maps EISDIR (open and delete of a directory) to ERR_VFS_IO with errno, path and cause', async () => {
    const sub = join(dir, 'sub');
    await mkdir(sub);
    const error = await expectVfsError(vfs.open(sub), 'ERR_VFS_IO');
    expect(error.errno).toBe('EISDIR');
    expect(error.path).toBe(sub);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('EISDIR');
    expect(error.message).toContain(sub);
    expect((await expectVfsError(vfs.delete(sub), 'ERR_VFS_IO')).errno).toBe('EISDIR');
  });

  it('maps ENOSPC from a real device (/dev/full) to ERR_VFS_NO_SPACE', async () => {
    expect(existsSync('/dev/full'), '/dev/full is needed to produce a real ENOSPC').toBe(true);
    const file = await vfs.open('/dev/full');
    opened.push(file);
    const error = await expectVfsError(file.write(filled(512, 1), 0), 'ERR_VFS_NO_SPACE');
    expect(error.errno).toBe('ENOSPC');
    expect(error.path).toBe('/dev/full');
  });

  it('reports paths below a regular file (ENOTDIR) as not existing', async () => {
    const path = join(dir, 'plain');
    await writeFile(path, 'x');
    expect(await vfs.exists(join(path, 'child'))).toBe(false);
    expect(await vfs.exists(path)).toBe(true);
  });
});

describe('toVfsError (Node error mapping)', () => {
  const errnoError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: simulated`), { code });

  it.each([
    ['ENOENT', 'ERR_VFS_NOT_FOUND'],
    ['EEXIST', 'ERR_VFS_EXISTS'],
    ['ENOSPC', 'ERR_VFS_NO_SPACE'],
    ['EDQUOT', 'ERR_VFS_NO_SPACE'],
    ['EFBIG', 'ERR_VFS_NO_SPACE'],
    ['EROFS', 'ERR_VFS_READ_ONLY'],
    ['EIO', 'ERR_VFS_IO'],
    ['EACCES', 'ERR_VFS_IO'],
  ])('maps %s to %s, keeping errno, path and cause', (errno, code) => {
    const cause = errnoError(errno);
    const error = toVfsError(cause, '/x/y', 'write');
    expect(error).toMatchObject({ name: 'VfsError', code, errno, path: '/x/y', cause });
    expect(error.message).toBe(`write failed on /x/y: ${errno}: simulated`);
  });

  it('maps a value without an errno to ERR_VFS_IO with no errno', () => {
    const error = toVfsError('boom', '/x', 'read');
    expect(error.code).toBe('ERR_VFS_IO');
    expect(error.errno).toBeUndefined();
    expect(error.message).toBe('read failed on /x: boom');
  });
});
