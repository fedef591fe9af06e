import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { VfsError } from '@litewal/vfs';

/**
 * The path that names `file` in this process whatever way it was spelled: its real path (symbolic
 * links resolved); for a file that does not exist yet, the real path of its directory plus its
 * name; when the directory does not exist either (an in-memory vfs), the path made absolute.
 * @throws `VfsError` `ERR_VFS_IO` when resolving fails otherwise (`EACCES`, `ELOOP`).
 */
export async function canonicalPath(file: string): Promise<string> {
  const absolute = path.resolve(file);
  const real = await realOrUndefined(absolute);
  if (real !== undefined) return real;
  const dir = await realOrUndefined(path.dirname(absolute));
  return dir === undefined ? absolute : path.join(dir, path.basename(absolute));
}

async function realOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return undefined;
    throw new VfsError('ERR_VFS_IO', `realpath failed on ${p}: ${String(errno)}`, {
      path: p,
      ...(errno === undefined ? {} : { errno }),
      cause: error,
    });
  }
}
