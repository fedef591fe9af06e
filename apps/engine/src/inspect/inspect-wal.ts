import { NodeVfs, type QueryLocksOptions, type Vfs } from '@litewal/vfs';
import { inspectDatabaseFile, type DatabaseFileInspection } from './database-check.js';
import { diagnose, type Diagnosis } from './diagnose.js';
import { locateWal } from './locate-wal.js';
import { inspectShm, type ShmInspection } from './shm-inspection.js';
import { measureWalSpace, type WalSpace } from './wal-space.js';
import { summarizeWal, type WalInspection } from './wal-summary.js';

/**
 * What `litewal inspect` reports; with `--json` it prints this object.
 * @public
 */
export interface InspectReport {
  /** The WAL's header, valid prefix and stop reason. */
  readonly wal: WalInspection;
  /** Live, pending and stale frames, and how many bytes could be truncated safely. */
  readonly space: WalSpace;
  /** The `-shm` decoded, with the lock bytes held right now; null when there is no `-shm`. */
  readonly shm: ShmInspection | null;
  /** The database file beside the WAL; null when there is none (a WAL given alone). */
  readonly database: DatabaseFileInspection | null;
  /** The verdict: findings with stable codes, most serious first; never empty. */
  readonly diagnosis: readonly Diagnosis[];
}

/**
 * Inspects the WAL of a database (`<db>-wal`) or a WAL file given directly, and explains it: the
 * header and the valid prefix exactly as SQLite computes it, live frames against stale bytes, the
 * `-shm` decoded with the lock bytes held right now, and a verdict in words.
 *
 * @remarks Read-only: it never creates, writes or truncates any file and takes no lock.
 * The `-shm` is read as bytes (never opened as a wal-index, which may write), and the holders of
 * its eight lock bytes are read from Linux's `/proc/locks` (`queryLocks` of `@litewal/vfs`), with
 * their pids where the kernel names them (`lockProbe: 'proc-locks'`). Only where there is no
 * `/proc/locks` (not Linux) is each byte tested with a non-blocking lock released at once
 * (`lockProbe: 'read-write'` or `'read-only'`); a SQLite connection that asks for the same byte
 * in that instant sees SQLITE_BUSY once (readers retry, writers call their busy handler; a writer
 * without one fails). In a process that also
 * holds SQLite's own POSIX locks on the same `-shm` (better-sqlite3 in the same process), closing
 * any descriptor of that file, as reading its bytes does, drops those POSIX locks: run inspect
 * from another process then.
 * @throws `EngineError` `ERR_ENGINE_INPUT` when the path holds no usable WAL.
 * @public
 */
export async function inspectWal(path: string, vfs: Vfs = new NodeVfs()): Promise<InspectReport> {
  return inspectWalReadingLocks(path, vfs, undefined);
}

/**
 * {@link inspectWal}, reading the `-shm`'s locks from `lockTable` instead of `/proc/locks` (a
 * missing one makes it test them with locks, as where there is no `/proc`).
 */
export async function inspectWalReadingLocks(path: string, vfs: Vfs, lockTable: QueryLocksOptions['lockTable']): Promise<InspectReport> {
  const walPath = await locateWal(path);
  const wal = await summarizeWal(walPath, vfs);
  const stem = walPath.endsWith('-wal') ? walPath.slice(0, -'-wal'.length) : null;
  const shm = stem === null ? null : await inspectShm(vfs, `${stem}-shm`, { salt1: wal.salt1, salt2: wal.salt2, committed: wal.frames.committed }, lockTable);
  const space = await measureWalSpace(vfs, wal, shm);
  // With no writer, checkpointer or recoverer at work, the pages a checkpoint copied stay put.
  const quiet = shm === null || shm.locks.slice(0, 3).every((l) => l.state === 'free');
  const claim =
    shm !== null && shm.matchesWal && shm.nBackfill !== null && shm.nPage !== null && quiet
      ? { nBackfill: shm.nBackfill, nPage: shm.nPage }
      : null;
  const database = stem === null ? null : await inspectDatabaseFile(vfs, stem, walPath, claim);
  return { wal, space, shm, database, diagnosis: diagnose({ wal, space, shm, database, shmLookedFor: stem !== null }) };
}
