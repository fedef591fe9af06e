import type { Vfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';

/** Bytes of the SQLite database header read here (page size at 16, journal versions at 18 and 19). */
const DB_HEADER_BYTES = 100;
/** Most pages compared between the database file and the WAL. */
const MAX_PAGES_COMPARED = 16;

/**
 * The `database` object of `litewal inspect --json`: the database file beside the WAL.
 * @public
 */
export interface DatabaseFileInspection {
  /** The database file. */
  readonly path: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** Page size from its header (null when the file is shorter than the header or the field is invalid). */
  readonly pageSize: number | null;
  /** Journal mode its header records (bytes 18 and 19: 2 is WAL, 1 rollback journal), null when unreadable. */
  readonly journal: 'wal' | 'rollback' | null;
  /**
   * Pages that a checkpoint copied into the database according to the `-shm` (their latest
   * committed frame is at or before nBackfill) and that differ from the file now; null when not
   * compared.
   */
  readonly backfilledPagesDiffering: readonly number[] | null;
  /** How many such pages were compared (at most 16: the latest ones), 0 when not compared. */
  readonly backfilledPagesCompared: number;
}

/** Where the `-shm` says the checkpoint got to, for {@link inspectDatabaseFile}. */
export interface BackfillClaim {
  /** nBackfill of a `-shm` that describes the WAL (its mxFrame is the WAL's last commit frame). */
  readonly nBackfill: number;
  /** nPage at mxFrame: pages above it are never copied. */
  readonly nPage: number;
}

/**
 * Reads the database file's header and, when `claim` is given, compares the latest pages the
 * checkpoint copied with the file; read-only. Null when the file does not exist.
 */
export async function inspectDatabaseFile(
  vfs: Vfs,
  path: string,
  walPath: string,
  claim: BackfillClaim | null,
): Promise<DatabaseFileInspection | null> {
  if (!(await vfs.exists(path))) return null;
  const file = await vfs.open(path, { readOnly: true });
  try {
    const bytes = await file.size();
    const header = new Uint8Array(DB_HEADER_BYTES);
    const got = await file.read(header, 0);
    const view = new DataView(header.buffer);
    const raw = got >= 18 ? view.getUint16(16, false) : null;
    const pageSize = raw === null ? null : raw === 1 ? 65536 : raw >= 512 && (raw & (raw - 1)) === 0 ? raw : null;
    const journal = got < 20 ? null : header[18] === 2 && header[19] === 2 ? 'wal' : header[18] === 1 && header[19] === 1 ? 'rollback' : null;
    const base = { path, bytes, pageSize, journal } as const;
    if (claim === null || claim.nBackfill === 0 || pageSize === null) {
      return { ...base, backfilledPagesDiffering: null, backfilledPagesCompared: 0 };
    }
    const wal = await WalFile.open(vfs, walPath, { readOnly: true });
    try {
      if (wal.pageSize !== pageSize || claim.nBackfill > wal.committedFrames) {
        return { ...base, backfilledPagesDiffering: null, backfilledPagesCompared: 0 };
      }
      // A checkpoint copies the latest frame of each page up to mxFrame, and only when that frame
      // is within its safe limit: so the file must hold exactly the pages whose latest frame is
      // at or before nBackfill (and within nPage). Others may hold any older version.
      const pages: number[] = [];
      for (let frame = claim.nBackfill; frame >= 1 && pages.length < MAX_PAGES_COMPARED; frame--) {
        const page = wal.pageOf(frame);
        if (page <= claim.nPage && !pages.includes(page) && wal.findFrame(page) === frame) pages.push(page);
      }
      const differing: number[] = [];
      const inDb = new Uint8Array(pageSize);
      for (const page of pages) {
        const fromWal = await wal.readPage(page);
        const n = await file.read(inDb, (page - 1) * pageSize);
        if (fromWal === null || n !== pageSize || !fromWal.every((b, i) => b === inDb[i])) differing.push(page);
      }
      return { ...base, backfilledPagesDiffering: differing.sort((a, b) => a - b), backfilledPagesCompared: pages.length };
    } finally {
      await wal.close();
    }
  } finally {
    await file.close();
  }
}
