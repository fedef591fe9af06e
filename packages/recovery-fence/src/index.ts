/**
 * Safety fences for recovering and checkpointing a SQLite database in WAL mode.
 *
 * @remarks
 * Four independent guarantees:
 *
 * - {@link RecoveryFence}: one recoverer at a time, in this process (a FIFO queue keyed by the
 *   database's real path) and across processes (SQLite's RECOVER lock on `<db>-shm`, which sqlite3
 *   respects).
 * - {@link LockRegistry}: the sidecar `<db>-litewal-locks` records which locks litewal processes
 *   hold, with their pid; {@link LockRegistry.releaseDead} drops, and returns, those of dead processes.
 * - {@link TruncateGuard}: a WAL truncate or reset is refused unless a full `fsync` of the database
 *   covered every checkpoint write, and for good after a failed `fsync`.
 * - {@link verifyCheckpointedPrefix} / {@link requireVerified}: the pages a checkpoint copied are read
 *   back and compared (XXH3-128) with the WAL frames; any difference refuses the truncate.
 *
 * Every refusal is a {@link RecoveryFenceError} with an `ERR_RECOVERY_FENCE_*` code.
 *
 * @example
 * ```ts
 * import { NodeVfs } from '@litewal/vfs';
 * import { LockRegistry, RecoveryFence, TruncateGuard } from '@litewal/recovery-fence';
 *
 * const vfs = new NodeVfs();
 * const registry = await LockRegistry.open(vfs, 'app.db');
 * const fence = await RecoveryFence.open(vfs, 'app.db', { registry });
 * await registry.releaseDead(); // records of processes that died holding locks
 * await fence.run(async () => {
 *   // recover the WAL, rebuild the wal-index ...
 * });
 *
 * // checkpoint: copy frames through the guard, sync, verify, then truncate the WAL
 * const db = await vfs.open('app.db');
 * const guard = new TruncateGuard(db);
 * await guard.file.write(pageImage, (pageNumber - 1) * 4096);
 * await guard.sync();
 * await guard.authorizeWalTruncate({ pageSize: 4096, pages: new Map([[pageNumber, pageImage]]) });
 * await wal.truncate(0);
 * ```
 * @packageDocumentation
 */
export {
  CheckpointMismatchError,
  DbNotSyncedError,
  DbSyncFailedError,
  RecoveryBusyError,
  RecoveryFenceError,
  RegistryCorruptError,
  RegistryFullError,
  RegistryVersionError,
  type PageMismatch,
  type RecoveryBusyDetails,
  type RecoveryFenceErrorCode,
  type RecoveryHolderScope,
} from './errors.js';
export {
  MAX_PAGE_NUMBER,
  RECOVER_LOCK_OFFSET,
  REGISTRY_COPY_BYTES,
  REGISTRY_FILE_BYTES,
  REGISTRY_HEADER_BYTES,
  REGISTRY_LOCK_OFFSET,
  REGISTRY_MAGIC,
  REGISTRY_MAX_RECORDS,
  REGISTRY_RECORD_BYTES,
  REGISTRY_SUFFIX,
  REGISTRY_VERSION,
  XXH3_128_BYTES,
} from './format.js';
export { LockRegistry, type LockRegistryOptions, type ReadLockRegistryOptions } from './lock-registry.js';
export type { LockClaim, LockRange, LockRecord, LockedFile } from './lock-record.js';
export { isProcessAlive } from './process-alive.js';
export { RecoveryFence, type AcquireOptions, type RecoveryFenceOptions, type RecoveryLease } from './recovery-fence.js';
export { TruncateGuard } from './truncate-guard.js';
export {
  requireVerified,
  verifyCheckpointedPrefix,
  type CheckpointedPages,
  type ExpectedPage,
  type ExpectedPages,
  type VerificationReport,
  type VerifyCheckpointOptions,
} from './verify-checkpoint.js';
