import type { GroupCommitOptions } from '@litewal/group-commit';
import { Telemetry } from '@litewal/telemetry';
import { NodeVfs, type Vfs } from '@litewal/vfs';
import { resolveFecOptions, type DatabaseFecOptions, type ResolvedFecOptions } from './fec-options.js';

/**
 * SQLite's `PRAGMA synchronous` for a database in WAL mode.
 *
 * @remarks `full`: every commit group is synced (`fdatasync`) before its `write()` resolves, so a
 * resolved transaction survives a power cut. `normal`: commits are written but not synced (they
 * survive a process crash; a power cut may lose the latest); a new WAL header is synced, and
 * checkpoints sync the WAL before copying and the database after. `off`: nothing is ever synced.
 * @public
 */
export type DatabaseSynchronous = 'full' | 'normal' | 'off';

/**
 * Group-commit settings of a database (see `GroupCommitOptions` of `@litewal/group-commit`).
 * @public
 */
export type DatabaseGroupCommitOptions = Omit<GroupCommitOptions, 'telemetry'>;

/**
 * Options of {@link openDatabase}.
 * @public
 */
export interface DatabaseOptions {
  /** The file system. @defaultValue a `NodeVfs` (real files, locks shared with SQLite processes) */
  readonly vfs?: Vfs;
  /**
   * Page size in bytes of a database this call creates (a power of two from 512 to 65536). An
   * existing database keeps its own, as SQLite's `PRAGMA page_size` does.
   * @defaultValue 4096
   */
  readonly pageSize?: number;
  /** When commits and checkpoints sync, as SQLite's `PRAGMA synchronous`. @defaultValue `'full'` */
  readonly synchronous?: DatabaseSynchronous;
  /**
   * Auto-checkpoint threshold in frames, as SQLite's `PRAGMA wal_autocheckpoint`: once a commit
   * leaves the log at least this long, a checkpoint runs after that commit (off its critical
   * path), chosen by `@litewal/checkpoint`'s `CheckpointScheduler`: PASSIVE, cut into bounded
   * steps when its estimated copy time passes a quarter of `busyTimeoutMs` (new transactions wait
   * meanwhile), TRUNCATE once the WAL file passes 64 MiB. Its outcome is in the metrics
   * (`litewal_checkpoint_outcome_*`) and the `database.checkpoint` event. 0 turns auto-checkpoints off.
   * @defaultValue 1000
   */
  readonly autoCheckpoint?: number;
  /**
   * How long to wait for a lock another connection holds (the WAL write lock, the database's
   * SHARED lock, the recovery fence) before failing with `ERR_DATABASE_BUSY`, in milliseconds,
   * with the pauses of SQLite's busy handler; checkpoints other than PASSIVE wait as long.
   * @defaultValue 5000
   */
  readonly busyTimeoutMs?: number;
  /** Group-commit settings. @defaultValue the defaults of `GroupCommit` */
  readonly groupCommit?: DatabaseGroupCommitOptions;
  /**
   * Committed page images kept in memory for writers, in pages (a writer reads them without I/O).
   * @defaultValue 2048
   */
  readonly cachePages?: number;
  /**
   * Where the database records its metrics and events (group commit, WAL, wal-index, checkpoint,
   * recovery). @defaultValue a new `Telemetry` of its own
   */
  readonly telemetry?: Telemetry;
  /**
   * Whether a telemetry instance created by the database records phase timings (ignored when
   * `telemetry` is given). @defaultValue true
   */
  readonly timing?: boolean;
  /**
   * Protects every durable commit group with repair symbols in the `<path>-wal-fec` sidecar of
   * `@litewal/wal-fec`, in a worker thread, off the commit's critical path (see
   * {@link DatabaseFecOptions}). Whether or not it is on, opening repairs a damaged WAL from an
   * existing sidecar first. @defaultValue undefined (off)
   */
  readonly fec?: DatabaseFecOptions;
}

/** {@link DatabaseOptions} with defaults applied. @internal */
export interface ResolvedDatabaseOptions {
  readonly vfs: Vfs;
  readonly pageSize: number;
  readonly synchronous: DatabaseSynchronous;
  readonly autoCheckpoint: number;
  readonly busyTimeoutMs: number;
  readonly groupCommit: DatabaseGroupCommitOptions;
  readonly cachePages: number;
  readonly telemetry: Telemetry;
  readonly fec: ResolvedFecOptions | null;
}

const SYNCHRONOUS: readonly DatabaseSynchronous[] = ['full', 'normal', 'off'];

/**
 * Applies the defaults of {@link DatabaseOptions}.
 * @throws TypeError for an unknown `synchronous` or codec, or `fec` with a vfs other than `NodeVfs`;
 * RangeError for an invalid number.
 * @internal
 */
export function resolveDatabaseOptions(options: DatabaseOptions): ResolvedDatabaseOptions {
  const synchronous = options.synchronous ?? 'full';
  if (!SYNCHRONOUS.includes(synchronous)) {
    throw new TypeError(`synchronous must be one of ${SYNCHRONOUS.join(', ')}, got ${String(synchronous)}`);
  }
  const pageSize = options.pageSize ?? 4096;
  if (!Number.isInteger(pageSize) || pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new RangeError(`pageSize must be a power of two from 512 to 65536, got ${String(pageSize)}`);
  }
  const vfs = options.vfs ?? new NodeVfs();
  return {
    vfs,
    pageSize,
    synchronous,
    autoCheckpoint: checkCount('autoCheckpoint', options.autoCheckpoint ?? 1000),
    busyTimeoutMs: checkCount('busyTimeoutMs', options.busyTimeoutMs ?? 5000),
    groupCommit: options.groupCommit ?? {},
    cachePages: checkCount('cachePages', options.cachePages ?? 2048),
    telemetry: options.telemetry ?? new Telemetry({ timing: options.timing ?? true }),
    fec: options.fec === undefined ? null : resolveFecOptions(options.fec, vfs),
  };
}

function checkCount(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be an integer >= 0, got ${String(value)}`);
  return value;
}
