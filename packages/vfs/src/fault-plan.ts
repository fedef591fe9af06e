/**
 * Options of {@link FaultVfs}.
 *
 * @public
 */
export interface FaultVfsOptions {
  /**
   * Seed of the pseudo-random choices (crash plans, torn sectors, short-write lengths): the same seed
   * and the same sequence of calls give the same outcome. Taken modulo 2^32.
   * @defaultValue 1
   */
  readonly seed?: number;
  /**
   * Unit of a torn write: a torn write keeps or loses whole sectors of the file (512 is the more
   * adversarial choice: more, smaller pieces).
   * @defaultValue 512
   */
  readonly sectorSize?: 512 | 4096;
}

/**
 * An operation that {@link FaultVfs} counts and can fail.
 *
 * @public
 */
export type FaultOperation = 'open' | 'read' | 'write' | 'sync' | 'truncate';

/**
 * What an injected fault does: `eio` fails with `ERR_VFS_IO` (errno `EIO`) and `enospc` with
 * `ERR_VFS_NO_SPACE` (errno `ENOSPC`), both without touching the file; `short-write` (writes only)
 * writes a seeded prefix shorter than the data, which stays as an unsynced write, then throws
 * {@link ShortWriteError}.
 *
 * @public
 */
export type FaultKind = 'eio' | 'enospc' | 'short-write';

/**
 * A fault to inject with {@link FaultVfs.injectFault}.
 *
 * @public
 */
export interface FaultSpec {
  /** Which calls count towards `nth`: one operation, or `any` of them. `short-write` requires `write`. */
  readonly operation: FaultOperation | 'any';
  /** What happens to the `nth` matching call. */
  readonly kind: FaultKind;
  /**
   * The fault hits the nth matching call made after it was injected (1 = the next one). A
   * `short-write` fault counts only writes of at least one byte.
   * @defaultValue 1
   */
  readonly nth?: number;
  /**
   * Only calls on this path (as given to `open`) match.
   * @defaultValue undefined (every path)
   */
  readonly path?: string;
}

/**
 * Number of calls {@link FaultVfs} has seen per operation, failed ones included.
 *
 * @public
 */
export type FaultCallCounts = Readonly<Record<FaultOperation, number>>;

/**
 * Fate of one unsynced operation in a crash: lost, kept whole, or (writes only) torn, keeping a seeded
 * subset of the file sectors it touched.
 *
 * @public
 */
export type CrashAction = 'drop' | 'keep' | 'tear';

/**
 * An unsynced write as a {@link CrashPlan} sees it.
 *
 * @public
 */
export interface UnsyncedWrite {
  /** Discriminant. */
  readonly kind: 'write';
  /** File the write went to. */
  readonly path: string;
  /** File offset of the first byte written. */
  readonly position: number;
  /** Number of bytes written. */
  readonly length: number;
}

/**
 * An unsynced truncate as a {@link CrashPlan} sees it.
 *
 * @public
 */
export interface UnsyncedTruncate {
  /** Discriminant. */
  readonly kind: 'truncate';
  /** File that was truncated. */
  readonly path: string;
  /** The size it was set to. */
  readonly size: number;
}

/**
 * An operation made since the last successful sync of its file.
 *
 * @public
 */
export type UnsyncedOperation = UnsyncedWrite | UnsyncedTruncate;

/**
 * How {@link FaultVfs.crash} treats unsynced operations: one action for all of them, or a function
 * called for each, in the order they completed. A truncate is never torn.
 *
 * @public
 */
export type CrashPlan = CrashAction | ((operation: UnsyncedOperation) => CrashAction);

/**
 * A half-open byte range `[start, end)` of a file.
 *
 * @public
 */
export interface ByteRange {
  /** First byte. */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
}

/**
 * What a crash did to one unsynced operation.
 *
 * @public
 */
export interface CrashOutcome {
  /** The operation. */
  readonly operation: UnsyncedOperation;
  /** The action the plan chose. */
  readonly action: CrashAction;
  /**
   * For a write, the file ranges whose new bytes survived, ascending: all of it for `keep`, none for
   * `drop`, the kept sector pieces for `tear`. Always empty for a truncate.
   */
  readonly survived: readonly ByteRange[];
}
