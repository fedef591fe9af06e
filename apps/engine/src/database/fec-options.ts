import { NodeVfs, type Vfs } from '@litewal/vfs';
import { DEFAULT_REPAIR_SYMBOLS, MAX_REPAIR_SYMBOLS, type CodecName } from '@litewal/wal-fec';

/**
 * Forward error correction of a database's WAL (`DatabaseOptions.fec`): repair symbols for every
 * durable commit group in the `<path>-wal-fec` sidecar of `@litewal/wal-fec`.
 *
 * @remarks Each group is handed to a worker thread once it is durable and published (its page
 * images copied into a transferred buffer); the worker hashes and encodes it and appends and syncs
 * the sidecar record, so `write()` never waits for the encoding or the sidecar's sync. Protection is
 * best effort: a group is protected some time after its commit resolved (the lag is the
 * `litewal_fec_lag_groups` gauge), a crash may leave the latest groups unprotected, and when the
 * worker fails (the sidecar cannot be opened or written) the failure is recorded (event
 * `database.fec-failed`, counter `litewal_fec_failures`), protection stops and the database keeps
 * committing. `close()` waits until every queued group is protected. The worker writes through its
 * own `NodeVfs`, so `fec` needs the default vfs; one process should protect a database at a time
 * (two would append to the same sidecar). With `synchronous` `normal` or `off` a group is protected
 * once written, not synced, so after a power cut the sidecar may describe frames the WAL lost.
 * Metrics: `litewal_fec_groups_protected`, `litewal_fec_records_written`, `litewal_fec_bytes_written`,
 * `litewal_fec_groups_unprotected`, `litewal_fec_lag_groups`, `litewal_fec_encode_us`,
 * `litewal_fec_protect_us`.
 *
 * Opening a database repairs its WAL from an existing sidecar first, whether `fec` is on or not:
 * event `database.fec-repair` (the frames rewritten) and counter `litewal_fec_repaired_frames`; when
 * a group is beyond repair nothing is changed, the database opens as SQLite would (the WAL's valid
 * prefix), and event `database.fec-lost` names the lost groups (counter `litewal_fec_lost_groups`);
 * a sidecar that cannot be read gives event `database.fec-error` (counter
 * `litewal_fec_open_errors`) and the open goes on. The repair runs only when no other connection
 * has the database open (it could be reading the damaged frames, or writing over them); otherwise
 * event `database.fec-skipped` says who holds it and nothing is changed.
 *
 * Reed–Solomon is recommended: it always recovers R lost pages of a group. RaptorQ (RFC 6330)
 * encodes more slowly and fails about 0.3–0.9 % of decodes with exactly R lost pages (R + 1
 * losses' worth of symbols make that about 1 in 60,000).
 * @public
 */
export interface DatabaseFecOptions {
  /**
   * R, repair symbols per protection group (1..255): that many damaged frames of one group come
   * back. A protection group is one commit group, or several consecutive small ones committed
   * within a few milliseconds, until it holds at least 16 frames (so one-page commits do not cost
   * R pages each); larger groups than the codec allows are split.
   * @defaultValue 2
   */
  readonly repairSymbols?: number;
  /** The erasure code. @defaultValue `'reed-solomon'` */
  readonly codec?: CodecName;
}

/** {@link DatabaseFecOptions} with defaults applied. @internal */
export interface ResolvedFecOptions {
  readonly repairSymbols: number;
  readonly codec: CodecName;
}

const CODECS: readonly CodecName[] = ['reed-solomon', 'raptorq'];

/**
 * Applies the defaults of {@link DatabaseFecOptions}.
 * @throws TypeError for an unknown codec or a vfs other than `NodeVfs`; RangeError for R outside 1..255.
 * @internal
 */
export function resolveFecOptions(options: DatabaseFecOptions, vfs: Vfs): ResolvedFecOptions {
  const repairSymbols = options.repairSymbols ?? DEFAULT_REPAIR_SYMBOLS;
  if (!Number.isInteger(repairSymbols) || repairSymbols < 1 || repairSymbols > MAX_REPAIR_SYMBOLS) {
    throw new RangeError(`fec.repairSymbols must be an integer from 1 to ${MAX_REPAIR_SYMBOLS}, got ${String(repairSymbols)}`);
  }
  const codec = options.codec ?? 'reed-solomon';
  if (!CODECS.includes(codec)) throw new TypeError(`fec.codec must be one of ${CODECS.join(', ')}, got ${String(codec)}`);
  if (!(vfs instanceof NodeVfs)) {
    throw new TypeError('fec needs the default NodeVfs: its worker thread writes the sidecar through a NodeVfs of its own');
  }
  return { repairSymbols, codec };
}
