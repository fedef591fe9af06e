import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Creates a new empty directory under `os.tmpdir()` whose name starts with `prefix`.
 *
 * @returns its absolute, symlink-free path. Remove it with {@link removeTempDir}.
 * @public
 */
export async function makeTempDir(prefix = 'litewal-'): Promise<string> {
  if (prefix.includes('/') || prefix.includes(path.sep)) {
    throw new RangeError(`prefix must be a plain name, got ${JSON.stringify(prefix)}`);
  }
  return realpath(await mkdtemp(path.join(os.tmpdir(), prefix)));
}

/**
 * Deletes a directory made by {@link makeTempDir}, with everything in it; a missing one is fine.
 *
 * @remarks A safety net, not a convenience: it refuses any path that is not strictly inside
 * `os.tmpdir()`, so a wrong variable cannot delete a working tree.
 * @throws RangeError when `dir` is not inside `os.tmpdir()`.
 * @public
 */
export async function removeTempDir(dir: string): Promise<void> {
  const tmp = await realpath(os.tmpdir());
  const target = path.resolve(dir);
  const relative = path.relative(tmp, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new RangeError(`refusing to remove ${target}: it is not inside ${tmp}`);
  }
  await rm(target, { recursive: true, force: true });
}
