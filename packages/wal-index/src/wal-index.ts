import type { Vfs, VfsFile } from '@litewal/vfs';
import { decodeCheckpointInfo, type CheckpointInfo } from './checkpoint-info.js';
import { Checkpointer, type WalIndexCheckpoint } from './checkpointer.js';
import { BusySnapshotError, ShortWalIndexError, WalIndexBusyError, WalIndexStateError } from './errors.js';
import { WAL_INDEX_HEADER_BYTES, WAL_INDEX_READ_MARK_COUNT, WAL_INDEX_SEGMENT_BYTES } from './format.js';
import { WalIndexSegment, walIndexSegmentOf } from './hash-segment.js';
import { decodeWalIndexHeader, decodeWalIndexHeaderCopy, type WalIndexHeader } from './index-header.js';
import { joinSharedMemory } from './internal/dead-man-switch.js';
import { ShmLocks } from './internal/shm-locks.js';
import { readLock } from './locks.js';
import { publishInto, readSegmentForWrite, type WalIndexCommit } from './publish.js';
import { beginReadTransaction, readRegion, type ReadState, type WalIndexSnapshot } from './reader.js';
import type { ClosableWalIndexSource } from './rebuild.js';

/**
 * Options of {@link WalIndex.open}.
 * @public
 */
export interface WalIndexOptions {
  /**
   * Opens the WAL (`<db>-wal`) with its valid prefix recovered, whenever the wal-index must be
   * rebuilt: on an open that finds no other user, and when a reader finds the header unusable
   * even under the write lock. Called with the write lock held.
   */
  readonly openSource: () => Promise<ClosableWalIndexSource>;
  /**
   * Attempts a read transaction makes before failing with `ERR_WAL_INDEX_PROTOCOL`.
   * @defaultValue 100 (SQLite's limit, about 10 s of pauses in all)
   */
  readonly maxReadAttempts?: number;
}

/**
 * A connection's use of a live `<db>-shm`, following SQLite's protocol so that litewal and
 * SQLite processes can share a database: the dead-man switch at open, READ locks and read marks
 * for snapshots, the WAL_WRITE lock for writers, and SQLite's order of writes when publishing.
 *
 * @remarks Not safe for concurrent calls on one instance: one transaction at a time. Every lock
 * is a byte-range lock through the `VfsFile` (with `NodeVfs`: Linux OFD locks,
 * which conflict with SQLite's POSIX locks). A read transaction starts with
 * {@link WalIndex.beginRead}; a write transaction is entered from it with
 * {@link WalIndex.beginWrite}.
 * @public
 */
export class WalIndex {
  readonly #file: VfsFile;
  readonly #locks: ShmLocks;
  readonly #options: WalIndexOptions;
  readonly #rebuiltOnOpen: boolean;
  readonly #maxReadAttempts: number;
  /** Segments read by this connection's transaction (cleared when it ends or takes the write lock). */
  readonly #segments = new Map<number, WalIndexSegment>();
  #read: ReadState | null = null;
  #writing = false;
  #checkpointing = false;
  #closed = false;

  private constructor(file: VfsFile, locks: ShmLocks, options: WalIndexOptions, rebuiltOnOpen: boolean) {
    this.#file = file;
    this.#locks = locks;
    this.#options = options;
    this.#rebuiltOnOpen = rebuiltOnOpen;
    this.#maxReadAttempts = options.maxReadAttempts ?? 100;
  }

  /**
   * Opens `<dbPath>-shm` as SQLite does. If no other connection holds the dead-man switch, takes
   * it exclusive, empties the file and rebuilds it from the WAL, then holds it shared; if others
   * hold it shared, holds it shared too and trusts the file as it is.
   * @throws {@link WalIndexBusyError} (`dms`) while another connection is initialising the file;
   * `VfsError` from the vfs; errors of `openSource`; RangeError for a bad `maxReadAttempts`.
   */
  static async open(vfs: Vfs, dbPath: string, options: WalIndexOptions): Promise<WalIndex> {
    const attempts = options.maxReadAttempts;
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) {
      throw new RangeError(`maxReadAttempts must be a positive integer, got ${attempts}`);
    }
    const file = await vfs.open(`${dbPath}-shm`, { create: true });
    const locks = new ShmLocks(file);
    try {
      return new WalIndex(file, locks, options, await joinSharedMemory(file, locks, options.openSource));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Path of the `-shm` file. */
  get path(): string {
    return this.#file.path;
  }

  /** Whether {@link WalIndex.open} found no other user and rebuilt the file from the WAL. */
  get rebuiltOnOpen(): boolean {
    return this.#rebuiltOnOpen;
  }

  /** The current read transaction's snapshot, or null outside one. */
  get snapshot(): WalIndexSnapshot | null {
    const read = this.#read;
    return read === null
      ? null
      : { header: read.header, readLock: read.readLock, readMark: read.readMark, minFrame: read.minFrame };
  }

  /** Whether this connection holds the WAL_WRITE lock. */
  get writing(): boolean {
    return this.#writing;
  }

  /**
   * Reads the header as it is now, without locks, checking it as a reader does.
   * @throws the errors of {@link decodeWalIndexHeader}.
   */
  async readHeader(): Promise<WalIndexHeader> {
    this.#checkOpen('readHeader');
    return decodeWalIndexHeader(await readRegion(this.#file));
  }

  /** Reads the checkpoint information (nBackfill, read marks, nBackfillAttempted) as it is now. */
  async readCheckpointInfo(): Promise<CheckpointInfo> {
    this.#checkOpen('readCheckpointInfo');
    return decodeCheckpointInfo(await readRegion(this.#file));
  }

  /**
   * Which READ locks 0..4 are held, by this connection or another: each lock this connection
   * does not hold is taken exclusive for an instant, as a checkpointer does.
   */
  async probeReadLocks(): Promise<readonly boolean[]> {
    this.#checkOpen('probeReadLocks');
    const held: boolean[] = [];
    for (let slot = 0; slot < WAL_INDEX_READ_MARK_COUNT; slot++) {
      const lock = readLock(slot);
      if (this.#locks.mode(lock) !== undefined) {
        held.push(true);
      } else if (await this.#locks.try(lock, 'exclusive')) {
        await this.#locks.unlock(lock);
        held.push(false);
      } else {
        held.push(true);
      }
    }
    return held;
  }

  /**
   * Starts a read transaction as SQLite's walTryBeginRead does: READ(0) when every frame is
   * backfilled; else the largest read mark not above mxFrame, raising a free one to mxFrame when
   * none equals it; then the READ lock shared and a re-check that neither the mark nor the header
   * moved. Rebuilds the wal-index first when its header is unusable.
   * @throws {@link WalIndexProtocolError} after `maxReadAttempts`; {@link WalIndexBusyError}
   * while another connection rebuilds; {@link WalIndexVersionError}; {@link WalIndexStateError}
   * inside a transaction.
   */
  async beginRead(): Promise<WalIndexSnapshot> {
    this.#checkOpen('beginRead');
    if (this.#read !== null) throw new WalIndexStateError('beginRead', 'no read transaction in progress');
    if (this.#checkpointing) throw new WalIndexStateError('beginRead', 'no checkpoint in progress');
    this.#segments.clear();
    this.#read = await beginReadTransaction(this.#context(), this.#maxReadAttempts);
    return this.snapshot as WalIndexSnapshot;
  }

  /**
   * The frame holding the latest version of `pageNumber` in the snapshot, or 0 when the page is
   * to be read from the database file.
   * @throws {@link WalIndexStateError} outside a read transaction; {@link HashProbeError};
   * {@link ShortWalIndexError} when the file lacks a segment the snapshot needs.
   */
  async findFrame(pageNumber: number): Promise<number> {
    const read = this.#requireRead('findFrame');
    const { maxFrame } = read.header;
    if (read.readLock === 0 || maxFrame === 0 || maxFrame < read.minFrame) return 0;
    for (let k = walIndexSegmentOf(maxFrame); k >= walIndexSegmentOf(read.minFrame); k--) {
      const frame = (await this.#segment(k)).findLatest(pageNumber, read.minFrame, maxFrame);
      if (frame !== 0) return frame;
    }
    return 0;
  }

  /** Ends the read transaction, releasing its READ lock. @throws {@link WalIndexStateError} while writing. */
  async endRead(): Promise<void> {
    const read = this.#requireRead('endRead');
    if (this.#writing) throw new WalIndexStateError('endRead', 'the write transaction to be ended first');
    this.#read = null;
    this.#segments.clear();
    await this.#locks.unlock(readLock(read.readLock));
  }

  /**
   * Takes the WAL_WRITE lock for the current read transaction. A snapshot on READ(0) then moves
   * to a WAL read mark, as SQLite's writer does before it appends.
   * @throws {@link WalIndexBusyError} (`write`) when another connection writes;
   * {@link BusySnapshotError} when the header changed since the snapshot (start a new read).
   */
  async beginWrite(): Promise<void> {
    const read = this.#requireRead('beginWrite');
    if (this.#writing) throw new WalIndexStateError('beginWrite', 'no write transaction in progress');
    if (!(await this.#locks.try('write', 'exclusive'))) throw new WalIndexBusyError('write', 'beginning a write');
    try {
      const raw = (await readRegion(this.#file)).subarray(0, WAL_INDEX_HEADER_BYTES);
      if (!raw.every((byte, i) => byte === read.raw[i])) throw new BusySnapshotError(read.header.maxFrame, currentMaxFrame(raw));
      if (read.readLock === 0) {
        await this.#locks.unlock(readLock(0));
        this.#read = null;
        this.#read = await beginReadTransaction(this.#context(), this.#maxReadAttempts, read);
      }
    } catch (error) {
      await this.#locks.unlock('write');
      throw error;
    }
    this.#segments.clear();
    this.#writing = true;
  }

  /**
   * Makes a commit that the caller appended to the WAL visible to every reader, with
   * {@link publishCommit}; the snapshot moves to the new header.
   * @throws {@link WalIndexStateError} without the write lock; as {@link publishCommit}.
   */
  async publish(commit: WalIndexCommit): Promise<WalIndexHeader> {
    const read = this.#requireRead('publish');
    if (!this.#writing) throw new WalIndexStateError('publish', 'the write lock (beginWrite)');
    // Only the write-lock holder changes hash segments, so the ones read since beginWrite stay
    // current as long as this connection's own changes are made to them.
    let published: { readonly header: WalIndexHeader; readonly raw: Uint8Array };
    try {
      published = await publishInto(this.#file, read.header, commit, async (index) => {
        let segment = this.#segments.get(index);
        if (segment === undefined) {
          segment = await readSegmentForWrite(this.#file, index);
          this.#segments.set(index, segment);
        }
        return segment;
      });
    } catch (error) {
      this.#segments.clear(); // a change may have reached the cached bytes and not the file
      throw error;
    }
    this.#read = { ...read, header: published.header, raw: published.raw };
    return published.header;
  }

  /** Releases the WAL_WRITE lock; the read transaction goes on. */
  async endWrite(): Promise<void> {
    if (!this.#writing) throw new WalIndexStateError('endWrite', 'a write transaction');
    this.#writing = false;
    await this.#locks.unlock('write');
  }

  /**
   * Starts a checkpoint on this connection, as SQLite's sqlite3WalCheckpoint does: takes the CKPT
   * lock exclusive, without waiting. Returns null when another connection holds it (SQLite's
   * `SQLITE_BUSY`, for which no busy handler is ever invoked).
   * @remarks The connection's READ and WAL_WRITE locks share one lock owner with the checkpoint's,
   * so a checkpoint needs the connection outside any transaction, and no read transaction can
   * start until {@link WalIndexCheckpoint.end}.
   * @throws {@link WalIndexStateError} inside a read transaction, during another checkpoint, or
   * after close.
   */
  async beginCheckpoint(): Promise<WalIndexCheckpoint | null> {
    this.#checkOpen('beginCheckpoint');
    if (this.#read !== null) throw new WalIndexStateError('beginCheckpoint', 'no read transaction in progress');
    if (this.#checkpointing) throw new WalIndexStateError('beginCheckpoint', 'no checkpoint in progress');
    if (!(await this.#locks.try('checkpoint', 'exclusive'))) return null;
    this.#checkpointing = true;
    return new Checkpointer(this.#context(), () => {
      this.#checkpointing = false;
    });
  }

  /** Closes the file, which releases every lock this connection holds (the dead-man switch too). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#read = null;
    this.#writing = false;
    await this.#file.close();
  }

  #context(): { file: VfsFile; locks: ShmLocks; openSource: WalIndexOptions['openSource'] } {
    return { file: this.#file, locks: this.#locks, openSource: this.#options.openSource };
  }

  async #segment(index: number): Promise<WalIndexSegment> {
    let segment = this.#segments.get(index);
    if (segment === undefined) {
      const bytes = new Uint8Array(WAL_INDEX_SEGMENT_BYTES);
      const n = await this.#file.read(bytes, index * WAL_INDEX_SEGMENT_BYTES);
      if (n < WAL_INDEX_SEGMENT_BYTES) {
        throw new ShortWalIndexError(`wal-index segment ${index}`, (index + 1) * WAL_INDEX_SEGMENT_BYTES, index * WAL_INDEX_SEGMENT_BYTES + n);
      }
      segment = new WalIndexSegment(index, bytes);
      this.#segments.set(index, segment);
    }
    return segment;
  }

  #requireRead(operation: string): ReadState {
    this.#checkOpen(operation);
    if (this.#read === null) throw new WalIndexStateError(operation, 'a read transaction (beginRead)');
    return this.#read;
  }

  #checkOpen(operation: string): void {
    if (this.#closed) throw new WalIndexStateError(operation, 'an open WalIndex');
  }
}

function currentMaxFrame(raw: Uint8Array): number {
  try {
    return decodeWalIndexHeaderCopy(raw).maxFrame;
  } catch {
    return -1;
  }
}
