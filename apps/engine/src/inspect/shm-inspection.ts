import type { QueryLocksOptions, Vfs } from '@litewal/vfs';
import {
  READ_MARK_NOT_USED,
  WAL_INDEX_HEADER_BYTES,
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_READ_MARK_COUNT,
  WalIndexError,
  decodeCheckpointInfo,
  decodeWalIndexHeaderCopy,
  readLock,
  walIndexLockOffset,
  type WalIndexHeader,
} from '@litewal/wal-index';
import { SHM_LOCKS, readShmLocks, type ShmLockHolder, type ShmLockMethod, type ShmLockState } from './shm-locks.js';

/**
 * One of the two copies of the wal-index header, decoded with SQLite's checks (isInit, checksum,
 * version).
 * @public
 */
export interface ShmHeaderCopy {
  /** Whether the copy passes the checks. */
  readonly valid: boolean;
  /** Why it does not (the wal-index error code and message), or null. */
  readonly problem: { readonly code: string; readonly message: string } | null;
  /** The decoded fields when valid, else null. */
  readonly header: {
    /** iChange: +1 per commit. */
    readonly change: number;
    /** mxFrame: the last committed frame readers see. */
    readonly mxFrame: number;
    /** nPage: the database size in pages at mxFrame. */
    readonly nPage: number;
    /** Page size in bytes. */
    readonly pageSize: number;
    /** Salt-1 of the WAL generation it describes. */
    readonly salt1: number;
    /** Salt-2 of the WAL generation it describes. */
    readonly salt2: number;
  } | null;
}

/**
 * One lock byte of the `-shm` and who holds it now.
 * @public
 */
export interface ShmLockReport {
  /** SQLite's name for it: write, checkpoint, recover, read-0 .. read-4. */
  readonly name: string;
  /** Its byte offset in the `-shm` (120..127). */
  readonly offset: number;
  /** Who holds it. */
  readonly state: ShmLockState;
  /**
   * The processes holding it, with their pids when the kernel names them; null when the locks
   * were tested rather than read ({@link ShmInspection.lockProbe} `read-write` or `read-only`).
   */
  readonly holders: readonly ShmLockHolder[] | null;
}

/**
 * One read mark (aReadMark[slot]) and its READ lock.
 * @public
 */
export interface ShmReadMark {
  /** The slot, 0..4. */
  readonly slot: number;
  /** The frame it stands for, or null when the slot is free (0xffffffff). */
  readonly mark: number | null;
  /** Who holds READ(slot). */
  readonly lock: ShmLockState;
}

/**
 * The `shm` object of `litewal inspect --json`: the wal-index (`<db>-shm`) decoded from its bytes.
 * @public
 */
export interface ShmInspection {
  /** The file read. */
  readonly path: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** Both header copies, and whether their 48 bytes are identical (a reader requires it). */
  readonly headers: { readonly copy1: ShmHeaderCopy; readonly copy2: ShmHeaderCopy; readonly agree: boolean };
  /** mxFrame a reader would use (both copies agree and are valid), else null. */
  readonly mxFrame: number | null;
  /** nPage a reader would use, else null. */
  readonly nPage: number | null;
  /** nBackfill: frames 1..n are already copied into the database; null when the file is too short. */
  readonly nBackfill: number | null;
  /** nBackfillAttempted: the highest frame a checkpoint has tried to copy; null when too short. */
  readonly nBackfillAttempted: number | null;
  /** aReadMark[0..4] with the state of each READ lock. */
  readonly readMarks: readonly ShmReadMark[];
  /** The eight lock bytes at offsets 120..127. */
  readonly locks: readonly ShmLockReport[];
  /**
   * How the locks were found: `proc-locks`, read from Linux's lock table without taking any
   * (holders named); where there is none, tested with locks taken and released at once,
   * `read-write` (held locks of every kind seen) or `read-only` (only exclusive holders seen).
   */
  readonly lockProbe: ShmLockMethod;
  /** Whether the usable header describes the WAL inspected (same salts and mxFrame). */
  readonly matchesWal: boolean;
}

/** What {@link inspectShm} compares the header with. */
export interface WalIdentity {
  readonly salt1: number | null;
  readonly salt2: number | null;
  readonly committed: number;
}

/**
 * Decodes a `-shm` from its first 136 bytes (never opened as a wal-index, never written, never
 * created) and reads who holds its lock bytes (from `lockTable`, Linux's `/proc/locks` by
 * default; tested with locks where there is none); null when the file does not exist.
 */
export async function inspectShm(vfs: Vfs, path: string, wal: WalIdentity, lockTable?: QueryLocksOptions['lockTable']): Promise<ShmInspection | null> {
  if (!(await vfs.exists(path))) return null;
  const file = await vfs.open(path, { readOnly: true });
  let bytes: number;
  const region = new Uint8Array(WAL_INDEX_HEADER_REGION_BYTES);
  let got: number;
  try {
    bytes = await file.size();
    got = await file.read(region, 0);
  } finally {
    await file.close();
  }
  const image = region.subarray(0, got);
  const copy1 = decodeCopy(image, WAL_INDEX_HEADER_COPY1_OFFSET);
  const copy2 = decodeCopy(image, WAL_INDEX_HEADER_COPY2_OFFSET);
  const agree =
    got >= WAL_INDEX_HEADER_COPY2_OFFSET + WAL_INDEX_HEADER_BYTES &&
    image.subarray(0, WAL_INDEX_HEADER_BYTES).every((b, i) => b === image[WAL_INDEX_HEADER_COPY2_OFFSET + i]);
  const usable = agree && copy1.valid ? copy1.header : null;
  const info = got >= WAL_INDEX_HEADER_REGION_BYTES ? decodeCheckpointInfo(image) : null;
  const probe = await readShmLocks(vfs, path, lockTable);
  const stateOf = (name: string): ShmLockState => probe.states[SHM_LOCKS.indexOf(name as (typeof SHM_LOCKS)[number])] ?? 'unknown';
  const readMarks: ShmReadMark[] = [];
  for (let slot = 0; slot < WAL_INDEX_READ_MARK_COUNT; slot++) {
    const mark = info?.readMarks[slot] ?? READ_MARK_NOT_USED;
    readMarks.push({ slot, mark: mark === READ_MARK_NOT_USED ? null : mark, lock: stateOf(readLock(slot)) });
  }
  return {
    path,
    bytes,
    headers: { copy1, copy2, agree },
    mxFrame: usable?.mxFrame ?? null,
    nPage: usable?.nPage ?? null,
    nBackfill: info?.backfilled ?? null,
    nBackfillAttempted: info?.backfillAttempted ?? null,
    readMarks,
    locks: SHM_LOCKS.map((name, i) => ({ name, offset: walIndexLockOffset(name), state: probe.states[i] ?? 'unknown', holders: probe.holders[i] ?? null })),
    lockProbe: probe.method,
    matchesWal: usable !== null && usable.salt1 === wal.salt1 && usable.salt2 === wal.salt2 && usable.mxFrame === wal.committed,
  };
}

function decodeCopy(image: Uint8Array, offset: number): ShmHeaderCopy {
  let header: WalIndexHeader;
  try {
    header = decodeWalIndexHeaderCopy(image, offset);
  } catch (error) {
    if (!(error instanceof WalIndexError)) throw error;
    return { valid: false, problem: { code: error.code, message: error.message }, header: null };
  }
  return {
    valid: true,
    problem: null,
    header: {
      change: header.change,
      mxFrame: header.maxFrame,
      nPage: header.dbSizePages,
      pageSize: header.pageSize,
      salt1: header.salt1,
      salt2: header.salt2,
    },
  };
}
