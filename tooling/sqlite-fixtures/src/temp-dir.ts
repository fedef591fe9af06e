import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Directories this process made with {@link makeTempDir}: the only ones {@link removeTempDir} deletes. */
const made = new Set<string>();

/**
 * Creates a new empty directory directly under `os.tmpdir()` whose name starts with `prefix`.
 *
 * @returns its absolute, symlink-free path. Remove it with {@link removeTempDir}.
 * @public
 */
export async function makeTempDir(prefix = 'litewal-'): Promise<string> {
  if (prefix.includes('/') || prefix.includes(path.sep)) {
    throw new RangeError(`prefix must be a plain name, got ${JSON.stringify(prefix)}`);
  }
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), prefix)));
  made.add(dir);
  return dir;
}

/**
 * Deletes a directory made by {@link makeTempDir} in this process, with everything in it.
 *
 * @remarks A safety net, not a convenience: it refuses every other path, even one inside
 * `os.tmpdir()` (a checkout can live there: CI clones into it), so a wrong variable cannot delete a
 * working tree.
 * @throws RangeError when `dir` was not made by {@link makeTempDir} in this process.
 * @public
 */
export async function removeTempDir(dir: string): Promise<void> {
  const target = path.resolve(dir);
  if (!made.has(target)) {
    throw new RangeError(`refusing to remove ${target}: it was not made by makeTempDir() in this process`);
  }
  await rm(target, { recursive: true, force: true });
}
