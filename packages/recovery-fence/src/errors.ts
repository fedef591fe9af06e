import type { LockRecord } from './lock-record.js';
import { toHex } from './internal/bytes.js';

/**
 * Codes of the errors thrown by `@litewal/recovery-fence`.
 * @public
 */
export type RecoveryFenceErrorCode =
  | 'ERR_RECOVERY_FENCE_BUSY'
  | 'ERR_RECOVERY_FENCE_ABORTED'
  | 'ERR_RECOVERY_FENCE_CLOSED'
  | 'ERR_RECOVERY_FENCE_REGISTRY_CORRUPT'
  | 'ERR_RECOVERY_FENCE_REGISTRY_VERSION'
  | 'ERR_RECOVERY_FENCE_REGISTRY_FULL'
  | 'ERR_RECOVERY_FENCE_REGISTRY_BUSY'
  | 'ERR_RECOVERY_FENCE_DB_NOT_SYNCED'
  | 'ERR_RECOVERY_FENCE_DB_SYNC_FAILED'
  | 'ERR_RECOVERY_FENCE_CHECKPOINT_MISMATCH';

/**
 * Base class of every error `@litewal/recovery-fence` throws; branch on {@link RecoveryFenceError.code}.
 * @public
 */
export class RecoveryFenceError extends Error {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'RecoveryFenceError';
  /** Class name of this error. */
  override readonly name: string = 'RecoveryFenceError';
  /** Stable machine-readable code. */
  readonly code: RecoveryFenceErrorCode;

  /** Creates an error with a code and a message that states the observed value and the limit. */
  constructor(code: RecoveryFenceErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Who holds the right to recover when {@link RecoveryBusyError} is thrown: another fence of this
 * process, or another process (or another handle on `<db>-shm`) through the RECOVER lock.
 * @public
 */
export type RecoveryHolderScope = 'this-process' | 'other-process';

/**
 * Fields of a {@link RecoveryBusyError}.
 * @public
 */
export interface RecoveryBusyDetails {
  /** Canonical path of the database. */
  readonly dbPath: string;
  /** Where the holder is. */
  readonly scope: RecoveryHolderScope;
  /** Label of the holder when it is a fence of this process (`undefined` if it gave none or is elsewhere). */
  readonly holderLabel: string | undefined;
  /** How long the holder of this process has held it, in ms (`undefined` for another process). */
  readonly heldForMs: number | undefined;
  /** Registry records of the RECOVER byte, naming the process that holds it if it registered (empty without a registry). */
  readonly owners: readonly LockRecord[];
  /** How long this attempt waited, in ms. */
  readonly waitedMs: number;
  /** The wait limit, in ms. */
  readonly timeoutMs: number;
}

/**
 * The right to recover a database stayed with another holder for the whole wait.
 * @public
 */
export class RecoveryBusyError extends RecoveryFenceError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'RecoveryBusyError';
  /** Class name of this error. */
  override readonly name: string = 'RecoveryBusyError';
  /** Canonical path of the database. */
  readonly dbPath: string;
  /** Where the holder is. */
  readonly scope: RecoveryHolderScope;
  /** Label of the holder when it is a fence of this process. */
  readonly holderLabel: string | undefined;
  /** How long the holder of this process has held it, in ms. */
  readonly heldForMs: number | undefined;
  /** Registry records of the RECOVER byte, naming the process that holds it if it registered. */
  readonly owners: readonly LockRecord[];
  /** How long this attempt waited, in ms. */
  readonly waitedMs: number;
  /** The wait limit, in ms. */
  readonly timeoutMs: number;

  /**
   * @param details - who holds it and how long this attempt waited.
   * @param options - `cause`, e.g. a registry that could not be read.
   */
  constructor(details: RecoveryBusyDetails, options?: ErrorOptions) {
    super('ERR_RECOVERY_FENCE_BUSY', busyMessage(details), options);
    this.dbPath = details.dbPath;
    this.scope = details.scope;
    this.holderLabel = details.holderLabel;
    this.heldForMs = details.heldForMs;
    this.owners = details.owners;
    this.waitedMs = details.waitedMs;
    this.timeoutMs = details.timeoutMs;
  }
}

function busyMessage(details: RecoveryBusyDetails): string {
  const waited = `waited ${details.waitedMs} ms, limit ${details.timeoutMs} ms`;
  return `recovery of ${details.dbPath} is busy: ${describeHolder(details)}; ${waited}`;
}

function describeHolder(details: RecoveryBusyDetails): string {
  if (details.scope === 'this-process') {
    const label = details.holderLabel === undefined ? 'a fence' : `fence ${JSON.stringify(details.holderLabel)}`;
    return `held in this process by ${label} for ${details.heldForMs ?? 0} ms`;
  }
  const owners = details.owners.map((o) => `pid ${o.pid} since ${new Date(o.acquiredAtMs).toISOString()}`);
  return `another process holds the RECOVER lock${owners.length === 0 ? '' : ` (registered: ${owners.join(', ')})`}`;
}

/**
 * The lock registry file is not a registry this package can trust: wrong size, both copies damaged,
 * or a record with impossible values under a valid checksum.
 * @remarks The file holds only advisory records: deleting it while no litewal process uses the
 * database is safe.
 * @public
 */
export class RegistryCorruptError extends RecoveryFenceError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'RegistryCorruptError';
  /** Class name of this error. */
  override readonly name: string = 'RegistryCorruptError';
  /** Path of the registry file. */
  readonly path: string;
  /** What is wrong, with the observed value and the limit. */
  readonly reason: string;

  /** @param path - the registry file. @param reason - what is wrong. */
  constructor(path: string, reason: string) {
    super('ERR_RECOVERY_FENCE_REGISTRY_CORRUPT', `lock registry ${path} is corrupt: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/**
 * The lock registry file was written in a format version this package does not know; it is left untouched.
 * @public
 */
export class RegistryVersionError extends RecoveryFenceError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'RegistryVersionError';
  /** Class name of this error. */
  override readonly name: string = 'RegistryVersionError';
  /** Path of the registry file. */
  readonly path: string;
  /** The version this package reads. */
  readonly expected: number;
  /** The version found. */
  readonly actual: number;

  /** @param path - the registry file. @param expected - the known version. @param actual - the version found. */
  constructor(path: string, expected: number, actual: number) {
    super(
      'ERR_RECOVERY_FENCE_REGISTRY_VERSION',
      `lock registry ${path} has format version ${actual}, this package reads version ${expected}`,
    );
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * The lock registry already holds its maximum number of records.
 * @public
 */
export class RegistryFullError extends RecoveryFenceError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'RegistryFullError';
  /** Class name of this error. */
  override readonly name: string = 'RegistryFullError';
  /** Path of the registry file. */
  readonly path: string;
  /** Records it holds. */
  readonly records: number;
  /** Most records it can hold. */
  readonly max: number;

  /** @param path - the registry file. @param records - records it holds. @param max - the limit. */
  constructor(path: string, records: number, max: number) {
    super(
      'ERR_RECOVERY_FENCE_REGISTRY_FULL',
      `lock registry ${path} holds ${records} records, at most ${max}; releaseDead() drops those of dead processes`,
    );
    this.path = path;
    this.records = records;
    this.max = max;
  }
}

/**
 * A WAL truncate or reset was refused because the database file has writes that no full `fsync`
 * has covered yet.
 * @public
 */
export class DbNotSyncedError extends RecoveryFenceError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'DbNotSyncedError';
  /** Class name of this error. */
  override readonly name: string = 'DbNotSyncedError';
  /** Path of the database file. */
  readonly path: string;
  /** Writes and truncates not covered by a full sync (since the guard was made, if it never synced). */
  readonly writesSinceSync: number;
  /** True when no full sync went through the guard at all. */
  readonly neverSynced: boolean;

  /**
   * @param path - the database file.
   * @param writesSinceSync - writes not covered by a sync.
   * @param neverSynced - whether no full sync happened yet.
   */
  constructor(path: string, writesSinceSync: number, neverSynced: boolean) {
    super(
      'ERR_RECOVERY_FENCE_DB_NOT_SYNCED',
      `refusing to truncate or reset the WAL of ${path}: ${
        neverSynced
          ? 'the database was never fully fsynced through the guard'
          : 'the database has writes after its last full fsync'
      } (${writesSinceSync} write(s) not covered, 0 allowed)`,
    );
    this.path = path;
    this.writesSinceSync = writesSinceSync;
    this.neverSynced = neverSynced;
  }
}

/**
 * A full `fsync` of the database file failed, now or earlier on the same guard: the pages written
 * before it may not be on disk, so the WAL must keep its frames.
 * @remarks After a failed `fsync` the kernel may mark the lost pages clean, so a later successful
 * `fsync` proves nothing: the guard refuses for good. Reopen the database and checkpoint again.
 * @public
 */
export class DbSyncFailedError extends RecoveryFenceError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'DbSyncFailedError';
  /** Class name of this error. */
  override readonly name: string = 'DbSyncFailedError';
  /** Path of the database file. */
  readonly path: string;

  /** @param path - the database file. @param options - `cause`: the error of the failed sync. */
  constructor(path: string, options: ErrorOptions) {
    super(
      'ERR_RECOVERY_FENCE_DB_SYNC_FAILED',
      `refusing to truncate or reset the WAL of ${path}: a full fsync of the database failed`,
      options,
    );
    this.path = path;
  }
}

/**
 * A page of the database that does not hold what the checkpoint copied from the WAL.
 * @public
 */
export interface PageMismatch {
  /** The page number (1-based). */
  readonly pageNumber: number;
  /** XXH3-128 of the page the WAL frame holds. */
  readonly expected: Uint8Array<ArrayBuffer>;
  /** XXH3-128 of the page read back from the database, or `null` when the file ends before the page does. */
  readonly actual: Uint8Array<ArrayBuffer> | null;
}

/**
 * Pages read back from the database after a checkpoint differ from the WAL frames they were copied
 * from: the WAL must not be truncated or reset.
 * @public
 */
export class CheckpointMismatchError extends RecoveryFenceError {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'CheckpointMismatchError';
  /** Class name of this error. */
  override readonly name: string = 'CheckpointMismatchError';
  /** Path of the database file. */
  readonly path: string;
  /** Pages compared. */
  readonly pagesChecked: number;
  /** Pages that differ. */
  readonly mismatchCount: number;
  /** The first mismatching pages, in page order. */
  readonly mismatches: readonly PageMismatch[];

  /**
   * @param path - the database file.
   * @param pagesChecked - pages compared.
   * @param mismatchCount - pages that differ.
   * @param mismatches - the first of them.
   */
  constructor(path: string, pagesChecked: number, mismatchCount: number, mismatches: readonly PageMismatch[]) {
    const listed = mismatches
      .map((m) => `page ${m.pageNumber} expected ${toHex(m.expected)} got ${m.actual === null ? 'end of file' : toHex(m.actual)}`)
      .join('; ');
    super(
      'ERR_RECOVERY_FENCE_CHECKPOINT_MISMATCH',
      `refusing to truncate or reset the WAL of ${path}: ${mismatchCount} of ${pagesChecked} checkpointed pages ` +
        `differ from their WAL frames, 0 allowed (${listed})`,
    );
    this.path = path;
    this.pagesChecked = pagesChecked;
    this.mismatchCount = mismatchCount;
    this.mismatches = mismatches;
  }
}
