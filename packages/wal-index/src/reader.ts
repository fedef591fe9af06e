import type { VfsFile } from '@litewal/vfs';
import { decodeCheckpointInfo, readMarkOffset } from './checkpoint-info.js';
import { WalIndexBusyError, WalIndexHeaderError, WalIndexProtocolError } from './errors.js';
import { WAL_INDEX_HEADER_BYTES, WAL_INDEX_HEADER_REGION_BYTES, WAL_INDEX_READ_MARK_COUNT } from './format.js';
import { decodeWalIndexHeader, type WalIndexHeader } from './index-header.js';
import { recoverLive } from './internal/live-recovery.js';
import type { ClosableWalIndexSource } from './rebuild.js';
import { nativeU32 } from './internal/native.js';
import type { ShmLocks } from './internal/shm-locks.js';
import { readLock } from './locks.js';

/**
 * A read transaction's view of the WAL: the frames `minFrame..header.maxFrame`, protected by a
 * READ lock until the transaction ends.
 * @public
 */
export interface WalIndexSnapshot {
  /** The wal-index header the snapshot was taken from. */
  readonly header: WalIndexHeader;
  /** Which READ lock (0..4) the transaction holds; 0 means the WAL is ignored (fully backfilled). */
  readonly readLock: number;
  /** The read mark that lock stands for (0 for READ(0)). */
  readonly readMark: number;
  /** nBackfill + 1 when the snapshot was taken: older frames are read from the database file. */
  readonly minFrame: number;
}

/** A snapshot plus the raw header copy it came from, compared byte for byte as SQLite does. @internal */
export interface ReadState extends WalIndexSnapshot {
  readonly raw: Uint8Array;
}

/** What a read attempt works on. @internal */
export interface ReadContext {
  readonly file: VfsFile;
  readonly locks: ShmLocks;
  readonly openSource: () => Promise<ClosableWalIndexSource>;
}

type Attempt = { readonly state: ReadState } | { readonly retry: string };

/**
 * SQLite's read-transaction start: up to `maxAttempts` calls of {@link tryBeginRead}, pausing
 * from the 6th on (the pause grows to about 0.3 s by the 100th), then {@link WalIndexProtocolError}.
 * `known` (a writer switching off READ(0)) skips the header read and READ(0).
 * @internal
 */
export async function beginReadTransaction(ctx: ReadContext, maxAttempts: number, known?: ReadState): Promise<ReadState> {
  let lastReason = 'no attempt was made';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 5) await pause(attempt >= 10 ? (attempt - 9) ** 2 * 39 : 1);
    const result = await tryBeginRead(ctx, known);
    if ('state' in result) return result.state;
    lastReason = result.retry;
  }
  throw new WalIndexProtocolError(maxAttempts, lastReason);
}

async function tryBeginRead(ctx: ReadContext, known: ReadState | undefined): Promise<Attempt> {
  const { file, locks } = ctx;
  const read = known ?? (await readHeader(ctx));
  if ('retry' in read) return read;
  const { header, raw } = read;
  const info = decodeCheckpointInfo(await readRegion(file));
  if (known === undefined && info.backfilled === header.maxFrame && (await locks.try('read-0', 'shared'))) {
    if (!sameBytes((await readRegion(file)).subarray(0, WAL_INDEX_HEADER_BYTES), raw)) {
      await locks.unlock('read-0');
      return { retry: 'the header changed while READ(0) was being taken' };
    }
    return { state: { header, raw, readLock: 0, readMark: 0, minFrame: info.backfilled + 1 } };
  }
  let mark = 0;
  let slot = 0;
  for (let i = 1; i < WAL_INDEX_READ_MARK_COUNT; i++) {
    const m = info.readMarks[i] as number;
    if (mark <= m && m <= header.maxFrame) {
      mark = m;
      slot = i;
    }
  }
  if (mark < header.maxFrame || slot === 0) {
    for (let i = 1; i < WAL_INDEX_READ_MARK_COUNT; i++) {
      if (!(await locks.try(readLock(i), 'exclusive'))) continue;
      try {
        await file.write(nativeU32(header.maxFrame), readMarkOffset(i));
      } finally {
        await locks.unlock(readLock(i));
      }
      mark = header.maxFrame;
      slot = i;
      break;
    }
  }
  if (slot === 0) return { retry: 'no read mark is usable for the snapshot and every free READ lock is busy' };
  if (!(await locks.try(readLock(slot), 'shared'))) return { retry: `READ(${slot}) is held exclusive by another connection` };
  const after = await readRegion(file);
  const now = decodeCheckpointInfo(after);
  if (now.readMarks[slot] !== mark || !sameBytes(after.subarray(0, WAL_INDEX_HEADER_BYTES), raw)) {
    await locks.unlock(readLock(slot));
    return { retry: `read mark ${slot} or the header changed while READ(${slot}) was being taken` };
  }
  return { state: { header, raw, readLock: slot, readMark: mark, minFrame: now.backfilled + 1 } };
}

/**
 * SQLite's walIndexReadHdr: a lock-free read of the header; if it fails, again under the write
 * lock (taken for the call unless the caller holds it), and if it still fails, a rebuild from
 * the WAL.
 * @internal
 */
export async function readHeader(ctx: ReadContext): Promise<{ header: WalIndexHeader; raw: Uint8Array } | { retry: string }> {
  const { file, locks } = ctx;
  const first = decodeRegion(await readRegion(file));
  if (!(first instanceof WalIndexHeaderError)) return first;
  const ownWriteLock = locks.mode('write') !== 'exclusive';
  if (ownWriteLock && !(await locks.try('write', 'exclusive'))) {
    if (!(await locks.try('recover', 'shared'))) {
      throw new WalIndexBusyError('recover', 'beginning a read while another connection rebuilds the wal-index');
    }
    await locks.unlock('recover');
    return { retry: `the header is unusable (${first.code}) and the write lock is busy` };
  }
  try {
    const second = decodeRegion(await readRegion(file));
    if (!(second instanceof WalIndexHeaderError)) return second;
    if (!(await recoverLive(file, locks, ctx.openSource))) {
      return { retry: 'the wal-index needs a rebuild and the checkpoint or recover lock is busy' };
    }
    const rebuilt = decodeRegion(await readRegion(file));
    if (rebuilt instanceof WalIndexHeaderError) throw rebuilt;
    return rebuilt;
  } finally {
    if (ownWriteLock) await locks.unlock('write');
  }
}

/** Decodes the header, returning (not throwing) the errors that call for a retry or a rebuild. */
function decodeRegion(region: Uint8Array): { header: WalIndexHeader; raw: Uint8Array } | WalIndexHeaderError {
  try {
    return { header: decodeWalIndexHeader(region), raw: region.slice(0, WAL_INDEX_HEADER_BYTES) };
  } catch (error) {
    if (error instanceof WalIndexHeaderError && error.code !== 'ERR_WAL_INDEX_VERSION') return error;
    throw error;
  }
}

/** The first 136 bytes of the `-shm` (zeros past its end, as a fresh mapping would show). @internal */
export async function readRegion(file: VfsFile): Promise<Uint8Array> {
  const region = new Uint8Array(WAL_INDEX_HEADER_REGION_BYTES);
  await file.read(region, 0);
  return region;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function pause(microseconds: number): Promise<void> {
  return new Promise((resolve) => {
    if (microseconds < 1000) setImmediate(resolve);
    else setTimeout(resolve, Math.round(microseconds / 1000));
  });
}
