/**
 * The file interface every litewal package does its I/O through.
 *
 * @remarks
 * {@link Vfs} opens files; a {@link VfsFile} reads into a caller's buffer and writes at an offset, reports
 * and sets its size, syncs (`fsync` or `fdatasync`), takes byte-range locks (shared or exclusive, try or
 * wait) and closes. Three implementations share these semantics:
 *
 * - {@link NodeVfs}: real files through `node:fs`, with Linux OFD byte-range locks that conflict with
 *   SQLite's POSIX locks, so litewal can share a live database with `sqlite3` processes;
 * - {@link MemoryVfs}: files in memory, for tests and tools;
 * - {@link FaultVfs}: wraps either to simulate power cuts (unsynced writes dropped, kept or torn at 512- or
 *   4096-byte sectors), injected `EIO`/`ENOSPC`/short writes, and bit rot, all from a seed.
 *
 * {@link queryLocks} lists the byte-range locks held on a file, with their holders' pids where
 * the kernel gives them, from Linux's `/proc/locks`, without taking any lock itself.
 *
 * Failures are {@link VfsError}s with a `code` from {@link VfsErrorCode}, the path and the errno; bad
 * arguments are `RangeError`/`TypeError`.
 *
 * @example
 * Take SQLite's SHARED lock range of a database, then write and sync a page:
 * ```ts
 * import { NodeVfs } from '@litewal/vfs';
 *
 * const vfs = new NodeVfs();
 * const db = await vfs.open('app.db', { create: true });
 * await db.lock(0x40000002, 510, 'shared');
 * await db.write(new Uint8Array(4096), 0);
 * await db.sync('data');
 * await db.close(); // releases the lock
 * ```
 *
 * @packageDocumentation
 */
export { LockTableError, ShortWriteError, VfsError, type VfsErrorCode, type VfsErrorOptions } from './errors.js';
export type {
  ByteRange,
  CrashAction,
  CrashOutcome,
  CrashPlan,
  FaultCallCounts,
  FaultKind,
  FaultOperation,
  FaultSpec,
  FaultVfsOptions,
  UnsyncedOperation,
  UnsyncedTruncate,
  UnsyncedWrite,
} from './fault-plan.js';
export { FaultVfs } from './fault-vfs.js';
export { MAX_LOCK_LINE_BYTES, MAX_LOCK_RECORDS } from './lock-limits.js';
export { PROC_LOCKS_PATH, queryLocks, type LockRecord, type QueryLocksOptions } from './lock-query.js';
export { MemoryVfs, type MemoryVfsOptions } from './memory-vfs.js';
export { NodeVfs } from './node-vfs.js';
export type { LockMode, LockOptions, OpenOptions, SyncMode, SyncOptions, Vfs, VfsFile } from './vfs.js';
export { SQLITE_PENDING_BYTE, SQLITE_RESERVED_BYTE, SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE } from './sqlite-locks.js';
