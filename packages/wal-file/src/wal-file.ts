import { endianness } from 'node:os';
import {
  WAL_FRAME_HEADER_BYTES,
  WAL_HEADER_BYTES,
  decodeFrameHeader,
  decodeWalHeader,
  encodeWalHeader,
  isValidPageSize,
  sealFrames,
  type ByteOrder,
  type ChecksumPair,
  type FrameHeader,
  type WalHeader,
} from '@litewal/checksum';
import type { SyncMode, SyncOptions, Vfs, VfsFile } from '@litewal/vfs';
import { FrameRangeError, StaleAppendWindowError, WalFileError } from './errors.js';
import { MAX_WAL_FRAMES, frameBytes, frameOffset } from './format.js';
import { FramePages } from './internal/frame-pages.js';
import { randomU32 } from './internal/random-u32.js';
import {
  serialiseFrames,
  type MutablePreparedFrames,
  type PageWrite,
  type PreparedFrames,
  type TransactionFrames,
  type WalGeneration,
} from './prepared-frames.js';
import { DEFAULT_READ_CHUNK_BYTES, recoverWal, type RecoveredState, type RecoveryOptions, type WalRecovery } from './recovery.js';
import { scanFrames } from './internal/scan-frames.js';

/**
 * The byte order of the machine, which SQLite uses for the checksums of every WAL it starts.
 * @public
 */
export const NATIVE_BYTE_ORDER: ByteOrder = endianness() === 'LE' ? 'little' : 'big';

/**
 * Options of {@link WalFile.create}.
 * @public
 */
export interface CreateWalOptions {
  /** Page size in bytes: a power of two from 512 to 65536. */
  readonly pageSize: number;
  /** Checksum word order. @defaultValue {@link NATIVE_BYTE_ORDER} */
  readonly byteOrder?: ByteOrder;
  /** Checkpoint sequence of the header. @defaultValue 0 */
  readonly checkpointSequence?: number;
  /** Salt-1. @defaultValue a random u32 */
  readonly salt1?: number;
  /** Salt-2. @defaultValue a random u32 */
  readonly salt2?: number;
  /** Replace an existing file instead of failing. @defaultValue false */
  readonly overwrite?: boolean;
}

/**
 * Options of {@link WalFile.open}.
 * @public
 */
export interface OpenWalOptions extends RecoveryOptions {
  /** Open without any write: appends, syncs and resets are refused. @defaultValue false */
  readonly readOnly?: boolean;
  /** Page size to use when the file has no valid header (it is then treated as empty, as SQLite does). */
  readonly pageSize?: number;
  /** Checksum word order of headers this handle writes when it starts frame 1. @defaultValue {@link NATIVE_BYTE_ORDER} */
  readonly byteOrder?: ByteOrder;
  /** Sync the new header before frame 1's batch is written, as SQLite does unless synchronous=OFF. @defaultValue true */
  readonly syncHeader?: boolean;
}

/**
 * What {@link WalFile.appendPrepared} wrote.
 * @public
 */
export interface AppendResult {
  /** First frame written. */
  readonly firstFrame: number;
  /** Last frame written. */
  readonly lastFrame: number;
  /** Whether the batch ended with a commit frame (it is then part of the committed log). */
  readonly committed: boolean;
  /** Running checksum after the last frame. */
  readonly checksum: ChecksumPair;
}

/**
 * A frame read back from the log.
 * @public
 */
export interface WalFrame {
  /** Its 24-byte header, decoded. */
  readonly header: FrameHeader;
  /** The page image. */
  readonly page: Uint8Array;
}

interface NextGeneration {
  readonly generation: WalGeneration;
  readonly byteOrder: ByteOrder;
}

/**
 * A SQLite WAL file: recovered exactly as SQLite does, appended to in SQLite's format.
 *
 * @remarks
 * Frames `1..committed` form the committed log (SQLite's mxFrame). Frames after it, up to
 * `lastFrame`, belong to a transaction still being written; they become committed when a batch
 * ending in a commit frame is appended, and are dropped by {@link WalFile.rollback} or on reopen.
 * The next batch always goes at `lastFrame + 1`, overwriting whatever stale bytes are there, as
 * SQLite's writer does. Not safe for concurrent appends from one process: serialise them (the
 * group-commit package does); a second concurrent append is refused with `ERR_WAL_FILE_BUSY`.
 *
 * Fault guarantees: a failure while preparing or finalising changes nothing; a failed write leaves
 * every counter where it was (the bytes on disk past the committed log are then untrusted and
 * are re-validated by recovery); a failed {@link WalFile.sync} leaves `syncedFrames` unchanged, so
 * the batch must not be reported durable.
 * @public
 */
export class WalFile {
  readonly #file: VfsFile;
  readonly #readOnly: boolean;
  readonly #syncHeader: boolean;
  readonly #readChunkBytes: number;
  #framePages: FramePages;
  #recovery: WalRecovery;
  #pageSize: number;
  #header: WalHeader | null;
  #byteOrder: ByteOrder;
  #next: NextGeneration | null;
  #writeByteOrder: ByteOrder;
  #committed: number;
  #lastFrame: number;
  #dbSizePages: number;
  #committedChecksum: ChecksumPair;
  #lastChecksum: ChecksumPair;
  #syncedFrames: number;
  #busy = false;
  #closed = false;

  private constructor(
    file: VfsFile,
    init: {
      readOnly: boolean;
      syncHeader: boolean;
      pageSize: number;
      header: WalHeader | null;
      next: NextGeneration | null;
      writeByteOrder: ByteOrder;
      recovery: WalRecovery;
      framePages: FramePages;
      committedChecksum: ChecksumPair;
      readChunkBytes: number;
    },
  ) {
    this.#readChunkBytes = init.readChunkBytes;
    this.#file = file;
    this.#readOnly = init.readOnly;
    this.#syncHeader = init.syncHeader;
    this.#pageSize = init.pageSize;
    this.#header = init.header;
    this.#byteOrder = init.header?.byteOrder ?? init.writeByteOrder;
    this.#next = init.next;
    this.#writeByteOrder = init.writeByteOrder;
    this.#recovery = init.recovery;
    this.#framePages = init.framePages;
    this.#committed = init.recovery.committed;
    this.#lastFrame = init.recovery.committed;
    this.#dbSizePages = init.recovery.dbSizePages;
    this.#committedChecksum = init.committedChecksum;
    this.#lastChecksum = init.committedChecksum;
    this.#syncedFrames = init.recovery.committed;
  }

  /**
   * Creates a new WAL file holding only its 32-byte header (not synced).
   * @throws `VfsError` from the vfs (for example when the file exists and `overwrite` is not set).
   * @throws RangeError for an invalid page size, sequence or salt.
   */
  static async create(vfs: Vfs, path: string, options: CreateWalOptions): Promise<WalFile> {
    const { pageSize } = options;
    if (!isValidPageSize(pageSize)) throw new RangeError(`page size ${pageSize} is not a power of two in 512..65536`);
    const byteOrder = options.byteOrder ?? NATIVE_BYTE_ORDER;
    const generation: WalGeneration = {
      checkpointSequence: checkU32('checkpoint sequence', options.checkpointSequence ?? 0),
      salt1: checkU32('salt-1', options.salt1 ?? randomU32()),
      salt2: checkU32('salt-2', options.salt2 ?? randomU32()),
    };
    const file = await vfs.open(path, { create: true, exclusive: options.overwrite !== true });
    try {
      const headerBytes = encodeWalHeader({ byteOrder, pageSize, ...generation });
      await file.truncate(0);
      await file.write(headerBytes, 0);
      const header = decodeWalHeader(headerBytes);
      return new WalFile(file, {
        readOnly: false,
        syncHeader: true,
        pageSize,
        header,
        next: { generation, byteOrder },
        writeByteOrder: byteOrder,
        recovery: {
          bytes: WAL_HEADER_BYTES,
          header,
          headerError: null,
          headerErrorCode: null,
          chained: 0,
          committed: 0,
          commits: 0,
          dbSizePages: 0,
          stop: { frame: 1, reason: 'end-of-file' },
        },
        framePages: new FramePages(),
        committedChecksum: { s1: header.checksum1, s2: header.checksum2 },
        readChunkBytes: DEFAULT_READ_CHUNK_BYTES,
      });
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /**
   * Opens a WAL and recovers its valid prefix exactly as SQLite does (see {@link WalRecovery}).
   * A missing file is created empty unless `readOnly` is set.
   * @throws `VfsError` from the vfs (for example when a read-only open finds no file).
   */
  static async open(vfs: Vfs, path: string, options: OpenWalOptions = {}): Promise<WalFile> {
    const readOnly = options.readOnly === true;
    const file = await vfs.open(path, { create: !readOnly, readOnly });
    try {
      const state = await recoverWal(file, options);
      if (!readOnly && state.recovery.headerErrorCode === 'ERR_CHECKSUM_BAD_VERSION') {
        throw new WalFileError(
          'ERR_WAL_FILE_VERSION',
          `${path}: ${state.recovery.headerError}; SQLite refuses to open such a database, so litewal will not write over it`,
        );
      }
      const header = state.recovery.header;
      const pageSize = header?.pageSize ?? options.pageSize ?? 0;
      if (header === null && options.pageSize !== undefined && !isValidPageSize(options.pageSize)) {
        throw new RangeError(`page size ${options.pageSize} is not a power of two in 512..65536`);
      }
      return new WalFile(file, {
        readOnly,
        syncHeader: options.syncHeader ?? true,
        pageSize,
        header,
        next: null,
        writeByteOrder: options.byteOrder ?? NATIVE_BYTE_ORDER,
        recovery: state.recovery,
        framePages: state.framePages,
        committedChecksum: state.committedChecksum,
        readChunkBytes: options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES,
      });
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Path of the file. */
  get path(): string {
    return this.#file.path;
  }

  /** Page size in bytes (0 when the file has no header and none was given). */
  get pageSize(): number {
    return this.#pageSize;
  }

  /** Checksum word order of the current generation. */
  get byteOrder(): ByteOrder {
    return this.#byteOrder;
  }

  /** The header on disk for the current generation, or null when there is none yet. */
  get header(): WalHeader | null {
    return this.#header;
  }

  /** What the scan at open found (kept as it was: later appends do not change it). */
  get recovery(): WalRecovery {
    return this.#recovery;
  }

  /** The last committed frame (SQLite's mxFrame). */
  get committedFrames(): number {
    return this.#committed;
  }

  /** The last frame written, committed or not. */
  get lastFrame(): number {
    return this.#lastFrame;
  }

  /** Frames known durable: the value of `lastFrame` at the last successful sync. */
  get syncedFrames(): number {
    return this.#syncedFrames;
  }

  /** Database size in pages after the last commit (0 when nothing is committed). */
  get dbSizePages(): number {
    return this.#dbSizePages;
  }

  /** Running checksum after frame `committedFrames` (what SQLite's wal-index keeps as aFrameCksum). */
  get committedChecksum(): ChecksumPair {
    return this.#committedChecksum;
  }

  /** Running checksum after frame `lastFrame` (the seed of the next frame). */
  get checksum(): ChecksumPair {
    return this.#lastChecksum;
  }

  /**
   * Generation of the frames the next batch belongs to: the current header's, or the pending
   * one after {@link WalFile.reset}.
   */
  get generation(): WalGeneration {
    if (this.#next !== null) return this.#next.generation;
    const h = this.#header;
    return h === null
      ? { checkpointSequence: 0, salt1: 0, salt2: 0 }
      : { checkpointSequence: h.checkpointSequence, salt1: h.salt1, salt2: h.salt2 };
  }

  /** Number of distinct pages in the committed log. */
  distinctPages(): number {
    return this.#framePages.distinctPages(this.#committed);
  }

  /**
   * Frames whose page numbers are known: `lastFrame`, or right after open the larger `chained`
   * count, since SQLite's recovery also indexes a valid uncommitted tail (the next append drops it).
   */
  get validFrames(): number {
    return this.#framePages.length;
  }

  /** Page number held by `frame` (1..validFrames). @throws {@link FrameRangeError} */
  pageOf(frame: number): number {
    if (!Number.isInteger(frame) || frame < 1 || frame > this.#framePages.length) {
      throw new FrameRangeError(frame, this.#framePages.length);
    }
    return this.#framePages.pageOf(frame);
  }

  /**
   * The latest frame holding `pageNumber` within `[minFrame, maxFrame]`, or 0 when none does.
   * @param maxFrame - snapshot limit. @defaultValue `committedFrames`
   * @param minFrame - lowest frame to consider (nBackfill + 1 for a checkpointed log). @defaultValue 1
   */
  findFrame(pageNumber: number, maxFrame: number = this.#committed, minFrame = 1): number {
    return this.#framePages.latest(pageNumber, minFrame, Math.min(maxFrame, this.#lastFrame));
  }

  /**
   * Reads frame `frame` (1..lastFrame). Checksums are not re-verified (recovery did that).
   * @param into - optional buffer of at least one frame to read into (the page is a view of it).
   * @throws {@link FrameRangeError} when the frame does not exist.
   */
  async readFrame(frame: number, into?: Uint8Array): Promise<WalFrame> {
    this.#checkOpen();
    this.#checkFrame(frame);
    const size = frameBytes(this.#pageSize);
    if (into !== undefined && into.length < size) {
      throw new RangeError(`read buffer is ${into.length} bytes, a frame needs ${size}`);
    }
    const buffer = into === undefined ? new Uint8Array(size) : into.subarray(0, size);
    const n = await this.#file.read(buffer, frameOffset(frame, this.#pageSize));
    if (n < size) {
      throw new WalFileError('ERR_WAL_FILE_SHORT_READ', `frame ${frame}: read ${n} of ${size} bytes`);
    }
    return { header: decodeFrameHeader(buffer, 0), page: buffer.subarray(WAL_FRAME_HEADER_BYTES) };
  }

  /**
   * The image of page `pageNumber` as of frame `maxFrame`, or null when the log has no frame of it.
   * @param maxFrame - snapshot limit. @defaultValue `committedFrames`
   */
  async readPage(pageNumber: number, maxFrame: number = this.#committed): Promise<Uint8Array | null> {
    const frame = this.findFrame(pageNumber, maxFrame);
    return frame === 0 ? null : (await this.readFrame(frame)).page;
  }

  /**
   * Step 1 of an append: serialises page images into frames for the position `lastFrame + 1`.
   * Pure: the file and every counter stay as they are, whatever fails.
   * @param commitSize - database size in pages after this batch when it commits; 0 when it does not.
   * @throws {@link PageSizeMismatchError}, `ERR_WAL_FILE_PAGE_NUMBER`, `ERR_WAL_FILE_FULL`.
   */
  prepare(pages: readonly PageWrite[], commitSize = 0): PreparedFrames {
    return this.prepareTransactions([{ pages, commitSize }]);
  }

  /**
   * Step 1 for several transactions at once (a commit group): their frames go out in one write,
   * each transaction ending in its own commit frame. Only a batch of one transaction may leave its
   * frames uncommitted (commit size 0).
   * @throws {@link PageSizeMismatchError}, `ERR_WAL_FILE_PAGE_NUMBER`, `ERR_WAL_FILE_FULL`;
   * RangeError for an empty batch or an uncommitted transaction among several.
   * @param options - `buffer`: serialise into the start of this array when it is large enough
   * (the prepared frames then share it: it must not be changed until they are appended).
   */
  prepareTransactions(transactions: readonly TransactionFrames[], options: { readonly buffer?: Uint8Array<ArrayBuffer> } = {}): PreparedFrames {
    this.#checkWritable();
    if (this.#pageSize === 0) {
      throw new WalFileError('ERR_WAL_FILE_PAGE_SIZE', 'the WAL has no header and no page size was given to open()');
    }
    const bytes = serialiseFrames(transactions, this.#pageSize, options.buffer);
    const count = bytes.length / frameBytes(this.#pageSize);
    if (this.#lastFrame + count > MAX_WAL_FRAMES) {
      throw new WalFileError('ERR_WAL_FILE_FULL', `${count} frames after frame ${this.#lastFrame} pass the limit of ${MAX_WAL_FRAMES}`);
    }
    const startFrame = this.#lastFrame + 1;
    const prepared: MutablePreparedFrames = {
      bytes,
      count,
      startFrame,
      commitSize: (transactions[transactions.length - 1] as TransactionFrames).commitSize,
      generation: startFrame === 1 ? this.#startGeneration().generation : this.generation,
      finalChecksum: null,
    };
    return prepared;
  }

  /**
   * Step 2: checks that a prepared batch still fits where it was prepared for: same generation, the
   * same next frame, and on disk a header of that generation and no shrinking. Reads the header.
   */
  async isWindowCurrent(prepared: PreparedFrames): Promise<boolean> {
    return (await this.#staleReason(prepared)) === null;
  }

  /**
   * Step 3: stamps salts and computes the chained checksums of a prepared batch, starting from the
   * running checksum. Touches no file and no counter.
   * @throws {@link StaleAppendWindowError} when the batch no longer starts at `lastFrame + 1`.
   */
  finalize(prepared: PreparedFrames): ChecksumPair {
    this.#checkPosition(prepared);
    const { generation } = prepared;
    const byteOrder = prepared.startFrame === 1 ? this.#startGeneration().byteOrder : this.#byteOrder;
    const seed = prepared.startFrame === 1 ? this.#headerChecksum(generation, byteOrder) : this.#lastChecksum;
    const checksum = sealFrames(
      prepared.bytes,
      0,
      prepared.count,
      this.#pageSize,
      byteOrder,
      generation.salt1,
      generation.salt2,
      seed,
    );
    (prepared as MutablePreparedFrames).finalChecksum = checksum;
    return checksum;
  }

  /**
   * Step 4: writes a finalised batch with one contiguous write (preceded, for frame 1, by the new
   * header and its sync), then advances the counters. On a failed write nothing advances.
   * @throws {@link StaleAppendWindowError}, `VfsError` from the write.
   */
  async appendPrepared(prepared: PreparedFrames): Promise<AppendResult> {
    this.#checkPosition(prepared);
    const checksum = prepared.finalChecksum;
    if (checksum === null) throw new RangeError('the batch must be finalised before it is appended');
    this.#enter();
    try {
      let header = this.#header;
      let byteOrder = this.#byteOrder;
      if (prepared.startFrame === 1) {
        const start = this.#startGeneration();
        const headerBytes = encodeWalHeader({ byteOrder: start.byteOrder, pageSize: this.#pageSize, ...start.generation });
        await this.#file.write(headerBytes, 0);
        if (this.#syncHeader) await this.#file.sync('data');
        header = decodeWalHeader(headerBytes);
        byteOrder = start.byteOrder;
      }
      await this.#file.write(prepared.bytes, frameOffset(prepared.startFrame, this.#pageSize));
      // Only now, with every byte written, does the state move.
      if (prepared.startFrame === 1) {
        this.#header = header;
        this.#byteOrder = byteOrder;
        this.#next = null;
      }
      const size = frameBytes(this.#pageSize);
      const view = new DataView(prepared.bytes.buffer, prepared.bytes.byteOffset, prepared.bytes.byteLength);
      this.#framePages.truncate(this.#lastFrame); // a recovered uncommitted tail is overwritten now
      for (let i = 0; i < prepared.count; i++) this.#framePages.push(view.getUint32(i * size, false));
      this.#lastFrame = prepared.startFrame + prepared.count - 1;
      this.#lastChecksum = checksum;
      if (prepared.commitSize > 0) {
        this.#committed = this.#lastFrame;
        this.#committedChecksum = checksum;
        this.#dbSizePages = prepared.commitSize;
      }
      return { firstFrame: prepared.startFrame, lastFrame: this.#lastFrame, committed: prepared.commitSize > 0, checksum };
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Prepares, checks the window, finalises and appends a batch in one call.
   * @param commitSize - database size in pages after this batch when it commits; 0 when it does not.
   * @throws {@link StaleAppendWindowError} when the file changed under this handle; see the steps for more.
   */
  async append(pages: readonly PageWrite[], commitSize = 0): Promise<AppendResult> {
    return this.#run(this.prepare(pages, commitSize));
  }

  /**
   * Appends several committing transactions with one write (see {@link WalFile.prepareTransactions}).
   * @throws {@link StaleAppendWindowError} when the file changed under this handle; see the steps for more.
   */
  async appendTransactions(transactions: readonly TransactionFrames[]): Promise<AppendResult> {
    return this.#run(this.prepareTransactions(transactions));
  }

  /**
   * Makes every frame written so far durable; on success `syncedFrames` becomes `lastFrame`.
   * @param mode - `data` (fdatasync, as SQLite on Linux) or `full`. @defaultValue `data`
   * @param options - passed to the file's `sync` (`blocking`, see the vfs's `SyncOptions`).
   */
  async sync(mode: SyncMode = 'data', options: SyncOptions = {}): Promise<void> {
    this.#checkWritable();
    const target = this.#lastFrame;
    this.#enter();
    try {
      await this.#file.sync(mode, options);
      this.#syncedFrames = target;
    } finally {
      this.#busy = false;
    }
  }

  /** Drops the frames of an unfinished transaction: `lastFrame` goes back to `committedFrames`. */
  rollback(): void {
    this.#checkWritable();
    this.#framePages.truncate(this.#committed);
    this.#lastFrame = this.#committed;
    this.#lastChecksum = this.#committedChecksum;
    this.#syncedFrames = Math.min(this.#syncedFrames, this.#committed);
  }

  /**
   * Restarts the log as SQLite does after a complete checkpoint: the next batch is written at
   * frame 1 under a new generation (checkpoint sequence + 1, salt-1 + 1, a new random salt-2).
   * The header is written with that batch; old frames stay in the file and fail the salt check.
   * @param options - `truncate: true` also truncates the file to 0 bytes and syncs it, as a
   * TRUNCATE checkpoint does.
   */
  async reset(options: { readonly truncate?: boolean } = {}): Promise<void> {
    this.#checkWritable();
    const current = this.generation;
    const next: NextGeneration = {
      generation: {
        checkpointSequence: (current.checkpointSequence + 1) >>> 0,
        salt1: (current.salt1 + 1) >>> 0,
        salt2: randomU32(),
      },
      byteOrder: this.#writeByteOrder,
    };
    if (options.truncate === true) {
      this.#enter();
      try {
        await this.#file.truncate(0);
        await this.#file.sync('full');
      } finally {
        this.#busy = false;
      }
    }
    this.#next = next;
    this.#framePages.truncate(0);
    this.#committed = 0;
    this.#lastFrame = 0;
    this.#syncedFrames = 0;
    this.#dbSizePages = 0;
  }

  /**
   * Catches up with frames another writer appended since this handle last looked (a SQLite
   * process or another handle, writing under SQLite's WAL write lock): new committed frames of the
   * same generation are validated and absorbed; a reset, truncation or other generation makes it
   * recover the whole file again, as on open.
   * @returns `unchanged`, `appended` (new commits absorbed) or `rebuilt` (recovered from scratch).
   * @throws {@link WalFileError} `ERR_WAL_FILE_UNCOMMITTED` while this handle has uncommitted frames.
   */
  async refresh(): Promise<'unchanged' | 'appended' | 'rebuilt'> {
    this.#checkOpen();
    if (this.#lastFrame !== this.#committed) {
      throw new WalFileError(
        'ERR_WAL_FILE_UNCOMMITTED',
        `frames ${this.#committed + 1}..${this.#lastFrame} are not committed: commit or roll back before refresh()`,
      );
    }
    this.#enter();
    try {
      const bytes = await this.#file.size();
      const appended = await this.#absorbAppended(bytes);
      if (appended !== null) return appended;
      this.#adopt(await recoverWal(this.#file, { readChunkBytes: this.#readChunkBytes }));
      return 'rebuilt';
    } finally {
      this.#busy = false;
    }
  }

  /** Closes the file. Frames not synced may be lost on a crash. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#file.close();
  }

  /** Absorbs committed frames appended after ours in the same generation; null when a full recovery is needed. */
  async #absorbAppended(bytes: number): Promise<'unchanged' | 'appended' | null> {
    const mine = this.#header;
    if (mine === null || this.#next !== null) return null;
    const start = frameOffset(this.#lastFrame + 1, this.#pageSize);
    if (bytes < start) return null;
    const raw = new Uint8Array(WAL_HEADER_BYTES);
    if ((await this.#file.read(raw, 0)) < WAL_HEADER_BYTES) return null;
    let onDisk: WalHeader;
    try {
      onDisk = decodeWalHeader(raw);
    } catch {
      return null;
    }
    if (!sameGeneration(onDisk, mine) || onDisk.pageSize !== mine.pageSize || onDisk.byteOrder !== mine.byteOrder) return null;
    if (bytes < start + frameBytes(this.#pageSize)) return 'unchanged';
    this.#framePages.truncate(this.#lastFrame);
    const result = await scanFrames({
      file: this.#file,
      header: mine,
      bytes,
      fromFrame: this.#lastFrame,
      seed: this.#lastChecksum,
      framePages: this.#framePages,
      readChunkBytes: this.#readChunkBytes,
    });
    this.#framePages.truncate(this.#lastFrame + result.chained);
    if (result.committed === 0) return 'unchanged';
    this.#committed += result.committed;
    this.#lastFrame = this.#committed;
    this.#syncedFrames = this.#committed; // written and synced by their writer, not by this handle
    this.#dbSizePages = result.dbSizePages;
    this.#committedChecksum = result.committedChecksum;
    this.#lastChecksum = result.committedChecksum;
    return 'appended';
  }

  /** Takes over the state of a full recovery. */
  #adopt(state: RecoveredState): void {
    const { recovery } = state;
    this.#recovery = recovery;
    this.#header = recovery.header;
    this.#pageSize = recovery.header?.pageSize ?? this.#pageSize;
    this.#byteOrder = recovery.header?.byteOrder ?? this.#writeByteOrder;
    this.#next = null;
    this.#framePages = state.framePages;
    this.#committed = recovery.committed;
    this.#lastFrame = recovery.committed;
    this.#syncedFrames = recovery.committed;
    this.#dbSizePages = recovery.dbSizePages;
    this.#committedChecksum = state.committedChecksum;
    this.#lastChecksum = state.committedChecksum;
  }

  async #run(prepared: PreparedFrames): Promise<AppendResult> {
    const stale = await this.#staleReason(prepared);
    if (stale !== null) throw new StaleAppendWindowError(stale);
    this.finalize(prepared);
    return this.appendPrepared(prepared);
  }

  /** The generation and byte order that frame 1 is written with (SQLite's rules). */
  #startGeneration(): NextGeneration {
    if (this.#next === null) {
      const h = this.#header;
      // SQLite keeps a valid header's salts when its sequence is not 0, else draws new ones.
      const generation =
        h !== null && h.checkpointSequence !== 0
          ? { checkpointSequence: h.checkpointSequence, salt1: h.salt1, salt2: h.salt2 }
          : { checkpointSequence: h?.checkpointSequence ?? 0, salt1: randomU32(), salt2: randomU32() };
      this.#next = { generation, byteOrder: this.#writeByteOrder };
    }
    return this.#next;
  }

  #headerChecksum(generation: WalGeneration, byteOrder: ByteOrder): ChecksumPair {
    const h = decodeWalHeader(encodeWalHeader({ byteOrder, pageSize: this.#pageSize, ...generation }));
    return { s1: h.checksum1, s2: h.checksum2 };
  }

  async #staleReason(prepared: PreparedFrames): Promise<string | null> {
    if (prepared.startFrame !== this.#lastFrame + 1) {
      return `the batch starts at frame ${prepared.startFrame}, the next frame is ${this.#lastFrame + 1}`;
    }
    if (!sameGeneration(prepared.generation, this.generation)) return 'the generation changed (reset)';
    if (prepared.startFrame === 1) return null; // a new header is written with the batch
    const size = await this.#file.size();
    const needed = frameOffset(prepared.startFrame, this.#pageSize);
    if (size < needed) return `the file is ${size} bytes, frame ${prepared.startFrame} starts at ${needed}`;
    const bytes = new Uint8Array(WAL_HEADER_BYTES);
    const n = await this.#file.read(bytes, 0);
    if (n < WAL_HEADER_BYTES) return `read ${n} of ${WAL_HEADER_BYTES} header bytes`;
    let onDisk: WalHeader;
    try {
      onDisk = decodeWalHeader(bytes);
    } catch (error) {
      return `the header on disk is invalid: ${error instanceof Error ? error.message : String(error)}`;
    }
    return sameGeneration(onDisk, prepared.generation) && onDisk.pageSize === this.#pageSize
      ? null
      : 'the header on disk belongs to another generation';
  }

  #checkPosition(prepared: PreparedFrames): void {
    if (prepared.startFrame !== this.#lastFrame + 1 || !sameGeneration(prepared.generation, this.generation)) {
      throw new StaleAppendWindowError(
        `batch for frame ${prepared.startFrame} (sequence ${prepared.generation.checkpointSequence}), ` +
          `the log is at frame ${this.#lastFrame + 1} (sequence ${this.generation.checkpointSequence})`,
      );
    }
  }

  #checkFrame(frame: number): void {
    if (!Number.isInteger(frame) || frame < 1 || frame > this.#lastFrame) throw new FrameRangeError(frame, this.#lastFrame);
  }

  #checkOpen(): void {
    if (this.#closed) throw new WalFileError('ERR_WAL_FILE_CLOSED', `${this.path} is closed`);
  }

  #checkWritable(): void {
    this.#checkOpen();
    if (this.#readOnly) throw new WalFileError('ERR_WAL_FILE_READ_ONLY', `${this.path} was opened read-only`);
  }

  #enter(): void {
    if (this.#busy) {
      throw new WalFileError('ERR_WAL_FILE_BUSY', 'another write or sync is in progress on this WalFile');
    }
    this.#busy = true;
  }
}

function sameGeneration(a: WalGeneration, b: WalGeneration): boolean {
  return a.checkpointSequence === b.checkpointSequence && a.salt1 === b.salt1 && a.salt2 === b.salt2;
}

function checkU32(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`${what} ${value} is not a u32`);
  return value;
}
