import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { NodeVfs } from '@litewal/vfs';
import { AtCommitError, EngineError } from '../errors.js';
import { DB_HEADER_BYTES, decodeDbHeader, hasDbMagic } from '../internal/db-header.js';
import { kindOf } from '../internal/file-kind.js';
import { scanWal, type WalScan } from '../internal/wal-scan.js';
import { requireDatabase } from '../recover/database-paths.js';
import { latestFrames, type LatestFrames } from './latest-frames.js';
import { writeSnapshot } from './write-snapshot.js';

/**
 * Options of {@link exportSnapshot}.
 * @public
 */
export interface ExportSnapshotOptions {
  /**
   * The commit to export: the N-th commit frame of the WAL's valid prefix, 1-based (the numbering
   * of `litewal history`).
   * @defaultValue the last commit of the valid prefix
   */
  readonly atCommit?: number;
  /**
   * Replace `outPath` when it exists. The source database and its `-wal` / `-shm` are never
   * replaced.
   * @defaultValue false
   */
  readonly overwrite?: boolean;
  /** Called as work progresses with bytes done and bytes in all (the WAL scanned, then the file written). */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Size of each read and write while copying.
   * @defaultValue 8 MiB
   */
  readonly chunkBytes?: number;
}

/**
 * What {@link exportSnapshot} wrote.
 * @public
 */
export interface ExportReport {
  /** The file written. */
  readonly out: string;
  /** Page size in bytes. */
  readonly pageSize: number;
  /** Pages in the file written. */
  readonly pages: number;
  /** Its size in bytes. */
  readonly bytes: number;
  /** The commit exported (1-based), or 0 when the WAL contributed nothing (absent, ignored or without commits). */
  readonly commit: number;
  /** Commits in the valid prefix of the WAL. */
  readonly commits: number;
  /** The commit frame of `commit` (0 when `commit` is 0). */
  readonly commitFrame: number;
  /** Pages taken from the WAL instead of the database file. */
  readonly walPages: number;
}

const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** Whether two paths name one file: the same resolved path, or the same inode (a hard link). */
async function sameFile(a: string, b: string): Promise<boolean> {
  const resolve = async (p: string): Promise<string> => realpath(p).catch(() => path.resolve(p));
  if ((await resolve(a)) === (await resolve(b))) return true;
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

async function checkOutput(dbPath: string, outPath: string, overwrite: boolean): Promise<void> {
  for (const source of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
    if (await sameFile(source, outPath)) {
      throw new EngineError('ERR_ENGINE_USAGE', `--out ${outPath} is the source file ${source}; export never writes its source`, 'choose another output path');
    }
  }
  const kind = await kindOf(outPath);
  if (kind === 'directory' || kind === 'other') throw new EngineError('ERR_ENGINE_INPUT', `--out ${outPath} exists and is not a regular file`);
  if (kind === 'file' && !overwrite) {
    throw new EngineError('ERR_ENGINE_OUTPUT_EXISTS', `--out ${outPath} already exists`, 'choose another path, or pass --force to replace it');
  }
}

/** Picks the commit to export and the database size it records. */
function target(scan: WalScan | null, atCommit: number | undefined): { commit: number; frame: number; pages: number } {
  const commits = scan?.commitFrames.length ?? 0;
  if (atCommit !== undefined && (!Number.isInteger(atCommit) || atCommit < 1 || atCommit > commits)) {
    throw new AtCommitError(atCommit, commits);
  }
  const commit = atCommit ?? commits;
  if (scan === null || commit === 0) return { commit: 0, frame: 0, pages: 0 };
  return { commit, frame: scan.commitFrames[commit - 1] as number, pages: scan.commitSizes[commit - 1] as number };
}

/**
 * Writes the database as SQLite sees it at one commit (by default the last one of the WAL's valid
 * prefix) into a single self-contained database file in rollback-journal mode (header bytes 18/19
 * = 1/1), which any SQLite opens with no WAL, no `-shm` and no lock.
 *
 * @remarks
 * Works from the files alone, read-only: the source database, `<db>-wal` and `<db>-shm` are never
 * written, no `-shm` is created, no lock is taken, and the source directory may be read-only.
 * Memory stays bounded on multi-gigabyte WALs: one sequential scan of the WAL keeps a few bytes per
 * frame in typed arrays, a sorted page-to-latest-frame table is built from them, and the database
 * file is then streamed page range by page range in large chunks, with the WAL's pages read into
 * place. The result goes to a temporary file in the output directory, is fsynced and renamed over
 * `outPath`, and the directory is fsynced.
 *
 * Refuses (`ERR_ENGINE_INPUT`) what cannot be rebuilt exactly: a database file already
 * checkpointed past the commit asked for (its change counter is newer than page 1 at that commit),
 * whose pages the log does not hold would come from a later state; a database file older than the
 * one the WAL was written on; a WAL whose page size differs from the database's; a commit that
 * records more pages than the two files can hold. `litewal pair-check` explains such pairs.
 * @example
 * ```ts
 * const report = await exportSnapshot('app.db', 'app-at-3.db', { atCommit: 3 });
 * console.log(report.pages, report.walPages);
 * ```
 * @throws {@link AtCommitError} for an `atCommit` outside 1..commits; {@link EngineError}
 * `ERR_ENGINE_INPUT` (unusable source), `ERR_ENGINE_USAGE` (`outPath` is a source file),
 * `ERR_ENGINE_OUTPUT_EXISTS` (`outPath` exists and `overwrite` is not set).
 * @public
 */
export async function exportSnapshot(dbPath: string, outPath: string, options: ExportSnapshotOptions = {}): Promise<ExportReport> {
  await requireDatabase(dbPath);
  await checkOutput(dbPath, outPath, options.overwrite === true);
  const vfs = new NodeVfs();
  const walPath = `${dbPath}-wal`;
  const walKind = await kindOf(walPath);
  if (walKind === 'directory' || walKind === 'other') throw new EngineError('ERR_ENGINE_INPUT', `${walPath} is not a regular file`);
  const dbFile = await vfs.open(dbPath, { readOnly: true });
  const walFile = walKind === 'file' ? await vfs.open(walPath, { readOnly: true }) : null;
  try {
    const dbBytes = await dbFile.size();
    const head = new Uint8Array(DB_HEADER_BYTES);
    if ((await dbFile.read(head, 0)) < DB_HEADER_BYTES || !hasDbMagic(head)) {
      throw new EngineError('ERR_ENGINE_INPUT', `${dbPath} is not a SQLite database (no "SQLite format 3" header in its ${dbBytes} bytes)`);
    }
    const dbHeader = decodeDbHeader(head);
    const pageSize = dbHeader.pageSize;
    if (pageSize === 0) throw new EngineError('ERR_ENGINE_INPUT', `${dbPath}: the page size in its header is not a power of two in 512..65536`);

    let walBytes = 0;
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    let total = 0;
    const progress = (done: number): void => options.onProgress?.(done, total);
    let scan: WalScan | null = null;
    if (walFile !== null) {
      walBytes = await walFile.size();
      total = walBytes;
      scan = await scanWal(walFile, { chunkBytes, onProgress: (done) => progress(done) });
      if (scan.headerErrorCode === 'ERR_CHECKSUM_BAD_VERSION') {
        throw new EngineError('ERR_ENGINE_INPUT', `${walPath}: ${scan.headerError}`, 'SQLite refuses to open a database whose WAL has another format version');
      }
      if (scan.header !== null && scan.chain !== null && scan.chain.commits > 0 && scan.header.pageSize !== pageSize) {
        throw new EngineError(
          'ERR_ENGINE_INPUT',
          `the WAL's page size is ${scan.header.pageSize}, the database's ${pageSize}: the WAL does not belong to this database`,
          'run litewal pair-check on it',
        );
      }
    }
    const at = target(scan, options.atCommit);
    const pages = at.commit === 0 ? Math.floor(dbBytes / pageSize) : at.pages;
    const latest: LatestFrames = scan === null || at.commit === 0 ? latestFrames(new Uint32Array(0), 0, 0) : latestFrames(scan.pages, at.frame, pages);
    if (scan !== null && at.commit > 0) {
      refuseMismatchedDatabase(scan, at, dbHeader.changeCounter);
      refuseImpossibleSize(at, dbBytes, pageSize);
    }

    total = walBytes + pages * pageSize;
    const outBytes = await writeSnapshot({ dbFile, walFile, latest, pageSize, pages, outPath, chunkBytes, onWritten: (n) => progress(walBytes + n) });
    return {
      out: outPath,
      pageSize,
      pages,
      bytes: outBytes,
      commit: at.commit,
      commits: scan?.commitFrames.length ?? 0,
      commitFrame: at.frame,
      walPages: latest.pages.length,
    };
  } finally {
    await dbFile.close();
    await walFile?.close();
  }
}

/**
 * Refuses a pair the commit cannot be rebuilt from exactly: page 1 carries the file change
 * counter, so a database file newer than page 1 at the commit was checkpointed past it, and one
 * older than the WAL's first page 1 minus one is not the file the WAL was written on (an older
 * copy restored beside it).
 */
function refuseMismatchedDatabase(scan: WalScan, at: { commit: number; frame: number }, dbCounter: number): void {
  const first = scan.page1Frames[0];
  if (first === undefined || first > at.frame) return;
  const base = (scan.page1Counters[0] as number) - 1;
  let counter = base + 1;
  for (let i = 0; i < scan.page1Frames.length && (scan.page1Frames[i] as number) <= at.frame; i++) counter = scan.page1Counters[i] as number;
  if (dbCounter > counter) {
    throw new EngineError(
      'ERR_ENGINE_INPUT',
      `the database file's change counter is ${dbCounter}, newer than page 1 at commit ${at.commit} (${counter}): the file holds a later state, so commit ${at.commit} cannot be rebuilt exactly`,
      'run litewal pair-check; export a later commit, or use a copy of the database file from before that checkpoint',
    );
  }
  if (dbCounter < base) {
    throw new EngineError(
      'ERR_ENGINE_INPUT',
      `the database file's change counter is ${dbCounter}, but the WAL was written on a database at ${base}: the file is older than the WAL (a restored copy?)`,
      'run litewal pair-check; put the database file the WAL belongs to beside it',
    );
  }
}

/** A commit cannot record more pages than the database file and the log up to it could supply. */
function refuseImpossibleSize(at: { commit: number; frame: number; pages: number }, dbBytes: number, pageSize: number): void {
  const most = Math.floor(dbBytes / pageSize) + at.frame;
  if (at.pages > most) {
    throw new EngineError(
      'ERR_ENGINE_INPUT',
      `commit ${at.commit} (frame ${at.frame}) records a database of ${at.pages} pages, but the ${dbBytes}-byte database file and ${at.frame} frames can hold at most ${most}`,
      'run litewal pair-check: the WAL does not belong to this database file',
    );
  }
}
