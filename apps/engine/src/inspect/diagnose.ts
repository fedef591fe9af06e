import type { DatabaseFileInspection } from './database-check.js';
import type { ShmInspection } from './shm-inspection.js';
import type { WalSpace } from './wal-space.js';
import type { WalInspection } from './wal-summary.js';
import { describeHolders, formatBytes, plural } from './words.js';

/**
 * The stable codes of {@link Diagnosis}; they are a contract of `litewal inspect --json`.
 *
 * @remarks
 * - `wal-header-invalid`: SQLite ignores the whole WAL.
 * - `stale-wal`: the WAL does not belong to the database file beside it (fresh, restored or
 *   replaced database, page size mismatch, empty database).
 * - `no-shm`: there is no `-shm`; no process has the database open.
 * - `shm-headers-differ`: the two header copies of the `-shm` differ.
 * - `shm-header-invalid`: the `-shm` header fails SQLite's checks (not initialised, checksum, version, too short).
 * - `shm-stale`: the `-shm` describes another WAL generation or another end of the log.
 * - `checkpoint-pinned`: a live reader's read mark keeps a checkpoint from copying past a frame.
 * - `stale-read-mark`: a read mark below mxFrame that no process holds: it pins nothing.
 * - `locks-unknown`: read marks below mxFrame whose READ locks could not be tested for shared
 *   holders (the `-shm` could only be opened read-only).
 * - `uncommitted-tail`: valid frames after the last commit frame.
 * - `chain-break`: frames with the current salts after the first invalid frame, never read by SQLite.
 * - `torn-frame`: a partial frame at the end of the file.
 * - `stale-tail`: frames of older generations after the valid prefix.
 * - `wal-deep`: the WAL is much larger than what it still needs to hold: at least 1000 frames
 *   (SQLite's default auto-checkpoint size) and four fifths of its frames are not needed (not
 *   pending; without a `-shm` that tells, not committed).
 * - `healthy`: nothing above was found.
 * @public
 */
export type DiagnosisCode =
  | 'wal-header-invalid'
  | 'stale-wal'
  | 'no-shm'
  | 'shm-headers-differ'
  | 'shm-header-invalid'
  | 'shm-stale'
  | 'checkpoint-pinned'
  | 'stale-read-mark'
  | 'locks-unknown'
  | 'uncommitted-tail'
  | 'chain-break'
  | 'torn-frame'
  | 'stale-tail'
  | 'wal-deep'
  | 'healthy';

/**
 * One finding of `litewal inspect`: a stable code and a sentence that names what was found and
 * what to do about it.
 * @public
 */
export interface Diagnosis {
  /** Stable machine-readable code. */
  readonly code: DiagnosisCode;
  /** What was found and what to do, in words. */
  readonly message: string;
}

/** Frames beyond what the WAL needs before it counts as deep: SQLite's default auto-checkpoint size. */
const DEEP_EXCESS_FRAMES = 1000;

/** What the files of a database say, put into words. */
export interface DiagnosisInput {
  readonly wal: WalInspection;
  readonly space: WalSpace;
  readonly shm: ShmInspection | null;
  readonly database: DatabaseFileInspection | null;
  /** Whether a `-shm` was looked for: false for a WAL given by a path that does not end in `-wal`. */
  readonly shmLookedFor: boolean;
}

/** Turns an inspection into findings, most serious first; `healthy` when there is none. */
export function diagnose({ wal, space, shm, database, shmLookedFor }: DiagnosisInput): Diagnosis[] {
  const out: Diagnosis[] = [];
  const add = (code: DiagnosisCode, message: string): void => void out.push({ code, message });
  const committed = wal.frames.committed;
  const truncate = `safe to truncate: ${formatBytes(space.safeToTruncateBytes)} (${space.safeToTruncateBytes} bytes), ${space.safeToTruncateReason}`;

  if (!wal.headerValid) {
    add('wal-header-invalid', `the WAL header is invalid (magic ${wal.magic ?? 'missing'}): SQLite ignores all ${formatBytes(wal.bytes)} of ${wal.path}; move it aside if you want to keep it as evidence, SQLite will not read it`);
  }
  if (database !== null && committed > 0) staleWal(database, wal, committed, add);
  if (shm === null) {
    if (shmLookedFor) add('no-shm', `no -shm beside the WAL: no process has the database open, and SQLite will rebuild the index from the WAL (${plural(committed, 'committed frame')}) on the next open; nothing to do`);
  } else {
    const { copy1, copy2, agree } = shm.headers;
    if (!copy1.valid || !copy2.valid) {
      const bad = [copy1, copy2].map((c, i) => (c.problem === null ? null : `copy ${i + 1}: ${c.problem.message}`)).filter((m) => m !== null);
      add('shm-header-invalid', `the -shm header fails SQLite's checks (${bad.join('; ')}); the next SQLite connection rebuilds it from the WAL, or run \`litewal recover\` while no process has the database open`);
    } else if (!agree) {
      add('shm-headers-differ', `the two header copies of the -shm differ (mxFrame ${copy1.header?.mxFrame} vs ${copy2.header?.mxFrame}): a writer was interrupted while publishing a commit, or is publishing one now; inspect again, and if it persists with no process holding a lock, the next SQLite open recovers it`);
    } else if (!shm.matchesWal) {
      const h = copy1.header;
      add('shm-stale', `the -shm describes mxFrame ${h?.mxFrame} with salts ${h?.salt1} ${h?.salt2}, but the WAL's valid prefix ends at frame ${committed} with salts ${wal.salt1} ${wal.salt2}: the -shm is left from another state of the log; ${shm.locks.every((l) => l.state === 'free') ? 'no process holds it, so the next SQLite open rebuilds it' : 'a process holds it: inspect again once writers are idle'}`);
    }
    readMarks(shm, add);
  }
  if (space.uncommittedFrames > 0) {
    const writing = shm?.locks[0]?.state === 'exclusive';
    add('uncommitted-tail', `${plural(space.uncommittedFrames, 'valid frame')} after the last commit frame (${wal.frames.chained - space.uncommittedFrames + 1}..${wal.frames.chained}) belong to a transaction that ${writing ? 'is being written by a live process holding the write lock: wait for it' : 'never committed (no process holds the write lock): SQLite ignores them and overwrites them with the next write; nothing to do'}`);
  }
  if (space.brokenFrames > 0) {
    add('chain-break', `the checksum chain stops at frame ${wal.stop.frame} (${wal.stop.reason}), and ${plural(space.brokenFrames, 'frame')} after it still carry this generation's salts: SQLite never reads them. If commits are missing, run \`litewal history ${wal.path}\` to see what lies beyond the break before anything writes to this database`);
  }
  if (space.trailingBytes > 0) {
    add('torn-frame', `the WAL ends with ${space.trailingBytes} bytes of a partial frame (a torn write): SQLite ignores them; nothing to do`);
  }
  if (space.staleFrames > 0 && space.frameBytes !== null) {
    add('stale-tail', `${plural(space.staleFrames, 'frame')} (${formatBytes(space.staleFrames * space.frameBytes)}) after the valid prefix are leftovers of older generations of the log (other salts): SQLite ignores them; ${truncate}`);
  }
  const frameBytes = space.frameBytes ?? 0;
  const needed = space.pendingFrames ?? committed;
  const excessFrames = frameBytes === 0 ? 0 : Math.floor(wal.bytes / frameBytes) - needed;
  if (frameBytes > 0 && excessFrames >= DEEP_EXCESS_FRAMES && needed * 4 <= excessFrames) {
    const pending = space.pendingFrames === null ? `${plural(committed, 'committed frame')} (unknown how many are in the database)` : plural(space.pendingFrames, 'frame');
    add('wal-deep', `WAL is ${formatBytes(wal.bytes)} with ${pending} pending: ${truncate}; run \`litewal checkpoint ${database?.path ?? '<db>'} --mode truncate\` to ${space.safeToTruncateBytes === wal.bytes ? '' : 'copy the pending frames and '}shrink it to 0 bytes (it reports busy while a reader pins the log), or set PRAGMA journal_size_limit`);
  }
  if (out.length === 0) {
    const pending = space.pendingFrames === null ? '' : `, ${space.pendingFrames} pending`;
    add('healthy', `WAL is ${formatBytes(wal.bytes)} with ${plural(committed, 'committed frame')}${pending}; nothing needs doing${space.safeToTruncateBytes > 0 ? ` (${truncate})` : ''}`);
  }
  return out;
}

function staleWal(database: DatabaseFileInspection, wal: WalInspection, committed: number, add: (code: DiagnosisCode, message: string) => void): void {
  const frames = plural(committed, 'committed frame');
  const aside = `if the database file is the one you want, move ${wal.path} (and its -shm) aside before opening it; if the WAL is, restore the database file that goes with it`;
  if (database.bytes === 0) {
    add('stale-wal', `${database.path} is empty (0 bytes) but ${wal.path} holds ${frames}: SQLite deletes this WAL on the next open, losing them; copy the WAL away first if they matter`);
  } else if (database.pageSize !== null && wal.pageSize !== null && database.pageSize !== wal.pageSize) {
    add('stale-wal', `${database.path} has ${database.pageSize}-byte pages but ${wal.path} has ${wal.pageSize}-byte pages: the WAL belongs to another database and SQLite will report the database as corrupt; ${aside}`);
  } else if (database.journal === 'rollback') {
    add('stale-wal', `${database.path} is a rollback-journal database (a fresh or restored file), yet ${wal.path} beside it holds ${frames}: SQLite applies them on the next open, mixing another database's pages into it; ${aside}`);
  } else if (database.backfilledPagesDiffering !== null && database.backfilledPagesDiffering.length > 0) {
    const pages = database.backfilledPagesDiffering;
    add('stale-wal', `the -shm says frames up to the checkpoint were copied into ${database.path}, but ${plural(pages.length, 'page')} of ${database.backfilledPagesCompared} compared (${pages.slice(0, 8).join(', ')}${pages.length > 8 ? ', ...' : ''}) differ from the WAL: the database file was replaced or restored after the WAL was written, and the next open applies ${frames} over it; ${aside}`);
  }
}

function readMarks(shm: ShmInspection, add: (code: DiagnosisCode, message: string) => void): void {
  const mxFrame = shm.mxFrame;
  if (mxFrame === null) return;
  const backfill = shm.nBackfill ?? 0;
  const heldBy = (slot: number): string => describeHolders(shm.locks.find((l) => l.name === `read-${slot}`)?.holders ?? null);
  for (const { slot, mark, lock } of shm.readMarks) {
    // Readers hold their READ lock shared; an exclusive holder is a checkpointer or a reader
    // moving the mark at this instant, which pins nothing for longer than that.
    const held = lock === 'shared';
    if (slot === 0) {
      if (held && backfill < mxFrame) {
        add('checkpoint-pinned', `checkpoint pinned at frame ${backfill} by read mark 0 (a reader of the database file alone), held by ${heldBy(0)}: no frame can be copied until it ends its read transaction; find the long-running reader and commit or close it`);
      }
      continue;
    }
    if (mark === null || mark >= mxFrame) continue;
    if (held) {
      add('checkpoint-pinned', `checkpoint pinned at frame ${mark} by read mark ${slot}, held by ${heldBy(slot)}: ${mark + 1 === mxFrame ? `frame ${mxFrame}` : `frames ${mark + 1}..${mxFrame}`} cannot be copied into the database and the WAL cannot restart until that reader ends its read transaction; find the long-running reader and commit or close it`);
    } else if (lock === 'free') {
      add('stale-read-mark', `stale read mark, not held: read mark ${slot} = frame ${mark} (below mxFrame ${mxFrame}) but no process holds its lock, so it pins nothing; the next checkpoint moves past it, nothing to do`);
    }
  }
  const unknown = shm.readMarks.filter((m) => m.lock === 'unknown' && m.slot > 0 && m.mark !== null && m.mark < mxFrame);
  if (unknown.length > 0) {
    const marks = unknown.map((m) => `${m.slot} = frame ${m.mark}`).join(', ');
    add('locks-unknown', `the -shm could only be opened read-only, so readers' shared locks cannot be seen: read marks below mxFrame ${mxFrame} (${marks}) may or may not pin a checkpoint; run inspect as a user allowed to open ${shm.path} for writing (it still writes nothing) to know`);
  }
}
