import { DB_HEADER_BYTES, decodeDbHeader, hasDbMagic, type DbHeader } from '../internal/db-header.js';
import type { WalScan } from '../internal/wal-scan.js';
import type { WalBreak } from './wal-breaks.js';

/**
 * Stable codes of the findings of `litewal pair-check` about whether a WAL belongs to its database.
 *
 * @remarks
 * Informational (`info`, the verdict stays `ok`): `WAL_ABSENT`, `WAL_EMPTY`.
 * Foreign: `DB_MISSING` / `DB_EMPTY` (the WAL has commits but the database file does not exist or
 * is empty: SQLite deletes the WAL of an empty database), `DB_NOT_SQLITE` (no SQLite header),
 * `PAGE_SIZE_MISMATCH` (database, WAL header or the WAL's page 1 disagree), `TEXT_ENCODING_MISMATCH`,
 * `WAL_PAGE1_NOT_SQLITE`, `CHANGE_COUNTER_BACKWARDS` (the database file is newer than every page 1
 * in the WAL: the WAL is stale, for example beside a fresh database), `DB_OLDER_THAN_WAL` (the
 * database file is older than the state the WAL was written on: an older copy restored beside it).
 * Suspect: `WAL_HEADER_INVALID` (SQLite ignores the whole WAL), `WAL_VERSION_UNSUPPORTED` (SQLite
 * refuses to open the database), `DB_NOT_WAL_MODE` / `WAL_PAGE1_NOT_WAL_MODE` (header bytes 18/19
 * are not 2/2), `SCHEMA_FORMAT_MISMATCH`, `CHANGE_COUNTER_UNMATCHED` (the database's change counter
 * is neither the base of the WAL nor any committed page 1 in it), `COMMIT_SIZE_BEYOND_FILES` (a
 * commit records more pages than the file and the log hold up to it), `FOREIGN_LINEAGE_FRAMES`
 * (frames of another WAL's lineage inside the file).
 * @public
 */
export type PairingCode =
  | 'WAL_ABSENT'
  | 'WAL_EMPTY'
  | 'WAL_HEADER_INVALID'
  | 'WAL_VERSION_UNSUPPORTED'
  | 'DB_MISSING'
  | 'DB_EMPTY'
  | 'DB_NOT_SQLITE'
  | 'PAGE_SIZE_MISMATCH'
  | 'DB_NOT_WAL_MODE'
  | 'WAL_PAGE1_NOT_SQLITE'
  | 'WAL_PAGE1_NOT_WAL_MODE'
  | 'TEXT_ENCODING_MISMATCH'
  | 'SCHEMA_FORMAT_MISMATCH'
  | 'CHANGE_COUNTER_BACKWARDS'
  | 'DB_OLDER_THAN_WAL'
  | 'CHANGE_COUNTER_UNMATCHED'
  | 'COMMIT_SIZE_BEYOND_FILES'
  | 'FOREIGN_LINEAGE_FRAMES';

/**
 * One finding of the pairing check.
 * @public
 */
export interface PairingReason {
  /** Stable code. */
  readonly code: PairingCode;
  /** How much it weighs: `info` leaves the verdict `ok`. */
  readonly verdict: 'foreign' | 'suspect' | 'info';
  /** What was found, with the observed values. */
  readonly message: string;
  /** What to do about it. */
  readonly action: string;
}

/** What the pairing rules look at. */
export interface PairingInput {
  readonly db: { readonly path: string; readonly bytes: number } | null;
  readonly dbHeader: DbHeader | null;
  readonly scan: WalScan | null;
  /** The first 100 bytes of the latest committed page 1 in the WAL, when the WAL has one. */
  readonly latestPage1: Uint8Array | null;
  readonly breaks: readonly WalBreak[];
  readonly walPath: string;
}

const KEEP_APART =
  'do not open the database with SQLite until this is resolved (it would read pages of both); find the database file this WAL was written for, or move the WAL aside';

/** The first commit that records more pages than the file holds plus those the log wrote up to it. */
function commitBeyondFiles(scan: WalScan, dbFilePages: number): { commit: number; frame: number; size: number; missing: number } | null {
  const committed = scan.chain?.committed ?? 0;
  let maxSize = 0;
  for (const size of scan.commitSizes) maxSize = Math.max(maxSize, size);
  if (maxSize <= dbFilePages) return null;
  // Pages dbFilePages+1 .. dbFilePages+limit; a gap larger than the frames cannot be covered anyway.
  const limit = Math.min(maxSize - dbFilePages, committed + 1);
  const seen = new Uint8Array(limit + 1);
  let frontier = 1; // smallest page above the file (relative) not written yet
  let next = 0; // next commit
  for (let frame = 1; frame <= committed && next < scan.commitFrames.length; frame++) {
    const rel = (scan.pages[frame - 1] as number) - dbFilePages;
    if (rel >= 1 && rel <= limit) seen[rel] = 1;
    while (frontier <= limit && seen[frontier] === 1) frontier++;
    if (scan.commitFrames[next] !== frame) continue;
    const size = scan.commitSizes[next] as number;
    if (size - dbFilePages >= frontier) return { commit: next + 1, frame, size, missing: dbFilePages + frontier };
    next++;
  }
  return null;
}

/** The findings about whether the WAL belongs to the database file. */
export function walPairingReasons(input: PairingInput): PairingReason[] {
  const { db, dbHeader, scan, latestPage1, walPath } = input;
  const reasons: PairingReason[] = [];
  const add = (code: PairingCode, verdict: PairingReason['verdict'], message: string, action: string): void => {
    reasons.push({ code, verdict, message, action });
  };
  if (scan === null) {
    add('WAL_ABSENT', 'info', `${walPath} does not exist`, 'nothing: the database file holds everything');
    return reasons;
  }
  if (scan.header === null || scan.chain === null) {
    if (scan.bytes === 0) {
      add('WAL_EMPTY', 'info', `${walPath} is empty`, 'nothing: SQLite treats it as an empty log');
    } else if (scan.headerErrorCode === 'ERR_CHECKSUM_BAD_VERSION') {
      add('WAL_VERSION_UNSUPPORTED', 'suspect', `${walPath}: ${scan.headerError}`, 'SQLite refuses to open this database; move the WAL aside if it is not needed');
    } else {
      add('WAL_HEADER_INVALID', 'suspect', `${walPath}: ${scan.headerError}; SQLite ignores the whole WAL`, 'nothing it holds is visible; keep a copy if its content matters');
    }
    return reasons;
  }
  const { header, chain } = scan;
  const commits = chain.commits;
  if (db === null || db.bytes === 0) {
    if (commits > 0) {
      add(
        db === null ? 'DB_MISSING' : 'DB_EMPTY',
        'foreign',
        `the WAL has ${commits} commits but the database file ${db === null ? 'does not exist' : 'is empty'}; SQLite deletes a WAL beside an empty database`,
        'do not open it with SQLite; put the database file the WAL belongs to back beside it, or export what the WAL holds with a copy of that file',
      );
    }
    return reasons;
  }
  if (dbHeader === null) {
    add('DB_NOT_SQLITE', 'foreign', `${db.path} has no SQLite header ("SQLite format 3")`, 'check that the path names the database file');
    return reasons;
  }
  if (dbHeader.pageSize !== header.pageSize) {
    add('PAGE_SIZE_MISMATCH', 'foreign', `the database page size is ${dbHeader.pageSize}, the WAL's ${header.pageSize}; SQLite reports the database as malformed`, KEEP_APART);
    return reasons;
  }
  if (dbHeader.writeVersion !== 2 || dbHeader.readVersion !== 2) {
    add(
      'DB_NOT_WAL_MODE',
      'suspect',
      `database header bytes 18/19 are ${dbHeader.writeVersion}/${dbHeader.readVersion}, a database in WAL mode has 2/2: the file was replaced or converted while the WAL stayed`,
      'check where the database file came from before opening it',
    );
  }
  if (latestPage1 !== null) checkPage1(add, dbHeader, scan, latestPage1);
  const beyond = commitBeyondFiles(scan, Math.floor(db.bytes / header.pageSize));
  if (beyond !== null) {
    add(
      'COMMIT_SIZE_BEYOND_FILES',
      'suspect',
      `commit ${beyond.commit} (frame ${beyond.frame}) records a database of ${beyond.size} pages, but page ${beyond.missing} is neither in the ${db.bytes}-byte database file nor in the WAL up to that commit`,
      'the database file is truncated or is not the one this WAL was written for; ' + KEEP_APART,
    );
  }
  const foreign = input.breaks.find((b) => b.code === 'FOREIGN_FRAMES');
  if (foreign !== undefined) {
    add('FOREIGN_LINEAGE_FRAMES', 'suspect', foreign.message, foreign.action);
  }
  return reasons;
}

function checkPage1(
  add: (code: PairingCode, verdict: PairingReason['verdict'], message: string, action: string) => void,
  dbHeader: DbHeader,
  scan: WalScan,
  latestPage1: Uint8Array,
): void {
  const frame = scan.page1Frames.at(-1) as number;
  if (latestPage1.length < DB_HEADER_BYTES || !hasDbMagic(latestPage1)) {
    add('WAL_PAGE1_NOT_SQLITE', 'foreign', `the latest page 1 in the WAL (frame ${frame}) has no SQLite header`, KEEP_APART);
    return;
  }
  const p1 = decodeDbHeader(latestPage1);
  const pageSize = scan.header?.pageSize ?? 0;
  if (p1.pageSize !== pageSize) {
    add('PAGE_SIZE_MISMATCH', 'foreign', `the latest page 1 in the WAL (frame ${frame}) says page size ${p1.pageSize}, the WAL header ${pageSize}`, KEEP_APART);
  }
  if (p1.writeVersion !== 2 || p1.readVersion !== 2) {
    add('WAL_PAGE1_NOT_WAL_MODE', 'suspect', `the latest page 1 in the WAL (frame ${frame}) has header bytes 18/19 = ${p1.writeVersion}/${p1.readVersion}, not 2/2`, 'check what wrote this WAL');
  }
  if (p1.textEncoding !== 0 && dbHeader.textEncoding !== 0 && p1.textEncoding !== dbHeader.textEncoding) {
    add(
      'TEXT_ENCODING_MISMATCH',
      'foreign',
      `the database's text encoding is ${dbHeader.textEncoding}, the WAL's page 1 (frame ${frame}) says ${p1.textEncoding}; a database's encoding never changes once it has a schema`,
      KEEP_APART,
    );
  }
  if (p1.schemaFormat !== 0 && dbHeader.schemaFormat !== 0 && p1.schemaFormat !== dbHeader.schemaFormat) {
    add('SCHEMA_FORMAT_MISMATCH', 'suspect', `the database's schema format is ${dbHeader.schemaFormat}, the WAL's page 1 (frame ${frame}) says ${p1.schemaFormat}`, 'check where the database file came from before opening it');
  }
  // SQLite writes page 1 with change counter + 1 whenever a transaction writes it, so the file's
  // counter must be the base the WAL started from (first - 1) or one the WAL committed.
  const counters = scan.page1Counters;
  const first = counters[0] as number;
  let max = 0;
  for (const c of counters) max = Math.max(max, c);
  const dbc = dbHeader.changeCounter;
  if (dbc > max) {
    add(
      'CHANGE_COUNTER_BACKWARDS',
      'foreign',
      `the database's change counter is ${dbc}, but the newest page 1 in the WAL has ${max}: the WAL is older than the database file (stale WAL beside a new or rebuilt database)`,
      KEEP_APART,
    );
  } else if (dbc < first - 1) {
    add(
      'DB_OLDER_THAN_WAL',
      'foreign',
      `the database's change counter is ${dbc}, but the WAL was written on a database at ${first - 1} (its first page 1, frame ${scan.page1Frames[0]}, has ${first}): an older copy of the database sits beside a newer WAL`,
      KEEP_APART,
    );
  } else if (dbc !== first - 1 && !counters.includes(dbc)) {
    add(
      'CHANGE_COUNTER_UNMATCHED',
      'suspect',
      `the database's change counter ${dbc} is neither the WAL's base (${first - 1}) nor that of any committed page 1 in it (${first}..${max})`,
      'check where the database file came from before opening it',
    );
  }
}
