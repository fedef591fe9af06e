import { NodeVfs, type Vfs, type VfsFile } from '@litewal/vfs';
import { EngineError } from '../errors.js';
import { DB_HEADER_BYTES, decodeDbHeader, hasDbMagic, type DbHeader } from '../internal/db-header.js';
import { kindOf } from '../internal/file-kind.js';
import { scanWal, type WalScan } from '../internal/wal-scan.js';
import { describeBreaks, type WalBreak } from './wal-breaks.js';
import { walPairingReasons, type PairingReason } from './pairing-reasons.js';

/**
 * The verdict of {@link checkWalPairing}: `ok` (the WAL can belong to the database), `suspect`
 * (something is inconsistent but SQLite would still use the pair) or `foreign` (the WAL was not
 * written for this database file: SQLite would mix pages of two databases, or refuse).
 * @public
 */
export type WalPairingVerdict = 'ok' | 'foreign' | 'suspect';

/**
 * What `litewal pair-check --json` prints, and the `wal` object of `litewal verify --json`; the
 * field names are a fixed contract.
 * @public
 */
export interface WalPairing {
  /** The verdict: the worst of the reasons, `ok` when there is none. */
  readonly pairing: WalPairingVerdict;
  /** Why: each finding with its stable code. */
  readonly reasons: readonly PairingReason[];
  /** Where the WAL stops being what SQLite reads, and what was found there. */
  readonly breaks: readonly WalBreak[];
  /** Intact commit frames after the first break that SQLite silently drops (0 when none). */
  readonly lostCommitsBeyondBreak: number;
  /** The database file, or null when it does not exist. */
  readonly db: {
    readonly path: string;
    readonly bytes: number;
    /** Page size from the header; null when the file has no valid SQLite header. */
    readonly pageSize: number | null;
    readonly changeCounter: number | null;
    /** Header bytes 18/19 (2/2 in WAL mode). */
    readonly writeVersion: number | null;
    readonly readVersion: number | null;
  } | null;
  /** The WAL, or null when there is none beside the database. */
  readonly wal: {
    readonly path: string;
    readonly bytes: number;
    /** Whether SQLite accepts the header (else it ignores the whole file). */
    readonly headerValid: boolean;
    readonly pageSize: number | null;
    readonly checkpointSequence: number | null;
    readonly salt1: number | null;
    readonly salt2: number | null;
    /** Whole frames in the file, valid or not. */
    readonly framesInFile: number;
    /** Frames in SQLite's valid prefix. */
    readonly validFrames: number;
    /** The last commit frame of the valid prefix (SQLite's mxFrame). */
    readonly committedFrames: number;
    /** Commit frames in the valid prefix. */
    readonly commits: number;
    /** Database size in pages that the last valid commit records. */
    readonly dbSizePages: number;
  } | null;
}

/**
 * Options of {@link checkWalPairing}.
 * @public
 */
export interface PairCheckOptions {
  /**
   * The file system to read through.
   * @defaultValue `new NodeVfs()`
   */
  readonly vfs?: Vfs;
  /** Called while the WAL is scanned, with bytes read so far and its size. */
  readonly onProgress?: (done: number, total: number) => void;
}

async function readDbHeader(file: VfsFile): Promise<DbHeader | null> {
  const bytes = new Uint8Array(DB_HEADER_BYTES);
  const n = await file.read(bytes, 0);
  return n === DB_HEADER_BYTES && hasDbMagic(bytes) ? decodeDbHeader(bytes) : null;
}

/**
 * Checks that the WAL beside a database (`<db>-wal`) belongs to it, and where and how its log
 * breaks. Read-only: never writes, never creates a `-shm`, takes no lock.
 *
 * @remarks
 * The pairing checks compare the database header with the WAL header and with the latest committed
 * page 1 in the WAL (page size, header bytes 18/19, text encoding, schema format, the file change
 * counter against every committed page-1 frame), the database size each commit records against the
 * pages the file and the log hold, and the salts of frames after the valid prefix against the WAL's
 * own generations; see {@link PairingCode}.
 *
 * Lost commits (heuristic): SQLite stops reading at the first frame that fails the salt, page or
 * checksum test. A frame after that point is counted as an intact lost commit when it carries the
 * header's salts, a page number and a commit size, and its checksum, computed from the checksum
 * stored in the frame just before it, equals the checksum it stores: it was written by SQLite in
 * this generation after an intact predecessor. Frames damaged after they were written (bit rot, a
 * lost write) break the chain at one frame and leave every later frame self-consistent, so every
 * later commit is counted; frames that were never fully written do not chain and are not counted.
 * @throws {@link EngineError} `ERR_ENGINE_INPUT` when the path is a directory or not a regular
 * file, or when neither the database nor its WAL exists.
 * @public
 */
export async function checkWalPairing(dbPath: string, options: PairCheckOptions = {}): Promise<WalPairing> {
  const vfs = options.vfs ?? new NodeVfs();
  const walPath = `${dbPath}-wal`;
  const [dbKind, walKind] = await Promise.all([kindOf(dbPath), kindOf(walPath)]);
  if (dbKind === 'directory' || dbKind === 'other') throw new EngineError('ERR_ENGINE_INPUT', `${dbPath} is not a regular file`);
  if (walKind === 'directory' || walKind === 'other') throw new EngineError('ERR_ENGINE_INPUT', `${walPath} is not a regular file`);
  if (dbKind === 'missing' && walKind === 'missing') {
    throw new EngineError('ERR_ENGINE_INPUT', `${dbPath} does not exist and has no WAL`, 'give the path of a SQLite database');
  }

  let db: WalPairing['db'] = null;
  let dbHeader: DbHeader | null = null;
  if (dbKind === 'file') {
    const file = await vfs.open(dbPath, { readOnly: true });
    try {
      const bytes = await file.size();
      dbHeader = await readDbHeader(file);
      db = {
        path: dbPath,
        bytes,
        pageSize: dbHeader?.pageSize ?? null,
        changeCounter: dbHeader?.changeCounter ?? null,
        writeVersion: dbHeader?.writeVersion ?? null,
        readVersion: dbHeader?.readVersion ?? null,
      };
    } finally {
      await file.close();
    }
  }

  let scan: WalScan | null = null;
  let breaks: WalBreak[] = [];
  let latestPage1: Uint8Array | null = null;
  if (walKind === 'file') {
    const file = await vfs.open(walPath, { readOnly: true });
    try {
      scan = await scanWal(file, options.onProgress === undefined ? {} : { onProgress: options.onProgress });
      breaks = await describeBreaks(file, scan);
      const last = scan.page1Frames.at(-1);
      if (last !== undefined && scan.header !== null) {
        latestPage1 = new Uint8Array(DB_HEADER_BYTES);
        await file.read(latestPage1, 32 + (last - 1) * (scan.header.pageSize + 24) + 24);
      }
    } finally {
      await file.close();
    }
  }

  const reasons = walPairingReasons({ db, dbHeader, scan, latestPage1, breaks, walPath });
  const rank = { ok: 0, suspect: 1, foreign: 2 } as const;
  let pairing: WalPairingVerdict = 'ok';
  for (const r of reasons) if (r.verdict !== 'info' && rank[r.verdict] > rank[pairing]) pairing = r.verdict;
  const chain = scan?.chain ?? null;
  return {
    pairing,
    reasons,
    breaks,
    lostCommitsBeyondBreak: breaks.reduce((n, b) => n + b.lostCommits, 0),
    db,
    wal:
      scan === null
        ? null
        : {
            path: walPath,
            bytes: scan.bytes,
            headerValid: scan.header !== null,
            pageSize: scan.header?.pageSize ?? null,
            checkpointSequence: scan.header?.checkpointSequence ?? null,
            salt1: scan.header?.salt1 ?? null,
            salt2: scan.header?.salt2 ?? null,
            framesInFile: scan.framesInFile,
            validFrames: chain?.chained ?? 0,
            committedFrames: chain?.committed ?? 0,
            commits: chain?.commits ?? 0,
            dbSizePages: chain?.dbSizePages ?? 0,
          },
  };
}
