import { IntegrityError, isIntegrityOk, verifyDatabaseFile, type IntegrityIssue, type IntegrityLevel } from '@litewal/integrity';
import { checkWalPairing, type WalPairing } from '../doctor/pair-check.js';
import { EngineError } from '../errors.js';
import { kindOf } from '../internal/file-kind.js';

/**
 * Options of {@link verifyDatabase}.
 * @public
 */
export interface VerifyOptions {
  /**
   * Highest level of checks to run (1 header and pages, 2 b-tree structure, 3 overflow chains,
   * 4 cross-references, 5 schema and records); levels are cumulative.
   * @defaultValue 5
   */
  readonly level?: IntegrityLevel;
  /**
   * Called now and then with the pages checked so far and the database's page count.
   * @defaultValue undefined
   */
  readonly onProgress?: (pagesChecked: number, pagesTotal: number) => void;
}

/**
 * What `litewal verify` reports: the verdict, the level that ran, the pages of the database image,
 * every issue found, and whether the WAL beside the database belongs to it.
 *
 * @remarks The object is the `--json` output as it is; later sections are added as new fields,
 * never by changing these.
 * @public
 */
export interface VerifyReport {
  /**
   * True when no issue of severity `error` was found (what `PRAGMA integrity_check` calls ok), the
   * WAL belongs to the database (`wal.pairing` is `ok`) and its log has no break other than the
   * normal ones (a torn or uncommitted tail, frames of an older generation).
   */
  readonly ok: boolean;
  /** The highest level that ran. */
  readonly level: IntegrityLevel;
  /** Pages in the database image checked (the WAL's committed pages laid over the file). */
  readonly pages: number;
  /** Every issue found, in the order found. */
  readonly issues: readonly IntegrityIssue[];
  /**
   * The pair check of `<db>-wal` against the database, made before anything reads the pair
   * (see {@link checkWalPairing}); with no WAL, `pairing` is `ok` with the reason `WAL_ABSENT`.
   */
  readonly wal: WalPairing;
}

/**
 * Checks a SQLite database, read-only: first whether `<db>-wal` belongs to it and where its log
 * breaks ({@link checkWalPairing}), then the database as a reader opening it would see it (the
 * committed frames of the WAL laid over the file), at levels 1 to `options.level`.
 *
 * @remarks Its ok/not-ok verdict agrees with SQLite's `PRAGMA integrity_check`. Nothing is written
 * and no `-shm` is created, so the database may be in use.
 * @throws `EngineError` `ERR_ENGINE_INPUT` when the path is missing, not a regular file, not a
 * SQLite database, or its WAL cannot be read.
 * @public
 */
export async function verifyDatabase(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const kind = await kindOf(path);
  if (kind !== 'file') {
    throw new EngineError('ERR_ENGINE_INPUT', `${path}: ${kind === 'missing' ? 'no such file' : `is a ${kind}, not a database file`}`);
  }
  const wal = await checkWalPairing(path);
  try {
    const report = await verifyDatabaseFile(path, {
      level: options.level ?? 5,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const walOk = wal.pairing === 'ok' && wal.breaks.every((b) => b.normal);
    return { ok: isIntegrityOk(report) && walOk, level: report.level, pages: report.pages, issues: report.issues, wal };
  } catch (error) {
    if (error instanceof IntegrityError) {
      throw new EngineError('ERR_ENGINE_INPUT', `${path}: ${error.message}`, error.code === 'ERR_INTEGRITY_NOT_A_DATABASE' ? 'litewal verify checks SQLite database files (not a -wal or -shm)' : undefined);
    }
    throw error;
  }
}
