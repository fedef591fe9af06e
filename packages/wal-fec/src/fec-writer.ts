import { sharedHashes, type Hashes } from '@litewal/checksum';
import type { Vfs, VfsFile } from '@litewal/vfs';
import type { CodecName, ErasureCodec } from './codec.js';
import { DEFAULT_REPAIR_SYMBOLS, MAX_REPAIR_SYMBOLS, SIDECAR_HEADER_BYTES } from './format.js';
import { codecByName } from './codecs.js';
import { readSidecarFile } from './read-sidecar.js';
import { encodeGroupRecord, encodeSidecarHeader } from './sidecar-format.js';

/**
 * One durable WAL frame handed to {@link FecWriter.protect}.
 * @public
 */
export interface CommittedFrame {
  /** Frame number in the WAL (1-based). */
  readonly frame: number;
  /** The frame header's page number. */
  readonly pageNumber: number;
  /** The frame header's commit size (database size in pages on the commit frame, else 0). */
  readonly commitSize: number;
  /** The page image, exactly page-size bytes. */
  readonly page: Uint8Array;
}

/**
 * Consecutive committed frames of one WAL generation: one transaction, or several in a row.
 * @public
 */
export interface CommittedGroup {
  /** The WAL header's salt-1. */
  readonly salt1: number;
  /** The WAL header's salt-2. */
  readonly salt2: number;
  /** The WAL's page size. */
  readonly pageSize: number;
  /** The frames, consecutive, in frame order; the last one is a commit frame. */
  readonly frames: readonly CommittedFrame[];
}

/**
 * Options of {@link FecWriter.open} and `protectWal`.
 * @public
 */
export interface FecWriterOptions {
  /**
   * R, repair symbols per protection group, 1..255.
   * @defaultValue 2
   */
  readonly repairSymbols?: number;
  /**
   * The erasure code: a name or a codec object.
   * @defaultValue `'raptorq'`
   */
  readonly codec?: CodecName | ErasureCodec;
  /**
   * Loaded hash functions, to share one instance.
   * @defaultValue the process-wide `sharedHashes()` of `@litewal/checksum`
   */
  readonly hashes?: Hashes;
}

/**
 * What {@link FecWriter.protect} appended.
 * @public
 */
export interface ProtectResult {
  /** Protection groups (records) appended. */
  readonly groups: number;
  /** Bytes appended to the sidecar. */
  readonly bytes: number;
}

/**
 * Appends protection records to a `-wal-fec` sidecar as WAL transactions commit.
 *
 * @remarks Call {@link FecWriter.protect} after the frames are durable in the WAL (after its
 * sync); it may run off the commit's critical path: calls are queued and applied in order, each
 * batch as one append made durable with two `fdatasync`s (the batch with a zero length prefix, then
 * the prefix), so a crash at any point leaves a sidecar whose torn tail is ignored. A commit group larger than the codec's
 * limit is split into several protection groups. The first group of a new WAL generation (other
 * salts) truncates the sidecar to its header first: records of a reset WAL protect nothing. After a
 * failed append every later call rejects with that error; open a new writer, which overwrites the
 * torn tail.
 * @example
 * ```ts
 * const writer = await FecWriter.open(new NodeVfs(), 'app.db-wal-fec', { codec: 'reed-solomon' });
 * await writer.protect([{ salt1, salt2, pageSize: 4096, frames }]); // after the WAL's fsync
 * await writer.close();
 * ```
 * @public
 */
export class FecWriter {
  readonly #file: VfsFile;
  readonly #hashes: Hashes;
  readonly #codec: ErasureCodec;
  readonly #repairSymbols: number;
  #end: number;
  #salts: readonly [number, number] | null;
  #lastFrame: number;
  #queue: Promise<unknown> = Promise.resolve();
  #failure: unknown = undefined;

  private constructor(file: VfsFile, hashes: Hashes, codec: ErasureCodec, repairSymbols: number, end: number, salts: readonly [number, number] | null, lastFrame: number) {
    this.#file = file;
    this.#hashes = hashes;
    this.#codec = codec;
    this.#repairSymbols = repairSymbols;
    this.#end = end;
    this.#salts = salts;
    this.#lastFrame = lastFrame;
  }

  /**
   * Opens (or creates) a sidecar for appending; a torn tail is cut off.
   *
   * @param vfs - the file system
   * @param path - the sidecar, `<db>-wal-fec`
   * @param options - repair symbols and codec of the records this writer appends
   * @throws RangeError for repair symbols outside 1..255; {@link SidecarMagicError},
   * {@link SidecarChecksumError} or {@link SidecarLimitError} for a damaged sidecar (nothing is changed)
   */
  static async open(vfs: Vfs, path: string, options: FecWriterOptions = {}): Promise<FecWriter> {
    const repairSymbols = options.repairSymbols ?? DEFAULT_REPAIR_SYMBOLS;
    if (!Number.isInteger(repairSymbols) || repairSymbols < 1 || repairSymbols > MAX_REPAIR_SYMBOLS) {
      throw new RangeError(`repair symbols must be an integer from 1 to ${MAX_REPAIR_SYMBOLS}, got ${repairSymbols}`);
    }
    const codec = typeof options.codec === 'object' ? options.codec : codecByName(options.codec ?? 'raptorq');
    const hashes = options.hashes ?? (await sharedHashes());
    const file = await vfs.open(path, { create: true });
    try {
      const contents = await readSidecarFile(file, hashes);
      let end = contents.validBytes;
      if (end < contents.fileBytes) await file.truncate(end);
      if (end === 0) {
        await file.write(encodeSidecarHeader(hashes), 0);
        await file.sync('data');
        end = SIDECAR_HEADER_BYTES;
      }
      const last = contents.groups.at(-1);
      const salts = last === undefined ? null : ([last.salt1, last.salt2] as const);
      return new FecWriter(file, hashes, codec, repairSymbols, end, salts, last?.lastFrame ?? 0);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** The last frame protected in the current WAL generation (0 when none). */
  get lastProtectedFrame(): number {
    return this.#lastFrame;
  }

  /** Salt-1 and salt-2 of the generation the last record belongs to; null for an empty sidecar. */
  get salts(): readonly [number, number] | null {
    return this.#salts;
  }

  /**
   * Hashes and encodes the groups and appends their records (one batch, two `fdatasync`s).
   *
   * @param groups - committed groups, in frame order, each starting after the last protected frame
   * of its generation
   * @returns the records and bytes appended
   * @throws RangeError for frames that are not consecutive, overlap what is protected, or have the
   * wrong page length; the VFS's error when the append or sync fails
   */
  protect(groups: readonly CommittedGroup[]): Promise<ProtectResult> {
    const run = this.#queue.then(() => this.#append(groups));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for every queued {@link FecWriter.protect}; resolves even if some failed. */
  async flush(): Promise<void> {
    await this.#queue;
  }

  /** Waits for queued work, then closes the sidecar. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#file.close();
  }

  async #append(groups: readonly CommittedGroup[]): Promise<ProtectResult> {
    if (this.#failure !== undefined) throw this.#failure;
    const records: Uint8Array[] = [];
    let salts = this.#salts;
    let lastFrame = this.#lastFrame;
    let restart = false;
    for (const group of groups) {
      if (group.frames.length === 0) continue;
      if (salts === null || salts[0] !== group.salt1 || salts[1] !== group.salt2) {
        if (salts !== null) {
          restart = true; // records of the old generation, this batch's included, protect nothing now
          records.length = 0;
        }
        salts = [group.salt1, group.salt2];
        lastFrame = 0;
      }
      checkFrames(group, lastFrame);
      const max = this.#codec.maxSourceSymbols(this.#repairSymbols);
      for (let from = 0; from < group.frames.length; from += max) {
        const frames = group.frames.slice(from, from + max);
        const pages = frames.map((f) => f.page);
        const repair = this.#codec.encode(pages, this.#repairSymbols);
        records.push(
          encodeGroupRecord(
            {
              codec: this.#codec.name,
              repairSymbols: this.#repairSymbols,
              salt1: group.salt1,
              salt2: group.salt2,
              firstFrame: (frames[0] as CommittedFrame).frame,
              lastFrame: (frames.at(-1) as CommittedFrame).frame,
              pageSize: group.pageSize,
              parameter: repair.parameter,
              frames: frames.map((f) => ({ pageNumber: f.pageNumber, commitSize: f.commitSize, hash: this.#hashes.xxh3_128(f.page) })),
            },
            repair.symbols,
            this.#hashes,
          ),
        );
      }
      lastFrame = (group.frames.at(-1) as CommittedFrame).frame;
    }
    const bytes = Buffer.concat(records);
    try {
      const at = restart ? SIDECAR_HEADER_BYTES : this.#end;
      if (restart) await this.#file.truncate(at);
      if (bytes.length > 0) {
        // Two steps, so that a crash anywhere leaves a readable sidecar: the batch with a zero
        // length prefix (read as a torn tail: everything from it on is ignored), a sync, then the
        // real 4-byte prefix and a second sync.
        const prefix = Uint8Array.prototype.slice.call(bytes, 0, 4); // a copy (Buffer#slice is a view)
        bytes.fill(0, 0, 4);
        await this.#file.write(bytes, at);
        await this.#file.sync('data');
        await this.#file.write(prefix, at);
        await this.#file.sync('data');
      }
      this.#end = at + bytes.length;
    } catch (error) {
      this.#failure = error;
      throw error;
    }
    this.#salts = salts;
    this.#lastFrame = lastFrame;
    return { groups: records.length, bytes: bytes.length };
  }
}

function checkFrames(group: CommittedGroup, lastProtected: number): void {
  group.frames.forEach((f, i) => {
    const expected = i === 0 ? f.frame : (group.frames[0] as CommittedFrame).frame + i;
    if (!Number.isInteger(f.frame) || f.frame < 1 || f.frame !== expected) {
      throw new RangeError(`frames must be consecutive from 1 up, got frame ${f.frame} where ${expected} was expected`);
    }
    if (f.page.length !== group.pageSize) throw new RangeError(`frame ${f.frame}: page of ${f.page.length} bytes, expected ${group.pageSize}`);
  });
  const first = (group.frames[0] as CommittedFrame).frame;
  if (first <= lastProtected) {
    throw new RangeError(`frame ${first} is already protected (frames up to ${lastProtected} of this WAL generation are)`);
  }
}
