/**
 * The litewal engine: the library behind the `litewal` command line.
 *
 * @remarks
 * {@link openDatabase} opens a SQLite database in WAL mode as a {@link Database}: concurrent
 * durable write transactions through group commit (one WAL write and one sync per group),
 * snapshots, checkpoints and metrics, shared with live `sqlite3` processes through SQLite's own
 * lock protocol. {@link inspectWal} is the read-only report behind `litewal inspect` (a WAL's
 * header and its valid prefix exactly as SQLite computes it, live against stale frames, the `-shm`
 * with the locks held right now, and a diagnosis in words), {@link walHistory} the read-only frame
 * history behind `litewal history` (every commit of the valid prefix, then what SQLite ignores)
 * and {@link recoverDatabase} the wal-index rebuild behind `litewal recover`. {@link checkWalPairing}
 * (`litewal pair-check`) tells whether a WAL belongs to the database beside it and where its log
 * breaks, and {@link exportSnapshot} (`litewal export`) writes the database at any commit of its
 * WAL as one self-contained file that needs no WAL, no `-shm` and no lock. {@link verifyDatabase}
 * runs the five levels of integrity checks behind `litewal verify`, with verdicts that agree with
 * `PRAGMA integrity_check`.
 *
 * @example
 * ```ts
 * import { inspectWal, openDatabase, walHistory } from '@litewal/engine';
 *
 * const db = await openDatabase('app.db', { synchronous: 'full' });
 * await db.write(async (txn) => {
 *   const page1 = await txn.readPage(1);
 *   new DataView(page1.buffer).setUint32(60, 7); // PRAGMA user_version = 7
 *   txn.writePage(1, page1);
 * }); // durable, and visible to sqlite3 readers
 * const snapshot = await db.read();
 * console.log((await snapshot.readPage(1))[63]); // 7
 * await snapshot.release();
 * await db.close(); // the last user: checkpoints, deletes app.db-wal and app.db-shm
 *
 * const { wal } = await inspectWal('app.db'); // reads app.db-wal, writes nothing
 * console.log(wal.frames.committed, wal.stop.reason);
 * const { commits } = await walHistory('app.db'); // commit N = the N-th commit frame
 * ```
 * @packageDocumentation
 */
export type { CheckpointMode, CheckpointResult } from '@litewal/checkpoint';
export type { Database } from './database/database.js';
export { openDatabase } from './database/open-database.js';
export type { DatabaseFecOptions } from './database/fec-options.js';
export type { DatabaseGroupCommitOptions, DatabaseOptions, DatabaseSynchronous } from './database/options.js';
export type { Snapshot } from './database/snapshot.js';
export type { WriteTransaction } from './database/write-transaction.js';
export {
  AtCommitError,
  BusySnapshotDatabaseError,
  CommitFailedError,
  DatabaseError,
  EngineError,
  type CommitFailureReason,
  type DatabaseErrorCode,
  type EngineErrorCode,
} from './errors.js';
export {
  checkWalPairing,
  type PairCheckOptions,
  type WalPairing,
  type WalPairingVerdict,
} from './doctor/pair-check.js';
export type { PairingCode, PairingReason } from './doctor/pairing-reasons.js';
export type { WalBreak, WalBreakCode } from './doctor/wal-breaks.js';
export { exportSnapshot, type ExportReport, type ExportSnapshotOptions } from './export/export-snapshot.js';
export { walHistory, type WalCommit, type WalFrameRun, type WalHistory } from './history/wal-history.js';
export type { DatabaseFileInspection } from './inspect/database-check.js';
export type { Diagnosis, DiagnosisCode } from './inspect/diagnose.js';
export { inspectWal, type InspectReport } from './inspect/inspect-wal.js';
export type { ShmHeaderCopy, ShmInspection, ShmLockReport, ShmReadMark } from './inspect/shm-inspection.js';
export type { ShmLockHolder, ShmLockMethod, ShmLockState } from './inspect/shm-locks.js';
export type { WalSpace } from './inspect/wal-space.js';
export type { WalInspection } from './inspect/wal-summary.js';
export { recoverDatabase, type RecoverReport } from './recover/recover-database.js';
export { databaseStats, type DatabaseStats, type WalIndexStats } from './stats/database-stats.js';
export type { IntegrityIssue, IntegrityIssueCode, IntegrityLevel, IntegritySeverity } from '@litewal/integrity';
export { verifyDatabase, type VerifyOptions, type VerifyReport } from './verify/verify-database.js';
