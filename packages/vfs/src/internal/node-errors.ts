import { VfsError, type VfsErrorCode } from '../errors.js';

const CODES: Readonly<Record<string, VfsErrorCode>> = {
  ENOENT: 'ERR_VFS_NOT_FOUND',
  EEXIST: 'ERR_VFS_EXISTS',
  ENOSPC: 'ERR_VFS_NO_SPACE',
  EDQUOT: 'ERR_VFS_NO_SPACE',
  EFBIG: 'ERR_VFS_NO_SPACE',
  EROFS: 'ERR_VFS_READ_ONLY',
};

/** Converts an error thrown by `node:fs` or the lock binding into a {@link VfsError} carrying errno and path. */
export function toVfsError(error: unknown, path: string, operation: string): VfsError {
  const errno =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  const code = (errno === undefined ? undefined : CODES[errno]) ?? 'ERR_VFS_IO';
  const reason = error instanceof Error ? error.message : String(error);
  return new VfsError(code, `${operation} failed on ${path}: ${reason}`, {
    path,
    cause: error,
    ...(errno === undefined ? {} : { errno }),
  });
}

/** Runs `fn`, converting whatever it throws with {@link toVfsError}. */
export async function mapErrors<T>(path: string, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toVfsError(error, path, operation);
  }
}
