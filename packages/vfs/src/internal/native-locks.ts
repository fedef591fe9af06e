import { createRequire } from 'node:module';

/**
 * The part of the CommonJS package `fs-native-extensions` that litewal uses. On Linux its locks are
 * open-file-description (OFD) locks, `fcntl(F_OFD_SETLK)`: owned by the open file (so two handles in one
 * process conflict) and conflicting with the POSIX `fcntl` locks SQLite takes.
 */
interface NativeLocks {
  /** Returns false when a conflicting lock is held (EAGAIN); throws other errors with `code` set. */
  tryLock(fd: number, offset: number, length: number, options: { shared: boolean }): boolean;
  /** Releases `[offset, offset + length)`; throws with `code` set on failure. */
  unlock(fd: number, offset: number, length: number): void;
}

const nativeLocks = createRequire(import.meta.url)('fs-native-extensions') as NativeLocks;

/** Non-blocking OFD byte-range lock on `fd`; false if another owner holds a conflicting lock. */
export function tryLockFd(fd: number, offset: number, length: number, shared: boolean): boolean {
  return nativeLocks.tryLock(fd, offset, length, { shared });
}

/** Releases the OFD byte-range lock of `fd` on `[offset, offset + length)`. */
export function unlockFd(fd: number, offset: number, length: number): void {
  nativeLocks.unlock(fd, offset, length);
}
