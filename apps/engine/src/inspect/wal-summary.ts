import { WAL_HEADER_BYTES } from '@litewal/checksum';
import type { Vfs } from '@litewal/vfs';
import { WalFile, type WalStopReason } from '@litewal/wal-file';

/**
 * The `wal` object of `litewal inspect --json`; the field names are a fixed contract.
 * @remarks Header fields are read as raw big-endian u32s even when the header is invalid, and are
 * null when the file is too short to hold them.
 * @public
 */
export interface WalInspection {
  /** The WAL file inspected. */
  readonly path: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** The magic as `0x` and 8 hex digits. */
  readonly magic: string | null;
  /** Checksum word order the magic selects. */
  readonly byteOrder: 'little' | 'big' | null;
  /** Format version (3007000 in every valid WAL). */
  readonly version: number | null;
  /** Page size in bytes. */
  readonly pageSize: number | null;
  /** Checkpoint sequence: +1 on every reset of the log. */
  readonly checkpointSequence: number | null;
  /** Salt-1 of the current generation. */
  readonly salt1: number | null;
  /** Salt-2 of the current generation. */
  readonly salt2: number | null;
  /** Whether SQLite would accept the header (magic, version, page size, checksum). */
  readonly headerValid: boolean;
  /** Frame counts of the valid prefix. */
  readonly frames: {
    /** Frames that pass salt, page and checksum checks before the first failure. */
    readonly chained: number;
    /** The last valid commit frame (SQLite's mxFrame). */
    readonly committed: number;
    /** Commit frames within 1..committed. */
    readonly commits: number;
    /** Valid frames after the last commit: a transaction that never committed. */
    readonly uncommittedTail: number;
  };
  /** The last commit in the valid prefix and the database size it records, or null when there is none. */
  readonly lastCommit: { readonly frame: number; readonly dbSizePages: number } | null;
  /** The first frame outside the valid prefix and why the scan stopped there. */
  readonly stop: { readonly frame: number; readonly reason: WalStopReason };
  /** Distinct page numbers in frames 1..committed. */
  readonly distinctPages: number;
}

/**
 * Reads a WAL file's header and valid prefix (exactly as SQLite computes it) without writing
 * anything and without taking any lock.
 */
export async function summarizeWal(walPath: string, vfs: Vfs): Promise<WalInspection> {
  const wal = await WalFile.open(vfs, walPath, { readOnly: true });
  try {
    const raw = new Uint8Array(WAL_HEADER_BYTES);
    const got = wal.recovery.bytes >= 4 ? await readRaw(vfs, walPath, raw) : 0;
    const view = new DataView(raw.buffer);
    const field = (offset: number): number | null => (offset + 4 <= got ? view.getUint32(offset, false) : null);
    const magic = field(0);
    const r = wal.recovery;
    return {
      path: walPath,
      bytes: r.bytes,
      magic: magic === null ? null : `0x${magic.toString(16).padStart(8, '0')}`,
      byteOrder: magic === null ? null : (magic & 1) === 1 ? 'big' : 'little',
      version: field(4),
      pageSize: field(8),
      checkpointSequence: field(12),
      salt1: field(16),
      salt2: field(20),
      headerValid: r.header !== null,
      frames: { chained: r.chained, committed: r.committed, commits: r.commits, uncommittedTail: r.chained - r.committed },
      lastCommit: r.committed === 0 ? null : { frame: r.committed, dbSizePages: r.dbSizePages },
      stop: r.stop,
      distinctPages: wal.distinctPages(),
    };
  } finally {
    await wal.close();
  }
}

async function readRaw(vfs: Vfs, path: string, into: Uint8Array): Promise<number> {
  const file = await vfs.open(path, { readOnly: true });
  try {
    return await file.read(into, 0);
  } finally {
    await file.close();
  }
}
